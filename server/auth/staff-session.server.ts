import type { StaffSessionStage } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { type SessionStore, type Sessions, sessionKernel } from "./session-kernel.server";

/**
 * Staff sessions: the kernel's rules over `staff_sessions`, under row-level security like client sessions, on a
 * host-only cookie of their own. They last 12 hours at most and end after 30 minutes without a request; a
 * deactivated staff member's sessions end at once.
 */

export const STAFF_SESSION_HOURS = 12;
export const STAFF_IDLE_MINUTES = 30;
// Writing last_seen_at on every request would make every page a write; once a minute is precise enough.
const LAST_SEEN_PRECISION_MS = 60_000;

export type SignedInStaff = { id: string; name: string; email: string; roleName: string | null; permissions: string[]; stage: StaffSessionStage; sessionKey: string };
export type StaffSessionDraft = { staffId: string; ip: string | null; userAgent: string | null; stage?: StaffSessionStage };

function staffSessionStore(trx: PracticeTransaction, practiceId: string): SessionStore<SignedInStaff, StaffSessionDraft, StaffSessionStage> {
  return {
    async find(key, now) {
      const row = await trx
        .selectFrom("staff_sessions as s")
        .innerJoin("staff_members as m", (join) => join.onRef("m.practice_id", "=", "s.practice_id").onRef("m.id", "=", "s.staff_id"))
        .leftJoin("staff_roles as r", (join) => join.onRef("r.practice_id", "=", "m.practice_id").onRef("r.id", "=", "m.role_id"))
        .select(["s.id", "s.staff_id", "s.stage", "s.expires_at", "s.last_seen_at", "m.name", "m.email", "m.active", "r.name as role_name", "r.permissions"])
        .where("s.id", "=", key)
        .executeTakeFirst();
      if (!row) return { state: "missing" };
      const idle = now.getTime() - row.last_seen_at.getTime() > STAFF_IDLE_MINUTES * 60_000;
      if (idle || !row.active) return { state: "refused" };
      if (now.getTime() - row.last_seen_at.getTime() > LAST_SEEN_PRECISION_MS) {
        await trx.updateTable("staff_sessions").set({ last_seen_at: now }).where("id", "=", row.id).execute();
      }
      return {
        state: "usable",
        expiresAt: row.expires_at,
        holder: { id: row.staff_id, name: row.name, email: row.email, roleName: row.role_name, permissions: row.permissions ?? [], stage: row.stage, sessionKey: row.id },
      };
    },
    async insert(key, draft, now) {
      const expiresAt = new Date(now.getTime() + STAFF_SESSION_HOURS * 3_600_000);
      await trx
        .insertInto("staff_sessions")
        .values({ practice_id: practiceId, id: key, staff_id: draft.staffId, stage: draft.stage ?? "full", created_at: now, expires_at: expiresAt, last_seen_at: now, ip: draft.ip, user_agent: draft.userAgent })
        .execute();
      return { expiresAt };
    },
    async rekey(oldKey, newKey, stage, now) {
      return trx
        .updateTable("staff_sessions")
        // Wrong codes counted against the half-open id do not follow it into the signed-in one.
        .set({ id: newKey, created_at: now, last_seen_at: now, code_attempts: 0, ...(stage ? { stage } : {}) })
        .where("id", "=", oldKey)
        .returning("expires_at as expiresAt")
        .executeTakeFirst();
    },
    async delete(key) {
      await trx.deleteFrom("staff_sessions").where("id", "=", key).execute();
    },
  };
}

export type StaffSessions = Sessions<SignedInStaff, StaffSessionDraft, StaffSessionStage>;

/** Bound to one practice transaction, like client sessions. */
export function staffSessions(trx: PracticeTransaction, practiceId: string, options: { secure: boolean; now: () => Date }): StaffSessions {
  return sessionKernel("staff", staffSessionStore(trx, practiceId), options);
}
