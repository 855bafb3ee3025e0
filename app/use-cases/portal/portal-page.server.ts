import { z } from "zod";
import type { Wording } from "../../../db/schema";
import type { PorticoLoadContext } from "../../load-context";
import { memberLinkActiveSql } from "../../visibility/portal-queries.server";
import { type PortalArea, proxyAllows, todayIn } from "../../visibility/portal-rules";
import { type ClientScope, withSignedInClient } from "../client-session.server";

/** What every portal page shows around its content: who is signed in, and how to reach the practice. */
export type PortalShell = {
  clientName: string;
  practiceName: string;
  practiceKind: "veterinary" | "human";
  patientsLabel: string;
  contact: { phone: string | null; email: string | null; website: string | null };
  /** Whose records are shown, what may be opened for them, and who else this login may switch to. */
  viewing: { clientId: string; name: string; self: boolean; areas: Record<PortalArea, boolean> };
  family: { clientId: string; name: string; relationship: string }[];
};

export type PortalScope = ClientScope & { timeZone: string; today: string; now: Date; practiceKind: "veterinary" | "human" };

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Runs a portal page's reads for the signed-in client, in the transaction that validated the session, and adds the
 * page shell. Signed-out visitors are sent to the sign-in page.
 */
export async function portalPage<T>(
  context: PorticoLoadContext,
  request: Request,
  work: (scope: PortalScope) => Promise<T>,
  options: { passwordChangePage?: boolean } = {},
): Promise<{ shell: PortalShell; page: T }> {
  return withSignedInClient(context, request, async (scope) => {
    const { viewing } = scope.client;
    const settings = await scope.trx.selectFrom("practice_settings").select(["phone", "email", "website", "time_zone", "wording"]).executeTakeFirstOrThrow();
    const practice = context.site.kind === "practice" ? context.site.practice : undefined;
    const practiceKind = practice?.kind ?? "veterinary";
    const wording: Wording = settings.wording;
    const now = context.now();
    const page = await work({ ...scope, timeZone: settings.time_zone, today: todayIn(settings.time_zone, now), now, practiceKind });
    const family = scope.client.accountId ? await familyOf(scope, todayIn(settings.time_zone, now)) : [];
    return {
      shell: {
        clientName: `${scope.client.firstName} ${scope.client.lastName}`,
        practiceName: practice?.name ?? "",
        practiceKind,
        patientsLabel: capitalise(wording.patientPlural ?? (practiceKind === "veterinary" ? "pets" : "family")),
        contact: { phone: settings.phone, email: settings.email, website: settings.website },
        viewing: {
          clientId: viewing.clientId,
          name: viewing.name,
          self: viewing.self,
          areas: { records: proxyAllows(viewing.permissions, "records"), appointments: proxyAllows(viewing.permissions, "appointments"), book: proxyAllows(viewing.permissions, "book"), forms: proxyAllows(viewing.permissions, "forms") },
        },
        family: family.length ? [{ clientId: scope.client.id, name: `${scope.client.firstName} ${scope.client.lastName}`, relationship: "You" }, ...family] : [],
      },
      page,
    };
  }, options);
}

/** The family members this login may switch to today (isMemberLinkActive, in SQL). */
async function familyOf(scope: ClientScope, today: string): Promise<PortalShell["family"]> {
  const rows = await scope.trx
    .selectFrom("client_account_members as m")
    .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "m.practice_id").onRef("c.id", "=", "m.client_id"))
    .select(["m.client_id", "m.relationship", "c.first_name", "c.last_name"])
    .where("m.account_id", "=", scope.client.accountId!)
    .where(memberLinkActiveSql(today))
    .where("c.status", "=", "active")
    .where("c.portal_blocked", "=", false)
    .orderBy("c.first_name")
    .execute();
  return rows.map((row) => ({ clientId: row.client_id, name: `${row.first_name} ${row.last_name}`, relationship: row.relationship }));
}

/** An id from a URL: anything that is not a UUID is simply not found (never a database error). */
export function idParam(value: string | undefined): string {
  const parsed = z.uuid().safeParse(value);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

export function notFound(): Response {
  return new Response("Not found", { status: 404 });
}
