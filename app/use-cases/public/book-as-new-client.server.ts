import { sql } from "kysely";
import { z } from "zod";
import type { PracticeKind, SignInMethods } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { recordAudit } from "../../../server/audit.server";
import { hashPassword, passwordProblem } from "../../../server/auth/passwords.server";
import { ipBucket } from "../../../server/auth/rate-limit.server";
import { sendEmail } from "../../../server/email/send-email.server";
import { bookingNotMadeEmail } from "../../../server/email/templates/booking-not-made";
import { recordEvent } from "../../../server/events/record-event.server";
import { clientRef, patientRefs } from "../../../server/events/refs.server";
import type { PorticoLoadContext, PracticeSite } from "../../load-context";
import { formatDateTime, formatTimeOfDay, localeFor } from "../../time";
import { todayIn } from "../../visibility/portal-rules";
import { sendAppointmentForms } from "../admin/form-requests.server";
import { emailBookingToClient } from "../booking/booking-email.server";
import { type BookingCatalogue, type BookingSettings, readBookingCatalogue, readBookingSettings, slotValueSchema, typeFitsPatient } from "../booking/booking-schedule.server";
import { freeSlotsOfDays, noTimes, offeredTimes, type OfferedTimes } from "../booking/offered-times.server";
import { takeHold } from "../booking/take-hold.server";
import { offersMagicLink, offersPassword } from "../client-accounts.server";
import { idParam, notFound } from "../portal/portal-page.server";
import { calendarDateSchema, text } from "../record-fields";
import { requirePracticeSite } from "../require-practice.server";
import { createSignInLink, emailSchema } from "../sign-in-link.server";

/**
 * `/book`: a first visit booked by someone the practice does not know yet (docs/decisions/021-online-booking.md).
 * They choose a type marked for new clients and a free time, which is held for 30 minutes under the hold's
 * unguessable id; then they give their details. The answer is the same page whether or not the address is already a
 * client's, and the work that depends on it runs after the response: a new address gets a client, a patient, the
 * appointment (or request) and a limited account; a known one gets an email asking them to sign in and book there.
 */

const HOUR_MS = 3_600_000;
/** Holds per address per hour: enough for a family choosing again and again, not enough to hold a whole week. */
const HOLDS_PER_IP_PER_HOUR = 20;
const BOOKINGS_PER_IP_PER_HOUR = 5;

type Offer = { settings: BookingSettings; catalogue: BookingCatalogue; kind: PracticeKind; methods: SignInMethods };

/** What the practice offers new clients, or undefined when it does not take them online (or its portal is closed). */
async function offerToNewClients(trx: PracticeTransaction, site: PracticeSite): Promise<Offer | undefined> {
  const portal = await trx.selectFrom("practice_settings").select(["portal_enabled", "sign_in_methods"]).executeTakeFirstOrThrow();
  if (!portal.portal_enabled) return undefined;
  const settings = await readBookingSettings(trx);
  const catalogue = await readBookingCatalogue(trx, settings, null);
  return catalogue ? { settings, catalogue, kind: site.practice.kind, methods: portal.sign_in_methods } : undefined;
}

export type NewClientBookingView =
  | { available: false; practiceName: string }
  | ({
      available: true;
      practiceName: string;
      asRequest: boolean;
      locations: { id: string; name: string }[];
      locationId: string | null;
      location: { name: string; address: string } | null;
      types: { id: string; name: string; durationMinutes: number }[];
      typeId: string | null;
      practitioners: { id: string; name: string; title: string | null }[];
      practitionerId: string | null;
    } & OfferedTimes);

const choiceSchema = z.object({
  location: z.uuid().optional().catch(undefined),
  type: z.uuid().optional().catch(undefined),
  practitioner: z.uuid().optional().catch(undefined),
  date: calendarDateSchema.optional().catch(undefined),
});

