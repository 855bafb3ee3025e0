import type { Kysely } from "kysely";
import { type Adapter, type DatabaseSession, type DatabaseUser, Lucia, TimeSpan } from "lucia";
import type { Database, SupportSessionStage } from "../../db/schema";
import { sessionKey } from "./client-session.server";

/**
 * Support sessions: the same design as staff sessions (Lucia, SHA-256 ids in the table), in the control plane, on a
 * host-only cookie of their own that only the support host reads. Eight hours at most, never extended.
 */

export const SUPPORT_SESSION_HOURS = 8;

export type SignedInSupport = { id: string; name: string; email: string; stage: SupportSessionStage; sessionKey: string };

class SupportSessionAdapter implements Adapter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date,
  ) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = await this.db
      .selectFrom("platform.support_sessions as s")
      .innerJoin("platform.support_users as u", "u.id", "s.support_user_id")
      .select(["s.id", "s.support_user_id", "s.stage", "s.expires_at", "u.name", "u.email", "u.active"])
      .where("s.id", "=", sessionKey(sessionId))
      .executeTakeFirst();
    if (!row) return [null, null];
    const session: DatabaseSession = { id: sessionId, userId: row.support_user_id, expiresAt: row.expires_at, attributes: {} };
    if (row.expires_at <= this.now() || !row.active) return [session, null];
    return [session, { id: row.support_user_id, attributes: { name: row.name, email: row.email, stage: row.stage, session_key: row.id } }];
  }

  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    const rows = await this.db.selectFrom("platform.support_sessions").select(["id", "support_user_id", "expires_at"]).where("support_user_id", "=", userId).execute();
    return rows.map((row) => ({ id: row.id, userId: row.support_user_id, expiresAt: row.expires_at, attributes: {} }));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    const attributes = session.attributes as unknown as { ip: string | null; user_agent: string | null; stage: SupportSessionStage };
    const now = this.now();
    await this.db
      .insertInto("platform.support_sessions")
      .values({
        id: sessionKey(session.id),
        support_user_id: session.userId,
        stage: attributes.stage,
        created_at: now,
        expires_at: new Date(now.getTime() + SUPPORT_SESSION_HOURS * 3_600_000),
        ip: attributes.ip,
        user_agent: attributes.user_agent?.slice(0, 500) ?? null,
      })
      .execute();
  }

  async updateSessionExpiration(): Promise<void> {}

  async deleteSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom("platform.support_sessions").where("id", "=", sessionKey(sessionId)).execute();
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await this.db.deleteFrom("platform.support_sessions").where("support_user_id", "=", userId).execute();
  }

  async deleteExpiredSessions(): Promise<void> {
    await this.db.deleteFrom("platform.support_sessions").where("expires_at", "<=", this.now()).execute();
  }
}

export function supportSessionCookieName(secure: boolean): string {
  return secure ? "__Host-portico_support" : "portico_support";
}

export type SupportSessions = {
  validate(cookieHeader: string | null): Promise<SignedInSupport | null>;
  create(input: { userId: string; ip: string | null; userAgent: string | null; stage: SupportSessionStage }): Promise<string>;
  invalidate(cookieHeader: string | null): Promise<void>;
  blankCookie(): string;
};

export function supportSessions(db: Kysely<Database>, options: { secure: boolean; now: () => Date }): SupportSessions {
  const lucia = new Lucia(new SupportSessionAdapter(db, options.now), {
    sessionExpiresIn: new TimeSpan(SUPPORT_SESSION_HOURS, "h"),
    getUserAttributes: (attributes) => attributes,
    sessionCookie: { name: supportSessionCookieName(options.secure), expires: true, attributes: { secure: options.secure, sameSite: "lax", path: "/" } },
  });
  return {
    async validate(cookieHeader) {
      const sessionId = cookieHeader ? lucia.readSessionCookie(cookieHeader) : null;
      if (!sessionId) return null;
      const { session, user } = await lucia.validateSession(sessionId);
      if (!session || !user) return null;
      const attributes = user as unknown as { name: string; email: string; stage: SupportSessionStage; session_key: string };
      return { id: user.id, name: attributes.name, email: attributes.email, stage: attributes.stage, sessionKey: attributes.session_key };
    },
    async create(input) {
      const session = await lucia.createSession(input.userId, { ip: input.ip, user_agent: input.userAgent, stage: input.stage });
      return lucia.createSessionCookie(session.id).serialize();
    },
    async invalidate(cookieHeader) {
      const sessionId = cookieHeader ? lucia.readSessionCookie(cookieHeader) : null;
      if (sessionId) await lucia.invalidateSession(sessionId);
    },
    blankCookie() {
      return lucia.createBlankSessionCookie().serialize();
    },
  };
}
