import { z } from "zod";

/**
 * The domain event catalogue: every change the practice's own system needs, one entry per event type. Each entry's
 * zod schema is the event's `data`: it validates what `recordEvent` is given, types the callers, and is what the
 * README documents. Payloads carry ids (Portico's, and the practice system's `externalId` once a record has one) and
 * the few facts needed to act; the practice system fetches anything else it needs through the API. Never more
 * health information than that.
 *
 * Adding an event: one entry here, one `recordEvent` call at the change, in the change's transaction. Names are
 * `<resource>.<past-tense verb>`; the resource groups them (later: `booking.*`, `form.*`, `document.*`,
 * `message.*`). A type is never renamed or repurposed once shipped: receivers subscribe by name.
 */

const ref = z.object({ id: z.uuid() }).strict();
/** A record the practice system may have pushed: its `externalId` when it came from there, else null. */
const recordRef = z.object({ id: z.uuid(), externalId: z.string().nullable() }).strict();

/** What a booking or a request says: which appointment, for whom, with whom, of what kind, when. */
const bookingFacts = { appointment: ref, patient: recordRef, client: recordRef, practitioner: ref, appointmentType: ref, startsAt: z.iso.datetime(), endsAt: z.iso.datetime() };

export const EVENT_CATALOGUE = {
  "client.photo_uploaded": {
    description: "A client uploaded (or replaced) a pet's photo in the portal.",
    data: z.object({ client: recordRef, patient: recordRef, photo: z.object({ contentType: z.string(), width: z.number().int(), height: z.number().int() }).strict() }).strict(),
  },
  "client.photo_removed": {
    description: "Staff removed a pet's photo from the portal.",
    data: z.object({ client: recordRef, patient: recordRef, removedBy: z.enum(["staff"]) }).strict(),
  },
  "appointment.confirmed": {
    description: "A client confirmed an upcoming appointment in the portal.",
    data: z.object({ appointment: ref, patient: recordRef, client: recordRef, confirmedAt: z.iso.datetime() }).strict(),
  },
  "appointment.booked": {
    description: "An appointment was booked in Portico: by a client in the portal (bookedVia portal, also when staff approve a request), by a new client on the public booking page (bookedVia new_client) or by staff for a client (bookedVia staff). Its time is taken in Portico; the practice system should add it to its own schedule.",
    data: z.object({ ...bookingFacts, bookedVia: z.enum(["portal", "new_client", "staff"]) }).strict(),
  },
  "appointment.requested": {
    description: "A client asked for an appointment in the portal (the practice takes requests): its time is held in Portico until staff approve it (appointment.booked) or decline it (appointment.declined). Not yet for the practice system's schedule.",
    data: z.object({ ...bookingFacts, requestedVia: z.enum(["portal", "new_client"]) }).strict(),
  },
  "appointment.declined": {
    description: "Staff declined a client's request in Portico. Its time is free again; the client was emailed.",
    data: z.object({ appointment: ref, patient: recordRef, client: recordRef }).strict(),
  },
  "appointment.cancelled": {
    description: "An appointment (or request) made in Portico was cancelled: by the client before the practice's cancellation window, or by staff on the schedule. Its time is free again in Portico.",
    data: z.object({ appointment: ref, patient: recordRef, client: recordRef, cancelledBy: z.enum(["client", "staff"]) }).strict(),
  },
  "appointment.rescheduled": {
    description: "A client moved an appointment they had booked in the portal to another free time (same appointment id; the practitioner may change).",
    data: z
      .object({
        appointment: ref,
        patient: recordRef,
        client: recordRef,
        practitioner: ref,
        previous: z.object({ startsAt: z.iso.datetime(), endsAt: z.iso.datetime(), practitioner: ref }).strict(),
        startsAt: z.iso.datetime(),
        endsAt: z.iso.datetime(),
      })
      .strict(),
  },
  "patient.added_by_client": {
    description: "A client added a pet or family member in the portal (while booking). It has no external id: a record made in Portico, like those staff add by hand.",
    data: z.object({ patient: recordRef, client: recordRef }).strict(),
  },
  "client.registered": {
    description: "Someone new to the practice booked a first visit on the public booking page (/book): a client and a patient made in Portico, without external ids, like those staff add by hand. The practice system should create its own records from it; appointment.booked or appointment.requested (via new_client) follows in the same transaction.",
    data: z.object({ client: recordRef, patient: recordRef }).strict(),
  },
  "form.submitted": {
    description: "A client submitted a form the practice sent (SmartForms). Staff read the answers in Portico and may download them as a FHIR QuestionnaireResponse.",
    data: z.object({ formRequest: ref, client: recordRef, submittedAt: z.iso.datetime() }).strict(),
  },
  "client.signed_in": {
    description: "A client signed in to the portal (an email link or a password); the practice system may note portal use.",
    data: z.object({ client: recordRef, method: z.enum(["email_link", "password"]) }).strict(),
  },
  "client.account_created": {
    description: "A client's portal account was created (invitation, access link, or by staff).",
    data: z.object({ client: recordRef, account: z.object({ id: z.uuid(), accessLevel: z.enum(["full", "limited"]), createdVia: z.string() }).strict() }).strict(),
  },
  "client.account_upgraded": {
    description: "A client's portal account went from limited to full access.",
    data: z.object({ client: recordRef, account: z.object({ id: z.uuid(), accessLevel: z.literal("full") }).strict(), via: z.enum(["access_link", "staff"]) }).strict(),
  },
  "client.account_blocked": {
    description: "Staff blocked a client from the portal; their sessions ended.",
    data: z.object({ client: recordRef }).strict(),
  },
  "client.account_unblocked": {
    description: "Staff let a blocked client into the portal again.",
    data: z.object({ client: recordRef }).strict(),
  },
} as const satisfies Record<string, { description: string; data: z.ZodType }>;

export type EventType = keyof typeof EVENT_CATALOGUE;

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

/** One event as recorded: its type and its data, typed together. */
export type DomainEvent = { [T in EventType]: { type: T; data: z.input<(typeof EVENT_CATALOGUE)[T]["data"]> } }[EventType];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, value);
}

/** What a receiver gets: the Standard Webhooks payload shape (`type`, `timestamp`, `data`). */
export type WebhookPayload = { type: EventType; timestamp: string; data: Record<string, unknown> };