/** The page's choices come as its query, each narrowing the next; a choice not on offer is simply not chosen. */
export async function newClientBookingPage(context: PorticoLoadContext, request: Request): Promise<NewClientBookingView> {
  const site = requirePracticeSite(context);
  const query = new URL(request.url).searchParams;
  const choice = choiceSchema.parse({ location: query.get("location") ?? undefined, type: query.get("type") ?? undefined, practitioner: query.get("practitioner") ?? undefined, date: query.get("date") ?? undefined });
  const now = context.now();
  return site.withPractice(async (trx): Promise<NewClientBookingView> => {
    const offer = await offerToNewClients(trx, site);
    if (!offer) return { available: false, practiceName: site.practice.name };
    const { settings, catalogue } = offer;
    const location = catalogue.locations.find((l) => l.id === choice.location) ?? (catalogue.locations.length === 1 ? catalogue.locations[0] : undefined);
    const types = location ? catalogue.types.filter((t) => t.locationIds.includes(location.id)) : [];
    const type = types.find((t) => t.id === choice.type) ?? (types.length === 1 ? types[0] : undefined);
    const practitioners = type ? catalogue.practitioners.filter((p) => type.practitionerIds.includes(p.id)) : [];
    const practitioner = practitioners.find((p) => p.id === choice.practitioner);
    const times =
      type && location
        ? await offeredTimes(
            trx,
            { settings, location, type, practitionerIds: practitioner ? [practitioner.id] : type.practitionerIds, now, ownHoldsOf: null, practitionerNames: new Map(catalogue.practitioners.map((p) => [p.id, p.name])) },
            choice.date,
          )
        : noTimes(settings, now, choice.date);
    return {
      available: true,
      practiceName: site.practice.name,
      asRequest: settings.mode === "requests",
      locations: catalogue.locations.map((l) => ({ id: l.id, name: l.name })),
      locationId: location?.id ?? null,
      location: location ? { name: location.name, address: location.address } : null,
      types: types.map((t) => ({ id: t.id, name: t.name, durationMinutes: t.durationMinutes })),
      typeId: type?.id ?? null,
      practitioners,
      practitionerId: practitioner?.id ?? null,
      ...times,
    };
  });
}

export type NewClientHoldOutcome = { ok: true; holdId: string } | { ok: false; status: 400 | 404 | 409 | 429; message: string };

const holdForm = z.object({
  type: z.uuid({ error: "Choose the kind of appointment." }),
  slot: slotValueSchema,
  location: z.uuid({ error: "Choose where the appointment is." }).optional(),
});

/** Holds a time the page offers now for whoever chose it; only the hold's id (in the next page's address) leads back to it. */
export async function holdForNewClient(context: PorticoLoadContext, form: FormData): Promise<NewClientHoldOutcome> {
  const site = requirePracticeSite(context);
  const parsed = holdForm.safeParse({ type: form.get("type"), slot: form.get("slot"), location: form.get("location") ?? undefined });
  const now = context.now();
  const { ip } = context.visitor;
  const [withinLimit = true] = ip ? await context.ipRateLimits([{ bucket: `book-hold-ip:${ipBucket(ip)}`, limit: HOLDS_PER_IP_PER_HOUR, windowMs: HOUR_MS }], now) : [];
  return site.withPractice(async (trx): Promise<NewClientHoldOutcome> => {
    const offer = await offerToNewClients(trx, site);
    if (!offer) return { ok: false, status: 404, message: "Online booking for new clients is not offered." };
    if (!withinLimit) return { ok: false, status: 429, message: "Too many times were chosen from this connection. Please try again in an hour, or call the practice." };
    if (!parsed.success) return { ok: false, status: 400, message: parsed.error.issues[0]?.message ?? "Choose one of the times shown." };
    const { slot } = parsed.data;
    const { locations, types } = offer.catalogue;
    const location = locations.find((l) => l.id === parsed.data.location) ?? (locations.length === 1 && !parsed.data.location ? locations[0] : undefined);
    const type = types.find((t) => t.id === parsed.data.type);
    if (!location || !type || !type.locationIds.includes(location.id) || !type.practitionerIds.includes(slot.practitionerId)) return { ok: false, status: 400, message: "Choose one of the appointments offered." };
    const day = todayIn(offer.settings.timeZone, slot.startsAt);
    const free = await freeSlotsOfDays(trx, { settings: offer.settings, location, type, practitionerIds: [slot.practitionerId], now, ownHoldsOf: null }, day, 1);
    if (!free.some((s) => s.startsAt.getTime() === slot.startsAt.getTime())) return { ok: false, status: 409, message: "That time is no longer available. Please choose another." };
    const held = await takeHold(trx, { practiceId: site.practice.id, slot, type, locationId: location.id, holder: null, patientId: null, rescheduleOf: null, now });
    return held.ok ? held : { ok: false, status: 409, message: "That time was just taken. Here are the times still free." };
  });
}

