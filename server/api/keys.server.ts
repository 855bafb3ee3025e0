import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiScope } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";

/**
 * Practice API keys: `pk_live_<prefix>_<secret>`. The prefix (10 hex digits, 40 bits) is shown in admin and finds
 * the row; the secret (40 hex digits, 160 bits) is shown once and only its SHA-256 is kept. Hex on both sides so
 * the whole key is one word to double-click and never needs escaping.
 */
const KEY_PATTERN = /^pk_live_([0-9a-f]{10})_([0-9a-f]{40})$/;

export type ApiKey = { id: string; name: string; prefix: string; scopes: ApiScope[] };

export type IssuedKey = ApiKey & { secret: string };

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

export function parseApiKey(token: string): { prefix: string; secret: string } | null {
  const match = KEY_PATTERN.exec(token);
  return match ? { prefix: match[1]!, secret: match[2]! } : null;
}

/** A new key in the practice's transaction; the caller shows `secret` once and audits. */
export async function issueApiKey(
  trx: PracticeTransaction,
  options: { practiceId: string; name: string; scopes: ApiScope[]; createdBy: string | null; now: Date; rotatedFrom?: string },
): Promise<IssuedKey> {
  const prefix = randomBytes(5).toString("hex");
  const secret = randomBytes(20).toString("hex");
  const row = await trx
    .insertInto("api_keys")
    .values({
      practice_id: options.practiceId,
      name: options.name,
      prefix,
      secret_hash: sha256(secret),
      scopes: options.scopes,
      created_by: options.createdBy,
      created_at: options.now,
      rotated_from: options.rotatedFrom ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, name: options.name, prefix, scopes: options.scopes, secret: `pk_live_${prefix}_${secret}` };
}

/** `Bearer pk_live_…` with a key of the right shape: anything else is refused before any database work. */
export function bearerKey(authorization: string | undefined): { prefix: string; secret: string } | null {
  const bearer = authorization ? /^Bearer ([^\s]+)$/i.exec(authorization.trim()) : null;
  return bearer ? parseApiKey(bearer[1]!) : null;
}

export type KeyCheck = { ok: true; key: ApiKey } | { ok: false; reason: "missing" | "malformed" | "unknown" | "revoked" | "expired" };

/**
 * Finds the key in the practice's own transaction: row-level security means a key of another practice is simply not
 * there, whatever its secret. Revoked and expired keys fail like unknown ones (the caller answers 401 for all).
 * `last_used_at` is written at most once a minute, so busy keys do not contend on their row.
 */
export async function checkApiKey(trx: PracticeTransaction, authorization: string | undefined, now: Date): Promise<KeyCheck> {
  if (!authorization) return { ok: false, reason: "missing" };
  const parsed = bearerKey(authorization);
  if (!parsed) return { ok: false, reason: "malformed" };
  const row = await trx
    .selectFrom("api_keys")
    .select(["id", "name", "prefix", "scopes", "secret_hash", "revoked_at", "expires_at", "last_used_at"])
    .where("prefix", "=", parsed.prefix)
    .executeTakeFirst();
  if (!row || !timingSafeEqual(row.secret_hash, sha256(parsed.secret))) return { ok: false, reason: "unknown" };
  if (row.revoked_at) return { ok: false, reason: "revoked" };
  if (row.expires_at && row.expires_at <= now) return { ok: false, reason: "expired" };
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await trx.updateTable("api_keys").set({ last_used_at: now }).where("id", "=", row.id).execute();
  }
  return { ok: true, key: { id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes } };
}
