import { z } from "zod";
import type { BookingMode, PracticeKind, ScheduleExceptionKind } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { recordAudit } from "../../../server/audit.server";
import type { PorticoLoadContext } from "../../load-context";
import { addDays, formatDate, formatDateTime, formatTimeOfDay, localeFor, zonedToUtc } from "../../time";
import { todayIn } from "../../visibility/portal-rules";
import { notFound } from "../portal/portal-page.server";
import { adminPage, type StaffScope } from "./admin-page.server";

/**
 * The staff side of online booking (`/admin/booking`, permission `manage_booking`): the practice's booking settings,
 * which practitioners and appointment types clients may book, practitioners' weekly hours and dated exceptions.
 * Practitioners, locations and types come from the practice system (integration API): this page sets only their
 * booking attributes, never creates or renames them. Every write is audited; bad input writes nothing.
 */

const PERMISSION = "manage_booking";
const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
const EXCEPTIONS_SHOWN = 200;

export type BookingSettingsValues = { mode: BookingMode; minNoticeMinutes: number; maxAdvanceDays: number; slotStepMinutes: number; cancelWindowHours: number; newPatients: boolean; newClients: boolean };
export type BookingPage = {
  kind: PracticeKind;
  timeZone: string;
  settings: BookingSettingsValues;
  locations: { id: string; name: string }[];
  staffMembers: { id: string; name: string }[];
  practitioners: { id: string; name: string; title: string | null; bookable: boolean; staffMemberId: string | null }[];
  types: { id: string; name: string; durationMinutes: number | null; bufferMinutes: number; bookable: boolean; newClients: boolean; species: string[]; practitionerIds: string[]; locationIds: string[] }[];
  hours: { practitionerId: string; practitionerName: string; rows: { id: string; weekday: number; starts: string; ends: string; locationName: string }[] }[];
  exceptions: { id: string; kind: ScheduleExceptionKind; practitionerName: string | null; locationName: string | null; when: string; note: string | null }[];
};
export type BookingIntent = "settings" | "practitioners" | "types" | "add-hours" | "remove-hours" | "add-exception" | "remove-exception";
export type BookingActionResult = ({ ok: true; message: string } | { ok: false; error: string }) & { intent: BookingIntent | null };
type Outcome = { ok: true; message: string } | { ok: false; error: string };

const refused = (error: string): Outcome => ({ ok: false, error });

/** "09:00:00" (as Postgres answers a time) → "09:00". */
const hhmm = (time: string) => time.slice(0, 5);

/** A span in words on the practice's wall clock: whole days as dates, anything else as times. */
function describeSpan(startsAt: Date, endsAt: Date, timeZone: string): string {
  const locale = localeFor(timeZone);
  const startDay = todayIn(timeZone, startsAt);
  const endDay = todayIn(timeZone, endsAt);
  const atMidnight = (instant: Date, day: string) => zonedToUtc(day, "00:00", timeZone).getTime() === instant.getTime();
  if (atMidnight(startsAt, startDay) && atMidnight(endsAt, endDay)) {
    const lastDay = addDays(endDay, -1);
    return lastDay === startDay ? `${formatDate(startDay, locale)}, whole day` : `${formatDate(startDay, locale)} – ${formatDate(lastDay, locale)}, whole days`;
  }
  const end = startDay === endDay ? formatTimeOfDay(endsAt, timeZone, locale) : formatDateTime(endsAt, timeZone, locale);
  return `${formatDateTime(startsAt, timeZone, locale)} – ${end}`;
}

async function readSettings(trx: PracticeTransaction): Promise<BookingSettingsValues & { timeZone: string }> {
  const row = await trx
    .selectFrom("practice_settings")
    .select(["booking_mode", "booking_min_notice_minutes", "booking_max_advance_days", "booking_slot_step_minutes", "booking_cancel_window_hours", "booking_new_patients", "booking_new_clients", "time_zone"])
    .executeTakeFirstOrThrow();
  return {
    mode: row.booking_mode,
    minNoticeMinutes: row.booking_min_notice_minutes,
    maxAdvanceDays: row.booking_max_advance_days,
    slotStepMinutes: row.booking_slot_step_minutes,
    cancelWindowHours: row.booking_cancel_window_hours,
    newPatients: row.booking_new_patients,
    newClients: row.booking_new_clients,
    timeZone: row.time_zone,
  };
}

const activeLocations = (trx: PracticeTransaction) => trx.selectFrom("locations").select(["id", "name"]).where("active", "=", true).orderBy("position").orderBy("name").execute();
const activePractitioners = (trx: PracticeTransaction) => trx.selectFrom("practitioners").select(["id", "name", "title", "bookable", "staff_member_id"]).where("active", "=", true).orderBy("name").execute();
const activeTypes = (trx: PracticeTransaction) =>
  trx.selectFrom("appointment_types").select(["id", "name", "duration_minutes", "buffer_minutes", "bookable_online", "bookable_new_clients", "species"]).where("active", "=", true).orderBy("name").execute();

