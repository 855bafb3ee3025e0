import { isIPv4, isIPv6 } from "node:net";
import { sql } from "kysely";
import type { PracticeTransaction } from "../../db/with-practice.server";

export type RateLimit = { bucket: string; limit: number; windowMs: number };

/** A window that ended this long ago counts for no rule (the longest window is 8 hours). */
export const COUNTERS_KEPT_MS = 24 * 3_600_000;
/** Old counters are cleared on one hit in a hundred rather than on every one: the delete scans a practice's counters. */
const PRUNE_CHANCE = 0.01;

export const pruneNowAndThen = () => Math.random() < PRUNE_CHANCE;

/**
 * Counts one hit per rule in its fixed window, in one statement, and says for each rule (in order) whether it is
 * within its limit. Counters live in Postgres, so every server instance shares them. Now and then the practice's
 * counters of windows long over are deleted, so the table holds about a day of hits whatever the traffic.
 */
export async function hitRateLimits(trx: PracticeTransaction, practiceId: string, rules: RateLimit[], now: Date, prune = pruneNowAndThen()): Promise<boolean[]> {
  if (prune) await trx.deleteFrom("rate_limit_counters").where("practice_id", "=", practiceId).where("window_start", "<", new Date(now.getTime() - COUNTERS_KEPT_MS)).execute();
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

const FIFTEEN_MINUTES = 15 * 60_000;

/** IPv6 clients usually hold a whole /64: count them by it, or each address would get a fresh allowance. */
export function ipBucket(ip: string): string {
  if (!isIPv6(ip)) return ip;
  if (ip.startsWith("::ffff:") && isIPv4(ip.slice(7))) return ip.slice(7);
  const [head = "", tail = ""] = ip.split("::");
  const headParts = head ? head.split(":") : [];
  const tailParts = tail ? tail.split(":") : [];
  const groups = [...headParts, ...Array(Math.max(0, 8 - headParts.length - tailParts.length)).fill("0"), ...tailParts];
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** Per address in the practice's counters (`hitRateLimits`); per IP in the platform's (`hitIpRateLimits`). */
export const SIGN_IN_LIMITS = {
  linkPerEmail: (email: string): RateLimit => ({ bucket: `link-email:${email}`, limit: 5, windowMs: FIFTEEN_MINUTES }),
  linkPerIp: (ip: string): RateLimit => ({ bucket: `link-ip:${ipBucket(ip)}`, limit: 30, windowMs: FIFTEEN_MINUTES }),
  redeemPerIp: (ip: string): RateLimit => ({ bucket: `redeem-ip:${ipBucket(ip)}`, limit: 30, windowMs: FIFTEEN_MINUTES }),
};
