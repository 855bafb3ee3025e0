import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../../../server/audit.server";
import { recordEvent } from "../../../server/events/record-event.server";
import { patientRefs } from "../../../server/events/refs.server";
import { type OnlineChange, onlineChange } from "../../booking/change-rules";
import type { PorticoLoadContext } from "../../load-context";
import { formatDateTime, formatTimeOfDay, localeFor } from "../../time";
import { patientVisibleSql } from "../../visibility/portal-queries.server";
import { todayIn } from "../../visibility/portal-rules";
import { emailBookingToClient } from "../booking/booking-email.server";
import { type BookingCatalogue, type BookingSettings, slotValueSchema, readBookingCatalogue, readBookingSettings, typeFitsPatient } from "../booking/booking-schedule.server";
import { requireArea } from "../client-session.server";
import { calendarDateSchema, text } from "../record-fields";
import { freeSlotsOfDays, noTimes, offeredTimes, type OfferedTimes } from "../booking/offered-times.server";
import { sendAppointmentForms } from "../admin/form-requests.server";
import { takeHold } from "../booking/take-hold.server";
import { requirePracticeSite } from "../require-practice.server";
import { idParam, notFound, type PortalScope, portalPage } from "./portal-page.server";

type BookingPatient = { id: string; name: string; species: string | null };

export type BookingView =
  | { available: false }
  | ({
      available: true;
      /** The open locations where something can be booked; with several, the client chooses one first. */
      locations: { id: string; name: string }[];
      locationId: string | null;
      location: { name: string; address: string } | null;
      patients: BookingPatient[];
      patientId: string | null;
      types: { id: string; name: string; durationMinutes: number }[];
      typeId: string | null;
      practitioners: { id: string; name: string; title: string | null }[];
      practitionerId: string | null;
      /** Whether the client may add a pet or family member here (the practice's setting). */
      canAddPatient: boolean;
      /** Moving an appointment booked online: its id and current time (patient and type stay as they are). */
      moving: { appointmentId: string; when: string } | null;
    } & OfferedTimes);

const choiceSchema = z.object({
  reschedule: z.uuid().optional().catch(undefined),
  location: z.uuid().optional().catch(undefined),
  patient: z.uuid().optional().catch(undefined),
  type: z.uuid().optional().catch(undefined),
  practitioner: z.uuid().optional().catch(undefined),
  date: calendarDateSchema.optional().catch(undefined),
});

async function bookablePatients(scope: PortalScope): Promise<BookingPatient[]> {
  return scope.trx.selectFrom("patients as p").select(["p.id", "p.name", "p.species"]).where("p.client_id", "=", scope.client.viewing.clientId).where(patientVisibleSql).orderBy("p.name").execute();
}

type Booking = { settings: BookingSettings; catalogue: BookingCatalogue };

/** The practice's booking offer for the client being viewed, or a 404 when the practice does not offer it. */
async function bookingFor(scope: PortalScope): Promise<Booking | undefined> {
  requireArea(scope.client, "book");
  const settings = await readBookingSettings(scope.trx);
  const catalogue = await readBookingCatalogue(scope.trx, settings, scope.client.viewing.clientId);
  return catalogue ? { settings, catalogue } : undefined;
}

/** The practitioners a type may be booked with for this client: all of them, or the one chosen if it is allowed. */
function practitionersFor(booking: Booking, typeId: string | undefined, practitionerId: string | undefined): string[] {
  const type = booking.catalogue.types.find((t) => t.id === typeId);
  if (!type) return [];
  if (!practitionerId) return type.practitionerIds;
  return type.practitionerIds.includes(practitionerId) ? [practitionerId] : [];
}

/**
 * `/appointments/book`: the choices made so far (pet or patient, type, optionally a practitioner, a day) come as the
 * page's query; each choice narrows the next. A choice that is not on offer (a type not allowed, someone else's pet,
 * a practitioner not on the client's list) is simply not chosen: the page shows what may be chosen instead.
 */