async function readPage(scope: StaffScope): Promise<BookingPage> {
  const { trx, now } = scope;
  const [settings, locations, staffMembers, practitioners, types, links, offeredAt, hours, exceptions] = await Promise.all([
    readSettings(trx),
    activeLocations(trx),
    trx.selectFrom("staff_members").select(["id", "name"]).where("active", "=", true).orderBy("name").execute(),
    activePractitioners(trx),
    activeTypes(trx),
    trx.selectFrom("appointment_type_practitioners").select(["appointment_type_id", "practitioner_id"]).execute(),
    trx.selectFrom("appointment_type_locations").select(["appointment_type_id", "location_id"]).execute(),
    trx
      .selectFrom("practitioner_hours as h")
      .innerJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "h.practice_id").onRef("l.id", "=", "h.location_id"))
      .select(["h.id", "h.practitioner_id", "h.weekday", "h.starts", "h.ends", "l.name as location_name"])
      .orderBy("h.weekday")
      .orderBy("h.starts")
      .execute(),
    trx
      .selectFrom("schedule_exceptions as e")
      .leftJoin("practitioners as p", (join) => join.onRef("p.practice_id", "=", "e.practice_id").onRef("p.id", "=", "e.practitioner_id"))
      .leftJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "e.practice_id").onRef("l.id", "=", "e.location_id"))
      .select(["e.id", "e.kind", "e.starts_at", "e.ends_at", "e.note", "p.name as practitioner_name", "l.name as location_name"])
      .where("e.ends_at", ">", now)
      .orderBy("e.starts_at")
      .limit(EXCEPTIONS_SHOWN)
      .execute(),
  ]);
  const { timeZone, ...values } = settings;
  return {
    kind: scope.site.practice.kind,
    timeZone,
    settings: values,
    locations,
    staffMembers,
    practitioners: practitioners.map((p) => ({ id: p.id, name: p.name, title: p.title, bookable: p.bookable, staffMemberId: p.staff_member_id })),
    types: types.map((t) => ({
      id: t.id,
      name: t.name,
      durationMinutes: t.duration_minutes,
      bufferMinutes: t.buffer_minutes,
      bookable: t.bookable_online,
      newClients: t.bookable_new_clients,
      species: t.species,
      practitionerIds: links.filter((l) => l.appointment_type_id === t.id).map((l) => l.practitioner_id),
      locationIds: offeredAt.filter((l) => l.appointment_type_id === t.id).map((l) => l.location_id),
    })),
    hours: practitioners
      .filter((p) => p.bookable)
      .map((p) => ({
        practitionerId: p.id,
        practitionerName: p.name,
        rows: hours.filter((h) => h.practitioner_id === p.id).map((h) => ({ id: h.id, weekday: h.weekday, starts: hhmm(h.starts), ends: hhmm(h.ends), locationName: h.location_name })),
      })),
    exceptions: exceptions.map((e) => ({ id: e.id, kind: e.kind, practitionerName: e.practitioner_name, locationName: e.location_name, when: describeSpan(e.starts_at, e.ends_at, timeZone), note: e.note })),
  };
}

export async function getBookingSettings(context: PorticoLoadContext, request: Request) {
  return adminPage(context, request, PERMISSION, readPage);
}

async function audit(scope: StaffScope, context: PorticoLoadContext, action: string, details: Record<string, unknown>, subject?: { type: string; id: string }): Promise<void> {
  await recordAudit(scope.trx, scope.practiceId, {
    actorType: scope.staff.actorType,
    actorId: scope.staff.id,
    action,
    subjectType: subject?.type,
    subjectId: subject?.id,
    ip: context.visitor.ip,
    userAgent: context.visitor.userAgent,
    details,
    at: scope.now,
  });
}

/** Only the keys whose value changed, before and after: what the audit log shows. */
function changes<T extends Record<string, unknown>>(before: T, after: T): { before: Partial<T>; after: Partial<T> } | undefined {
  const keys = (Object.keys(after) as (keyof T)[]).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  if (!keys.length) return undefined;
  return { before: Object.fromEntries(keys.map((k) => [k, before[k]])) as Partial<T>, after: Object.fromEntries(keys.map((k) => [k, after[k]])) as Partial<T> };
}

// ---------------------------------------------------------------------------------------------------------------
// Input shapes (validated before any transaction opens)

/** A whole number typed into a form field, within bounds. */
function wholeNumber(min: number, max: number, message: string) {
  return z
    .string({ error: message })
    .trim()
    .regex(/^\d{1,7}$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
}

const formText = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : value === null ? undefined : value;
};
const formTexts = (form: FormData, name: string) => form.getAll(name);

const uuidMessage = "Something on the page is out of date. Please reload it and try again.";
const idList = z.array(z.uuid({ error: uuidMessage }), { error: uuidMessage });
const timeOfDay = (message: string) =>
  z
    .string({ error: message })
    .regex(/^([01]\d|2[0-3]):[0-5]\d(:00)?$/, message)
    .transform((t) => t.slice(0, 5));
