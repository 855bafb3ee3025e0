import { createHash } from "node:crypto";
import { type Adapter, type DatabaseSession, type DatabaseUser, Lucia, TimeSpan } from "lucia";
import { sql } from "kysely";
import { type AccessLevel, type ClientSessionStage, PROXY_PERMISSIONS, type ProxyPermission } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";

/**
 * The one module that knows how client sessions work (docs/decisions/002-lucia-sessions.md). Lucia generates the
 * session secret and handles the cookie; this adapter stores only a SHA-256 of it, in a table under row-level
 * security, so a session is visible only to the practice that issued it. Sessions last 24 hours from sign-in and are
 * never extended; every validation re-checks that the client may still be signed in.
 */

export const CLIENT_SESSION_HOURS = 24;

export type SignedInClient = {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  sessionExpiresAt: Date;
  /** Read from the client's account on every request, so an upgrade takes effect at once. No account: full. */
  access: AccessLevel;
  stage: ClientSessionStage;
  accountId: string | null;
  /**
   * Whose records the portal shows: the signed-in client's own (every right), or a linked family member's, with the
   * rights staff gave that link. A link that was removed or has ended falls back to the client's own.
   */
  viewing: { clientId: string; name: string; permissions: readonly ProxyPermission[]; self: boolean };
};

export const KIOSK_IDLE_MINUTES = 15;
// Writing last_seen_at on every kiosk request is wasteful; every half minute is precise enough for a 15-minute rule.
const KIOSK_SEEN_PRECISION_MS = 30_000;

type SessionAttributes = { client_email_id: string | null; account_id: string | null; stage: ClientSessionStage; email: string; created_at: Date; ip: string | null; user_agent: string | null };
type ClientAttributes = {
  first_name: string;
  last_name: string;
  email: string;
  access: AccessLevel;
  stage: ClientSessionStage;
  account_id: string | null;
  viewing: SignedInClient["viewing"];
};

/** Sessions are stored under the SHA-256 of their id: a copy of the table signs nobody in. Shared with staff sessions. */
export function sessionKey(sessionId: string): string {
  return createHash("sha256").update(sessionId, "utf8").digest("hex");
}