export async function bookingPage(context: PorticoLoadContext, request: Request) {
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const choice = choiceSchema.parse({
    reschedule: query.reschedule,
    location: query.location,
    patient: query.patient,
    type: query.type,
    practitioner: query.practitioner,
    date: query.date,
  });
  return portalPage(context, request, async (scope): Promise<BookingView> => {
    const booking = await bookingFor(scope);
    if (!booking) return { available: false };
    const { settings, catalogue } = booking;
    const moving = choice.reschedule ? await changeableAppointment(scope, booking, choice.reschedule) : undefined;
    const patients = (await bookablePatients(scope)).filter((p) => !moving || p.id === moving.patient_id);
    const patient = patients.find((p) => p.id === choice.patient) ?? (patients.length === 1 ? patients[0] : undefined);
    // Several locations: the client chooses one first (a move stays where it was), and sees what is offered there.
    const location = catalogue.locations.find((l) => l.id === (moving?.location_id ?? choice.location)) ?? (catalogue.locations.length === 1 ? catalogue.locations[0] : undefined);
    const types = patient && location ? catalogue.types.filter((t) => t.locationIds.includes(location.id) && typeFitsPatient(t, patient) && (!moving || t.id === moving.appointment_type_id)) : [];
    const type = types.find((t) => t.id === choice.type) ?? (types.length === 1 ? types[0] : undefined);
    const practitioners = type ? catalogue.practitioners.filter((p) => type.practitionerIds.includes(p.id)) : [];
    const practitioner = practitioners.find((p) => p.id === choice.practitioner);
    const times = type
      ? await offeredTimes(
          scope.trx,
          { settings, location: location!, type, practitionerIds: practitioner ? [practitioner.id] : type.practitionerIds, now: scope.now, ownHoldsOf: scope.client.viewing.clientId, practitionerNames: new Map(catalogue.practitioners.map((p) => [p.id, p.name])) },
          choice.date,
        )
      : noTimes(settings, scope.now, choice.date);
    return {
      available: true,
      locations: catalogue.locations.map((l) => ({ id: l.id, name: l.name })),
      locationId: location?.id ?? null,
      location: location ? { name: location.name, address: location.address } : null,
      patients,
      patientId: patient?.id ?? null,
      types: types.map((t) => ({
        id: t.id,
        name: t.name,
        durationMinutes: t.durationMinutes,
      })),
      typeId: type?.id ?? null,
      practitioners,
      practitionerId: practitioner?.id ?? null,
      ...times,
      canAddPatient: settings.newPatients && !moving,
      moving: moving
        ? {
            appointmentId: moving.id,
            when: formatDateTime(moving.starts_at, settings.timeZone, localeFor(settings.timeZone)),
          }
        : null,
    };
  });
}

export type HoldOutcome = { ok: true; holdId: string } | { ok: false; status: 400 | 404 | 409; message: string };

const holdForm = z.object({
  patient: z.uuid({ error: "Choose who the appointment is for." }),
  type: z.uuid({ error: "Choose the kind of appointment." }),
  slot: slotValueSchema,
  reschedule: z.uuid({ error: "Choose one of your appointments to move." }).optional(),
  location: z.uuid({ error: "Choose where the appointment is." }).optional(),
});

/**
 * An upcoming appointment of the client being viewed that they may cancel or move here (onlineChange): booked
 * online, still scheduled or confirmed, before the cancellation window. Otherwise a 409 that says to call.
 */
async function changeableAppointment(scope: PortalScope, booking: Booking, appointmentId: string) {
  const row = await scope.trx
    .selectFrom("appointments as a")
    .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "a.practice_id").onRef("p.id", "=", "a.patient_id"))
    .select(["a.id", "a.patient_id", "a.appointment_type_id", "a.practitioner_id", "a.location_id", "a.starts_at", "a.ends_at", "a.status"])
    .select(sql<boolean>`exists (select 1 from booked_time b where b.appointment_id = a.id)`.as("booked_online"))
    .where("a.id", "=", appointmentId)
    .where("p.client_id", "=", scope.client.viewing.clientId)
    .where(patientVisibleSql)
    .forUpdate("a")
    .executeTakeFirst();
  if (!row) throw notFound();
  const change = onlineChange(
    {
      status: row.status,
      startsAt: row.starts_at,
      bookedOnline: row.booked_online,
    },
    scope.now,
    booking.settings.cancelWindowHours
  );
  if (change !== "allowed") throw changeRefused(change, booking.settings.cancelWindowHours);
  return row;
}

function changeRefused(change: Exclude<OnlineChange, "allowed">, windowHours: number): Response {
  const message =
    change === "too_late" ? `This appointment is less than ${windowHours} hours away: to change it, please call the practice.` : "This appointment can be changed by calling the practice.";
  return new Response(message, { status: 409 });
}

