import { sql } from "kysely";
import type { PracticeTransaction } from "../../db/with-practice.server";

export type RateLimit = { bucket: string; limit: number; windowMs: number };

/**
 * Counts one hit per rule in its fixed window, in one statement, and says for each rule (in order) whether it is
 * within its limit. Counters live in Postgres, so every server instance shares them.
 */
export async function hitRateLimits(trx: PracticeTransaction, practiceId: string, rules: RateLimit[], now: Date): Promise<boolean[]> {
  const windowOf = (rule: RateLimit) => new Date(Math.floor(now.getTime() / rule.windowMs) * rule.windowMs);
  const rows = await trx
    .insertInto("rate_limit_counters")
    .values(rules.map((rule) => ({ practice_id: practiceId, bucket: rule.bucket, window_start: windowOf(rule), hits: 1 })))
    .onConflict((oc) => oc.columns(["practice_id", "bucket", "window_start"]).doUpdateSet({ hits: sql`rate_limit_counters.hits + 1` }))
    .returning(["bucket", "hits"])
    .execute();
  const hits = new Map(rows.map((row) => [row.bucket, row.hits]));
  return rules.map((rule) => (hits.get(rule.bucket) ?? Infinity) <= rule.limit);
}

export async function pruneRateLimits(trx: PracticeTransaction, olderThan: Date): Promise<void> {
  await trx.deleteFrom("rate_limit_counters").where("window_start", "<", olderThan).execute();
}

const FIFTEEN_MINUTES = 15 * 60_000;

export const SIGN_IN_LIMITS = {
  linkPerEmail: (email: string): RateLimit => ({ bucket: `link-email:${email}`, limit: 5, windowMs: FIFTEEN_MINUTES }),
  linkPerIp: (ip: string): RateLimit => ({ bucket: `link-ip:${ip}`, limit: 30, windowMs: FIFTEEN_MINUTES }),
  redeemPerIp: (ip: string): RateLimit => ({ bucket: `redeem-ip:${ip}`, limit: 30, windowMs: FIFTEEN_MINUTES }),
};