async function readNewClientHold(trx: PracticeTransaction, holdId: string, now: Date) {
  return trx
    .selectFrom("booked_time as b")
    .innerJoin("appointment_types as t", (join) => join.onRef("t.practice_id", "=", "b.practice_id").onRef("t.id", "=", "b.appointment_type_id"))
    .innerJoin("practitioners as pr", (join) => join.onRef("pr.practice_id", "=", "b.practice_id").onRef("pr.id", "=", "b.practitioner_id"))
    .innerJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "b.practice_id").onRef("l.id", "=", "b.location_id"))
    .select(["b.id", "b.practitioner_id", "b.location_id", "b.appointment_type_id", "b.hold_expires_at", "t.name as type_name", "t.duration_minutes", "t.species", "pr.name as practitioner_name", "l.name as location_name", "l.address"])
    .select((eb) => eb.fn<Date>("lower", [eb.ref("b.during")]).as("starts_at"))
    .where("b.id", "=", holdId)
    .where("b.client_id", "is", null)
    .where("b.appointment_id", "is", null)
    .where("b.hold_expires_at", ">", now)
    .executeTakeFirst();
}

function holdGone(): Response {
  return new Response("This time is no longer held. Please choose a time again.", { status: 410 });
}

export type NewClientHoldView = {
  practiceName: string;
  kind: PracticeKind;
  asRequest: boolean;
  typeName: string;
  practitioner: string;
  when: string;
  startsAt: string;
  heldUntil: string;
  location: { name: string; address: string };
  /** "required" when clients sign in with a password only; "optional" when they may also use emailed links. */
  password: "required" | "optional" | "none";
};

/** The details form for a hold made on /book; anything but a live anonymous hold is gone (410) or not there (404). */
export async function newClientHold(context: PorticoLoadContext, rawId: string | undefined): Promise<NewClientHoldView> {
  const site = requirePracticeSite(context);
  const holdId = idParam(rawId);
  const now = context.now();
  return site.withPractice(async (trx) => {
    const offer = await offerToNewClients(trx, site);
    if (!offer) throw notFound();
    const hold = await readNewClientHold(trx, holdId, now);
    if (!hold) throw holdGone();
    const { timeZone } = offer.settings;
    const locale = localeFor(timeZone);
    return {
      practiceName: site.practice.name,
      kind: offer.kind,
      asRequest: offer.settings.mode === "requests",
      typeName: hold.type_name,
      practitioner: hold.practitioner_name,
      when: formatDateTime(hold.starts_at, timeZone, locale),
      startsAt: new Date(hold.starts_at).toISOString(),
      heldUntil: formatTimeOfDay(hold.hold_expires_at!, timeZone, locale),
      location: { name: hold.location_name, address: hold.address },
      password: passwordWanted(offer.methods),
    };
  });
}

function passwordWanted(methods: SignInMethods): NewClientHoldView["password"] {
  if (!offersPassword(methods)) return "none";
  return offersMagicLink(methods) ? "optional" : "required";
}

const blankToUndefined = (value: FormDataEntryValue | null) => (typeof value === "string" && value.trim() === "" ? undefined : (value ?? undefined));

const detailsSchema = z.object({
  firstName: text(100),
  lastName: text(100),
  email: emailSchema,
  phone: z
    .string({ error: "is needed so the practice can reach you" })
    .trim()
    .min(6, "is needed so the practice can reach you")
    .max(40, "is too long")
    .regex(/^[0-9 +()./-]+$/, "may contain only digits, spaces and + ( ) . / -"),
  patientName: text(100).optional(),
  species: text(60).optional(),
  breed: text(100).optional(),
  dateOfBirth: calendarDateSchema.optional(),
  reason: z
    .string({ error: "must say what the visit is for" })
    .trim()
    .overwrite((reason) => reason.replace(/\r\n/g, "\n"))
    .min(1, "must say what the visit is for")
    .max(500, "must be under 500 characters")
    .regex(/^(?:[^\p{Cc}]|[\n\r\t])*$/u, "contains characters that cannot be saved"),
  password: z.string().max(200, "is too long").optional(),
});

const FIELD_NAMES: Record<string, string> = {
  firstName: "first name",
  lastName: "last name",
  email: "email address",
  phone: "phone number",
  patientName: "pet's name",
  species: "kind of animal",
  breed: "breed",
  dateOfBirth: "date of birth",
  reason: "reason for the visit",
  password: "password",
};

export type NewClientConfirmOutcome = { ok: true } | { ok: false; status: 400 | 429; message: string };

type Details = z.output<typeof detailsSchema>;

/**
 * Checks the details and the hold, then answers "we have emailed you" whatever the address: whether it is already a
 * client's is decided after the response (completeNewClientBooking), so neither the page nor its timing tells. The
 * password, if any, is hashed here for the same reason. Bad details are a 400 with the field named; nothing is written.
 */