const calendarDate = (message: string) =>
  z
    .string({ error: message })
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine((value) => {
      const [y, m, d] = value.split("-").map(Number) as [number, number, number];
      return y >= 2000 && y <= 2100 && new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10) === value;
    }, message);
const optionalId = z.union([z.literal(""), z.uuid({ error: uuidMessage })], { error: uuidMessage }).transform((v) => (v === "" ? null : v));

const settingsSchema = z.object({
  mode: z.enum(["off", "requests", "direct"], { error: "Choose whether clients can book online." }),
  minNoticeMinutes: wholeNumber(0, 20160, "Choose the minimum notice (at most 14 days)."),
  maxAdvanceDays: wholeNumber(1, 365, "Clients can book between 1 and 365 days ahead."),
  slotStepMinutes: z.enum(["5", "10", "15", "20", "30", "60"], { error: "Choose how often appointments may start." }).transform(Number),
  cancelWindowHours: wholeNumber(0, 720, "The cancellation window is between 0 and 720 hours (30 days)."),
  newPatients: z.boolean(),
  newClients: z.boolean(),
});

const practitionersSchema = z.object({
  rows: z
    .array(z.object({ id: z.uuid({ error: uuidMessage }), bookable: z.boolean(), staffMemberId: optionalId }))
    .min(1, "There are no practitioners to save.")
    .max(500, uuidMessage),
  bookable: idList,
});

const speciesList = z
  .string({ error: "Species must be text." })
  .max(1000, "List at most 10 species, each under 60 characters.")
  .regex(/^[^\p{Cc}]*$/u, "Species cannot contain control characters.")
  .transform((value) => {
    const seen = new Set<string>();
    return value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s && !seen.has(s.toLowerCase()) && seen.add(s.toLowerCase()));
  })
  .pipe(z.array(z.string().max(60, "Each species is at most 60 characters.")).max(10, "List at most 10 species."));

const typesSchema = z.object({
  rows: z
    .array(
      z.object({
        id: z.uuid({ error: uuidMessage }),
        bookable: z.boolean(),
        newClients: z.boolean(),
        duration: z.union([z.literal("").transform(() => null), wholeNumber(5, 480, "The duration is between 5 and 480 minutes.")], { error: "The duration is between 5 and 480 minutes." }),
        buffer: z.union([z.literal("").transform(() => 0), wholeNumber(0, 240, "The buffer is between 0 and 240 minutes.")], { error: "The buffer is between 0 and 240 minutes." }),
        species: z.union([z.undefined(), speciesList]),
        practitionerIds: idList.max(500, uuidMessage),
        locationIds: idList.max(500, uuidMessage),
      }),
    )
    .min(1, "There are no appointment types to save.")
    .max(1000, uuidMessage),
  bookable: idList,
  newClients: idList,
});

const hoursSchema = z
  .object({
    practitionerId: z.uuid({ error: "Choose a practitioner." }),
    locationId: optionalId,
    weekday: z.enum(["1", "2", "3", "4", "5", "6", "7"], { error: "Choose a day of the week." }).transform(Number),
    starts: timeOfDay("Enter when the hours start (hh:mm)."),
    ends: timeOfDay("Enter when the hours end (hh:mm)."),
  })
  .refine((h) => h.ends > h.starts, "The hours must end after they start.");

const exceptionSchema = z
  .object({
    kind: z.enum(["time_off", "extra_hours", "closure"], { error: "Choose what kind of change this is." }),
    practitionerId: optionalId,
    locationId: optionalId,
    date: calendarDate("Enter the date (yyyy-mm-dd)."),
    endDate: z.union([z.literal(""), calendarDate("Enter the last date (yyyy-mm-dd), or leave it empty.")], { error: "Enter the last date (yyyy-mm-dd), or leave it empty." }),
    wholeDay: z.boolean(),
    starts: z.union([z.literal(""), timeOfDay("Enter the start time (hh:mm).")], { error: "Enter the start time (hh:mm)." }),
    ends: z.union([z.literal(""), timeOfDay("Enter the end time (hh:mm).")], { error: "Enter the end time (hh:mm)." }),
    note: z
      .string({ error: "The note must be text." })
      .trim()
      .max(200, "Keep the note under 200 characters.")
      .regex(/^[^\p{Cc}]*$/u, "The note cannot contain control characters."),
  })
  .superRefine((e, ctx) => {
    if (e.kind !== "closure" && !e.practitionerId) ctx.addIssue({ code: "custom", message: "Choose the practitioner." });
    if (!e.wholeDay && (!e.starts || !e.ends)) ctx.addIssue({ code: "custom", message: "Enter a start and an end time, or choose “whole day”." });
  });

const firstIssue = (error: z.ZodError, fallback: string) => error.issues[0]?.message ?? fallback;

// ---------------------------------------------------------------------------------------------------------------
// Settings

