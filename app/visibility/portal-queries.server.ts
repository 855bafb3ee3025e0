import { type SqlBool, sql } from "kysely";
import type { AccessLevel } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";

/** Whose portal this is: the client record, and what their account may see (portal-rules: seesPracticeRecords). */
export type Viewer = { clientId: string; access: AccessLevel };

/** seesPracticeRecords: records, prescriptions and reminders are for full access only. */
export function practiceRecordsSql(access: AccessLevel) {
  return sql<SqlBool>`(${access}::text = 'full')`;
}

/** appointmentSection in SQL, for an appointment aliased `a`: upcoming (requested, scheduled or confirmed, still to come) or past (completed). */
export function appointmentListedSql(now: Date) {
  return sql<SqlBool>`((a.status in ('requested', 'scheduled', 'confirmed') and a.starts_at > ${now}) or a.status = 'completed')`;
}

/** isAppointmentVisibleTo, for an appointment aliased `a`. */
export function appointmentAccessSql(access: AccessLevel) {
  return sql<SqlBool>`(${access}::text = 'full' or a.booked_by = 'client')`;
}

/**
 * The visibility rules of portal-rules.ts, in SQL, so that lists, counts and single-record lookups never load what a
 * client may not see. Keep the two in step; the agreement test compares them on random data.
 */

/** A patient (aliased `p`) that appears in the portal. */
export const patientVisibleSql = sql<SqlBool>`p.status = 'active'`;

/**
 * A document a client may see, given the practice's settings row `s` (joined in the same query). Diagnostics and
 * imaging show from the practice's chosen status upwards; everything else only when completed.
 */
export const documentVisibleSql = sql<SqlBool>`(
  s.portal_enabled
  and d.portal_shared
  and d.status not in ('draft', 'voided')
  and d.category = any(s.shared_categories)
  and case when d.category in ('diagnostics', 'imaging')
    then array_position(array['to_review', 'to_share', 'completed'], d.status) >= array_position(array['to_review', 'to_share', 'completed'], s.diagnostics_share_status)
    else d.status = 'completed'
  end
)`;

export const prescriptionVisibleSql = sql<SqlBool>`rx.status in ('active', 'completed')`;

/** Every document of this client's visible patients that the rules allow, newest visit first. */
export function visibleDocuments(trx: PracticeTransaction, viewer: Viewer) {
  return trx
    .selectFrom("documents as d")
    .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "d.practice_id").onRef("p.id", "=", "d.patient_id"))
    .innerJoin("practice_settings as s", "s.practice_id", "d.practice_id")
    .where("p.client_id", "=", viewer.clientId)
    .where(patientVisibleSql)
    .where(practiceRecordsSql(viewer.access))
    .where(documentVisibleSql);
}

/** isMemberLinkActive, for a family link aliased `m`: through its end date, `today` being the practice's date. */
export function memberLinkActiveSql(today: string) {
  return sql<SqlBool>`(m.ends_on is null or m.ends_on >= ${today}::date)`;
}