/**
 * Holds a free time for the client for 30 minutes: nobody else is offered it meanwhile. The time must be one the
 * page would offer now (the client's own earlier hold is given up first). Two clients choosing the same time at once
 * are settled by the exclusion constraint on `booked_time`: the second is told the time was just taken.
 */
export async function holdSlot(context: PorticoLoadContext, request: Request, form: FormData): Promise<HoldOutcome> {
  const parsed = holdForm.safeParse({
    patient: form.get("patient"),
    type: form.get("type"),
    slot: form.get("slot"),
    reschedule: form.get("reschedule") ?? undefined,
    location: form.get("location") ?? undefined,
  });
  const { page } = await portalPage(context, request, async (scope): Promise<HoldOutcome> => {
    const booking = await bookingFor(scope);
    if (!booking)
      return {
        ok: false,
        status: 404,
        message: "Online booking is not offered.",
      };
    if (!parsed.success)
      return {
        ok: false,
        status: 400,
        message: parsed.error.issues[0]?.message ?? "Choose one of the times shown.",
      };
    const { patient: patientId, type: typeId, slot } = parsed.data;
    const moving = parsed.data.reschedule ? await changeableAppointment(scope, booking, parsed.data.reschedule) : undefined;
    if (moving && (moving.patient_id !== patientId || moving.appointment_type_id !== typeId))
      return {
        ok: false,
        status: 400,
        message: "A moved appointment keeps its pet or patient and its kind.",
      };
    const patient = (await bookablePatients(scope)).find((p) => p.id === patientId);
    const type = booking.catalogue.types.find((t) => t.id === typeId);
    const { locations } = booking.catalogue;
    const location = locations.find((l) => l.id === (moving?.location_id ?? parsed.data.location)) ?? (locations.length === 1 && !parsed.data.location ? locations[0] : undefined);
    if (!location) return { ok: false, status: 400, message: "Choose where the appointment is." };
    if (!patient || !type || !type.locationIds.includes(location.id) || !typeFitsPatient(type, patient))
      return {
        ok: false,
        status: 400,
        message: "Choose one of the appointments offered.",
      };
    const practitionerIds = practitionersFor(booking, typeId, slot.practitionerId);
    if (!practitionerIds.length)
      return {
        ok: false,
        status: 400,
        message: "Choose one of the times shown.",
      };
    const day = todayIn(booking.settings.timeZone, slot.startsAt);
    const offered = (await freeSlotsOfDays(scope.trx, { settings: booking.settings, location, type, practitionerIds, now: scope.now, ownHoldsOf: scope.client.viewing.clientId }, day, 1)).some((s) => s.startsAt.getTime() === slot.startsAt.getTime());
    if (!offered)
      return {
        ok: false,
        status: 409,
        message: "That time is no longer available. Please choose another.",
      };

    const held = await takeHold(scope.trx, { practiceId: scope.practiceId, slot, type, locationId: location.id, holder: scope.client.viewing.clientId, patientId: patient.id, rescheduleOf: moving?.id ?? null, now: scope.now });
    return held.ok ? held : { ok: false, status: 409, message: "That time was just taken. Here are the times still free." };
  });
  return page;
}

export type HeldView = {
  holdId: string;
  patientName: string;
  typeName: string;
  practitioner: string;
  when: string;
  startsAt: string;
  heldUntil: string;
  location: { name: string; address: string };
  /** When the hold moves an existing appointment: its current time. */
  movingFrom: string | null;
  /** The practice answers each booking (requests mode), or the appointment moved is itself still a request. */
  asRequest: boolean;
};

async function readHold(scope: PortalScope, holdId: string, forUpdate: boolean) {
  let query = scope.trx
    .selectFrom("booked_time as b")
    .innerJoin("appointment_types as t", (join) => join.onRef("t.practice_id", "=", "b.practice_id").onRef("t.id", "=", "b.appointment_type_id"))
    .innerJoin("practitioners as pr", (join) => join.onRef("pr.practice_id", "=", "b.practice_id").onRef("pr.id", "=", "b.practitioner_id"))
    .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "b.practice_id").onRef("p.id", "=", "b.patient_id"))
    .innerJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "b.practice_id").onRef("l.id", "=", "b.location_id"))
    .select([
      "b.id",
      "b.patient_id",
      "b.practitioner_id",
      "b.location_id",
      "b.appointment_type_id",
      "b.hold_expires_at",
      "b.reschedule_of",
      sql<Date>`lower(b.during)`.as("starts_at"),
      "t.name as type_name",
      "t.duration_minutes",
      "pr.name as practitioner_name",
      "p.name as patient_name",
      "l.name as location_name",
      "l.address",
      "l.phone",
    ])
    .where("b.id", "=", holdId)
    .where("b.client_id", "=", scope.client.viewing.clientId)
    .where("b.appointment_id", "is", null)
    .where("b.hold_expires_at", ">", scope.now)
    .where(patientVisibleSql);
  if (forUpdate) query = query.forUpdate("b");
  return query.executeTakeFirst();
}