/** Why this practice cannot offer online booking now, in words; undefined when it can. */
async function directModeProblem(trx: PracticeTransaction): Promise<string | undefined> {
  const [locations, practitioners, types] = await Promise.all([
    trx.selectFrom("locations").select((eb) => eb.fn.countAll<string>().as("n")).where("active", "=", true).executeTakeFirstOrThrow(),
    trx.selectFrom("practitioners").select((eb) => eb.fn.countAll<string>().as("n")).where("active", "=", true).where("bookable", "=", true).executeTakeFirstOrThrow(),
    trx
      .selectFrom("appointment_types")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("active", "=", true)
      .where("bookable_online", "=", true)
      .where("duration_minutes", "is not", null)
      .executeTakeFirstOrThrow(),
  ]);
  const locationCount = Number(locations.n);
  if (locationCount === 0) return "Online booking needs the practice's location, and the practice system has sent none that is open.";
  const missing = [Number(practitioners.n) === 0 ? "at least one practitioner" : null, Number(types.n) === 0 ? "at least one appointment type" : null].filter((m) => m !== null);
  if (missing.length) return `Before clients can book, mark ${missing.join(" and ")} as bookable below; until then no free time can be shown.`;
  return undefined;
}

async function updateSettings(context: PorticoLoadContext, request: Request, form: FormData): Promise<Outcome> {
  const parsed = settingsSchema.safeParse({
    mode: formText(form, "mode"),
    minNoticeMinutes: formText(form, "minNoticeMinutes"),
    maxAdvanceDays: formText(form, "maxAdvanceDays"),
    slotStepMinutes: formText(form, "slotStepMinutes"),
    cancelWindowHours: formText(form, "cancelWindowHours"),
    newPatients: form.get("newPatients") === "on",
    newClients: form.get("newClients") === "on",
  });
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<Outcome> => {
    if (!parsed.success) return refused(firstIssue(parsed.error, "Some settings were not valid."));
    const input = parsed.data;
    if (input.mode !== "off") {
      const problem = await directModeProblem(scope.trx);
      if (problem) return refused(problem);
    }
    const { timeZone: _zone, ...before } = await readSettings(scope.trx);
    const diff = changes<BookingSettingsValues>(before, input);
    if (!diff) return { ok: true, message: "Nothing changed." };
    await scope.trx
      .updateTable("practice_settings")
      .set({
        booking_mode: input.mode,
        booking_min_notice_minutes: input.minNoticeMinutes,
        booking_max_advance_days: input.maxAdvanceDays,
        booking_slot_step_minutes: input.slotStepMinutes,
        booking_cancel_window_hours: input.cancelWindowHours,
        booking_new_patients: input.newPatients,
        booking_new_clients: input.newClients,
        updated_at: scope.now,
      })
      .execute();
    await audit(scope, context, "staff.booking_settings_changed", { section: "settings", ...diff });
    const saved = { off: "Settings saved.", requests: "Settings saved. Clients can ask for free times online; you approve each request on the schedule.", direct: "Settings saved. Clients can book free times online." } as const;
    return { ok: true, message: saved[input.mode] };
  });
  return page;
}

// ---------------------------------------------------------------------------------------------------------------
// Practitioners

