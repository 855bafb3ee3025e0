import { sql } from "kysely";
import { z } from "zod";
import type { AppointmentStatus, ScheduleExceptionKind } from "../../../db/schema";
import { recordAudit } from "../../../server/audit.server";
import { recordEvent } from "../../../server/events/record-event.server";
import { patientRefs } from "../../../server/events/refs.server";
import type { PorticoLoadContext } from "../../load-context";
import { addDays, dateTimeFormat, formatDateTime, localeFor, zonedToUtc } from "../../time";
import { todayIn } from "../../visibility/portal-rules";
import { emailBookingToClient, emailCancellationToClient } from "../booking/booking-email.server";
import { notFound } from "../portal/portal-page.server";
import { requirePracticeSite } from "../require-practice.server";
import { calendarDateSchema } from "../record-fields";
import { adminPage, type StaffScope } from "./admin-page.server";
import { sendAppointmentForms } from "./form-requests.server";

/**
 * `/admin/schedule` (permission `manage_booking`): the front desk's view of the practice's days. Appointments from
 * the practice system and from online booking, live holds, each practitioner's hours, time off and closures, on the
 * practice's clock. Staff approve or decline clients' requests, and may cancel what was booked online (its
 * `booked_time` row is Portico's); what came from the practice system is changed there
 * (docs/decisions/021-online-booking.md).
 */

const PERMISSION = "manage_booking";
/** A week of a large practice fits; beyond this the page says it shows only the first ones. */
const APPOINTMENTS_SHOWN = 2_000;
const SHOWN_STATUSES: AppointmentStatus[] = ["requested", "scheduled", "confirmed", "completed"];
const STATUS_WORDS: Partial<Record<AppointmentStatus, string>> = { requested: "Requested", scheduled: "Scheduled", confirmed: "Confirmed", completed: "Completed" };
const EXCEPTION_WORDS: Record<ScheduleExceptionKind, string> = { time_off: "Time off", extra_hours: "Extra hours", closure: "Practice closed" };

export type ScheduleView = "day" | "week";

/** Every filter is optional and a bad value is simply not applied: the page never fails on its query. */
const filtersSchema = z.object({
  date: calendarDateSchema.optional().catch(undefined),
  view: z.enum(["day", "week"]).catch("day"),
  practitioner: z.uuid().optional().catch(undefined),
  location: z.uuid().optional().catch(undefined),
});

export type ScheduleFilters = { date: string; view: ScheduleView; practitionerId: string | null; locationId: string | null };

export type ScheduleEntry =
  | {
      kind: "appointment";
      id: string;
      time: string;
      startsIso: string;
      patient: string;
      client: string;
      reason: string;
      clientNote: string | null;
      status: string;
      bookedOnline: boolean;
      /** Booked in Portico (it holds a `booked_time` row): staff may cancel it here. */
      cancellable: boolean;
      /** A client's request still to come: staff approve or decline it. */
      awaitingDecision: boolean;
      location: string;
    }
  | { kind: "hold"; id: string; time: string; startsIso: string; client: string; typeName: string; heldUntil: string; moving: boolean; location: string };

export type PractitionerDay = { key: string; name: string; hours: string[]; away: string[]; entries: ScheduleEntry[] };
export type ScheduleDay = { date: string; label: string; closures: string[]; practitioners: PractitionerDay[] };

export type SchedulePage = {
  filters: ScheduleFilters;
  timeZone: string;
  today: string;
  previousDate: string;
  nextDate: string;
  practitioners: { id: string; name: string }[];
  locations: { id: string; name: string }[];
  days: ScheduleDay[];
  truncated: boolean;
};

