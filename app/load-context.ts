import type { PracticeScope } from "../db/with-practice.server";
import type { PracticeFiles } from "../server/files/practice-files.server";
import type { ImportRunner } from "../server/imports/import-runner.server";
import type { IpRateLimits } from "../server/auth/platform-rate-limit.server";
import type { SupportAccessDoor } from "../server/auth/support-access.server";
import type { PlatformControl } from "../tenants/platform-control.server";
import type { PlatformKeys } from "../tenants/sealed-secrets.server";
import type { PracticeDirectory } from "../tenants/find-practice.server";
import type { Practice } from "../tenants/practice";

/**
 * What tenant resolution decided about the request's host. Capabilities live on the variant that may use them:
 * only a practice site can reach practice data, and only through its own scope.
 */
export type Site =
  | { kind: "landing"; origin: string; portalDomain: string; directory: PracticeDirectory; practiceOrigin(subdomain: string): string }
  | { kind: "support"; origin: string; control: PlatformControl }
  | { kind: "practice"; origin: string; practice: Practice; withPractice: PracticeScope; supportAccess: SupportAccessDoor };

export type SupportSite = Extract<Site, { kind: "support" }>;

export type PracticeSite = Extract<Site, { kind: "practice" }>;

export type PorticoLoadContext = {
  requestId: string;
  cspNonce: string;
  site: Site;
  /** As resolved by Express (X-Forwarded-For only behind a trusted proxy). */
  visitor: { ip: string | null; userAgent: string | null };
  /**
   * Per-IP limits, counted once for the whole platform in the main database (a practice's own counters may live in
   * a dedicated database): an address refused by one practice is refused by all.
   */
  ipRateLimits: IpRateLimits;
  /** The clock every rule uses: injectable so tests can move time. */
  now: () => Date;
  /**
   * Runs work after the response is on its way, tracked so shutdown waits for it. Used where the response must not
   * depend on the work (the sign-in request answers the same whether or not the email is known). Resolves when the
   * work is admitted to the queue: awaiting it applies backpressure without revealing anything about the work.
   */
  runAfterResponse: (label: string, task: () => Promise<unknown>) => Promise<void>;
  /** Production cookies are Secure and `__Host-` prefixed. */
  secureCookies: boolean;
  /** Seals practice secrets the server must keep but never show again (webhook signing secrets); none without a key. */
  platformKeys: PlatformKeys | undefined;
  /** Stored files (photos, documents): each opened only from its row, read in the practice's own transaction. */
  files: PracticeFiles;
  /** Runs accepted bulk imports in the background (the admin CSV import hands its file over here). */
  imports: ImportRunner;
};

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends PorticoLoadContext {}
}

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends PorticoLoadContext {}
  // Single fetch is on (remix.config.js): loader and action types follow it.
  interface Future {
    v3_singleFetch: true;
  }
}
