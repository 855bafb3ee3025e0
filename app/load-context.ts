import type { PracticeScope } from "../db/with-practice.server";
import type { PracticeDirectory } from "../tenants/find-practice.server";
import type { Practice } from "../tenants/practice";

/**
 * What tenant resolution decided about the request's host. Capabilities live on the variant that may use them:
 * only a practice site can reach practice data, and only through its own scope.
 */
export type Site =
  | { kind: "landing"; origin: string; portalDomain: string; directory: PracticeDirectory; practiceOrigin(subdomain: string): string }
  | { kind: "support"; origin: string }
  | { kind: "practice"; origin: string; practice: Practice; withPractice: PracticeScope };

export type PorticoLoadContext = {
  requestId: string;
  cspNonce: string;
  site: Site;
};

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends PorticoLoadContext {}
}

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends PorticoLoadContext {}
}