export async function confirmNewClientBooking(context: PorticoLoadContext, rawId: string | undefined, form: FormData): Promise<NewClientConfirmOutcome> {
  const site = requirePracticeSite(context);
  const holdId = idParam(rawId);
  const parsed = detailsSchema.safeParse(Object.fromEntries(Object.keys(FIELD_NAMES).map((name) => [name, blankToUndefined(form.get(name))])));
  const now = context.now();
  const { ip, userAgent } = context.visitor;
  const problem = await site.withPractice(async (trx): Promise<string | undefined> => {
    const offer = await offerToNewClients(trx, site);
    if (!offer) throw notFound();
    const hold = await readNewClientHold(trx, holdId, now);
    if (!hold) throw holdGone();
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = FIELD_NAMES[String(issue?.path[0])] ?? "details";
      return issue?.path[0] === "email" ? (issue.message ?? "Enter your email address.") : `Check the ${field}: it ${issue?.message ?? "is not valid"}.`;
    }
    const details = parsed.data;
    if (offer.kind === "veterinary") {
      if (!details.patientName) return "Check the pet's name: it must not be empty.";
      if (!details.species) return "Say what kind of animal your pet is (for example Dog or Cat).";
      if (!typeFitsPatient({ species: hold.species }, { species: details.species })) return `${hold.type_name} is for ${hold.species.join(", ")} only. Choose another kind of appointment.`;
    } else if (!details.dateOfBirth) return "Check the date of birth: the practice needs it to find your records.";
    const wanted = passwordWanted(offer.methods);
    if (wanted === "required" && !details.password) return "Choose a password: you will sign in with it.";
    if (wanted !== "none" && details.password) return passwordProblem(details.password);
    return undefined;
  });
  if (problem) return { ok: false, status: 400, message: problem };
  const details = parsed.data!;
  const [withinLimit = true] = ip ? await context.ipRateLimits([{ bucket: `book-confirm-ip:${ipBucket(ip)}`, limit: BOOKINGS_PER_IP_PER_HOUR, windowMs: HOUR_MS }], now) : [];
  if (!withinLimit) return { ok: false, status: 429, message: "Too many bookings were made from this connection. Please try again in an hour, or call the practice." };
  const passwordHash = details.password ? await hashPassword(details.password) : null;
  await context.runAfterResponse("new-client booking", () => completeNewClientBooking({ site, holdId, details, passwordHash, now, ip, userAgent }));
  return { ok: true };
}

type Completion = { site: PracticeSite; holdId: string; details: Details; passwordHash: string | null; now: Date; ip: string | null; userAgent: string | null };

export type CompletionOutcome = "booked" | "existing_client" | "time_gone" | "not_offered";

/**
 * After the response: a known address gets "please sign in and book there" (the hold is given back); otherwise the
 * client, their email, a limited account, the patient and the appointment (or request) are made in one
 * transaction, taking the held time, with the events and the confirmation email and its sign-in link.
 */
