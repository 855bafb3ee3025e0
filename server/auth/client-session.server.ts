import { sql } from "kysely";
import { type AccessLevel, type ClientSessionStage, PROXY_PERMISSIONS, type ProxyPermission } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { type SessionStore, type Sessions, type StoredSession, sessionKernel } from "./session-kernel.server";

export { sessionKey } from "./session-kernel.server";

/**
 * Client sessions: the kernel's rules over `client_sessions`, a table under row-level security, so a session is
 * visible only to the practice that issued it. They last 24 hours from sign-in and are never extended; every
 * validation re-checks that the client may still be signed in.
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

/** From a magic link (`clientEmailId`) or a password (`accountId`, with `email` the login). */
export type ClientSessionDraft = { clientId: string; clientEmailId?: string; accountId?: string; stage?: ClientSessionStage; email: string; ip: string | null; userAgent: string | null };

function clientSessionStore(trx: PracticeTransaction, practiceId: string): SessionStore<SignedInClient, ClientSessionDraft, ClientSessionStage> {
  /** A family member the account may act for today: linked, not ended, the member's record active and unblocked. */
  async function member(accountId: string, clientId: string, now: Date): Promise<SignedInClient["viewing"] | undefined> {
    const row = await trx
      .selectFrom("client_account_members as m")
      .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "m.practice_id").onRef("c.id", "=", "m.client_id"))
      .select(["m.client_id", "m.permissions", "c.first_name", "c.last_name"])
      .where("m.account_id", "=", accountId)
      .where("m.client_id", "=", clientId)
      // isMemberLinkActive, in SQL: through the end date, in the practice's calendar.
      .where((eb) => eb.or([eb("m.ends_on", "is", null), eb("m.ends_on", ">=", sql<string>`(${now}::timestamptz at time zone (select time_zone from practice_settings))::date`)]))
      .where("c.status", "=", "active")
      .where("c.portal_blocked", "=", false)
      .executeTakeFirst();
    return row ? { clientId: row.client_id, name: `${row.first_name} ${row.last_name}`, permissions: row.permissions, self: false } : undefined;
  }

  return {
    async find(key, now): Promise<StoredSession<SignedInClient>> {
      const row = await trx
        .selectFrom("client_sessions as s")
        .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "s.practice_id").onRef("c.id", "=", "s.client_id"))
        // Left join: a session whose address has moved to another client is found, refused and deleted.
        .leftJoin("client_emails as e", (join) =>
          join.onRef("e.practice_id", "=", "s.practice_id").onRef("e.id", "=", "s.client_email_id").onRef("e.client_id", "=", "s.client_id"),
        )
        .leftJoin("client_accounts as acc", (join) => join.onRef("acc.practice_id", "=", "s.practice_id").onRef("acc.client_id", "=", "s.client_id"))
        .innerJoin("practice_settings as p", "p.practice_id", "s.practice_id")
        .select(["s.id", "s.client_id", "s.account_id", "s.stage", "s.email", "s.expires_at", "s.created_at", "s.last_seen_at", "s.acting_client_id"])
        .select(["c.first_name", "c.last_name", "c.status", "c.portal_blocked", "e.email as current_email", "p.portal_enabled", "acc.id as current_account_id", "acc.login_key", "acc.access_level", "acc.updated_at as account_updated_at"])
        .where("s.id", "=", key)
        .executeTakeFirst();
      if (!row) return { state: "missing" };
      // A magic-link session needs its address still on the client's record; a password session its account, with
      // the same login, still there.
      const kiosk = row.stage === "kiosk";
      const originStillValid = kiosk
        ? now.getTime() - (row.last_seen_at ?? row.created_at).getTime() <= KIOSK_IDLE_MINUTES * 60_000
        : row.account_id
          ? row.current_account_id === row.account_id && row.login_key === row.email.toLowerCase()
          : row.current_email !== null && row.current_email.toLowerCase() === row.email.toLowerCase();
      if (!row.portal_enabled || row.status !== "active" || row.portal_blocked || !originStillValid) return { state: "refused" };
      if (kiosk && now.getTime() - (row.last_seen_at ?? row.created_at).getTime() > KIOSK_SEEN_PRECISION_MS) {
        await trx.updateTable("client_sessions").set({ last_seen_at: now }).where("id", "=", row.id).execute();
      }
      const self = { clientId: row.client_id, name: `${row.first_name} ${row.last_name}`, permissions: PROXY_PERMISSIONS, self: true };
      const viewing = row.acting_client_id && row.account_id && row.acting_client_id !== row.client_id ? ((await member(row.account_id, row.acting_client_id, now)) ?? self) : self;
      return {
        state: "usable",
        expiresAt: row.expires_at,
        // Every change to an account stamps `updated_at`, and every id is stamped with when it was issued: a full
        // account that changed after this id was issued may have been upgraded from limited since, and an upgrade
        // gets a new id. (A downgrade needs none: it takes effect on this very request.)
        rotationDue: row.access_level === "full" && row.account_updated_at !== null && row.account_updated_at > row.created_at,
        holder: {
          id: row.client_id,
          firstName: row.first_name,
          lastName: row.last_name,
          email: row.email,
          sessionExpiresAt: row.expires_at,
          access: row.access_level ?? "full",
          stage: row.stage,
          accountId: row.account_id,
          viewing,
        },
      };
    },
    async insert(key, draft, now) {
      const expiresAt = new Date(now.getTime() + CLIENT_SESSION_HOURS * 3_600_000);
      await trx
        .insertInto("client_sessions")
        .values({
          practice_id: practiceId,
          id: key,
          client_id: draft.clientId,
          client_email_id: draft.clientEmailId ?? null,
          account_id: draft.accountId ?? null,
          stage: draft.stage ?? "full",
          email: draft.email,
          created_at: now,
          expires_at: expiresAt,
          ip: draft.ip,
          user_agent: draft.userAgent,
        })
        .execute();
      return { expiresAt };
    },
    async rekey(oldKey, newKey, stage, now) {
      return trx
        .updateTable("client_sessions")
        // Issued no earlier than the account's last change, even when this server's clock is behind the one that
        // made it: otherwise the new id would itself be due for rotation, and the client would go round in redirects.
        .set({ id: newKey, created_at: sql<Date>`greatest(${now}::timestamptz, (select a.updated_at from client_accounts a where a.practice_id = client_sessions.practice_id and a.client_id = client_sessions.client_id))`, ...(stage ? { stage } : {}) })
        .where("id", "=", oldKey)
        .returning("expires_at as expiresAt")
        .executeTakeFirst();
    },
    async delete(key) {
      await trx.deleteFrom("client_sessions").where("id", "=", key).execute();
    },
  };
}

export type ClientSessions = Sessions<SignedInClient, ClientSessionDraft, ClientSessionStage>;

/** Bound to one practice transaction: sessions are read and written under that practice's row-level security. */
export function clientSessions(trx: PracticeTransaction, practiceId: string, options: { secure: boolean; now: () => Date }): ClientSessions {
  return sessionKernel("client", clientSessionStore(trx, practiceId), options);
}

/** Every client session of the practice ends, for good: turning the portal back on signs nobody back in. */
export async function endEveryClientSession(trx: PracticeTransaction, practiceId: string): Promise<void> {
  await trx.deleteFrom("client_sessions").where("practice_id", "=", practiceId).execute();
}
