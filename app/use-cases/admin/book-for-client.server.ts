import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../../../server/audit.server";
import { recordEvent } from "../../../server/events/record-event.server";
import { patientRefs } from "../../../server/events/refs.server";
import type { PorticoLoadContext } from "../../load-context";
import { addDays, formatDateTime, formatTimeOfDay, localeFor, zonedToUtc } from "../../time";
import { todayIn } from "../../visibility/portal-rules";
import { emailBookingToClient } from "../booking/booking-email.server";
import { findFreeSlots, readBookingCatalogue, readBookingSettings, slotValue, slotValueSchema, typeFitsPatient } from "../booking/booking-schedule.server";
import { calendarDateSchema } from "../record-fields";
import { adminPage, type StaffScope } from "./admin-page.server";
import { directoryQuery } from "./clients.server";
import { sendAppointmentForms } from "./form-requests.server";

/**
 * `/admin/schedule/book` (permission `manage_booking`): the front desk books for a client on the phone, with the
 * client's own slot rules (the practice's settings, the client's available-practitioners list, the type's species
 * and locations), so the front desk cannot offer what the client could not book. The appointment counts as booked by
 * the practice (a limited account does not see it); its time is taken in `booked_time` like an online booking, under
 * the same exclusion constraint, and the client gets the same confirmation email.
 */

const PERMISSION = "manage_booking";

const choiceSchema = z.object({
  q: z.string().trim().max(100).catch(""),
  client: z.uuid().optional().catch(undefined),
  location: z.uuid().optional().catch(undefined),
  patient: z.uuid().optional().catch(undefined),
  type: z.uuid().optional().catch(undefined),
  practitioner: z.uuid().optional().catch(undefined),
  date: calendarDateSchema.optional().catch(undefined),
});

export type BookForClientPage = {
  q: string;
  matches: { id: string; name: string; email: string | null; patients: string | null }[];
  client: { id: string; name: string } | null;
  /** False when this client cannot be booked online at all (booking off, nothing offered to them). */
  offered: boolean;
  locations: { id: string; name: string }[];
  locationId: string | null;
  patients: { id: string; name: string }[];
  patientId: string | null;
  types: { id: string; name: string; durationMinutes: number }[];
  typeId: string | null;
  practitioners: { id: string; name: string }[];
  practitionerId: string | null;
  date: string;
  previousDate: string | null;
  nextDate: string;
  slots: { value: string; time: string; practitioner: string }[];
};

async function clientOffer(scope: StaffScope, clientId: string) {
  const settings = await readBookingSettings(scope.trx);
  const client = await scope.trx.selectFrom("clients").select(["id", "first_name", "last_name"]).where("id", "=", clientId).where("status", "=", "active").executeTakeFirst();
  if (!client) return undefined;
  const catalogue = await readBookingCatalogue(scope.trx, settings, client.id);
  const patients = await scope.trx.selectFrom("patients").select(["id", "name", "species"]).where("client_id", "=", client.id).where("status", "=", "active").orderBy("name").execute();
  return { settings, client, catalogue, patients };
}

/** The page: find the client, then narrow like the client's own booking page, then one day's free times. */
export async function bookForClientPage(context: PorticoLoadContext, request: Request) {
  const choice = choiceSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return adminPage(context, request, PERMISSION, async (scope): Promise<BookForClientPage> => {
    const offer = choice.client ? await clientOffer(scope, choice.client) : undefined;
    const settings = offer?.settings ?? (await readBookingSettings(scope.trx));
    const today = todayIn(settings.timeZone, scope.now);
    const date = choice.date && choice.date >= today && choice.date <= addDays(today, settings.maxAdvanceDays) ? choice.date : today;
    const empty: BookForClientPage = { q: choice.q, matches: [], client: null, offered: false, locations: [], locationId: null, patients: [], patientId: null, types: [], typeId: null, practitioners: [], practitionerId: null, date, previousDate: null, nextDate: addDays(date, 1), slots: [] };
    if (!offer) {
      const matches = choice.q ? await directoryQuery(scope.trx, choice.q, undefined).execute() : [];
      return { ...empty, matches: matches.slice(0, 25).map((m) => ({ id: m.id, name: `${m.last_name}, ${m.first_name}`, email: m.email, patients: m.patients })) };
    }
    const { catalogue, client, patients } = offer;
    const base = { ...empty, client: { id: client.id, name: `${client.first_name} ${client.last_name}` }, patients: patients.map((p) => ({ id: p.id, name: p.name })) };
    if (!catalogue) return base;
    const location = catalogue.locations.find((l) => l.id === choice.location) ?? (catalogue.locations.length === 1 ? catalogue.locations[0] : undefined);
    const patient = patients.find((p) => p.id === choice.patient) ?? (patients.length === 1 ? patients[0] : undefined);
    const types = location && patient ? catalogue.types.filter((t) => t.locationIds.includes(location.id) && typeFitsPatient(t, patient)) : [];
    const type = types.find((t) => t.id === choice.type);
    const practitioners = type ? catalogue.practitioners.filter((p) => type.practitionerIds.includes(p.id)) : [];
    const practitioner = practitioners.find((p) => p.id === choice.practitioner);
    const names = new Map(catalogue.practitioners.map((p) => [p.id, p.name]));
    const locale = localeFor(settings.timeZone);
    const slots =
      type && location
        ? await findFreeSlots(scope.trx, {
            settings,
            location,
            type,
            practitionerIds: practitioner ? [practitioner.id] : type.practitionerIds,
            from: zonedToUtc(date, "00:00", settings.timeZone),
            to: zonedToUtc(addDays(date, 1), "00:00", settings.timeZone),
            now: scope.now,
            ownHoldsOf: null,
          })
        : [];
    return {
      ...base,
      offered: true,
      locations: catalogue.locations.map((l) => ({ id: l.id, name: l.name })),
      locationId: location?.id ?? null,
      patientId: patient?.id ?? null,
      types: types.map((t) => ({ id: t.id, name: t.name, durationMinutes: t.durationMinutes })),
      typeId: type?.id ?? null,
      practitioners: practitioners.map((p) => ({ id: p.id, name: p.name })),
      practitionerId: practitioner?.id ?? null,
      previousDate: date > today ? addDays(date, -1) : null,
      slots: slots.map((s) => ({ value: slotValue(s), time: formatTimeOfDay(s.startsAt, settings.timeZone, locale), practitioner: names.get(s.practitionerId) ?? "" })),
    };
  });
}

