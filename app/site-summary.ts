import type { Site } from "./load-context";

/** The part of the resolved site that pages may show: never capabilities, never ids of other practices. */
export type SiteSummary =
  | { kind: "landing" }
  | { kind: "support" }
  | { kind: "practice"; name: string; subdomain: string; practiceKind: "veterinary" | "human" };

export function summariseSite(site: Site): SiteSummary {
  if (site.kind === "practice") {
    return { kind: "practice", name: site.practice.name, subdomain: site.practice.subdomain, practiceKind: site.practice.kind };
  }
  return { kind: site.kind };
}