/** The Monday (ISO week) of a calendar date. */
function mondayOf(date: string): string {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

/** 1 (Monday) to 7 (Sunday), as `practitioner_hours.weekday`. */
function isoWeekday(date: string): number {
  return ((new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

function filtersFrom(request: Request) {
  return filtersSchema.parse(Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== "")));
}

type Clock = { clock: (instant: Date) => string; dayLabel: (date: string) => string };

function clockFor(timeZone: string): Clock {
  const locale = localeFor(timeZone);
  return {
    clock: (instant) => dateTimeFormat(locale, { timeZone, hour: "numeric", minute: "2-digit" }).format(instant),
    dayLabel: (date) => dateTimeFormat(locale, { timeZone: "UTC", weekday: "long", month: "long", day: "numeric", year: "numeric" }).format(new Date(`${date}T12:00:00Z`)),
  };
}

/** The part of a span that falls on one day, in words: "all day", "from 2:00 PM", "9:00 AM – 11:00 AM". */
function partOfDay(startsAt: Date, endsAt: Date, dayStart: Date, dayEnd: Date, { clock }: Clock): string {
  const fromStart = startsAt <= dayStart;
  const toEnd = endsAt >= dayEnd;
  if (fromStart && toEnd) return "all day";
  if (toEnd) return `from ${clock(startsAt)}`;
  if (fromStart) return `until ${clock(endsAt)}`;
  return `${clock(startsAt)} – ${clock(endsAt)}`;
}

async function readSchedule(scope: StaffScope, query: z.infer<typeof filtersSchema>): Promise<SchedulePage> {
  const { trx, now } = scope;
  const { time_zone: timeZone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
  const [practitioners, locations] = await Promise.all([
    trx.selectFrom("practitioners").select(["id", "name", "active"]).orderBy("name").execute(),
    trx.selectFrom("locations").select(["id", "name"]).where("active", "=", true).orderBy("position").orderBy("name").execute(),
  ]);
  const today = todayIn(timeZone, now);
  const view: ScheduleView = query.view;
  // A day within ten years either way: further off there is nothing to show, and the week around 9999-12-31 has no end.
  const date = query.date && query.date >= addDays(today, -3653) && query.date <= addDays(today, 3653) ? query.date : today;
  // An id that is not one of the practice's practitioners or open locations is no filter at all.
  const practitionerId = practitioners.some((p) => p.id === query.practitioner && p.active) ? query.practitioner! : null;
  const locationId = locations.some((l) => l.id === query.location) ? query.location! : null;
  const dates = view === "week" ? Array.from({ length: 7 }, (_, i) => addDays(mondayOf(date), i)) : [date];
  const from = zonedToUtc(dates[0]!, "00:00", timeZone);
  const to = zonedToUtc(addDays(dates.at(-1)!, 1), "00:00", timeZone);

  let appointmentsQuery = trx
    .selectFrom("appointments as a")
    .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "a.practice_id").onRef("p.id", "=", "a.patient_id"))
    .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "p.practice_id").onRef("c.id", "=", "p.client_id"))
    .innerJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "a.practice_id").onRef("l.id", "=", "a.location_id"))
    .leftJoin("booked_time as b", (join) => join.onRef("b.practice_id", "=", "a.practice_id").onRef("b.appointment_id", "=", "a.id"))
    .select([
      "a.id",
      "a.practitioner_id",
      "a.practitioner_name",
      "a.reason",
      "a.client_note",
      "a.starts_at",
      "a.ends_at",
      "a.status",
      "a.booked_by",
      "p.name as patient_name",
      "c.first_name",
      "c.last_name",
      "l.name as location_name",
      "b.id as booked_time_id",
    ])
    .where("a.status", "in", SHOWN_STATUSES)
    .where("a.starts_at", ">=", from)
    .where("a.starts_at", "<", to);
  let holdsQuery = trx
    .selectFrom("booked_time as b")
    .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "b.practice_id").onRef("c.id", "=", "b.client_id"))
    .innerJoin("appointment_types as t", (join) => join.onRef("t.practice_id", "=", "b.practice_id").onRef("t.id", "=", "b.appointment_type_id"))
    .innerJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "b.practice_id").onRef("l.id", "=", "b.location_id"))
    .select(["b.id", "b.practitioner_id", "b.hold_expires_at", "b.reschedule_of", sql<Date>`lower(b.during)`.as("starts_at"), sql<Date>`upper(b.during)`.as("ends_at"), "t.name as type_name", "t.duration_minutes", "c.first_name", "c.last_name", "l.name as location_name"])
    .where("b.appointment_id", "is", null)
    .where("b.hold_expires_at", ">", now)
    .where(sql<boolean>`b.during && tstzrange(${from}, ${to})`);
  let hoursQuery = trx.selectFrom("practitioner_hours as h").innerJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "h.practice_id").onRef("l.id", "=", "h.location_id")).select(["h.practitioner_id", "h.weekday", "h.starts", "h.ends", "l.name as location_name"]);
  let exceptionsQuery = trx
    .selectFrom("schedule_exceptions as e")
    .leftJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "e.practice_id").onRef("l.id", "=", "e.location_id"))
    .select(["e.kind", "e.practitioner_id", "e.starts_at", "e.ends_at", "e.note", "l.name as location_name"])
    .where("e.starts_at", "<", to)
    .where("e.ends_at", ">", from);
  if (practitionerId) {
    appointmentsQuery = appointmentsQuery.where("a.practitioner_id", "=", practitionerId);
    holdsQuery = holdsQuery.where("b.practitioner_id", "=", practitionerId);
    hoursQuery = hoursQuery.where("h.practitioner_id", "=", practitionerId);
    exceptionsQuery = exceptionsQuery.where((eb) => eb.or([eb("e.practitioner_id", "=", practitionerId), eb("e.practitioner_id", "is", null)]));
  }
  if (locationId) {
    appointmentsQuery = appointmentsQuery.where("a.location_id", "=", locationId);
    holdsQuery = holdsQuery.where("b.location_id", "=", locationId);
    hoursQuery = hoursQuery.where("h.location_id", "=", locationId);
    exceptionsQuery = exceptionsQuery.where((eb) => eb.or([eb("e.location_id", "=", locationId), eb("e.location_id", "is", null)]));
  }
  const [appointments, holds, hours, exceptions] = await Promise.all([
    appointmentsQuery.orderBy("a.starts_at").orderBy("a.id").limit(APPOINTMENTS_SHOWN + 1).execute(),
    holdsQuery.orderBy("starts_at").execute(),
    hoursQuery.orderBy("h.starts").execute(),
    exceptionsQuery.orderBy("e.starts_at").execute(),
  ]);
  const truncated = appointments.length > APPOINTMENTS_SHOWN;
  const shown = appointments.slice(0, APPOINTMENTS_SHOWN);

  const clock = clockFor(timeZone);
  const multiLocation = locations.length > 1 && !locationId;
  const at = (location: string | null) => (multiLocation && location ? ` (${location})` : "");
  const byId = new Map(practitioners.map((p) => [p.id, p]));
  const activeIds = new Set(practitioners.filter((p) => p.active).map((p) => p.id));

  const days = dates.map((day): ScheduleDay => {
    const dayStart = zonedToUtc(day, "00:00", timeZone);
    const dayEnd = zonedToUtc(addDays(day, 1), "00:00", timeZone);
    const onDay = (startsAt: Date, endsAt: Date) => startsAt < dayEnd && endsAt > dayStart;
    const rows = new Map<string, PractitionerDay & { starts: Map<ScheduleEntry, number> }>();
    // Appointments from the practice system may name a practitioner Portico has no row for: grouped by that name.
    const rowFor = (id: string | null, name: string) => {
      const key = id ?? `name:${name}`;
      let row = rows.get(key);
      if (!row) {
        row = { key, name: (id && byId.get(id)?.name) || name, hours: [], away: [], entries: [], starts: new Map() };
        rows.set(key, row);
      }
      return row;
    };
    for (const h of hours) {
      if (h.weekday !== isoWeekday(day) || !activeIds.has(h.practitioner_id)) continue;
      const startsAt = zonedToUtc(day, h.starts.slice(0, 5), timeZone);
      const endsAt = zonedToUtc(day, h.ends.slice(0, 5), timeZone);
      rowFor(h.practitioner_id, "").hours.push(`${clock.clock(startsAt)} – ${clock.clock(endsAt)}${at(h.location_name)}`);
    }
    const closures: string[] = [];
    for (const e of exceptions) {
      if (!onDay(e.starts_at, e.ends_at)) continue;
      const words = `${partOfDay(e.starts_at, e.ends_at, dayStart, dayEnd, clock)}${at(e.location_name)}${e.note ? `: ${e.note}` : ""}`;
      if (e.kind === "closure" || !e.practitioner_id) closures.push(`${EXCEPTION_WORDS[e.kind]} ${words}`);
      else if (e.kind === "extra_hours") rowFor(e.practitioner_id, "").hours.push(`${EXCEPTION_WORDS.extra_hours} ${words}`);
      else rowFor(e.practitioner_id, "").away.push(`${EXCEPTION_WORDS.time_off} ${words}`);
    }
    for (const a of shown) {
      if (a.starts_at < dayStart || a.starts_at >= dayEnd) continue;
      const row = rowFor(a.practitioner_id, a.practitioner_name);
      const entry: ScheduleEntry = {
        kind: "appointment",
        id: a.id,
        time: `${clock.clock(a.starts_at)} – ${clock.clock(a.ends_at)}`,
        startsIso: a.starts_at.toISOString(),
        patient: a.patient_name,
        client: `${a.first_name} ${a.last_name}`,
        reason: a.reason,
        clientNote: a.client_note,
        status: STATUS_WORDS[a.status] ?? a.status,
        bookedOnline: a.booked_by === "client" || a.booked_time_id !== null,
        cancellable: a.booked_time_id !== null && (a.status === "scheduled" || a.status === "confirmed") && a.starts_at > now,
        awaitingDecision: a.status === "requested" && a.starts_at > now,
        location: multiLocation ? a.location_name : "",
      };
      row.entries.push(entry);
      row.starts.set(entry, a.starts_at.getTime());
    }
    for (const b of holds) {
      const startsAt = new Date(b.starts_at);
      if (startsAt < dayStart || startsAt >= dayEnd) continue;
      const row = rowFor(b.practitioner_id, "");
      // The held range includes the type's buffer; the visit itself is the type's duration.
      const endsAt = b.duration_minutes ? new Date(startsAt.getTime() + b.duration_minutes * 60_000) : new Date(b.ends_at);
      const entry: ScheduleEntry = {
        kind: "hold",
        id: b.id,
        time: `${clock.clock(startsAt)} – ${clock.clock(endsAt)}`,
        startsIso: startsAt.toISOString(),
        client: `${b.first_name} ${b.last_name}`,
        typeName: b.type_name,
        heldUntil: clock.clock(b.hold_expires_at!),
        moving: b.reschedule_of !== null,
        location: multiLocation ? b.location_name : "",
      };
      row.entries.push(entry);
      row.starts.set(entry, startsAt.getTime());
    }
    const practitionerDays = [...rows.values()]
      .map(({ starts, ...row }) => ({ ...row, entries: row.entries.sort((x, y) => starts.get(x)! - starts.get(y)!) }))
      .sort((x, y) => x.name.localeCompare(y.name));
    return { date: day, label: clock.dayLabel(day), closures, practitioners: practitionerDays };
  });

  const step = view === "week" ? 7 : 1;
  const shownFrom = dates[0]!;
  return {
    filters: { date: view === "week" ? shownFrom : date, view, practitionerId, locationId },
    timeZone,
    today,
    previousDate: addDays(shownFrom, -step),
    nextDate: addDays(shownFrom, step),
    practitioners: practitioners.filter((p) => p.active).map((p) => ({ id: p.id, name: p.name })),
    locations,
    days,
    truncated,
  };
}

