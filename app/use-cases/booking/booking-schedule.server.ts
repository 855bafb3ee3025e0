import { sql } from "kysely";
import { z } from "zod";
import type { BookingMode } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { type BusyTime, freeSlots, type Slot } from "../../booking/slots";
import { addDays, zonedToUtc } from "../../time";
import { todayIn } from "../../visibility/portal-rules";

/** `<practitioner id>_<start as ms>`: what a time's button posts; anything else is not a time that was offered. */
export const slotValueSchema = z
  .string()
  .regex(/^[0-9a-f-]{36}_\d{13}$/, "Choose one of the times shown.")
  .transform((value) => {
    const [practitionerId, ms] = value.split("_") as [string, string];
    return { practitionerId, startsAt: new Date(Number(ms)) };
  })
  .refine((slot) => z.uuid().safeParse(slot.practitionerId).success && !Number.isNaN(slot.startsAt.getTime()), "Choose one of the times shown.");

export function slotValue(slot: Slot): string {
  return `${slot.practitionerId}_${slot.startsAt.getTime()}`;
}

/** How long a chosen time stays held for the client who chose it. */
export const HOLD_MINUTES = 30;

export type BookingSettings = {
  mode: BookingMode;
  minNoticeMinutes: number;
  maxAdvanceDays: number;
  stepMinutes: number;
  cancelWindowHours: number;
  newPatients: boolean;
  newClients: boolean;
  timeZone: string;
};

export async function readBookingSettings(trx: PracticeTransaction): Promise<BookingSettings> {
  const row = await trx
    .selectFrom("practice_settings")
    .select(["booking_mode", "booking_min_notice_minutes", "booking_max_advance_days", "booking_slot_step_minutes", "booking_cancel_window_hours", "booking_new_patients", "booking_new_clients", "time_zone"])
    .executeTakeFirstOrThrow();
  return {
    mode: row.booking_mode,
    minNoticeMinutes: row.booking_min_notice_minutes,
    maxAdvanceDays: row.booking_max_advance_days,
    stepMinutes: row.booking_slot_step_minutes,
    cancelWindowHours: row.booking_cancel_window_hours,
    newPatients: row.booking_new_patients,
    newClients: row.booking_new_clients,
    timeZone: row.time_zone,
  };
}

export type BookableLocation = { id: string; name: string; address: string; phone: string | null };
export type BookablePractitioner = { id: string; name: string; title: string | null };
export type BookableType = { id: string; name: string; durationMinutes: number; bufferMinutes: number; species: string[]; practitionerIds: string[]; locationIds: string[] };

/** What one client may book: the practice's open locations, allowed types and practitioners, narrowed to the client's own list. */
export type BookingCatalogue = { locations: BookableLocation[]; practitioners: BookablePractitioner[]; types: BookableType[] };

/**
 * The allowed practitioners (bookable, active; only those on the client's available-practitioners list when the
 * practice keeps one for the client: the list names staff accounts, a practitioner is on it through its staff
 * account) and the allowed types (bookable online, active, with a duration, and performed by at least one of those
 * practitioners, at the locations it is offered). Locations are the open ones where some allowed type is offered.
 * Undefined when the practice does not offer online booking or nothing can be booked. A new client (`null`, the
 * public `/book` page) has no list, and is offered only the types the practice marked for new clients.
 */
export async function readBookingCatalogue(trx: PracticeTransaction, settings: BookingSettings, clientId: string | null): Promise<BookingCatalogue | undefined> {
  if (settings.mode === "off" || (clientId === null && !settings.newClients)) return undefined;
  const locations = await trx.selectFrom("locations").select(["id", "name", "address", "phone"]).where("active", "=", true).orderBy("position").orderBy("name").execute();
  const listed = clientId === null ? [] : (await trx.selectFrom("client_available_practitioners").select("staff_id").where("client_id", "=", clientId).execute()).map((r) => r.staff_id);
  let practitionerQuery = trx.selectFrom("practitioners").select(["id", "name", "title"]).where("bookable", "=", true).where("active", "=", true);
  if (listed.length) practitionerQuery = practitionerQuery.where("staff_member_id", "in", listed);
  const practitioners = await practitionerQuery.orderBy("name").execute();
  const allowed = new Set(practitioners.map((p) => p.id));
  let typesQuery = trx
    .selectFrom("appointment_types as t")
    .select((eb) => [
      "t.id",
      "t.name",
      "t.duration_minutes",
      "t.buffer_minutes",
      "t.species",
      eb.fn.coalesce(sql<string[]>`(select array_agg(tp.practitioner_id) from appointment_type_practitioners tp where tp.appointment_type_id = t.id)`, sql<string[]>`'{}'::uuid[]`).as("practitioner_ids"),
      eb.fn.coalesce(sql<string[]>`(select array_agg(tl.location_id) from appointment_type_locations tl where tl.appointment_type_id = t.id)`, sql<string[]>`'{}'::uuid[]`).as("location_ids"),
    ])
    .where("t.bookable_online", "=", true)
    .where("t.active", "=", true)
    .where("t.duration_minutes", "is not", null)
    .orderBy("t.name");
  if (clientId === null) typesQuery = typesQuery.where("t.bookable_new_clients", "=", true);
  const types = await typesQuery.execute();
  const open = new Set(locations.map((l) => l.id));
  const offered = types
    .map((t) => ({ id: t.id, name: t.name, durationMinutes: t.duration_minutes!, bufferMinutes: t.buffer_minutes, species: t.species, practitionerIds: t.practitioner_ids.filter((id) => allowed.has(id)), locationIds: t.location_ids.filter((id) => open.has(id)) }))
    .filter((t) => t.practitionerIds.length > 0 && t.locationIds.length > 0);
  const where = new Set(offered.flatMap((t) => t.locationIds));
  const bookable = locations.filter((l) => where.has(l.id));
  return bookable.length ? { locations: bookable, practitioners, types: offered } : undefined;
}