async function savePractitioners(context: PorticoLoadContext, request: Request, form: FormData): Promise<Outcome> {
  const ids = formTexts(form, "practitionerId");
  const bookable = formTexts(form, "bookable");
  const parsed = practitionersSchema.safeParse({
    rows: ids.map((id) => ({ id, bookable: typeof id === "string" && bookable.includes(id), staffMemberId: formText(form, `staffMember-${String(id)}`) ?? "" })),
    bookable,
  });
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<Outcome> => {
    if (!parsed.success) return refused(firstIssue(parsed.error, uuidMessage));
    const { rows } = parsed.data;
    const { trx } = scope;
    const posted = new Set(rows.map((r) => r.id));
    if (posted.size !== rows.length || parsed.data.bookable.some((id) => !posted.has(id))) return refused(uuidMessage);

    const [current, staff, holders] = await Promise.all([
      activePractitioners(trx),
      trx.selectFrom("staff_members").select(["id", "name"]).where("active", "=", true).execute(),
      trx.selectFrom("practitioners").select(["id", "name", "staff_member_id"]).where("staff_member_id", "is not", null).execute(),
    ]);
    const byId = new Map(current.map((p) => [p.id, p]));
    if (rows.some((r) => !byId.has(r.id))) return refused("One of the practitioners is no longer active. Please reload the page.");
    const staffName = new Map(staff.map((s) => [s.id, s.name]));
    if (rows.some((r) => r.staffMemberId !== null && !staffName.has(r.staffMemberId))) return refused("One of the staff members is no longer active. Please reload the page.");

    // A staff account is one practitioner at most (a unique index): name the clash instead of failing on it.
    const claimed = new Map<string, string>();
    for (const holder of holders) if (!posted.has(holder.id)) claimed.set(holder.staff_member_id!, holder.name);
    for (const row of rows) {
      if (row.staffMemberId === null) continue;
      const other = claimed.get(row.staffMemberId);
      if (other) return refused(`${staffName.get(row.staffMemberId)} is already linked to ${other}; a staff member can be one practitioner only.`);
      claimed.set(row.staffMemberId, byId.get(row.id)!.name);
    }

    // Every type clients can book keeps someone to perform it.
    const stillBookable = new Set(current.filter((p) => (posted.has(p.id) ? rows.find((r) => r.id === p.id)!.bookable : p.bookable)).map((p) => p.id));
    const types = await trx
      .selectFrom("appointment_types as t")
      .leftJoin("appointment_type_practitioners as tp", (join) => join.onRef("tp.practice_id", "=", "t.practice_id").onRef("tp.appointment_type_id", "=", "t.id"))
      // With the left join, a type without performers aggregates to {NULL}: never null itself.
      .select(["t.name", (eb) => eb.fn<(string | null)[]>("array_agg", ["tp.practitioner_id"]).as("performers")])
      .where("t.active", "=", true)
      .where("t.bookable_online", "=", true)
      .groupBy(["t.id", "t.name"])
      .orderBy("t.name")
      .execute();
    const orphan = types.find((t) => !t.performers.some((id) => id !== null && stillBookable.has(id)));
    if (orphan) return refused(`“${orphan.name}” is bookable online and would have no bookable practitioner left. Change the appointment types first.`);

    const changed = rows.filter((r) => {
      const p = byId.get(r.id)!;
      return p.bookable !== r.bookable || p.staff_member_id !== r.staffMemberId;
    });
    if (!changed.length) return { ok: true, message: "Nothing changed." };
    // Unlinked first, so that two practitioners may swap staff accounts without tripping the unique index.
    const relinked = changed.filter((r) => byId.get(r.id)!.staff_member_id !== null && byId.get(r.id)!.staff_member_id !== r.staffMemberId).map((r) => r.id);
    if (relinked.length) await trx.updateTable("practitioners").set({ staff_member_id: null }).where("id", "in", relinked).execute();
    for (const row of changed) {
      await trx.updateTable("practitioners").set({ bookable: row.bookable, staff_member_id: row.staffMemberId, updated_at: scope.now }).where("id", "=", row.id).execute();
    }
    const describe = (bookable: boolean, staffId: string | null) => ({ bookable, staffMember: staffId ? (staffName.get(staffId) ?? "a former staff member") : null });
    await audit(scope, context, "staff.booking_settings_changed", {
      section: "practitioners",
      before: Object.fromEntries(changed.map((r) => [byId.get(r.id)!.name, describe(byId.get(r.id)!.bookable, byId.get(r.id)!.staff_member_id)])),
      after: Object.fromEntries(changed.map((r) => [byId.get(r.id)!.name, describe(r.bookable, r.staffMemberId)])),
    });
    return { ok: true, message: "Practitioners saved." };
  });
  return page;
}

// ---------------------------------------------------------------------------------------------------------------
// Appointment types

