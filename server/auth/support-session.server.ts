import type { Kysely } from "kysely";
import type { Database, SupportSessionStage } from "../../db/schema";
import { type SessionStore, type Sessions, sessionKernel } from "./session-kernel.server";

/**
 * Support sessions: the kernel's rules over `platform.support_sessions`, in the control plane, on a host-only cookie
 * of their own that only the support host reads. Eight hours at most, never extended.
 */

export const SUPPORT_SESSION_HOURS = 8;

export type SignedInSupport = { id: string; name: string; email: string; stage: SupportSessionStage; sessionKey: string };
export type SupportSessionDraft = { userId: string; ip: string | null; userAgent: string | null; stage: SupportSessionStage };

function supportSessionStore(db: Kysely<Database>): SessionStore<SignedInSupport, SupportSessionDraft, SupportSessionStage> {
  return {
    async find(key) {
      const row = await db
        .selectFrom("platform.support_sessions as s")
        .innerJoin("platform.support_users as u", "u.id", "s.support_user_id")
        .select(["s.id", "s.support_user_id", "s.stage", "s.expires_at", "u.name", "u.email", "u.active"])
        .where("s.id", "=", key)
        .executeTakeFirst();
      if (!row) return { state: "missing" };
      if (!row.active) return { state: "refused" };
      return { state: "usable", expiresAt: row.expires_at, holder: { id: row.support_user_id, name: row.name, email: row.email, stage: row.stage, sessionKey: row.id } };
    },
    async insert(key, draft, now) {
      const expiresAt = new Date(now.getTime() + SUPPORT_SESSION_HOURS * 3_600_000);
      await db
        .insertInto("platform.support_sessions")
        .values({ id: key, support_user_id: draft.userId, stage: draft.stage, created_at: now, expires_at: expiresAt, ip: draft.ip, user_agent: draft.userAgent?.slice(0, 500) ?? null })
        .execute();
      return { expiresAt };
    },
    async rekey(oldKey, newKey, stage, now) {
      return db
        .updateTable("platform.support_sessions")
        .set({ id: newKey, created_at: now, ...(stage ? { stage } : {}) })
        .where("id", "=", oldKey)
        .returning("expires_at as expiresAt")
        .executeTakeFirst();
    },
    async delete(key) {
      await db.deleteFrom("platform.support_sessions").where("id", "=", key).execute();
    },
  };
}

export type SupportSessions = Sessions<SignedInSupport, SupportSessionDraft, SupportSessionStage>;

export function supportSessions(db: Kysely<Database>, options: { secure: boolean; now: () => Date }): SupportSessions {
  return sessionKernel("support", supportSessionStore(db), options);
}