class ClientSessionAdapter implements Adapter {
  constructor(
    private readonly trx: PracticeTransaction,
    private readonly practiceId: string,
    private readonly now: () => Date,
  ) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = await this.trx
      .selectFrom("client_sessions as s")
      .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "s.practice_id").onRef("c.id", "=", "s.client_id"))
      // Left join: a session whose address has moved to another client is found, refused and deleted.
      .leftJoin("client_emails as e", (join) =>
        join.onRef("e.practice_id", "=", "s.practice_id").onRef("e.id", "=", "s.client_email_id").onRef("e.client_id", "=", "s.client_id"),
      )
      .leftJoin("client_accounts as acc", (join) => join.onRef("acc.practice_id", "=", "s.practice_id").onRef("acc.client_id", "=", "s.client_id"))
      .innerJoin("practice_settings as p", "p.practice_id", "s.practice_id")
      .select(["s.id", "s.client_id", "s.client_email_id", "s.account_id", "s.stage", "s.email", "s.expires_at", "s.created_at", "s.ip", "s.user_agent", "s.last_seen_at", "s.acting_client_id"])
      .select(["c.first_name", "c.last_name", "c.status", "c.portal_blocked", "e.email as current_email", "p.portal_enabled", "acc.id as current_account_id", "acc.login_key", "acc.access_level"])
      .where("s.id", "=", sessionKey(sessionId))
      .executeTakeFirst();
    if (!row) return [null, null];
    const session: DatabaseSession = {
      id: sessionId,
      userId: row.client_id,
      expiresAt: row.expires_at,
      attributes: { client_email_id: row.client_email_id, account_id: row.account_id, stage: row.stage, email: row.email, created_at: row.created_at, ip: row.ip, user_agent: row.user_agent },
    };
    // A magic-link session needs its address still on the client's record; a password session its account, with
    // the same login, still there.
    const now = this.now();
    const kiosk = row.stage === "kiosk";
    const originStillValid = kiosk
      ? now.getTime() - (row.last_seen_at ?? row.created_at).getTime() <= KIOSK_IDLE_MINUTES * 60_000
      : row.account_id
        ? row.current_account_id === row.account_id && row.login_key === row.email.toLowerCase()
        : row.current_email !== null && row.current_email.toLowerCase() === row.email.toLowerCase();
    const stillAllowed = row.expires_at > now && row.portal_enabled && row.status === "active" && !row.portal_blocked && originStillValid;
    // Lucia deletes a session whose user is missing: that is how a revoked session ends, on this very request.
    if (!stillAllowed) return [session, null];
    if (kiosk && now.getTime() - (row.last_seen_at ?? row.created_at).getTime() > KIOSK_SEEN_PRECISION_MS) {
      await this.trx.updateTable("client_sessions").set({ last_seen_at: now }).where("id", "=", row.id).execute();
    }
    const self = { clientId: row.client_id, name: `${row.first_name} ${row.last_name}`, permissions: PROXY_PERMISSIONS, self: true };
    const viewing = row.acting_client_id && row.account_id && row.acting_client_id !== row.client_id ? ((await this.member(row.account_id, row.acting_client_id)) ?? self) : self;
    const attributes: ClientAttributes = { first_name: row.first_name, last_name: row.last_name, email: row.email, access: row.access_level ?? "full", stage: row.stage, account_id: row.account_id, viewing };
    return [session, { id: row.client_id, attributes }];
  }

  /** A family member the account may act for today: linked, not ended, the member's record active and unblocked. */
  private async member(accountId: string, clientId: string): Promise<SignedInClient["viewing"] | undefined> {
    const row = await this.trx
      .selectFrom("client_account_members as m")
      .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "m.practice_id").onRef("c.id", "=", "m.client_id"))
      .select(["m.client_id", "m.permissions", "c.first_name", "c.last_name"])
      .where("m.account_id", "=", accountId)
      .where("m.client_id", "=", clientId)
      // isMemberLinkActive, in SQL: through the end date, in the practice's calendar.
      .where((eb) => eb.or([eb("m.ends_on", "is", null), eb("m.ends_on", ">=", sql<string>`(${this.now()}::timestamptz at time zone (select time_zone from practice_settings))::date`)]))
      .where("c.status", "=", "active")
      .where("c.portal_blocked", "=", false)
      .executeTakeFirst();
    return row ? { clientId: row.client_id, name: `${row.first_name} ${row.last_name}`, permissions: row.permissions, self: false } : undefined;
  }

  async getUserSessions(clientId: string): Promise<DatabaseSession[]> {
    const rows = await this.trx.selectFrom("client_sessions").selectAll().where("client_id", "=", clientId).execute();
    // Stored ids are hashes; the secrets cannot be recovered, and nothing here needs them.
    return rows.map((row) => ({
      id: row.id,
      userId: row.client_id,
      expiresAt: row.expires_at,
      attributes: { client_email_id: row.client_email_id, account_id: row.account_id, stage: row.stage, email: row.email, created_at: row.created_at, ip: row.ip, user_agent: row.user_agent },
    }));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    const attributes = session.attributes as SessionAttributes;
    await this.trx
      .insertInto("client_sessions")
      .values({
        practice_id: this.practiceId,
        id: sessionKey(session.id),
        client_id: session.userId,
        client_email_id: attributes.client_email_id,
        account_id: attributes.account_id,
        stage: attributes.stage,
        email: attributes.email,
        created_at: attributes.created_at,
        expires_at: new Date(attributes.created_at.getTime() + CLIENT_SESSION_HOURS * 3_600_000),
        ip: attributes.ip,
        user_agent: attributes.user_agent,
      })
      .execute();
  }

  // Sessions are absolute: 24 hours from sign-in, never extended.
  async updateSessionExpiration(): Promise<void> {}

  async deleteSession(sessionId: string): Promise<void> {
    await this.trx.deleteFrom("client_sessions").where("id", "=", sessionKey(sessionId)).execute();
  }

  async deleteUserSessions(clientId: string): Promise<void> {
    await this.trx.deleteFrom("client_sessions").where("client_id", "=", clientId).execute();
  }

  async deleteExpiredSessions(): Promise<void> {
    await this.trx.deleteFrom("client_sessions").where("expires_at", "<=", this.now()).execute();
  }
}