async function saveTypes(context: PorticoLoadContext, request: Request, form: FormData): Promise<Outcome> {
  const ids = formTexts(form, "typeId");
  const bookable = formTexts(form, "bookable");
  const forNewClients = formTexts(form, "newClients");
  const rows = ids.map((id) => ({
    id,
    bookable: typeof id === "string" && bookable.includes(id),
    newClients: typeof id === "string" && forNewClients.includes(id),
    duration: formText(form, `duration-${String(id)}`) ?? "",
    buffer: formText(form, `buffer-${String(id)}`) ?? "",
    species: formText(form, `species-${String(id)}`),
    practitionerIds: formTexts(form, `practitioners-${String(id)}`),
    locationIds: formTexts(form, `locations-${String(id)}`),
  }));
  const parsed = typesSchema.safeParse({ rows, bookable, newClients: forNewClients });
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<Outcome> => {
    const { trx } = scope;
    const current = await activeTypes(trx);
    const byId = new Map(current.map((t) => [t.id, t]));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const index = issue?.path[0] === "rows" ? issue.path[1] : undefined;
      const row = typeof index === "number" ? rows[index] : undefined;
      const name = typeof row?.id === "string" ? byId.get(row.id)?.name : undefined;
      const message = firstIssue(parsed.error, uuidMessage);
      return refused(name ? `${name}: ${message}` : message);
    }
    const input = parsed.data.rows;
    const posted = new Set(input.map((r) => r.id));
    if (posted.size !== input.length || [...parsed.data.bookable, ...parsed.data.newClients].some((id) => !posted.has(id))) return refused(uuidMessage);
    if (input.some((r) => !byId.has(r.id))) return refused("One of the appointment types is no longer active. Please reload the page.");

    const [practitioners, links, offeredAt, locations, settings] = await Promise.all([
      trx.selectFrom("practitioners").select(["id", "name"]).where("active", "=", true).where("bookable", "=", true).execute(),
      trx.selectFrom("appointment_type_practitioners").select(["appointment_type_id", "practitioner_id"]).where("appointment_type_id", "in", [...posted]).execute(),
      trx.selectFrom("appointment_type_locations").select(["appointment_type_id", "location_id"]).where("appointment_type_id", "in", [...posted]).execute(),
      activeLocations(trx),
      readSettings(trx),
    ]);
    const practitionerName = new Map(practitioners.map((p) => [p.id, p.name]));
    for (const row of input) {
      const name = byId.get(row.id)!.name;
      if (row.practitionerIds.some((id) => !practitionerName.has(id))) return refused(`${name}: one of the practitioners is not bookable any more. Please reload the page.`);
      if (row.locationIds.some((id) => !locations.some((l) => l.id === id))) return refused(`${name}: one of the locations is closed. Please reload the page.`);
      if (!row.bookable) continue;
      if (row.duration === null) return refused(`${name}: enter how long it takes (5 to 480 minutes) to make it bookable online.`);
      if (!row.practitionerIds.length) return refused(`${name}: choose at least one practitioner who performs it to make it bookable online.`);
    }
    if (settings.mode !== "off") {
      const anyBookable = current.some((t) => (posted.has(t.id) ? input.find((r) => r.id === t.id)!.bookable : t.bookable_online && t.duration_minutes !== null));
      if (!anyBookable) return refused("Online booking is on: keep at least one appointment type bookable, or turn online booking off first.");
    }

    // Only the links to bookable practitioners are on the form; links to others are kept as they are.
    const performersBefore = (typeId: string) => links.filter((l) => l.appointment_type_id === typeId && practitionerName.has(l.practitioner_id)).map((l) => l.practitioner_id);
    const locationName = new Map(locations.map((l) => [l.id, l.name]));
    const placesBefore = (typeId: string) => offeredAt.filter((l) => l.appointment_type_id === typeId && locationName.has(l.location_id)).map((l) => locationName.get(l.location_id)!).sort();
    // Where a bookable type is offered: the locations ticked, or every open one when none is (a single-location
    // practice has no choice to make).
    const placesOf = (row: (typeof input)[number]) => (!row.bookable ? [] : row.locationIds.length ? [...new Set(row.locationIds)] : locations.map((l) => l.id));
    const names = (ids: string[]) => ids.map((id) => practitionerName.get(id)!).sort();
    const before: Record<string, Record<string, unknown>> = {};
    const after: Record<string, Record<string, unknown>> = {};
    for (const row of input) {
      const type = byId.get(row.id)!;
      const species = scope.site.practice.kind === "veterinary" && row.species !== undefined ? row.species : type.species;
      // Offered to new clients only when bookable at all: the /book page shows a subset of what clients may book.
      const newClients = row.bookable && row.newClients;
      const was = { bookable: type.bookable_online, newClients: type.bookable_new_clients, duration: type.duration_minutes, buffer: type.buffer_minutes, species: type.species, practitioners: names(performersBefore(row.id)), locations: type.bookable_online ? placesBefore(row.id) : [] };
      const now = { bookable: row.bookable, newClients, duration: row.duration, buffer: row.buffer, species, practitioners: names([...new Set(row.practitionerIds)]), locations: placesOf(row).map((id) => locationName.get(id)!).sort() };
      const diff = changes(was, now);
      if (!diff) continue;
      before[type.name] = diff.before;
      after[type.name] = diff.after;
      if (was.bookable !== now.bookable || was.newClients !== now.newClients || was.duration !== now.duration || was.buffer !== now.buffer || JSON.stringify(was.species) !== JSON.stringify(now.species)) {
        await trx.updateTable("appointment_types").set({ bookable_online: row.bookable, bookable_new_clients: newClients, duration_minutes: row.duration, buffer_minutes: row.buffer, species, updated_at: scope.now }).where("id", "=", row.id).execute();
      }
    }
    if (!Object.keys(after).length) return { ok: true, message: "Nothing changed." };

    const typeIds = [...posted];
    if (practitionerName.size) {
      await trx.deleteFrom("appointment_type_practitioners").where("appointment_type_id", "in", typeIds).where("practitioner_id", "in", [...practitionerName.keys()]).execute();
    }
    const newLinks = input.flatMap((r) => [...new Set(r.practitionerIds)].map((practitionerId) => ({ practice_id: scope.practiceId, appointment_type_id: r.id, practitioner_id: practitionerId })));
    if (newLinks.length) await trx.insertInto("appointment_type_practitioners").values(newLinks).execute();
    // Where it can be booked is where it is offered and its practitioners have hours.
    await trx.deleteFrom("appointment_type_locations").where("appointment_type_id", "in", typeIds).execute();
    const offered = input.flatMap((r) => placesOf(r).map((location_id) => ({ practice_id: scope.practiceId, appointment_type_id: r.id, location_id })));
    if (offered.length) await trx.insertInto("appointment_type_locations").values(offered).execute();

    await audit(scope, context, "staff.booking_settings_changed", { section: "appointment types", before, after });
    return { ok: true, message: "Appointment types saved." };
  });
  return page;
}