export async function getSchedule(context: PorticoLoadContext, request: Request) {
  const query = filtersFrom(request);
  return adminPage(context, request, PERMISSION, (scope) => readSchedule(scope, query));
}

// ---------------------------------------------------------------------------------------------------------------
// Deciding requests, cancelling online bookings

export type ScheduleActionResult = { ok: true; message: string } | { ok: false; error: string };

const refused = (error: string): ScheduleActionResult => ({ ok: false, error });

const reasonMessage = "Say briefly why the appointment is cancelled (at most 200 characters).";
const reasonSchema = z
  .string({ error: reasonMessage })
  .trim()
  .min(1, reasonMessage)
  .max(200, reasonMessage)
  .regex(/^[^\p{Cc}]*$/u, reasonMessage);

const declineMessage = "Keep the message to the client under 500 characters, in plain text.";
/** Optional: what the client reads in the email (another time to try, a number to call). */
const declineNoteSchema = z
  .string({ error: declineMessage })
  .trim()
  // A browser sends each line break of a textarea as CRLF but counts it as one character against maxlength.
  .overwrite((note) => note.replace(/\r\n/g, "\n"))
  .max(500, declineMessage)
  .regex(/^(?:[^\p{Cc}]|[\n\r\t])*$/u, declineMessage)
  .transform((note) => note || null);