export async function completeNewClientBooking(input: Completion): Promise<CompletionOutcome> {
  const { site, details, now } = input;
  const practiceId = site.practice.id;
  return site.withPractice(async (trx): Promise<CompletionOutcome> => {
    const offer = await offerToNewClients(trx, site);
    if (!offer) return "not_offered";
    const contact = await trx.selectFrom("practice_settings").select(["email", "phone"]).executeTakeFirstOrThrow();
    const notMade = async (reason: "existing_client" | "time_gone") => {
      const message = bookingNotMadeEmail({ reason, practiceName: site.practice.name, signInLink: `${site.origin}/`, bookLink: `${site.origin}/book`, practicePhone: contact.phone });
      await sendEmail(trx, { kind: `new_client_booking_${reason}`, practiceId, fromName: site.practice.name, replyTo: contact.email, to: details.email, ...message });
      await recordAudit(trx, practiceId, { actorType: "anonymous", action: `client.new_client_booking_${reason}`, ip: input.ip, userAgent: input.userAgent, at: now });
      return reason;
    };
    const hold = await trx.selectFrom("booked_time").selectAll().where("id", "=", input.holdId).where("client_id", "is", null).where("appointment_id", "is", null).forUpdate().executeTakeFirst();
    if (!hold || hold.hold_expires_at! <= now) return notMade("time_gone");
    // Two first bookings from one new address at once: the second waits here, then finds the first one's client.
    await sql`select pg_advisory_xact_lock(hashtext(${`new-client:${details.email}`}))`.execute(trx);
    // On a client's record, or the login of an account. The hold is left to expire rather than given back at once:
    // a time freed the moment an address is entered would tell anyone watching /book that the address is known.
    const known =
      (await trx.selectFrom("client_emails").select("id").where("email_key", "=", details.email).executeTakeFirst()) ??
      (await trx.selectFrom("client_accounts").select("id").where("login_key", "=", details.email).executeTakeFirst());
    if (known) return notMade("existing_client");
    const type = await trx.selectFrom("appointment_types").select(["name", "duration_minutes"]).where("id", "=", hold.appointment_type_id).executeTakeFirstOrThrow();
    const practitioner = await trx.selectFrom("practitioners").select("name").where("id", "=", hold.practitioner_id).executeTakeFirstOrThrow();
    const veterinary = offer.kind === "veterinary";
    const client = await trx.insertInto("clients").values({ practice_id: practiceId, first_name: details.firstName, last_name: details.lastName, phone: details.phone, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
    const email = await trx.insertInto("client_emails").values({ practice_id: practiceId, client_id: client.id, email: details.email, is_primary: true, created_at: now }).returning("id").executeTakeFirstOrThrow();
    // Limited: the new client sees what they book and what the practice chooses to share, not the practice's records.
    const account = await trx
      .insertInto("client_accounts")
      // The password waits for the emailed link: until then nobody has shown the address is theirs.
      .values({ practice_id: practiceId, client_id: client.id, login: details.email, password_hash: null, pending_password_hash: input.passwordHash, access_level: "limited", created_via: "self_registration", created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    const patient = await trx
      .insertInto("patients")
      .values({
        practice_id: practiceId,
        client_id: client.id,
        name: veterinary ? details.patientName! : `${details.firstName} ${details.lastName}`,
        species: veterinary ? details.species! : null,
        breed: veterinary ? (details.breed ?? null) : null,
        date_of_birth: veterinary ? null : details.dateOfBirth!,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const requested = offer.settings.mode === "requests";
    const startsAt = new Date((await trx.selectFrom("booked_time").select((eb) => eb.fn<Date>("lower", [eb.ref("during")]).as("starts_at")).where("id", "=", hold.id).executeTakeFirstOrThrow()).starts_at);
    const endsAt = new Date(startsAt.getTime() + type.duration_minutes! * 60_000);
    const appointment = await trx
      .insertInto("appointments")
      .values({
        practice_id: practiceId,
        patient_id: patient.id,
        location_id: hold.location_id,
        practitioner_id: hold.practitioner_id,
        practitioner_name: practitioner.name,
        appointment_type_id: hold.appointment_type_id,
        reason: type.name,
        client_note: details.reason,
        starts_at: startsAt,
        ends_at: endsAt,
        booked_by: "client",
        created_at: now,
        updated_at: now,
        ...(requested ? { status: "requested" as const } : { status: "confirmed" as const, confirmed_at: now, confirmed_by_client_id: client.id }),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.updateTable("booked_time").set({ client_id: client.id, patient_id: patient.id, appointment_id: appointment.id, hold_expires_at: null }).where("id", "=", hold.id).execute();
    await recordAudit(trx, practiceId, {
      actorType: "client",
      actorId: client.id,
      action: requested ? "client.new_client_appointment_requested" : "client.new_client_appointment_booked",
      subjectType: "appointment",
      subjectId: appointment.id,
      ip: input.ip,
      userAgent: input.userAgent,
      details: { startsAt: startsAt.toISOString(), type: type.name, practitioner: practitioner.name },
      at: now,
    });
    const refs = await patientRefs(trx, patient.id);
    await recordEvent(trx, practiceId, { type: "client.registered", data: refs }, now);
    await recordEvent(trx, practiceId, { type: "client.account_created", data: { client: await clientRef(trx, client.id), account: { id: account.id, accessLevel: "limited", createdVia: "self_registration" } } }, now);
    const facts = { appointment: { id: appointment.id }, ...refs, practitioner: { id: hold.practitioner_id }, appointmentType: { id: hold.appointment_type_id }, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() };
    await recordEvent(trx, practiceId, requested ? { type: "appointment.requested", data: { ...facts, requestedVia: "new_client" } } : { type: "appointment.booked", data: { ...facts, bookedVia: "new_client" } }, now);
    // Whatever the practice's ways in, the first sign-in is by this link: it confirms the address (and puts a chosen
    // password in force).
    const signInLink = `${site.origin}/sign-in/${await createSignInLink(trx, practiceId, { clientId: client.id, emailId: email.id, email: details.email }, now)}`;
    await emailBookingToClient(trx, site, { kind: requested ? "requested" : "booked", appointmentId: appointment.id, to: { email: details.email, firstName: details.firstName }, signInLink });
    if (!requested) await sendAppointmentForms(trx, site, appointment.id, now);
    return "booked";
  });
}