/** A hold of this client's that has not expired: anything else (someone else's, used, expired, garbage) is not there. */
export async function heldSlot(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const holdId = idParam(rawId);
  return portalPage(context, request, async (scope): Promise<HeldView> => {
    const booking = await bookingFor(scope);
    if (!booking) throw notFound();
    const hold = await readHold(scope, holdId, false);
    if (!hold) throw holdGone();
    const locale = localeFor(scope.timeZone);
    const moving = hold.reschedule_of ? await scope.trx.selectFrom("appointments").select(["starts_at", "status"]).where("id", "=", hold.reschedule_of).executeTakeFirst() : undefined;
    return {
      holdId: hold.id,
      patientName: hold.patient_name,
      typeName: hold.type_name,
      practitioner: hold.practitioner_name,
      when: formatDateTime(hold.starts_at, scope.timeZone, locale),
      startsAt: new Date(hold.starts_at).toISOString(),
      heldUntil: formatTimeOfDay(hold.hold_expires_at!, scope.timeZone, locale),
      location: { name: hold.location_name, address: hold.address },
      movingFrom: moving ? formatDateTime(moving.starts_at, scope.timeZone, locale) : null,
      asRequest: booking.settings.mode === "requests" || moving?.status === "requested",
    };
  });
}

function holdGone(): Response {
  return new Response("This time is no longer held for you. Please choose a time again.", { status: 410 });
}

const confirmForm = z.object({
  reason: z
    .string({ error: "Tell the practice what the visit is for." })
    .trim()
    .overwrite((reason) => reason.replace(/\r\n/g, "\n"))
    .min(1, "Tell the practice what the visit is for.")
    .max(500, "Keep the reason under 500 characters.")
    .regex(/^(?:[^\p{Cc}]|[\n\r\t])*$/u, "The reason contains characters that cannot be saved."),
});

export type ConfirmOutcome = { ok: true; appointmentId: string; moved: boolean; requested: boolean } | { ok: false; status: 400; message: string };

/**
 * Turns the client's hold into an appointment (direct booking) or a request (the practice approves each one):
 * booked by the client, so a limited account sees it; its time stays taken in `booked_time` either way, so a request
 * cannot be double-booked while staff decide. Audited, an `appointment.booked` (or `appointment.requested`) event
 * for the practice system, and an email to the client, all in the same transaction.
 */