const bookForm = z.object({
  client: z.uuid({ error: "Choose the client." }),
  location: z.uuid({ error: "Choose the location." }),
  patient: z.uuid({ error: "Choose who the appointment is for." }),
  type: z.uuid({ error: "Choose the kind of appointment." }),
  slot: slotValueSchema,
});

export type BookForClientResult = { ok: true; message: string } | { ok: false; status: 400 | 409; error: string };

/**
 * Books the chosen free time for the client: checked against the same free times the page offers, taken under the
 * exclusion constraint (a time another booking took a moment ago is a 409 with the page's fresh times), audited,
 * an `appointment.booked` event (`bookedVia: "staff"`) and the client's confirmation email.
 */
export async function bookForClient(context: PorticoLoadContext, request: Request, form: FormData): Promise<BookForClientResult> {
  const parsed = bookForm.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")));
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<BookForClientResult> => {
    if (!parsed.success) return { ok: false, status: 400, error: parsed.error.issues[0]?.message ?? "Choose one of the times shown." };
    const input = parsed.data;
    const offer = await clientOffer(scope, input.client);
    const location = offer?.catalogue?.locations.find((l) => l.id === input.location);
    const patient = offer?.patients.find((p) => p.id === input.patient);
    const type = offer?.catalogue?.types.find((t) => t.id === input.type);
    if (!offer?.catalogue || !location || !patient || !type || !type.locationIds.includes(location.id) || !typeFitsPatient(type, patient) || !type.practitionerIds.includes(input.slot.practitionerId)) {
      return { ok: false, status: 400, error: "Choose one of the appointments this client may book." };
    }
    const { settings } = offer;
    const { startsAt, practitionerId } = input.slot;
    const day = todayIn(settings.timeZone, startsAt);
    const free = await findFreeSlots(scope.trx, { settings, location, type, practitionerIds: [practitionerId], from: zonedToUtc(day, "00:00", settings.timeZone), to: zonedToUtc(addDays(day, 1), "00:00", settings.timeZone), now: scope.now, ownHoldsOf: null });
    if (!free.some((s) => s.startsAt.getTime() === startsAt.getTime())) return { ok: false, status: 409, error: "That time is no longer free. Choose another." };

    const practitioner = offer.catalogue.practitioners.find((p) => p.id === practitionerId)!;
    const endsAt = new Date(startsAt.getTime() + type.durationMinutes * 60_000);
    const busyUntil = new Date(endsAt.getTime() + type.bufferMinutes * 60_000);
    const { trx, now } = scope;
    await sql`savepoint book_for_client`.execute(trx);
    let appointmentId: string;
    try {
      await trx.deleteFrom("booked_time").where("practitioner_id", "=", practitionerId).where("hold_expires_at", "<=", now).where(sql<boolean>`during && tstzrange(${startsAt}, ${busyUntil})`).execute();
      appointmentId = (
        await trx
          .insertInto("appointments")
          .values({ practice_id: scope.practiceId, patient_id: patient.id, location_id: location.id, practitioner_id: practitionerId, practitioner_name: practitioner.name, appointment_type_id: type.id, reason: type.name, starts_at: startsAt, ends_at: endsAt, status: "scheduled", booked_by: "practice", created_at: now, updated_at: now })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
      await trx
        .insertInto("booked_time")
        .values({ practice_id: scope.practiceId, practitioner_id: practitionerId, during: sql<string>`tstzrange(${startsAt}, ${busyUntil})` as never, client_id: offer.client.id, patient_id: patient.id, location_id: location.id, appointment_type_id: type.id, appointment_id: appointmentId })
        .execute();
      await sql`release savepoint book_for_client`.execute(trx);
    } catch (error) {
      if (!(typeof error === "object" && error !== null && "code" in error && error.code === "23P01")) throw error;
      await sql`rollback to savepoint book_for_client`.execute(trx);
      return { ok: false, status: 409, error: "That time was just taken. Choose another." };
    }
    await recordAudit(trx, scope.practiceId, {
      actorType: scope.staff.actorType,
      actorId: scope.staff.id,
      action: "staff.appointment_booked",
      subjectType: "appointment",
      subjectId: appointmentId,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      details: { clientId: offer.client.id, startsAt: startsAt.toISOString(), type: type.name, practitioner: practitioner.name },
      at: now,
    });
    await recordEvent(trx, scope.practiceId, { type: "appointment.booked", data: { appointment: { id: appointmentId }, ...(await patientRefs(trx, patient.id)), practitioner: { id: practitionerId }, appointmentType: { id: type.id }, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), bookedVia: "staff" } }, now);
    const when = formatDateTime(startsAt, settings.timeZone, localeFor(settings.timeZone));
    await emailBookingToClient(trx, scope.site, { kind: "booked", appointmentId });
    await sendAppointmentForms(trx, scope.site, appointmentId, now);
    return { ok: true, message: `Booked: ${type.name} for ${patient.name}, ${when}, with ${practitioner.name}. ${offer.client.first_name} has been emailed.` };
  });
  return page;
}