type ActedOn = { id: string; patient_id: string; status: AppointmentStatus; starts_at: Date; reason: string; practitioner_name: string; patient_name: string; booked_online: boolean };

/** The appointment a schedule action names, locked for the change; a bad or unknown id is a 404. */
async function appointmentToChange(scope: StaffScope, form: FormData): Promise<ActedOn> {
  const id = z.uuid().safeParse(form.get("appointmentId"));
  if (!id.success) throw notFound();
  const appointment = await scope.trx
    .selectFrom("appointments as a")
    .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "a.practice_id").onRef("p.id", "=", "a.patient_id"))
    .select(["a.id", "a.patient_id", "a.status", "a.starts_at", "a.reason", "a.practitioner_name", "p.name as patient_name"])
    .select(sql<boolean>`exists (select 1 from booked_time b where b.appointment_id = a.id)`.as("booked_online"))
    .where("a.id", "=", id.data)
    .forUpdate("a")
    .executeTakeFirst();
  if (!appointment) throw notFound();
  return appointment;
}

/** Gives back the appointment's time, and any client's hold to move it elsewhere: both are free again at once. */
async function releaseTime(scope: StaffScope, appointmentId: string): Promise<void> {
  await scope.trx
    .deleteFrom("booked_time")
    .where((eb) => eb.or([eb("appointment_id", "=", appointmentId), eb("reschedule_of", "=", appointmentId)]))
    .execute();
}

