import { sql } from "kysely";
import { recordAudit } from "../../../server/audit.server";
import { recordEvent } from "../../../server/events/record-event.server";
import { patientRefs } from "../../../server/events/refs.server";
import { appointmentEvent, calendarFile } from "../../calendar/ics";
import type { PorticoLoadContext } from "../../load-context";
import { type OnlineChange, onlineChange } from "../../booking/change-rules";
import { formatDateTime, localeFor } from "../../time";
import { appointmentAccessSql, appointmentListedSql, patientVisibleSql } from "../../visibility/portal-queries.server";
import { appointmentSection, canConfirmAppointment, PAGE_AREA, proxyAllows } from "../../visibility/portal-rules";
import { type ClientScope, requireArea, withSignedInClient } from "../client-session.server";
import { idParam, notFound, portalPage } from "./portal-page.server";

export type AppointmentItem = {
  id: string;
  patientName: string;
  reason: string;
  practitioner: string;
  startsAt: string;
  endsAt: string;
  /** In the practice's time zone, ready to show. */
  when: string;
  status: "requested" | "scheduled" | "confirmed" | "completed";
  canConfirm: boolean;
  /** Whether the client may cancel or move it here (booked online, before the cancellation window). */
  change: OnlineChange;
  location: { name: string; address: string; phone: string | null };
};

function appointmentsOf(scope: ClientScope, now: Date) {
  return scope.trx
    .selectFrom("appointments as a")
    .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "a.practice_id").onRef("p.id", "=", "a.patient_id"))
    .innerJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "a.practice_id").onRef("l.id", "=", "a.location_id"))
    .select(["a.id", "p.name as patient_name", "a.reason", "a.practitioner_name", "a.starts_at", "a.ends_at", "a.status", "l.name as location_name", "l.address", "l.phone", "l.time_zone"])
    .select(sql<boolean>`exists (select 1 from booked_time b where b.appointment_id = a.id)`.as("booked_online"))
    .where("p.client_id", "=", scope.client.viewing.clientId)
    .where(patientVisibleSql)
    .where(appointmentAccessSql(scope.client.access))
    .where(appointmentListedSql(now));
}

type Row = Awaited<ReturnType<ReturnType<typeof appointmentsOf>["execute"]>>[number];

function toItem(row: Row, now: Date, cancelWindowHours: number): AppointmentItem {
  const locale = localeFor(row.time_zone);
  return {
    id: row.id,
    patientName: row.patient_name,
    reason: row.reason,
    practitioner: row.practitioner_name,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    when: formatDateTime(row.starts_at, row.time_zone, locale),
    status: row.status as AppointmentItem["status"],
    canConfirm: canConfirmAppointment({ status: row.status, startsAt: row.starts_at }, now),
    change: onlineChange({ status: row.status, startsAt: row.starts_at, bookedOnline: row.booked_online }, now, cancelWindowHours),
    location: { name: row.location_name, address: row.address, phone: row.phone },
  };
}

export async function listAppointments(context: PorticoLoadContext, request: Request) {
  return portalPage(context, request, async (scope) => {
    requireArea(scope.client, PAGE_AREA.appointments);
    const rows = await appointmentsOf(scope, scope.now).orderBy("a.starts_at").execute();
    const settings = await scope.trx.selectFrom("practice_settings").select(["booking_mode", "booking_cancel_window_hours"]).executeTakeFirstOrThrow();
    const upcoming: AppointmentItem[] = [];
    const past: AppointmentItem[] = [];
    for (const row of rows) {
      const section = appointmentSection({ status: row.status, startsAt: row.starts_at }, scope.now);
      if (section === "upcoming") upcoming.push(toItem(row, scope.now, settings.booking_cancel_window_hours));
      else if (section === "past") past.unshift(toItem(row, scope.now, settings.booking_cancel_window_hours));
    }
    // The link only: the booking page itself decides what may be booked.
    const canBook = settings.booking_mode !== "off" && proxyAllows(scope.client.viewing.permissions, "book");
    return { timeZone: scope.timeZone, upcoming, past, canBook, cancelWindowHours: settings.booking_cancel_window_hours };
  });
}

/**
 * Confirms an upcoming appointment of one of the client's visible patients. Idempotent: confirming twice changes
 * nothing the second time. Recorded with time and client, and in the audit log.
 */
export async function confirmAppointment(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<void> {
  const id = idParam(rawId);
  await withSignedInClient(context, request, async (scope) => {
    requireArea(scope.client, "book");
    const now = context.now();
    const row = await appointmentsOf(scope, now).where("a.id", "=", id).executeTakeFirst();
    if (!row || appointmentSection({ status: row.status, startsAt: row.starts_at }, now) !== "upcoming") throw notFound();
    if (!canConfirmAppointment({ status: row.status, startsAt: row.starts_at }, now)) return;
    const updated = await scope.trx
      .updateTable("appointments")
      // updated_at: the practice system reads the confirmation back with updated_since (and is told by webhook).
      .set({ status: "confirmed", confirmed_at: now, confirmed_by_client_id: scope.client.id, updated_at: now })
      .where("id", "=", id)
      .where("status", "=", "scheduled")
      .returning("patient_id")
      .executeTakeFirst();
    if (!updated) return;
    await recordAudit(scope.trx, scope.practiceId, {
      actorType: "client",
      actorId: scope.client.id,
      action: "client.appointment_confirmed",
      subjectType: "appointment",
      subjectId: id,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      at: now,
    });
    const refs = await patientRefs(scope.trx, updated.patient_id);
    await recordEvent(scope.trx, scope.practiceId, { type: "appointment.confirmed", data: { appointment: { id }, ...refs, confirmedAt: now.toISOString() } }, now);
  });
}

/** An upcoming appointment as an .ics calendar file. */
export async function appointmentCalendarFile(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<{ filename: string; content: string }> {
  const id = idParam(rawId);
  const { shell, page } = await portalPage(context, request, async (scope) => {
    requireArea(scope.client, PAGE_AREA.appointments);
    const row = await appointmentsOf(scope, scope.now).where("a.id", "=", id).executeTakeFirst();
    // A request is not an appointment yet: nothing to put in a calendar until the practice confirms it.
    if (!row || row.status === "requested" || appointmentSection({ status: row.status, startsAt: row.starts_at }, scope.now) !== "upcoming") throw notFound();
    return toItem(row, scope.now, 0);
  });
  const host = context.site.kind === "practice" ? new URL(context.site.origin).hostname : "portico";
  const content = calendarFile(
    appointmentEvent({ id: page.id, host, stamp: context.now(), startsAt: new Date(page.startsAt), endsAt: new Date(page.endsAt), title: page.reason, patientName: page.patientName, practiceName: shell.practiceName, practitioner: page.practitioner, location: page.location }),
  );
  return { filename: `appointment-${page.startsAt.slice(0, 10)}.ics`, content };
}
