import { type Kysely, sql } from "kysely";
import type { Database } from "../../db/schema";
import { COUNTERS_KEPT_MS, pruneNowAndThen, type RateLimit } from "./rate-limit.server";

/** The control plane's own counters (support sign-in), with the same fixed-window rule and pruning as the practices' ones. */
export async function hitPlatformRateLimits(db: Kysely<Database>, rules: RateLimit[], now: Date, prune = pruneNowAndThen()): Promise<boolean[]> {
  if (prune) await db.deleteFrom("platform.rate_limit_counters").where("window_start", "<", new Date(now.getTime() - COUNTERS_KEPT_MS)).execute();
  const windowOf = (rule: RateLimit) => new Date(Math.floor(now.getTime() / rule.windowMs) * rule.windowMs);
  const rows = await db
    .insertInto("platform.rate_limit_counters")
    .values(rules.map((rule) => ({ bucket: rule.bucket, window_start: windowOf(rule), hits: 1 })))
    .onConflict((oc) => oc.columns(["bucket", "window_start"]).doUpdateSet({ hits: sql`platform.rate_limit_counters.hits + 1` }))
    .returning(["bucket", "hits"])
    .execute();
  const hits = new Map(rows.map((row) => [row.bucket, row.hits]));
  return rules.map((rule) => (hits.get(rule.bucket) ?? Infinity) <= rule.limit);
}