function audit(context: PorticoLoadContext, scope: StaffScope, action: string, appointment: ActedOn, details: Record<string, unknown>) {
  return recordAudit(scope.trx, scope.practiceId, {
    actorType: scope.staff.actorType,
    actorId: scope.staff.id,
    action,
    subjectType: "appointment",
    subjectId: appointment.id,
    ip: context.visitor.ip,
    userAgent: context.visitor.userAgent,
    details: { startsAt: appointment.starts_at.toISOString(), practitioner: appointment.practitioner_name, ...details },
    at: scope.now,
  });
}

async function whenOf(scope: StaffScope, startsAt: Date): Promise<string> {
  const { time_zone: timeZone } = await scope.trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
  return formatDateTime(startsAt, timeZone, localeFor(timeZone));
}

/** Whether a request can still be decided: a time that has passed is for the practice system to follow up. */
function undecidable(appointment: ActedOn, now: Date): ScheduleActionResult | undefined {
  if (appointment.status !== "requested") return refused("This is not a request waiting for an answer (it may have been answered already).");
  if (appointment.starts_at <= now) return refused("The time asked for has passed. Contact the client to find another.");
  return undefined;
}

/**
 * Approves a client's request: the appointment is confirmed (the client chose the time; its time was held since the
 * request), audited, `appointment.booked` for the practice system (this is when it goes into its schedule), and
 * the client's confirmation email with the calendar file.
 */
async function approveRequest(context: PorticoLoadContext, request: Request, form: FormData): Promise<ScheduleActionResult> {
  const site = requirePracticeSite(context);
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<ScheduleActionResult> => {
    const appointment = await appointmentToChange(scope, form);
    const problem = undecidable(appointment, scope.now);
    if (problem) return problem;
    const { trx, now } = scope;
    const approved = await trx
      .updateTable("appointments")
      .set({ status: "confirmed", confirmed_at: now, updated_at: now })
      .where("id", "=", appointment.id)
      .returning(["practitioner_id", "appointment_type_id", "starts_at", "ends_at"])
      .executeTakeFirstOrThrow();
    await audit(context, scope, "staff.appointment_request_approved", appointment, {});
    await recordEvent(
      trx,
      scope.practiceId,
      {
        type: "appointment.booked",
        data: {
          appointment: { id: appointment.id },
          ...(await patientRefs(trx, appointment.patient_id)),
          practitioner: { id: approved.practitioner_id! },
          appointmentType: { id: approved.appointment_type_id! },
          startsAt: approved.starts_at.toISOString(),
          endsAt: approved.ends_at.toISOString(),
          bookedVia: "portal",
        },
      },
      now,
    );
    await emailBookingToClient(trx, site, { kind: "approved", appointmentId: appointment.id });
    await sendAppointmentForms(trx, site, appointment.id, now);
    return { ok: true, message: `Approved: ${appointment.reason} for ${appointment.patient_name}, ${await whenOf(scope, appointment.starts_at)}. The client has been emailed.` };
  });
  return page;
}

