import { sql } from "kysely";
import type { PracticeTransaction } from "../../db/with-practice.server";

export type RateLimit = { bucket: string; limit: number; windowMs: number };

/**
 * Counts one hit in a fixed window and says whether it is within the limit. Counters live in Postgres, so every
 * server instance shares them. Old windows are removed opportunistically by the same statement's caller.
 */
export async function hitRateLimit(trx: PracticeTransaction, practiceId: string, rule: RateLimit, now: Date): Promise<boolean> {
  const windowStart = new Date(Math.floor(now.getTime() / rule.windowMs) * rule.windowMs);
  const { hits } = await trx
    .insertInto("rate_limit_counters")
    .values({ practice_id: practiceId, bucket: rule.bucket, window_start: windowStart, hits: 1 })
    .onConflict((oc) => oc.columns(["practice_id", "bucket", "window_start"]).doUpdateSet({ hits: sql`rate_limit_counters.hits + 1` }))
    .returning("hits")
    .executeTakeFirstOrThrow();
  return hits <= rule.limit;
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