/** Whether a type is for this patient: a veterinary type may be limited to species (compared without case). */
export function typeFitsPatient(type: Pick<BookableType, "species">, patient: { species: string | null }): boolean {
  if (!type.species.length) return true;
  const species = patient.species?.trim().toLowerCase();
  return species !== undefined && type.species.some((s) => s.trim().toLowerCase() === species);
}

/** The instants a client may book between: minimum notice from now, to the end of the last day of the advance. */
export function bookingWindow(settings: BookingSettings, now: Date): { from: Date; to: Date } {
  const lastDay = addDays(todayIn(settings.timeZone, now), settings.maxAdvanceDays);
  return { from: new Date(now.getTime() + settings.minNoticeMinutes * 60_000), to: zonedToUtc(addDays(lastDay, 1), "00:00", settings.timeZone) };
}

/** Appointment buffers run at most this long (the schema's limit): how far before a window busy time can reach into it. */
const MAX_BUFFER_MINUTES = 240;

/**
 * The free times of `type` with these practitioners between `from` and `to` (clamped to the booking window). Busy
 * time is every scheduled or confirmed appointment (from the practice system or booked here, each followed by its
 * type's buffer) and every live hold, except the holds of `ownHoldsOf` (a client choosing again frees their own).
 */
export async function findFreeSlots(
  trx: PracticeTransaction,
  options: { settings: BookingSettings; location: BookableLocation; type: BookableType; practitionerIds: string[]; from: Date; to: Date; now: Date; ownHoldsOf: string | null },
): Promise<Slot[]> {
  const { settings, type, practitionerIds, now } = options;
  const window = bookingWindow(settings, now);
  const from = new Date(Math.max(options.from.getTime(), window.from.getTime()));
  const to = new Date(Math.min(options.to.getTime(), window.to.getTime()));
  if (!practitionerIds.length || from >= to) return [];
  const reachBack = new Date(from.getTime() - (MAX_BUFFER_MINUTES + 24 * 60) * 60_000);
  const [hours, exceptions, appointments, booked] = await Promise.all([
    trx.selectFrom("practitioner_hours").select(["practitioner_id", "location_id", "weekday", "starts", "ends"]).where("practitioner_id", "in", practitionerIds).where("location_id", "=", options.location.id).execute(),
    trx.selectFrom("schedule_exceptions").select(["kind", "practitioner_id", "location_id", "starts_at", "ends_at"]).where("starts_at", "<", to).where("ends_at", ">", from).execute(),
    trx
      .selectFrom("appointments as a")
      .leftJoin("appointment_types as t", (join) => join.onRef("t.practice_id", "=", "a.practice_id").onRef("t.id", "=", "a.appointment_type_id"))
      .select(["a.practitioner_id", "a.starts_at", "a.ends_at", "t.buffer_minutes"])
      .where("a.practitioner_id", "in", practitionerIds)
      .where("a.status", "in", ["scheduled", "confirmed"])
      .where("a.starts_at", "<", to)
      .where("a.ends_at", ">", reachBack)
      .execute(),
    trx
      .selectFrom("booked_time")
      .select([sql<Date>`lower(during)`.as("starts_at"), sql<Date>`upper(during)`.as("ends_at"), "practitioner_id", "client_id", "appointment_id"])
      .where("practitioner_id", "in", practitionerIds)
      .where(sql<boolean>`during && tstzrange(${reachBack}, ${to})`)
      .where((eb) => eb.or([eb("appointment_id", "is not", null), eb("hold_expires_at", ">", now)]))
      .execute(),
  ]);
  const busy: BusyTime[] = [
    ...appointments.map((a) => ({ practitionerId: a.practitioner_id!, startsAt: a.starts_at, endsAt: new Date(a.ends_at.getTime() + (a.buffer_minutes ?? 0) * 60_000) })),
    // A client choosing again frees their own hold; a new client's hold on /book (no client yet) is always busy.
    ...booked.filter((b) => b.appointment_id !== null || b.client_id === null || b.client_id !== options.ownHoldsOf).map((b) => ({ practitionerId: b.practitioner_id, startsAt: new Date(b.starts_at), endsAt: new Date(b.ends_at) })),
  ];
  return freeSlots({
    timeZone: settings.timeZone,
    from,
    to,
    durationMinutes: type.durationMinutes,
    bufferMinutes: type.bufferMinutes,
    stepMinutes: settings.stepMinutes,
    practitionerIds,
    locationId: options.location.id,
    hours: hours.map((h) => ({ practitionerId: h.practitioner_id, locationId: h.location_id, weekday: h.weekday, starts: h.starts.slice(0, 5), ends: h.ends.slice(0, 5) })),
    exceptions: exceptions.map((e) => ({ kind: e.kind, practitionerId: e.practitioner_id, locationId: e.location_id, startsAt: e.starts_at, endsAt: e.ends_at })),
    busy,
  });
}