// ---------------------------------------------------------------------------------------------------------------
// Weekly hours

/** The location a row is for: the one chosen, or the practice's only open location. */
async function locationFor(trx: PracticeTransaction, chosen: string | null): Promise<{ id: string; name: string } | undefined> {
  const locations = await activeLocations(trx);
  if (chosen === null) return locations.length === 1 ? locations[0] : undefined;
  return locations.find((l) => l.id === chosen);
}

async function addHours(context: PorticoLoadContext, request: Request, form: FormData): Promise<Outcome> {
  const parsed = hoursSchema.safeParse({
    practitionerId: formText(form, "practitionerId"),
    locationId: formText(form, "locationId") ?? "",
    weekday: formText(form, "weekday"),
    starts: formText(form, "starts"),
    ends: formText(form, "ends"),
  });
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<Outcome> => {
    if (!parsed.success) return refused(firstIssue(parsed.error, "Check the hours."));
    const input = parsed.data;
    const { trx } = scope;
    // Locked, so that two saves for the same practitioner cannot both pass the overlap check.
    const practitioner = await trx.selectFrom("practitioners").select(["id", "name"]).where("id", "=", input.practitionerId).where("active", "=", true).where("bookable", "=", true).forUpdate().executeTakeFirst();
    if (!practitioner) return refused("That practitioner is not bookable. Please reload the page.");
    const location = await locationFor(trx, input.locationId);
    if (!location) return refused("Choose the location.");
    const clash = await trx
      .selectFrom("practitioner_hours")
      .select(["starts", "ends"])
      .where("practitioner_id", "=", practitioner.id)
      .where("weekday", "=", input.weekday)
      .where("starts", "<", input.ends)
      .where("ends", ">", input.starts)
      .executeTakeFirst();
    const day = WEEKDAY_NAMES[input.weekday - 1]!;
    if (clash) return refused(`${practitioner.name} already works ${hhmm(clash.starts)}–${hhmm(clash.ends)} on ${day}s: the new hours overlap them.`);
    const { id } = await trx
      .insertInto("practitioner_hours")
      .values({ practice_id: scope.practiceId, practitioner_id: practitioner.id, location_id: location.id, weekday: input.weekday, starts: input.starts, ends: input.ends })
      .returning("id")
      .executeTakeFirstOrThrow();
    await audit(scope, context, "staff.booking_hours_changed", { practitioner: practitioner.name, added: `${day} ${input.starts}–${input.ends}`, location: location.name, hoursId: id }, { type: "practitioner", id: practitioner.id });
    return { ok: true, message: `${practitioner.name} works ${day}s ${input.starts}–${input.ends}.` };
  });
  return page;
}

async function removeHours(context: PorticoLoadContext, request: Request, rawId: string): Promise<Outcome> {
  const id = z.uuid().safeParse(rawId);
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<Outcome> => {
    if (!id.success) throw notFound();
    const row = await scope.trx
      .selectFrom("practitioner_hours as h")
      .innerJoin("practitioners as p", (join) => join.onRef("p.practice_id", "=", "h.practice_id").onRef("p.id", "=", "h.practitioner_id"))
      .innerJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "h.practice_id").onRef("l.id", "=", "h.location_id"))
      .select(["h.id", "h.weekday", "h.starts", "h.ends", "p.id as practitioner_id", "p.name", "l.name as location_name"])
      .where("h.id", "=", id.data)
      .executeTakeFirst();
    if (!row) throw notFound();
    await scope.trx.deleteFrom("practitioner_hours").where("id", "=", row.id).execute();
    const hours = `${WEEKDAY_NAMES[row.weekday - 1]} ${hhmm(row.starts)}–${hhmm(row.ends)}`;
    await audit(scope, context, "staff.booking_hours_changed", { practitioner: row.name, removed: hours, location: row.location_name, hoursId: row.id }, { type: "practitioner", id: row.practitioner_id });
    return { ok: true, message: `Removed ${hours} for ${row.name}.` };
  });
  return page;
}

// ---------------------------------------------------------------------------------------------------------------
// Exceptions

const KIND_WORDS: Record<ScheduleExceptionKind, string> = { time_off: "Time off", extra_hours: "Extra hours", closure: "Practice closed" };
/** Long enough for a sabbatical; anything longer is a typo in the year. */
const MAX_EXCEPTION_DAYS = 366;

