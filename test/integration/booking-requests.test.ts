import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../app/time";
import { todayIn } from "../../app/visibility/portal-rules";
import type { BookingMode, EmailAttachment } from "../../db/schema";
import { withPractice } from "../../db/with-practice.server";
import { staffSessions } from "../../server/auth/staff-session.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestResponse, TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
const PAGE = "/admin/schedule";
const ZONE = "America/Chicago";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let maria: string;
let holly: string;
let owner: string;
const ids = { biscuit: "", hollyPet: "", wellness: "", carter: "", webb: "", practiceAppointment: "", riversideAppointment: "" };

/** The page as a person reads it: React's text separators removed, entities decoded. */
const text = (res: TestResponse) => res.body.replace(/<!-- -->/g, "").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

/** The refusal the page shows (the action's `{ ok: false, error }`), or "" when there is none. */
const alertOf = (res: TestResponse) => /role="alert">([^<]*)</.exec(text(res))?.[1] ?? "";

const get = (cookie: string, path: string) => server.request(HAPPY, path, { headers: { cookie } });

function post(cookie: string, path: string, fields: [string, string][]): Promise<TestResponse> {
  const body = new URLSearchParams(fields).toString();
  return server.request(HAPPY, path, { method: "POST", headers: { cookie, origin: `http://${HAPPY}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) }, body });
}

/** A Tuesday three to four weeks ahead (local): both demo practitioners work, no demo appointment is there. */
function quietTuesday(): string {
  let day = addDays(todayIn(ZONE, new Date()), 22);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 2) day = addDays(day, 1);
  return day;
}

const day = quietTuesday();

function slotsOf(body: string): string[] {
  return [...body.matchAll(/<button[^>]*\svalue="([^"]+)"[^>]*\sname="slot"/g)].map((m) => m[1]!);
}

const bookingPath = (patient: string, date: string, practitioner: string) => `/appointments/book?patient=${patient}&type=${ids.wellness}&date=${date}&practitioner=${practitioner}`;
const startOf = (slot: string) => new Date(Number(slot.split("_")[1]));

/** Holly's view of a day with a practitioner: what another client is offered. */
const offeredToHolly = async (date: string, practitioner: string) => slotsOf((await get(holly, bookingPath(ids.hollyPet, date, practitioner))).body);

const setMode = (mode: BookingMode) => withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_mode: mode }).execute());

/** Maria asks for Biscuit's wellness exam at the `pick`-th free time of a day, through the portal pages: the request's id and time. */
async function requestAs(date: string, practitioner: string, pick: number, note: string): Promise<{ id: string; slot: string }> {
  const path = bookingPath(ids.biscuit, date, practitioner);
  const slot = slotsOf((await get(maria, path)).body)[pick]!;
  expect(slot).toBeDefined();
  const held = await post(maria, `${path}&index`, [["patient", ids.biscuit], ["type", ids.wellness], ["slot", slot]]);
  expect(held.status).toBe(302);
  const sent = await post(maria, held.headers.location!, [["reason", note]]);
  expect(sent.status).toBe(302);
  expect(sent.headers.location).toBe("/appointments?requested=1");
  const id = await withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("appointments").select("id").where("client_note", "=", note).executeTakeFirstOrThrow()).id);
  return { id, slot };
}

/** Everything a decision may write, for "nothing was written" checks. */
function snapshot() {
  return withPractice(db.owner.db, happyPaws, async (trx) => ({
    appointments: await trx.selectFrom("appointments").select(["id", "status", "updated_at", "confirmed_at"]).orderBy("id").execute(),
    bookedTime: await trx.selectFrom("booked_time").select(["id", "appointment_id"]).orderBy("id").execute(),
    audits: (await trx.selectFrom("audit_events").select("seq").execute()).length,
    events: (await trx.selectFrom("domain_events").select("id").execute()).length,
    emails: (await trx.selectFrom("mail.outbox").select("id").execute()).length,
  }));
}

/** What was written about one appointment. */
function recordsOf(appointmentId: string) {
  return withPractice(db.owner.db, happyPaws, async (trx) => ({
    appointment: await trx.selectFrom("appointments").selectAll().where("id", "=", appointmentId).executeTakeFirstOrThrow(),
    times: await trx.selectFrom("booked_time").select(["appointment_id", "hold_expires_at"]).where("appointment_id", "=", appointmentId).execute(),
    audit: await trx.selectFrom("audit_events").select(["action", "actor_type", "details"]).where("subject_id", "=", appointmentId).orderBy("seq").execute(),
    events: await trx.selectFrom("domain_events").select(["type", "data"]).where(sql<boolean>`data -> 'appointment' ->> 'id' = ${appointmentId}`).orderBy("occurred_at").execute(),
  }));
}

/** The outbox rows of one kind, newest last. */
function emailsOf(kind: string) {
  return withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("mail.outbox").select(["recipient", "subject", "text", "html", "attachments"]).where("kind", "=", kind).orderBy("created_at").execute());
}

function decodedCalendar(attachments: EmailAttachment[] | null): string {
  expect(attachments).toHaveLength(1);
  const [file] = attachments!;
  expect(file!.filename).toMatch(/^appointment-\d{4}-\d{2}-\d{2}\.ics$/);
  expect(file!.contentType).toMatch(/^text\/calendar/);
  return Buffer.from(file!.content, "base64").toString("utf8");
}

/** The basic UTC format calendars read: 20261229T150000Z. */
const icsTime = (date: Date) => date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

/** A staff session made on the server's (moved) clock, so it is valid at that time. */
async function staffCookieAt(email: string): Promise<string> {
  return withPractice(db.app.db, happyPaws, async (trx) => {
    const staff = await trx.selectFrom("staff_members").select("id").where("email_key", "=", email).executeTakeFirstOrThrow();
    const setCookie = await staffSessions(trx, happyPaws.id, { secure: false, now: server.clock.now }).create({ staffId: staff.id, ip: "127.0.0.1", userAgent: "test fixture" });
    return setCookie.split(";")[0]!;
  });
}

const decide = (cookie: string, fields: [string, string][]) => post(cookie, `${PAGE}?date=${day}`, fields);

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  const riverside = (await server.registry.resolve("riverside-physio"))!;
  owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
  maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
  // The demo sends intake forms with some types' bookings (test/integration/forms.test.ts covers that): here they
  // would only add emails to the counts these tests are about.
  for (const practice of [happyPaws, riverside]) await withPractice(db.owner.db, practice, (trx) => trx.deleteFrom("appointment_type_forms").execute());
  await withPractice(db.owner.db, happyPaws, async (trx) => {
    const lopez = await trx.selectFrom("clients").select("id").where("last_name", "=", "Lopez").executeTakeFirstOrThrow();
    ids.biscuit = (await trx.selectFrom("patients").select("id").where("name", "=", "Biscuit").where("client_id", "=", lopez.id).executeTakeFirstOrThrow()).id;
    ids.wellness = (await trx.selectFrom("appointment_types").select("id").where("name", "=", "Wellness exam").executeTakeFirstOrThrow()).id;
    ids.carter = (await trx.selectFrom("practitioners").select("id").where("name", "=", "Dr. Emily Carter").executeTakeFirstOrThrow()).id;
    ids.webb = (await trx.selectFrom("practitioners").select("id").where("name", "=", "Dr. Marcus Webb").executeTakeFirstOrThrow()).id;
    const location = (await trx.selectFrom("locations").select("id").executeTakeFirstOrThrow()).id;
    const client = await trx.insertInto("clients").values({ practice_id: happyPaws.id, first_name: "Holly", last_name: "Holder" }).returning("id").executeTakeFirstOrThrow();
    await trx.insertInto("client_emails").values({ practice_id: happyPaws.id, client_id: client.id, email: "holly.holder@example.com", is_primary: true }).execute();
    ids.hollyPet = (await trx.insertInto("patients").values({ practice_id: happyPaws.id, client_id: client.id, name: "Pip", species: "Dog" }).returning("id").executeTakeFirstOrThrow()).id;
    // An appointment the practice system pushed: not a request, so there is nothing to approve.
    const startsAt = new Date(`${day}T20:00:00Z`);
    ids.practiceAppointment = (
      await trx
        .insertInto("appointments")
        .values({ practice_id: happyPaws.id, patient_id: ids.biscuit, location_id: location, practitioner_name: "Dr. Emily Carter", practitioner_id: ids.carter, reason: "Recheck ears", starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 20 * 60_000), status: "scheduled", external_id: "EXT-APPT-REQ" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  });
  await withPractice(db.owner.db, riverside, async (trx) => {
    ids.riversideAppointment = (await trx.selectFrom("appointments").select("id").executeTakeFirstOrThrow()).id;
  });
  holly = await sessionCookieFor(db, happyPaws, "holly.holder@example.com");
  await setMode("requests");
});

afterAll(async () => {
  await server.close();
});

describe("a client's request (requests mode)", () => {
  it("turns a confirmed hold into a request: its time kept, audited, appointment.requested, a 'Requested:' email without attachment", async () => {
    const path = bookingPath(ids.biscuit, day, ids.carter);
    const slot = slotsOf((await get(maria, path)).body)[0]!;
    const held = await post(maria, `${path}&index`, [["patient", ids.biscuit], ["type", ids.wellness], ["slot", slot]]);
    expect(held.status).toBe(302);
    const review = text(await get(maria, held.headers.location!));
    expect(review).toContain("Send your request");
    expect(review).toContain("The practice confirms each request");
    expect(review).toContain("Send request");

    const sent = await post(maria, held.headers.location!, [["reason", "Annual check, a little overweight"]]);
    expect(sent.status).toBe(302);
    expect(sent.headers.location).toBe("/appointments?requested=1");
    const id = await withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("appointments").select("id").where("client_note", "=", "Annual check, a little overweight").executeTakeFirstOrThrow()).id);

    const stored = await recordsOf(id);
    expect(stored.appointment).toMatchObject({ status: "requested", booked_by: "client", patient_id: ids.biscuit, practitioner_id: ids.carter, confirmed_at: null, confirmed_by_client_id: null });
    expect(stored.appointment.starts_at.getTime()).toBe(startOf(slot).getTime());
    // The time stays taken while the practice decides: no longer a hold, and not offered to anyone else.
    expect(stored.times).toEqual([{ appointment_id: id, hold_expires_at: null }]);
    expect(await offeredToHolly(day, ids.carter)).not.toContain(slot);
    expect(stored.audit.map((a) => [a.action, a.actor_type])).toEqual([["client.appointment_requested", "client"]]);
    // The practice system hears of a request, not a booking: nothing for its schedule yet.
    expect(stored.events.map((e) => e.type)).toEqual(["appointment.requested"]);
    expect(stored.events[0]!.data).toMatchObject({ appointment: { id }, patient: { id: ids.biscuit }, practitioner: { id: ids.carter }, appointmentType: { id: ids.wellness }, startsAt: startOf(slot).toISOString(), requestedVia: "portal" });
    const emails = await emailsOf("client_appointment_requested");
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ recipient: "maria.lopez@example.com", subject: expect.stringMatching(/^Requested: Wellness exam for Biscuit, /), attachments: null });
    expect(emails[0]!.text).not.toContain(".ics");
    expect(await emailsOf("client_appointment_booked")).toEqual([]);

    // Listed as upcoming, awaiting the practice: no calendar file yet, but the client may cancel or move it.
    const list = text(await get(maria, "/appointments?requested=1"));
    expect(list).toContain("Your request has been sent");
    expect(list).toContain("Requested: waiting for the practice to confirm");
    expect(list).toContain("Cancel request");
    expect(list).toContain(`/appointments/${id}/cancel`);
    expect(list).toContain(`/appointments/book?reschedule=${id}`);
    expect(list).not.toContain(`/appointments/${id}.ics`);
    expect((await get(maria, `/appointments/${id}.ics`)).status).toBe(404);

    // A client cannot confirm their own request: only the practice does.
    const unconfirmed = await snapshot();
    expect((await post(maria, `/appointments/${id}/confirm`, [])).status).toBe(302);
    expect(await snapshot()).toEqual(unconfirmed);

    // On the staff schedule: marked as a request, with approve and decline.
    const schedule = text(await get(owner, `${PAGE}?date=${day}`));
    expect(schedule).toContain("Requested online");
    expect(schedule).toContain("Approve request for Biscuit");
    expect(schedule).toContain("Decline request for Biscuit");
    expect(schedule).toContain(`name="appointmentId" value="${id}"`);
  });

  it("may be moved by the client (still a request, a new 'Requested:' email) and cancelled, freeing its time", async () => {
    const request = await requestAs(day, ids.webb, 1, "Move me later");
    const movePath = `/appointments/book?reschedule=${request.id}&patient=${ids.biscuit}&type=${ids.wellness}&practitioner=${ids.webb}&date=${addDays(day, 2)}`;
    const movePage = await get(maria, movePath);
    expect(text(movePage)).toContain("Move your appointment");
    const target = slotsOf(movePage.body)[2]!;
    const held = await post(maria, `${movePath}&index`, [["patient", ids.biscuit], ["type", ids.wellness], ["slot", target], ["reschedule", request.id]]);
    expect(held.status, alertOf(held)).toBe(302);
    expect(text(await get(maria, held.headers.location!))).toContain("Ask for the new time");
    const moved = await post(maria, held.headers.location!, []);
    expect(moved.status).toBe(302);
    expect(moved.headers.location).toBe("/appointments?requested=1");

    const after = await recordsOf(request.id);
    expect(after.appointment.status).toBe("requested");
    expect(after.appointment.starts_at.getTime()).toBe(startOf(target).getTime());
    expect(after.times).toEqual([{ appointment_id: request.id, hold_expires_at: null }]);
    expect(after.audit.map((a) => a.action)).toEqual(["client.appointment_requested", "client.appointment_rescheduled"]);
    expect(after.events.map((e) => e.type)).toEqual(["appointment.requested", "appointment.rescheduled"]);
    const requestedEmails = await emailsOf("client_appointment_requested");
    expect(requestedEmails.at(-1)).toMatchObject({ subject: expect.stringMatching(/^Requested: Wellness exam for Biscuit/), attachments: null });
    expect(await emailsOf("client_appointment_moved")).toEqual([]);
    // The old time is offered again, the new one is not.
    expect(await offeredToHolly(day, ids.webb)).toContain(request.slot);
    expect(await offeredToHolly(addDays(day, 2), ids.webb)).not.toContain(target);

    const cancelled = await post(maria, `/appointments/${request.id}/cancel`, []);
    expect(cancelled.status).toBe(302);
    expect(cancelled.headers.location).toBe("/appointments?cancelled=1");
    const gone = await recordsOf(request.id);
    expect(gone.appointment.status).toBe("cancelled");
    expect(gone.times).toEqual([]);
    expect(gone.audit.at(-1)?.action).toBe("client.appointment_cancelled");
    expect(gone.events.at(-1)).toMatchObject({ type: "appointment.cancelled", data: { appointment: { id: request.id }, cancelledBy: "client" } });
    expect(await offeredToHolly(addDays(day, 2), ids.webb)).toContain(target);
    expect(text(await get(maria, "/appointments"))).not.toContain(`/appointments/${request.id}/cancel`);

    // A request the client withdrew is no longer the practice's to decide.
    const before = await snapshot();
    const approve = await decide(owner, [["intent", "approve"], ["appointmentId", request.id]]);
    expect(approve.status).toBe(400);
    expect(alertOf(approve)).toContain("not a request waiting for an answer");
    expect(await snapshot()).toEqual(before);
  });
});

describe("staff answering requests", () => {
  it("answers 403 without manage_booking, writing nothing", async () => {
    const request = await requestAs(day, ids.carter, 3, "Vet cannot decide");
    const vet = await staffCookieFor(db, happyPaws, "emily.carter@happypaws.example.com");
    const before = await snapshot();
    expect((await decide(vet, [["intent", "approve"], ["appointmentId", request.id]])).status).toBe(403);
    expect((await decide(vet, [["intent", "decline"], ["appointmentId", request.id], ["message", "No"]])).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    expect((await recordsOf(request.id)).appointment.status).toBe("requested");
  });

  it("approves a request: confirmed, its time kept, audited, appointment.booked (portal), a 'Confirmed:' email with the .ics attached", async () => {
    const request = await requestAs(day, ids.carter, 5, "Please approve");
    const before = await snapshot();
    const res = await decide(owner, [["intent", "approve"], ["appointmentId", request.id]]);
    expect(res.status).toBe(200);
    expect(text(res)).toContain("Approved: Wellness exam for Biscuit");

    const after = await recordsOf(request.id);
    expect(after.appointment).toMatchObject({ status: "confirmed", booked_by: "client" });
    expect(after.appointment.confirmed_at).toBeInstanceOf(Date);
    expect(after.times).toEqual([{ appointment_id: request.id, hold_expires_at: null }]);
    expect(await offeredToHolly(day, ids.carter)).not.toContain(request.slot);
    expect(after.audit.map((a) => [a.action, a.actor_type])).toEqual([
      ["client.appointment_requested", "client"],
      ["staff.appointment_request_approved", "staff"],
    ]);
    expect(after.audit[1]!.details).toMatchObject({ startsAt: startOf(request.slot).toISOString(), practitioner: "Dr. Emily Carter" });
    expect(after.events.map((e) => e.type)).toEqual(["appointment.requested", "appointment.booked"]);
    expect(after.events[1]!.data).toMatchObject({ appointment: { id: request.id }, patient: { id: ids.biscuit }, practitioner: { id: ids.carter }, appointmentType: { id: ids.wellness }, startsAt: startOf(request.slot).toISOString(), bookedVia: "portal" });
    // Exactly one of each: an audit entry, an event, an email.
    const now = await snapshot();
    expect({ audits: now.audits, events: now.events, emails: now.emails }).toEqual({ audits: before.audits + 1, events: before.events + 1, emails: before.emails + 1 });

    const [email, ...more] = await emailsOf("client_appointment_approved");
    expect(more).toEqual([]);
    expect(email).toMatchObject({ recipient: "maria.lopez@example.com", subject: expect.stringMatching(/^Confirmed: Wellness exam for Biscuit, /) });
    expect(email!.text).toContain(`/appointments/${request.id}.ics`);
    const calendar = decodedCalendar(email!.attachments);
    expect(calendar).toContain("BEGIN:VCALENDAR");
    expect(calendar).toContain(`DTSTART:${icsTime(startOf(request.slot))}`);
    expect(calendar).toContain(`DTEND:${icsTime(new Date(startOf(request.slot).getTime() + 30 * 60_000))}`);
    expect(calendar).toContain(`UID:${request.id}@`);

    // The client now sees a confirmed appointment, with its calendar file.
    const list = text(await get(maria, "/appointments"));
    expect(list).toContain(`/appointments/${request.id}.ics`);
    expect((await get(maria, `/appointments/${request.id}.ics`)).status).toBe(200);

    // Answered once: approving or declining it again is refused, writing nothing.
    const answered = await snapshot();
    for (const fields of [[["intent", "approve"], ["appointmentId", request.id]], [["intent", "decline"], ["appointmentId", request.id], ["message", "Changed our mind"]]] as [string, string][][]) {
      const again = await decide(owner, fields);
      expect(again.status).toBe(400);
      expect(alertOf(again)).toContain("not a request waiting for an answer");
    }
    expect(await snapshot()).toEqual(answered);
  });

  it("turns an approved appointment the client moves back into a request: the practice approves each time", async () => {
    const request = await requestAs(addDays(day, 7), ids.webb, 0, "Approve then move");
    expect((await decide(owner, [["intent", "approve"], ["appointmentId", request.id]])).status).toBe(200);
    expect((await recordsOf(request.id)).appointment.status).toBe("confirmed");
    const movePath = `/appointments/book?reschedule=${request.id}&patient=${ids.biscuit}&type=${ids.wellness}&practitioner=${ids.webb}&date=${addDays(day, 9)}`;
    const target = slotsOf((await get(maria, movePath)).body)[1]!;
    const held = await post(maria, `${movePath}&index`, [["patient", ids.biscuit], ["type", ids.wellness], ["slot", target], ["reschedule", request.id]]);
    expect(held.status, alertOf(held)).toBe(302);
    expect(text(await get(maria, held.headers.location!))).toContain("Ask for the new time");
    const moved = await post(maria, held.headers.location!, []);
    expect(moved.headers.location).toBe("/appointments?requested=1");
    const after = await recordsOf(request.id);
    expect(after.appointment).toMatchObject({ status: "requested", confirmed_at: null });
    expect(after.appointment.starts_at.getTime()).toBe(startOf(target).getTime());
    expect(after.events.map((e) => e.type)).toEqual(["appointment.requested", "appointment.booked", "appointment.rescheduled", "appointment.requested"]);
    expect(text(await get(owner, `/admin/schedule?date=${addDays(day, 9)}`))).toContain("Approve request for Biscuit");
  });

  it("declines a request with a message: declined, its time free again, audited, appointment.declined, an email with the message", async () => {
    const request = await requestAs(day, ids.webb, 4, "Please decline");
    expect(await offeredToHolly(day, ids.webb)).not.toContain(request.slot);
    const message = "Dr. Webb is in surgery that morning.\nPlease try Thursday afternoon, or call us.";
    const before = await snapshot();
    const res = await decide(owner, [["intent", "decline"], ["appointmentId", request.id], ["message", `  ${message}  `]]);
    expect(res.status).toBe(200);
    expect(text(res)).toContain("Declined: Wellness exam for Biscuit");

    const after = await recordsOf(request.id);
    expect(after.appointment.status).toBe("declined");
    expect(after.appointment.confirmed_at).toBeNull();
    expect(after.times).toEqual([]);
    // The time is offered again on a client's booking page.
    expect(await offeredToHolly(day, ids.webb)).toContain(request.slot);
    expect(after.audit.map((a) => [a.action, a.actor_type])).toEqual([
      ["client.appointment_requested", "client"],
      ["staff.appointment_request_declined", "staff"],
    ]);
    expect(after.audit[1]!.details).toMatchObject({ message, startsAt: startOf(request.slot).toISOString() });
    expect(after.events.map((e) => e.type)).toEqual(["appointment.requested", "appointment.declined"]);
    expect(after.events[1]!.data).toMatchObject({ appointment: { id: request.id }, patient: { id: ids.biscuit } });
    const now = await snapshot();
    expect({ audits: now.audits, events: now.events, emails: now.emails, bookedTime: now.bookedTime.length }).toEqual({ audits: before.audits + 1, events: before.events + 1, emails: before.emails + 1, bookedTime: before.bookedTime.length - 1 });

    const [email, ...more] = await emailsOf("client_appointment_declined");
    expect(more).toEqual([]);
    expect(email).toMatchObject({ recipient: "maria.lopez@example.com", subject: expect.stringMatching(/^Not available: Wellness exam for Biscuit, /), attachments: null });
    expect(email!.text).toContain(message);
    expect(email!.html).toContain("Dr. Webb is in surgery that morning.<br>Please try Thursday afternoon, or call us.");
    expect(email!.text).toContain("/appointments/book");

    // Gone from the client's upcoming list; answered, so it cannot be answered again.
    expect(text(await get(maria, "/appointments"))).not.toContain(`/appointments/${request.id}/cancel`);
    const answered = await snapshot();
    for (const fields of [[["intent", "decline"], ["appointmentId", request.id]], [["intent", "approve"], ["appointmentId", request.id]]] as [string, string][][]) {
      const again = await decide(owner, fields);
      expect(again.status).toBe(400);
      expect(alertOf(again)).toContain("not a request waiting for an answer");
    }
    expect(await snapshot()).toEqual(answered);
  });

  it("declines without a message: the email says only that the time is not available", async () => {
    const request = await requestAs(addDays(day, 1), ids.carter, 0, "Decline me quietly");
    const res = await decide(owner, [["intent", "decline"], ["appointmentId", request.id], ["message", "   "]]);
    expect(res.status).toBe(200);
    const after = await recordsOf(request.id);
    expect(after.appointment.status).toBe("declined");
    expect(after.times).toEqual([]);
    expect(after.audit.at(-1)).toMatchObject({ action: "staff.appointment_request_declined", details: { message: null } });
    const email = (await emailsOf("client_appointment_declined")).at(-1)!;
    expect(email.subject).toMatch(/^Not available: Wellness exam for Biscuit/);
    expect(email.text.split("\n").filter((line) => line.trim() !== "")).toEqual([
      "Hello Maria,",
      expect.stringContaining("cannot offer the appointment you asked for"),
      expect.stringMatching(/^Wellness exam for Biscuit, /),
      expect.stringMatching(/^Please book another time/),
      expect.stringMatching(/\/appointments\/book$/),
    ]);
  });

  it("lets exactly one of an approval and a decline sent at once answer a request", async () => {
    const request = await requestAs(addDays(day, 1), ids.carter, 2, "Two answers at once");
    const answers = await Promise.all([decide(owner, [["intent", "approve"], ["appointmentId", request.id]]), decide(owner, [["intent", "decline"], ["appointmentId", request.id], ["message", "Sorry"]])]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    expect(alertOf(answers.find((a) => a.status === 400)!)).toContain("not a request waiting for an answer");
    const after = await recordsOf(request.id);
    const approved = answers[0]!.status === 200;
    expect(after.appointment.status).toBe(approved ? "confirmed" : "declined");
    expect(after.times).toHaveLength(approved ? 1 : 0);
    expect(after.audit.map((a) => a.action)).toEqual(["client.appointment_requested", approved ? "staff.appointment_request_approved" : "staff.appointment_request_declined"]);
    expect(after.events.map((e) => e.type)).toEqual(["appointment.requested", approved ? "appointment.booked" : "appointment.declined"]);
  });

  it("refuses bad messages, cancelling a request, other appointments and bad ids, writing nothing", async () => {
    const request = await requestAs(day, ids.carter, 7, "Refusals");
    const confirmed = (await requestAs(addDays(day, 1), ids.carter, 8, "Approved before the refusals")).id;
    expect((await decide(owner, [["intent", "approve"], ["appointmentId", confirmed]])).status).toBe(200);
    const before = await snapshot();
    const cases: [string, [string, string][], number, string | null][] = [
      ["a message over 500 characters", [["intent", "decline"], ["appointmentId", request.id], ["message", "x".repeat(501)]], 400, "under 500 characters"],
      ["a control character in the message", [["intent", "decline"], ["appointmentId", request.id], ["message", "Sorry\u0007"]], 400, "under 500 characters"],
      // Refused by the server's form guard before the action runs: a plain-text 400.
      ["a NUL in the message", [["intent", "decline"], ["appointmentId", request.id], ["message", "Sorry\u0000"]], 400, "not allowed"],
      ["cancelling a request", [["intent", "cancel"], ["appointmentId", request.id], ["reason", "Client called"]], 400, "approve or decline it"],
      ["approving a practice-system appointment", [["intent", "approve"], ["appointmentId", ids.practiceAppointment]], 400, "not a request waiting for an answer"],
      ["declining a confirmed booking", [["intent", "decline"], ["appointmentId", confirmed]], 400, "not a request waiting for an answer"],
      ["approving an unknown id", [["intent", "approve"], ["appointmentId", UNKNOWN]], 404, null],
      ["declining an unknown id", [["intent", "decline"], ["appointmentId", UNKNOWN]], 404, null],
      ["approving another practice's id", [["intent", "approve"], ["appointmentId", ids.riversideAppointment]], 404, null],
      ["approving a garbage id", [["intent", "approve"], ["appointmentId", "1 or 1=1"]], 404, null],
      ["declining a garbage id", [["intent", "decline"], ["appointmentId", "'; drop table appointments; --"]], 404, null],
      ["approving without an id", [["intent", "approve"]], 404, null],
    ];
    for (const [name, fields, status, message] of cases) {
      const res = await decide(owner, fields);
      expect({ name, status: res.status }).toEqual({ name, status });
      if (message) expect(alertOf(res) || res.body, name).toContain(message);
    }
    expect(await snapshot()).toEqual(before);
    expect((await recordsOf(request.id)).appointment.status).toBe("requested");

    // Exactly 500 characters (after trimming) is accepted.
    const longest = "y".repeat(500);
    expect((await decide(owner, [["intent", "decline"], ["appointmentId", request.id], ["message", ` ${longest} `]])).status).toBe(200);
    expect((await emailsOf("client_appointment_declined")).at(-1)!.text).toContain(longest);
  });

  it("refuses to approve or decline a request whose time has passed, writing nothing", async () => {
    const request = await requestAs(addDays(day, 1), ids.carter, 4, "Too late to decide");
    server.clock.advance(startOf(request.slot).getTime() - Date.now() + 60 * 60_000);
    try {
      // A session made on the moved clock: the owner's own would have expired weeks ago by then.
      const later = await staffCookieAt("owner@happypaws.example.com");
      const before = await snapshot();
      for (const fields of [[["intent", "approve"], ["appointmentId", request.id]], [["intent", "decline"], ["appointmentId", request.id], ["message", "Sorry"]]] as [string, string][][]) {
        const res = await decide(later, fields);
        expect(res.status).toBe(400);
        expect(alertOf(res)).toContain("has passed");
      }
      expect(await snapshot()).toEqual(before);
      expect((await recordsOf(request.id)).appointment.status).toBe("requested");
    } finally {
      server.clock.reset();
    }
  });
});

describe("direct mode", () => {
  it("still books at once, and the confirmation email now carries the .ics attachment", async () => {
    await setMode("direct");
    try {
      const path = bookingPath(ids.biscuit, addDays(day, 2), ids.carter);
      const slot = slotsOf((await get(maria, path)).body)[0]!;
      const held = await post(maria, `${path}&index`, [["patient", ids.biscuit], ["type", ids.wellness], ["slot", slot]]);
      expect(held.status).toBe(302);
      expect(text(await get(maria, held.headers.location!))).toContain("Confirm your booking");
      const booked = await post(maria, held.headers.location!, [["reason", "Direct booking"]]);
      expect(booked.headers.location).toBe("/appointments?booked=1");
      const id = (await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("appointments").select("id").where("client_note", "=", "Direct booking").executeTakeFirstOrThrow())).id;
      const stored = await recordsOf(id);
      expect(stored.appointment.status).toBe("confirmed");
      expect(stored.audit.map((a) => a.action)).toEqual(["client.appointment_booked"]);
      expect(stored.events.map((e) => e.type)).toEqual(["appointment.booked"]);
      expect(stored.events[0]!.data).toMatchObject({ bookedVia: "portal" });
      const [email, ...more] = await emailsOf("client_appointment_booked");
      expect(more).toEqual([]);
      expect(email!.subject).toMatch(/^Booked: Wellness exam for Biscuit/);
      const calendar = decodedCalendar(email!.attachments);
      expect(calendar).toContain("BEGIN:VCALENDAR");
      expect(calendar).toContain(`DTSTART:${icsTime(startOf(slot))}`);
    } finally {
      await setMode("requests");
    }
  });
});
