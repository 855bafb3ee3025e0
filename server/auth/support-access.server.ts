import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { generateToken, hashToken, isWellFormedToken } from "./tokens.server";

/**
 * Break-glass access, on the practice host: a support user arrives with the one-time token the console issued and
 * gets a cookie of its own (not a staff session) that opens this practice's admin, read-only, until the grant
 * expires or is ended. Grants live in the control plane; this runs as the runtime role, which may read them and
 * set only their redemption and end.
 */

export const SUPPORT_ACCESS_MINUTES = 60;

export type SupportVisitor = { grantId: string; supportUserId: string; name: string; email: string; reason: string; expiresAt: Date };

export function supportAccessCookieName(secure: boolean): string {
  return secure ? "__Host-portico_support_access" : "portico_support_access";
}

function cookieValue(cookieHeader: string | null, name: string): string | undefined {
  for (const part of (cookieHeader ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

function cookie(name: string, value: string, options: { secure: boolean; expires: Date }): string {
  return [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Expires=${options.expires.toUTCString()}`, ...(options.secure ? ["Secure"] : [])].join("; ");
}

export type SupportAccessDoor = {
  /** Exchanges the console's one-time token for the access cookie; undefined when the token is unknown, used or expired. */
  redeem(token: string): Promise<{ cookie: string; visitor: SupportVisitor } | undefined>;
  validate(cookieHeader: string | null): Promise<SupportVisitor | undefined>;
  /** Ends the access now; returns the cookie that clears it. */
  end(cookieHeader: string | null): Promise<{ cookie: string; visitor: SupportVisitor | undefined }>;
};

export function supportAccessDoor(db: Kysely<Database>, practiceId: string, options: { secure: boolean; now: () => Date }): SupportAccessDoor {
  const name = supportAccessCookieName(options.secure);
  const find = (sessionKey: string) =>
    db
      .selectFrom("platform.support_access_grants as g")
      .innerJoin("platform.support_users as u", "u.id", "g.support_user_id")
      .select(["g.id", "g.support_user_id", "g.reason", "g.expires_at", "u.name", "u.email"])
      .where("g.session_key", "=", sessionKey)
      .where("g.practice_id", "=", practiceId)
      .where("g.expires_at", ">", options.now())
      .where("g.ended_at", "is", null)
      .where("u.active", "=", true)
      .executeTakeFirst();
  const visitor = (row: NonNullable<Awaited<ReturnType<typeof find>>>): SupportVisitor => ({
    grantId: row.id,
    supportUserId: row.support_user_id,
    name: row.name,
    email: row.email,
    reason: row.reason,
    expiresAt: row.expires_at,
  });
  return {
    async redeem(token) {
      if (!isWellFormedToken(token)) return undefined;
      const secret = generateToken();
      const sessionKey = hashToken(secret).toString("hex");
      const redeemed = await db
        .updateTable("platform.support_access_grants")
        .set({ redeemed_at: options.now(), session_key: sessionKey })
        .where("token_hash", "=", hashToken(token))
        .where("practice_id", "=", practiceId)
        .where("redeemed_at", "is", null)
        .where("ended_at", "is", null)
        .where("expires_at", ">", options.now())
        .returning("id")
        .executeTakeFirst();
      if (!redeemed) return undefined;
      const row = await find(sessionKey);
      if (!row) return undefined;
      return { cookie: cookie(name, secret, { secure: options.secure, expires: row.expires_at }), visitor: visitor(row) };
    },
    async validate(cookieHeader) {
      // Only a request carrying the cookie costs a query: staff and clients never do.
      const secret = cookieValue(cookieHeader, name);
      if (!secret || !isWellFormedToken(secret)) return undefined;
      const row = await find(hashToken(secret).toString("hex"));
      return row ? visitor(row) : undefined;
    },
    async end(cookieHeader) {
      const current = await this.validate(cookieHeader);
      if (current) await db.updateTable("platform.support_access_grants").set({ ended_at: options.now() }).where("id", "=", current.grantId).execute();
      return { cookie: cookie(name, "", { secure: options.secure, expires: new Date(0) }), visitor: current };
    },
  };
}