/** Declines a client's request: its time is free again, audited, `appointment.declined`, and the client is emailed (with the staff's message, if any). */
async function declineRequest(context: PorticoLoadContext, request: Request, form: FormData): Promise<ScheduleActionResult> {
  const site = requirePracticeSite(context);
  const note = declineNoteSchema.safeParse(form.get("message") ?? "");
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<ScheduleActionResult> => {
    const appointment = await appointmentToChange(scope, form);
    const problem = undecidable(appointment, scope.now);
    if (problem) return problem;
    if (!note.success) return refused(declineMessage);
    const { trx, now } = scope;
    await trx.updateTable("appointments").set({ status: "declined", updated_at: now }).where("id", "=", appointment.id).execute();
    await releaseTime(scope, appointment.id);
    await audit(context, scope, "staff.appointment_request_declined", appointment, { message: note.data });
    await recordEvent(trx, scope.practiceId, { type: "appointment.declined", data: { appointment: { id: appointment.id }, ...(await patientRefs(trx, appointment.patient_id)) } }, now);
    await emailCancellationToClient(trx, site, { kind: "declined", appointmentId: appointment.id, message: note.data });
    return { ok: true, message: `Declined: ${appointment.reason} for ${appointment.patient_name}, ${await whenOf(scope, appointment.starts_at)}. The client has been emailed and the time is free again.` };
  });
  return page;
}

/**
 * Cancels an appointment booked online, for the front desk: status cancelled, its time given back at once, audited
 * with the staff member's reason. An appointment from the practice system is refused: the practice system is its
 * record of truth. Nothing is written on any refusal.
 */
async function cancelAppointment(context: PorticoLoadContext, request: Request, form: FormData): Promise<ScheduleActionResult> {
  const site = requirePracticeSite(context);
  const reason = reasonSchema.safeParse(form.get("reason"));
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<ScheduleActionResult> => {
    const appointment = await appointmentToChange(scope, form);
    // Checked first: a cancelled online booking has given its `booked_time` row back.
    if (appointment.status === "cancelled" || appointment.status === "declined") return refused("This appointment is already cancelled.");
    if (appointment.status === "requested") return refused("This is a request: approve or decline it.");
    if (!appointment.booked_online) return refused("This appointment comes from the practice system. Change it in the practice system.");
    if (appointment.status !== "scheduled" && appointment.status !== "confirmed") return refused("This appointment has already taken place.");
    if (appointment.starts_at <= scope.now) return refused("This appointment has already started. Record what happened in the practice system.");
    if (!reason.success) return refused(reasonMessage);
    const { trx, now } = scope;
    await trx.updateTable("appointments").set({ status: "cancelled", updated_at: now }).where("id", "=", appointment.id).execute();
    await releaseTime(scope, appointment.id);
    await audit(context, scope, "staff.appointment_cancelled", appointment, { reason: reason.data });
    await recordEvent(trx, scope.practiceId, { type: "appointment.cancelled", data: { appointment: { id: appointment.id }, ...(await patientRefs(trx, appointment.patient_id)), cancelledBy: "staff" } }, now);
    // The client hears it from the practice, not from a changed page: the staff's reason stays in the audit log.
    await emailCancellationToClient(trx, site, { kind: "cancelled", appointmentId: appointment.id });
    return { ok: true, message: `Cancelled: ${appointment.reason} for ${appointment.patient_name}, ${await whenOf(scope, appointment.starts_at)}. The time is free again.` };
  });
  return page;
}

const ACTIONS = { approve: approveRequest, decline: declineRequest, cancel: cancelAppointment } as const;

/** The page's actions; anything but a known intent is refused with a message. */
export async function runScheduleAction(context: PorticoLoadContext, request: Request, form: FormData): Promise<ScheduleActionResult> {
  const intent = form.get("intent");
  if (intent === "approve" || intent === "decline" || intent === "cancel") return ACTIONS[intent](context, request, form);
  const { page } = await adminPage(context, request, PERMISSION, async () => refused("Unknown action."));
  return page;
}