async function addException(context: PorticoLoadContext, request: Request, form: FormData): Promise<Outcome> {
  const parsed = exceptionSchema.safeParse({
    kind: formText(form, "kind"),
    practitionerId: formText(form, "practitionerId") ?? "",
    locationId: formText(form, "locationId") ?? "",
    date: formText(form, "date"),
    endDate: formText(form, "endDate") ?? "",
    wholeDay: form.get("wholeDay") === "on",
    starts: formText(form, "starts") ?? "",
    ends: formText(form, "ends") ?? "",
    note: formText(form, "note") ?? "",
  });
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<Outcome> => {
    if (!parsed.success) return refused(firstIssue(parsed.error, "Check the dates and times."));
    const input = parsed.data;
    const { trx, now } = scope;
    const { timeZone } = await readSettings(trx);
    const lastDate = input.endDate || input.date;
    const startsAt = zonedToUtc(input.date, input.wholeDay ? "00:00" : input.starts, timeZone);
    const endsAt = input.wholeDay ? zonedToUtc(addDays(lastDate, 1), "00:00", timeZone) : zonedToUtc(lastDate, input.ends, timeZone);
    // A date at the end of the calendar (9999-12-31) has no next day: no instant to store.
    if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) return refused("Choose dates in the coming years.");
    if (endsAt <= startsAt) return refused("The end must be after the start.");
    if (endsAt <= now) return refused("That time is already over.");
    if (endsAt.getTime() - startsAt.getTime() > MAX_EXCEPTION_DAYS * 86_400_000) return refused(`Enter at most ${MAX_EXCEPTION_DAYS} days at a time.`);

    let practitioner: { id: string; name: string } | undefined;
    if (input.kind !== "closure") {
      practitioner = await trx.selectFrom("practitioners").select(["id", "name"]).where("id", "=", input.practitionerId!).where("active", "=", true).executeTakeFirst();
      if (!practitioner) return refused("That practitioner is not active. Please reload the page.");
    }
    // Extra hours happen somewhere; time off and closures apply wherever the practitioner or practice would be.
    const location = input.kind === "extra_hours" ? await locationFor(trx, input.locationId) : undefined;
    if (input.kind === "extra_hours" && !location) return refused("Choose the location of the extra hours.");

    const note = input.note || null;
    const { id } = await trx
      .insertInto("schedule_exceptions")
      .values({ practice_id: scope.practiceId, kind: input.kind, practitioner_id: practitioner?.id ?? null, location_id: location?.id ?? null, starts_at: startsAt, ends_at: endsAt, note, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    const when = describeSpan(startsAt, endsAt, timeZone);
    await audit(
      scope,
      context,
      "staff.schedule_exception_added",
      { kind: input.kind, practitioner: practitioner?.name ?? null, location: location?.name ?? null, when, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), note },
      { type: "schedule_exception", id },
    );
    return { ok: true, message: `${KIND_WORDS[input.kind]}${practitioner ? ` for ${practitioner.name}` : ""}: ${when}.` };
  });
  return page;
}

async function removeException(context: PorticoLoadContext, request: Request, rawId: string): Promise<Outcome> {
  const id = z.uuid().safeParse(rawId);
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<Outcome> => {
    if (!id.success) throw notFound();
    const { trx } = scope;
    const row = await trx
      .selectFrom("schedule_exceptions as e")
      .leftJoin("practitioners as p", (join) => join.onRef("p.practice_id", "=", "e.practice_id").onRef("p.id", "=", "e.practitioner_id"))
      .select(["e.id", "e.kind", "e.starts_at", "e.ends_at", "p.name"])
      .where("e.id", "=", id.data)
      .executeTakeFirst();
    if (!row) throw notFound();
    await trx.deleteFrom("schedule_exceptions").where("id", "=", row.id).execute();
    const { timeZone } = await readSettings(trx);
    const when = describeSpan(row.starts_at, row.ends_at, timeZone);
    await audit(scope, context, "staff.schedule_exception_removed", { kind: row.kind, practitioner: row.name, when, startsAt: row.starts_at.toISOString(), endsAt: row.ends_at.toISOString() }, { type: "schedule_exception", id: row.id });
    return { ok: true, message: `Removed: ${KIND_WORDS[row.kind]}${row.name ? ` for ${row.name}` : ""}, ${when}.` };
  });
  return page;
}

// ---------------------------------------------------------------------------------------------------------------

const INTENTS: readonly BookingIntent[] = ["settings", "practitioners", "types", "add-hours", "remove-hours", "add-exception", "remove-exception"];
const isIntent = (value: unknown): value is BookingIntent => typeof value === "string" && (INTENTS as readonly string[]).includes(value);

/** The page's one action: each form names its intent; every one checks the permission in its own transaction. */
export async function runBookingAction(context: PorticoLoadContext, request: Request, form: FormData): Promise<BookingActionResult> {
  const intent = form.get("intent");
  if (!isIntent(intent)) {
    const { page } = await adminPage(context, request, PERMISSION, async (): Promise<Outcome> => refused("Unknown action."));
    return { ...page, intent: null };
  }
  const id = String(form.get("id") ?? "");
  const outcome =
    intent === "settings"
      ? await updateSettings(context, request, form)
      : intent === "practitioners"
        ? await savePractitioners(context, request, form)
        : intent === "types"
          ? await saveTypes(context, request, form)
          : intent === "add-hours"
            ? await addHours(context, request, form)
            : intent === "remove-hours"
              ? await removeHours(context, request, id)
              : intent === "add-exception"
                ? await addException(context, request, form)
                : await removeException(context, request, id);
  return { ...outcome, intent };
}
