import type { Deployment, PracticeKind, PracticeStatus } from "../db/schema";

/** A resolved practice: what every request on a practice host carries from tenant resolution onwards. */
export type Practice = {
  id: string;
  subdomain: string;
  name: string;
  kind: PracticeKind;
  status: PracticeStatus;
  deployment: Deployment;
  /** Where a dedicated practice's data lives; null for shared practices. */
  placementId: string | null;
  /** How to reach the practice when its portal cannot answer; kept in the registry, not the practice's database. */
  contactPhone: string | null;
  contactEmail: string | null;
};

export const PRACTICE_COLUMNS = ["id", "subdomain", "name", "kind", "status", "deployment", "placement_id as placementId", "contact_phone as contactPhone", "contact_email as contactEmail"] as const;
