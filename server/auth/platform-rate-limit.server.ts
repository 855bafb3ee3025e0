import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/schema";
import { COUNTERS_KEPT_MS, pruneNowAndThen, type RateLimit } from "./rate-limit.server";

type PlatformCounterTable = "platform.rate_limit_counters" | "platform.ip_rate_limit_counters";

/** Counters in the control plane, with the same fixed-window rule and pruning as the practices' ones. */
function platformCounter(table: PlatformCounterTable) {
  return async (db: Kysely<Database>, rules: RateLimit[], now: Date, prune = pruneNowAndThen()): Promise<boolean[]> => {
    if (prune) await db.deleteFrom(table).where("window_start", "<", new Date(now.getTime() - COUNTERS_KEPT_MS)).execute();
    const windowOf = (rule: RateLimit) => new Date(Math.floor(now.getTime() / rule.windowMs) * rule.windowMs);
    const rows = await db
      .insertInto(table)
      .values(rules.map((rule) => ({ bucket: rule.bucket, window_start: windowOf(rule), hits: 1 })))
      .onConflict((oc) => oc.columns(["bucket", "window_start"]).doUpdateSet({ hits: sql`${sql.ref(`${table}.hits`)} + 1` }))
      .returning(["bucket", "hits"])
      .execute();
    const hits = new Map(rows.map((row) => [row.bucket, row.hits]));
    return rules.map((rule) => (hits.get(rule.bucket) ?? Infinity) <= rule.limit);
  };
}

/** The support console's own counters (support sign-in), written as the owner role. */
export const hitPlatformRateLimits = platformCounter("platform.rate_limit_counters");

/**
 * Per-IP counters shared by every practice, shared or dedicated: an address is refused everywhere once it has used
 * its allowance anywhere. Written as the runtime role on the main database. Rules per address or per login stay in
 * the practice's own counters (`hitRateLimits`).
 */
export const hitIpRateLimits = platformCounter("platform.ip_rate_limit_counters");

/** What a request may do with the per-IP counters: count its hits, nothing else. */
export type IpRateLimits = (rules: RateLimit[], now: Date) => Promise<boolean[]>;

export function ipRateLimits(db: Kysely<Database>): IpRateLimits {
  return (rules, now) => hitIpRateLimits(db, rules, now);
}