// Lucia's attribute types are global; client and staff sessions each narrow them at their own boundary.
declare module "lucia" {
  interface Register {
    DatabaseSessionAttributes: Record<string, unknown>;
    DatabaseUserAttributes: Record<string, unknown>;
  }
}

export type SessionCookieSettings = { secure: boolean };

/** `__Host-` in production: the browser then refuses the cookie unless it is Secure, host-only and Path=/. */
export function clientSessionCookieName(settings: SessionCookieSettings): string {
  return settings.secure ? "__Host-portico_session" : "portico_session";
}

export type ClientSessions = {
  /** The signed-in client of this request, or null; a session that may no longer be used is deleted here. */
  validate(cookieHeader: string | null): Promise<{ client: SignedInClient; sessionId: string } | null>;
  /** From a magic link (`clientEmailId`) or a password (`accountId`, with `email` the login). */
  create(input: { clientId: string; clientEmailId?: string; accountId?: string; stage?: ClientSessionStage; email: string; ip: string | null; userAgent: string | null }): Promise<string>;
  invalidate(sessionId: string): Promise<void>;
  blankCookie(): string;
};

/** Bound to one practice transaction: sessions are read and written under that practice's row-level security. */
export function clientSessions(trx: PracticeTransaction, practiceId: string, options: SessionCookieSettings & { now: () => Date }): ClientSessions {
  const lucia = new Lucia(new ClientSessionAdapter(trx, practiceId, options.now), {
    getUserAttributes: (attributes) => attributes,
    getSessionAttributes: (attributes) => attributes,
    sessionExpiresIn: new TimeSpan(CLIENT_SESSION_HOURS, "h"),
    sessionCookie: { name: clientSessionCookieName(options), expires: true, attributes: { secure: options.secure, sameSite: "lax", path: "/" } },
  });
  return {
    async validate(cookieHeader) {
      const sessionId = cookieHeader ? lucia.readSessionCookie(cookieHeader) : null;
      if (!sessionId) return null;
      const { session, user } = await lucia.validateSession(sessionId);
      if (!session || !user) return null;
      const client = user as unknown as ClientAttributes;
      const { created_at } = session as unknown as SessionAttributes;
      return {
        sessionId: session.id,
        client: {
          id: user.id,
          firstName: client.first_name,
          lastName: client.last_name,
          email: client.email,
          sessionExpiresAt: new Date(created_at.getTime() + CLIENT_SESSION_HOURS * 3_600_000),
          access: client.access,
          stage: client.stage,
          accountId: client.account_id,
          viewing: client.viewing,
        },
      };
    },
    async create(input) {
      const session = await lucia.createSession(input.clientId, {
        client_email_id: input.clientEmailId ?? null,
        account_id: input.accountId ?? null,
        stage: input.stage ?? "full",
        email: input.email,
        created_at: options.now(),
        ip: input.ip,
        user_agent: input.userAgent,
      });
      return lucia.createSessionCookie(session.id).serialize();
    },
    async invalidate(sessionId) {
      await lucia.invalidateSession(sessionId);
    },
    blankCookie() {
      return lucia.createBlankSessionCookie().serialize();
    },
  };
}