export async function confirmHold(context: PorticoLoadContext, request: Request, rawId: string | undefined, form: FormData): Promise<ConfirmOutcome> {
  const holdId = idParam(rawId);
  const parsed = confirmForm.safeParse({
    reason: form.get("reason") ?? undefined,
  });
  const { page } = await portalPage(context, request, async (scope): Promise<ConfirmOutcome> => {
    const booking = await bookingFor(scope);
    if (!booking) throw notFound();
    const hold = await readHold(scope, holdId, true);
    if (!hold) throw holdGone();
    const startsAt = new Date(hold.starts_at);
    const endsAt = new Date(startsAt.getTime() + hold.duration_minutes! * 60_000);
    const now = scope.now;
    if (hold.reschedule_of)
      return moveAppointment(context, scope, booking, {
        ...hold,
        reschedule_of: hold.reschedule_of,
        startsAt,
        endsAt,
      });
    if (!parsed.success)
      return {
        ok: false,
        status: 400,
        message: parsed.error.issues[0]?.message ?? "Tell the practice what the visit is for.",
      };
    const requested = booking.settings.mode === "requests";
    const appointment = await scope.trx
      .insertInto("appointments")
      .values({
        practice_id: scope.practiceId,
        patient_id: hold.patient_id!,
        location_id: hold.location_id,
        practitioner_id: hold.practitioner_id,
        practitioner_name: hold.practitioner_name,
        appointment_type_id: hold.appointment_type_id,
        reason: hold.type_name,
        client_note: parsed.data.reason,
        starts_at: startsAt,
        ends_at: endsAt,
        // The client chose this time themselves: once booked, there is nothing left for them to confirm.
        ...(requested ? { status: "requested" as const } : { status: "confirmed" as const, confirmed_at: now, confirmed_by_client_id: scope.client.id }),
        booked_by: "client",
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await scope.trx.updateTable("booked_time").set({ appointment_id: appointment.id, hold_expires_at: null }).where("id", "=", hold.id).execute();
    await recordAudit(scope.trx, scope.practiceId, {
      actorType: "client",
      actorId: scope.client.id,
      action: requested ? "client.appointment_requested" : "client.appointment_booked",
      subjectType: "appointment",
      subjectId: appointment.id,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      details: {
        startsAt: startsAt.toISOString(),
        type: hold.type_name,
        practitioner: hold.practitioner_name,
        forClientId: scope.client.viewing.clientId,
      },
      at: now,
    });
    const refs = await patientRefs(scope.trx, hold.patient_id!);
    const facts = { appointment: { id: appointment.id }, ...refs, practitioner: { id: hold.practitioner_id }, appointmentType: { id: hold.appointment_type_id }, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() };
    await recordEvent(scope.trx, scope.practiceId, requested ? { type: "appointment.requested", data: { ...facts, requestedVia: "portal" } } : { type: "appointment.booked", data: { ...facts, bookedVia: "portal" } }, now);
    await emailBookingToClient(scope.trx, requirePracticeSite(context), { kind: requested ? "requested" : "booked", appointmentId: appointment.id, to: { email: scope.client.email, firstName: scope.client.firstName } });
    if (!requested) await sendAppointmentForms(scope.trx, requirePracticeSite(context), appointment.id, now);
    return { ok: true, appointmentId: appointment.id, moved: false, requested };
  });
  return page;
}

type HeldRow = NonNullable<Awaited<ReturnType<typeof readHold>>>;

/**
 * Moves an appointment booked online to the time held for it: the same appointment (id, history, note), new times
 * and perhaps a new practitioner; the old time is given back and the hold becomes the appointment's time.
 */
async function moveAppointment(context: PorticoLoadContext, scope: PortalScope, booking: Booking, hold: HeldRow & { reschedule_of: string; startsAt: Date; endsAt: Date }): Promise<ConfirmOutcome> {
  const before = await changeableAppointment(scope, booking, hold.reschedule_of);
  const now = scope.now;
  // Where the practice approves each booking, a new time is a new request, even for an appointment it approved.
  const requested = booking.settings.mode === "requests" || before.status === "requested";
  await scope.trx.deleteFrom("booked_time").where("appointment_id", "=", before.id).execute();
  await scope.trx
    .updateTable("appointments")
    .set({
      starts_at: hold.startsAt,
      ends_at: hold.endsAt,
      practitioner_id: hold.practitioner_id,
      practitioner_name: hold.practitioner_name,
      updated_at: now,
      ...(requested ? { status: "requested" as const, confirmed_at: null, confirmed_by_client_id: null } : {}),
    })
    .where("id", "=", before.id)
    .execute();
  await scope.trx
    .updateTable("booked_time")
    .set({
      appointment_id: before.id,
      hold_expires_at: null,
      reschedule_of: null,
    })
    .where("id", "=", hold.id)
    .execute();
  await recordAudit(scope.trx, scope.practiceId, {
    actorType: "client",
    actorId: scope.client.id,
    action: "client.appointment_rescheduled",
    subjectType: "appointment",
    subjectId: before.id,
    ip: context.visitor.ip,
    userAgent: context.visitor.userAgent,
    details: {
      from: before.starts_at.toISOString(),
      to: hold.startsAt.toISOString(),
      practitioner: hold.practitioner_name,
    },
    at: now,
  });
  const refs = await patientRefs(scope.trx, before.patient_id);
  await recordEvent(
    scope.trx,
    scope.practiceId,
    {
      type: "appointment.rescheduled",
      data: {
        appointment: { id: before.id },
        ...refs,
        practitioner: { id: hold.practitioner_id },
        previous: {
          startsAt: before.starts_at.toISOString(),
          endsAt: before.ends_at.toISOString(),
          practitioner: { id: before.practitioner_id! },
        },
        startsAt: hold.startsAt.toISOString(),
        endsAt: hold.endsAt.toISOString(),
      },
    },
    now
  );
  if (requested && before.status !== "requested") {
    await recordEvent(scope.trx, scope.practiceId, { type: "appointment.requested", data: { appointment: { id: before.id }, ...refs, practitioner: { id: hold.practitioner_id }, appointmentType: { id: hold.appointment_type_id }, startsAt: hold.startsAt.toISOString(), endsAt: hold.endsAt.toISOString(), requestedVia: "portal" } }, now);
  }
  // A request moved is a request for the new time: the practice still answers it.
  await emailBookingToClient(scope.trx, requirePracticeSite(context), { kind: requested ? "requested" : "moved", appointmentId: before.id, to: { email: scope.client.email, firstName: scope.client.firstName } });
  return { ok: true, appointmentId: before.id, moved: true, requested };
}

/** Cancels an appointment the client booked online, before the cancellation window: its time is free again at once. */
export async function cancelBooking(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<void> {
  const id = idParam(rawId);
  await portalPage(context, request, async (scope) => {
    const booking = await bookingFor(scope);
    if (!booking) throw notFound();
    const appointment = await changeableAppointment(scope, booking, id);
    const now = scope.now;
    await scope.trx.updateTable("appointments").set({ status: "cancelled", updated_at: now }).where("id", "=", appointment.id).execute();
    await scope.trx.deleteFrom("booked_time").where("appointment_id", "=", appointment.id).execute();
    await recordAudit(scope.trx, scope.practiceId, {
      actorType: "client",
      actorId: scope.client.id,
      action: "client.appointment_cancelled",
      subjectType: "appointment",
      subjectId: appointment.id,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      details: { startsAt: appointment.starts_at.toISOString() },
      at: now,
    });
    const refs = await patientRefs(scope.trx, appointment.patient_id);
    await recordEvent(
      scope.trx,
      scope.practiceId,
      {
        type: "appointment.cancelled",
        data: {
          appointment: { id: appointment.id },
          ...refs,
          cancelledBy: "client",
        },
      },
      now
    );
  });
}

export type AddPatientOutcome = { ok: true; patientId: string } | { ok: false; status: 400 | 404; message: string };

const newPatientForm = z.object({
  name: text(100),
  species: text(60).optional(),
  breed: text(100).optional(),
});

/**
 * Adds a pet (or family member) to the client being viewed, while booking, when the practice allows it: a patient
 * without an external id, as staff would add by hand, audited and announced to the practice system, which makes its
 * own record. A veterinary practice needs the species.
 */
export async function addPatientWhileBooking(context: PorticoLoadContext, request: Request, form: FormData): Promise<AddPatientOutcome> {
  const blank = (value: FormDataEntryValue | null) => (typeof value === "string" && value.trim() === "" ? undefined : (value ?? undefined));
  const parsed = newPatientForm.safeParse({ name: form.get("name"), species: blank(form.get("species")), breed: blank(form.get("breed")) });
  const { page } = await portalPage(context, request, async (scope): Promise<AddPatientOutcome> => {
    const booking = await bookingFor(scope);
    if (!booking || !booking.settings.newPatients) return { ok: false, status: 404, message: "Adding a pet or family member online is not offered." };
    const veterinary = scope.practiceKind === "veterinary";
    if (!parsed.success) return { ok: false, status: 400, message: `Check the ${String(parsed.error.issues[0]?.path[0] ?? "details")}: it ${parsed.error.issues[0]?.message ?? "is not valid"}.` };
    if (veterinary && !parsed.data.species) return { ok: false, status: 400, message: "Say what kind of animal it is (for example Dog or Cat)." };
    const clientId = scope.client.viewing.clientId;
    const now = scope.now;
    const species = veterinary ? (parsed.data.species ?? null) : null;
    const patient = await scope.trx
      .insertInto("patients")
      .values({ practice_id: scope.practiceId, client_id: clientId, name: parsed.data.name, species, breed: veterinary ? (parsed.data.breed ?? null) : null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(scope.trx, scope.practiceId, {
      actorType: "client",
      actorId: scope.client.id,
      action: "client.patient_added",
      subjectType: "patient",
      subjectId: patient.id,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      details: { name: parsed.data.name, forClientId: clientId },
      at: now,
    });
    const refs = await patientRefs(scope.trx, patient.id);
    await recordEvent(scope.trx, scope.practiceId, { type: "patient.added_by_client", data: refs }, now);
    return { ok: true, patientId: patient.id };
  });
  return page;
}
