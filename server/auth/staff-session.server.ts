import { type Adapter, type DatabaseSession, type DatabaseUser, Lucia, TimeSpan } from "lucia";
import type { StaffSessionStage } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { sessionKey } from "./client-session.server";

/**
 * Staff sessions: the same design as client sessions (Lucia, SHA-256 ids, a table under row-level security), with
 * their own table and their own host-only cookie. They last 12 hours at most and end after 30 minutes without a
 * request; a deactivated staff member's sessions end at once.
 */

export const STAFF_SESSION_HOURS = 12;
export const STAFF_IDLE_MINUTES = 30;
// Writing last_seen_at on every request would make every page a write; once a minute is precise enough.
const LAST_SEEN_PRECISION_MS = 60_000;

export type SignedInStaff = { id: string; name: string; email: string; roleName: string | null; permissions: string[]; stage: StaffSessionStage; sessionKey: string };

class StaffSessionAdapter implements Adapter {
  constructor(
    private readonly trx: PracticeTransaction,
    private readonly practiceId: string,
    private readonly now: () => Date,
  ) {}

  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = await this.trx
      .selectFrom("staff_sessions as s")
      .innerJoin("staff_members as m", (join) => join.onRef("m.practice_id", "=", "s.practice_id").onRef("m.id", "=", "s.staff_id"))
      .leftJoin("staff_roles as r", (join) => join.onRef("r.practice_id", "=", "m.practice_id").onRef("r.id", "=", "m.role_id"))
      .select(["s.id", "s.staff_id", "s.stage", "s.expires_at", "s.last_seen_at", "m.name", "m.email", "m.active", "r.name as role_name", "r.permissions"])
      .where("s.id", "=", sessionKey(sessionId))
      .executeTakeFirst();
    if (!row) return [null, null];
    const now = this.now();
    const session: DatabaseSession = { id: sessionId, userId: row.staff_id, expiresAt: row.expires_at, attributes: {} };
    const idle = now.getTime() - row.last_seen_at.getTime() > STAFF_IDLE_MINUTES * 60_000;
    if (row.expires_at <= now || idle || !row.active) return [session, null];
    if (now.getTime() - row.last_seen_at.getTime() > LAST_SEEN_PRECISION_MS) {
      await this.trx.updateTable("staff_sessions").set({ last_seen_at: now }).where("id", "=", row.id).execute();
    }
    return [session, { id: row.staff_id, attributes: { name: row.name, email: row.email, role_name: row.role_name, permissions: row.permissions ?? [], stage: row.stage, session_key: row.id } }];
  }

  async getUserSessions(staffId: string): Promise<DatabaseSession[]> {
    const rows = await this.trx.selectFrom("staff_sessions").select(["id", "staff_id", "expires_at"]).where("staff_id", "=", staffId).execute();
    return rows.map((row) => ({ id: row.id, userId: row.staff_id, expiresAt: row.expires_at, attributes: {} }));
  }

  async setSession(session: DatabaseSession): Promise<void> {
    const attributes = session.attributes as unknown as { ip: string | null; user_agent: string | null; stage: StaffSessionStage };
    const now = this.now();
    await this.trx
      .insertInto("staff_sessions")
      .values({
        practice_id: this.practiceId,
        id: sessionKey(session.id),
        staff_id: session.userId,
        stage: attributes.stage,
        created_at: now,
        expires_at: new Date(now.getTime() + STAFF_SESSION_HOURS * 3_600_000),
        last_seen_at: now,
        ip: attributes.ip,
        user_agent: attributes.user_agent,
      })
      .execute();
  }

  // Absolute: 12 hours from sign-in, never extended.
  async updateSessionExpiration(): Promise<void> {}

  async deleteSession(sessionId: string): Promise<void> {
    await this.trx.deleteFrom("staff_sessions").where("id", "=", sessionKey(sessionId)).execute();
  }

  async deleteUserSessions(staffId: string): Promise<void> {
    await this.trx.deleteFrom("staff_sessions").where("staff_id", "=", staffId).execute();
  }

  async deleteExpiredSessions(): Promise<void> {
    await this.trx.deleteFrom("staff_sessions").where("expires_at", "<=", this.now()).execute();
  }
}

export function staffSessionCookieName(secure: boolean): string {
  return secure ? "__Host-portico_staff" : "portico_staff";
}

export type StaffSessions = {
  validate(cookieHeader: string | null): Promise<{ staff: SignedInStaff; sessionId: string } | null>;
  create(input: { staffId: string; ip: string | null; userAgent: string | null; stage?: StaffSessionStage }): Promise<string>;
  invalidate(sessionId: string): Promise<void>;
  blankCookie(): string;
};

/** Bound to one practice transaction, like client sessions. */
export function staffSessions(trx: PracticeTransaction, practiceId: string, options: { secure: boolean; now: () => Date }): StaffSessions {
  const lucia = new Lucia(new StaffSessionAdapter(trx, practiceId, options.now), {
    sessionExpiresIn: new TimeSpan(STAFF_SESSION_HOURS, "h"),
    getUserAttributes: (attributes) => attributes,
    sessionCookie: { name: staffSessionCookieName(options.secure), expires: true, attributes: { secure: options.secure, sameSite: "lax", path: "/" } },
  });
  return {
    async validate(cookieHeader) {
      const sessionId = cookieHeader ? lucia.readSessionCookie(cookieHeader) : null;
      if (!sessionId) return null;
      const { session, user } = await lucia.validateSession(sessionId);
      if (!session || !user) return null;
      const attributes = user as unknown as { name: string; email: string; role_name: string | null; permissions: string[]; stage: StaffSessionStage; session_key: string };
      return {
        sessionId: session.id,
        staff: { id: user.id, name: attributes.name, email: attributes.email, roleName: attributes.role_name, permissions: attributes.permissions, stage: attributes.stage, sessionKey: attributes.session_key },
      };
    },
    async create(input) {
      const session = await lucia.createSession(input.staffId, { ip: input.ip, user_agent: input.userAgent, stage: input.stage ?? "full" });
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
