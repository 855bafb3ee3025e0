import { sql } from "kysely";
import type { AccessLevel } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import type { PorticoLoadContext } from "../../load-context";
import { ageFrom, formatDate, formatDateTime, localeFor } from "../../time";
import { appointmentAccessSql, patientVisibleSql, practiceRecordsSql } from "../../visibility/portal-queries.server";
import { PAGE_AREA, proxyAllows, todayIn } from "../../visibility/portal-rules";
import { portalPage } from "./portal-page.server";

export type PetSummary = {
  id: string;
  name: string;
  species: string | null;
  breed: string | null;
  age: string | null;
  photoVersion: string | null;
  nextAppointment: { when: string; reason: string } | null;
  overdueReminders: number;
  lastVisit: string | null;
};

function nextVisit(next: { startsAt: string; reason: string }, timeZone: string, locale: string) {
  return { when: formatDateTime(next.startsAt, timeZone, locale), reason: next.reason };
}

/**
 * Every visible pet (or family member) of a client with what matters next: one query. Exported for the plan test,
 * which checks at scale that this very query uses its indexes.
 */
export function petsQuery(trx: PracticeTransaction, scope: { clientId: string; access: AccessLevel; now: Date; today: string }) {
  return trx
    .selectFrom("patients as p")
    .leftJoin("patient_photos as ph", (join) => join.onRef("ph.practice_id", "=", "p.practice_id").onRef("ph.patient_id", "=", "p.id"))
    .select(["p.id", "p.name", "p.species", "p.breed", "p.date_of_birth", "ph.uploaded_at as photo_uploaded_at"])
    .select((eb) => [
      eb
        .selectFrom("appointments as a")
        .select(sql<string>`json_build_object('startsAt', a.starts_at, 'reason', a.reason)::text`.as("next"))
        .whereRef("a.patient_id", "=", "p.id")
        .where(appointmentAccessSql(scope.access))
        .where("a.status", "in", ["scheduled", "confirmed"])
        .where("a.starts_at", ">", scope.now)
        .orderBy("a.starts_at")
        .limit(1)
        .as("next_appointment"),
      eb
        .selectFrom("reminders as r")
        .select(sql<number>`count(*)::int`.as("n"))
        .whereRef("r.patient_id", "=", "p.id")
        .where(practiceRecordsSql(scope.access))
        .where("r.status", "=", "pending")
        .where("r.due_on", "<", scope.today)
        .as("overdue_reminders"),
      eb
        .selectFrom("appointments as a")
        .select(sql<Date>`max(a.starts_at)`.as("last"))
        .whereRef("a.patient_id", "=", "p.id")
        .where(appointmentAccessSql(scope.access))
        .where("a.status", "=", "completed")
        .as("last_visit"),
    ])
    .where("p.client_id", "=", scope.clientId)
    .where(patientVisibleSql)
    .orderBy("p.name");
}

/** The client's home: every visible pet (or family member) with what matters next. */
export async function getPets(context: PorticoLoadContext, request: Request) {
  return portalPage(context, request, async ({ trx, client, now, today, timeZone }) => {
    const rows = await petsQuery(trx, { clientId: client.viewing.clientId, access: client.access, now, today }).execute();
    const locale = localeFor(timeZone);
    return {
      pets: rows.map(
        (row): PetSummary => ({
          id: row.id,
          name: row.name,
          species: row.species,
          breed: row.breed,
          age: row.date_of_birth ? ageFrom(row.date_of_birth, today) : null,
          photoVersion: row.photo_uploaded_at ? String(new Date(row.photo_uploaded_at).getTime()) : null,
          nextAppointment: row.next_appointment && proxyAllows(client.viewing.permissions, PAGE_AREA.appointments) ? nextVisit(JSON.parse(row.next_appointment) as { startsAt: string; reason: string }, timeZone, locale) : null,
          overdueReminders: proxyAllows(client.viewing.permissions, PAGE_AREA.reminders) ? (row.overdue_reminders ?? 0) : 0,
          lastVisit: row.last_visit && proxyAllows(client.viewing.permissions, PAGE_AREA.appointments) ? formatDate(todayIn(timeZone, new Date(row.last_visit)), locale) : null,
        }),
      ),
    };
  });
}
