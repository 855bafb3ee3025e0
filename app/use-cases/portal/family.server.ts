import { z } from "zod";
import type { ProxyPermission } from "../../../db/schema";
import { recordAudit } from "../../../server/audit.server";
import type { PorticoLoadContext } from "../../load-context";
import { formatDate, formatDateTime, localeFor } from "../../time";
import { memberLinkActiveSql } from "../../visibility/portal-queries.server";
import { todayIn } from "../../visibility/portal-rules";
import { withSignedInClient } from "../client-session.server";

/**
 * Switches whose records the session shows: the client's own, or a family member linked to their account today.
 * Anything else (an unlinked or ended member, another practice's id) switches back to the client's own records.
 */
export async function switchFamilyMember(context: PorticoLoadContext, request: Request, rawId: unknown): Promise<void> {
  const id = z.uuid().safeParse(rawId);
  await withSignedInClient(context, request, async ({ trx, client, practiceId, sessionKey }) => {
    const now = context.now();
    let acting: string | null = null;
    if (id.success && id.data !== client.id && client.accountId) {
      const { time_zone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
      const member = await trx
        .selectFrom("client_account_members as m")
        .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "m.practice_id").onRef("c.id", "=", "m.client_id"))
        .select("m.client_id")
        .where("m.account_id", "=", client.accountId)
        .where("m.client_id", "=", id.data)
        .where(memberLinkActiveSql(todayIn(time_zone, now)))
        .where("c.status", "=", "active")
        .where("c.portal_blocked", "=", false)
        .executeTakeFirst();
      acting = member?.client_id ?? null;
    }
    await trx.updateTable("client_sessions").set({ acting_client_id: acting }).where("id", "=", sessionKey).execute();
    if (acting) {
      await recordAudit(trx, practiceId, { actorType: "client", actorId: client.id, action: "client.viewed_family_member", subjectType: "client", subjectId: acting, ip: context.visitor.ip, userAgent: context.visitor.userAgent, at: now });
    }
  });
}

export type PersonWithAccess = { name: string; relationship: string; permissions: ProxyPermission[]; endsOn: string | null };
export type AccessEvent = { who: string; when: string };

/** "People who can see your records": who is linked to this client's record, and when they last looked. */
export async function peopleWithAccess(trx: Parameters<Parameters<typeof withSignedInClient>[2]>[0]["trx"], clientId: string, timeZone: string): Promise<{ people: PersonWithAccess[]; history: AccessEvent[] }> {
  const locale = localeFor(timeZone);
  const people = await trx
    .selectFrom("client_account_members as m")
    .innerJoin("client_accounts as a", (join) => join.onRef("a.practice_id", "=", "m.practice_id").onRef("a.id", "=", "m.account_id"))
    .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "a.practice_id").onRef("c.id", "=", "a.client_id"))
    .select(["c.first_name", "c.last_name", "m.relationship", "m.permissions", "m.ends_on"])
    .where("m.client_id", "=", clientId)
    .orderBy("c.first_name")
    .execute();
  const history = await trx
    .selectFrom("audit_events as e")
    .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "e.practice_id").onRef("c.id", "=", "e.actor_id"))
    .select(["c.first_name", "c.last_name", "e.occurred_at"])
    .where("e.action", "=", "client.viewed_family_member")
    .where("e.subject_id", "=", clientId)
    .orderBy("e.seq", "desc")
    .limit(20)
    .execute();
  return {
    people: people.map((p) => ({ name: `${p.first_name} ${p.last_name}`, relationship: p.relationship, permissions: p.permissions, endsOn: p.ends_on ? formatDate(p.ends_on, locale) : null })),
    history: history.map((h) => ({ who: `${h.first_name} ${h.last_name}`, when: formatDateTime(h.occurred_at, timeZone, locale) })),
  };
}
