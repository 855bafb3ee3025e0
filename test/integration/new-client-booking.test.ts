import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addDays } from "../../app/time";
import { todayIn } from "../../app/visibility/portal-rules";
import type { EmailAttachment } from "../../db/schema";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { cookieOf, postForm, type TestResponse, type TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

/**
 * /book over HTTP: a first visit booked by someone who is not a client yet. Happy Paws (veterinary) books directly
 * with emailed sign-in links; Riverside (human health, two locations) takes requests and offers passwords too.
 */

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const HOLD_PATH = /^\/book\/([0-9a-f-]{36})$/;

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let riverside: Practice;
const ids = { biscuit: "", wellness: "", vaccination: "", carter: "", webb: "", happyLocation: "", assessment: "", followUp: "", chiro: "", hannah: "", owen: "", riversideLocation: "", oldTown: "" };

/** The page as a person reads it: React's text separators removed, entities decoded. */
const text = (res: TestResponse) => res.body.replace(/<!-- -->/g, "").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

/** The refusal the page shows (the action's `{ ok: false, error }`), or "" when there is none. */
const alertOf = (res: TestResponse) => /role="alert">([^<]*)</.exec(text(res))?.[1] ?? "";

const get = (host: string, path: string, cookie = "") => server.request(host, path, { headers: { cookie } });
const post = (host: string, path: string, fields: [string, string][], cookie = "") => postForm(server, host, path, fields, cookie);

/** The values of the time buttons a page offers (`<practitioner id>_<ms>`). */
function slotsOf(body: string): string[] {
  return [...body.matchAll(/<button[^>]*\sname="slot"[^>]*>/g)].map((m) => /\svalue="([^"]+)"/.exec(m[0])![1]!);
}

const startOf = (slot: string) => new Date(Number(slot.split("_")[1]));

/** A weekday three to four weeks ahead in the zone (0 Sunday … 6 Saturday): past the demo's appointments, inside the 60-day window. */
function dayAhead(zone: string, weekday: number, from = 22): string {
  let day = addDays(todayIn(zone, new Date()), from);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== weekday) day = addDays(day, 1);
  return day;
}

const HAPPY_DAY = dayAhead("America/Chicago", 2);
const RIVERSIDE_DAY = dayAhead("Europe/London", 2);

/** The times /book offers at Happy Paws on a day, for one practitioner. */
async function happyTimes(day: string, practitioner: string): Promise<string[]> {
  const page = await get(HAPPY, `/book?type=${ids.wellness}&practitioner=${practitioner}&date=${day}`);
  expect(page.status).toBe(200);
  return slotsOf(page.body);
}

/** Chooses a time on /book (the form's own fields): the new hold's id. */
async function holdAt(host: string, fields: [string, string][]): Promise<string> {
  const res = await post(host, "/book?index", fields);
  expect(res.status, alertOf(res)).toBeOneOf([302, 303]);
  const holdId = HOLD_PATH.exec(res.headers.location ?? "")?.[1];
  expect(holdId, res.headers.location).toBeDefined();
  return holdId!;
}

const happyHold = (slot: string) => holdAt(HAPPY, [["location", ids.happyLocation], ["type", ids.wellness], ["slot", slot]]);

function vetDetails(email: string, overrides: Record<string, string> = {}): [string, string][] {
  return Object.entries({ firstName: "Nora", lastName: "Newcomer", email, phone: "(555) 010-7788", patientName: "Rex", species: "Dog", breed: "Beagle", reason: "First check-up for a new puppy", ...overrides });
}

function humanDetails(email: string, overrides: Record<string, string> = {}): [string, string][] {
  return Object.entries({ firstName: "Ravi", lastName: "Fresh", email, phone: "020 7946 0999", dateOfBirth: "1988-04-12", reason: "Lower back pain after running", ...overrides });
}

/** Row counts of everything a booking may write, for "nothing was written" checks. */
function counts(practice: Practice) {
  return withPractice(db.owner.db, practice, async (trx) => {
    const count = async (table: "clients" | "client_emails" | "client_accounts" | "patients" | "appointments" | "booked_time" | "domain_events" | "audit_events" | "mail.outbox") =>
      Number((await trx.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
    return {
      clients: await count("clients"),
      clientEmails: await count("client_emails"),
      accounts: await count("client_accounts"),
      patients: await count("patients"),
      appointments: await count("appointments"),
      bookedTime: await count("booked_time"),
      events: await count("domain_events"),
      audits: await count("audit_events"),
      outbox: await count("mail.outbox"),
    };
  });
}

/** Counts plus every booked_time row as it stands (so a changed expiry or a moved hold shows too). */
async function snapshot(practice: Practice) {
  const times = await withPractice(db.owner.db, practice, (trx) => trx.selectFrom("booked_time").select(["id", "client_id", "appointment_id", "hold_expires_at"]).orderBy("id").execute());
  return { ...(await counts(practice)), times };
}

const holdRow = (practice: Practice, holdId: string) => withPractice(db.owner.db, practice, (trx) => trx.selectFrom("booked_time").selectAll().where("id", "=", holdId).executeTakeFirst());

function emailsTo(practice: Practice, recipient: string) {
  return withPractice(db.owner.db, practice, (trx) => trx.selectFrom("mail.outbox").select(["kind", "recipient", "subject", "text", "html", "attachments"]).where("recipient", "=", recipient).orderBy("created_at").execute());
}

/** What the after-response work wrote for a new client, found by their address. */
function newClientRecords(practice: Practice, email: string) {
  return withPractice(db.owner.db, practice, async (trx) => {
    const address = await trx.selectFrom("client_emails").selectAll().where("email_key", "=", email).executeTakeFirstOrThrow();
    const client = await trx.selectFrom("clients").selectAll().where("id", "=", address.client_id).executeTakeFirstOrThrow();
    const accounts = await trx.selectFrom("client_accounts").selectAll().where("client_id", "=", client.id).execute();
    const patients = await trx.selectFrom("patients").selectAll().where("client_id", "=", client.id).execute();
    const appointments = await trx.selectFrom("appointments").selectAll().where("patient_id", "in", patients.map((p) => p.id)).execute();
    const events = await trx
      .selectFrom("domain_events")
      .select(["type", "data"])
      .where(sql<boolean>`data -> 'client' ->> 'id' = ${client.id}`)
      .execute();
    const audit = await trx.selectFrom("audit_events").select(["action", "actor_type", "actor_id", "subject_id", "details"]).where("actor_id", "=", client.id).orderBy("seq").execute();
    // Events of one transaction share their time: compared as a set, looked up by type.
    const event = (type: string) => events.find((e) => e.type === type)?.data;
    return { address, client, accounts, patients, appointments, eventTypes: events.map((e) => e.type).sort(), event, audit };
  });
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

/** Follows an emailed sign-in link as the person would (open it, then press sign in): their session cookie. */
async function signInByLink(host: string, emailText: string): Promise<string> {
  const link = new RegExp(`http://${host.replace(/\./g, "\\.")}(/sign-in/[A-Za-z0-9_-]{43})`).exec(emailText)?.[1];
  expect(link, emailText).toBeDefined();
  expect((await get(host, link!)).status).toBe(200);
  const signedIn = await post(host, link!, [["intent", "sign-in"]]);
  expect(signedIn.status).toBe(302);
  expect(signedIn.headers.location).toBe("/home");
  return cookieOf(signedIn);
}

beforeAll(async () => {
  // Errors are logged (not printed): the work after a response has no one else to tell when it fails.
  ({ db, server } = await startDemoServer({ config: { logLevel: "error" } }));
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  riverside = (await server.registry.resolve("riverside-physio"))!;
  // The demo sends intake forms with some types' bookings (test/integration/forms.test.ts covers that): here they
  // would only add emails to the counts these tests are about.
  for (const practice of [happyPaws, riverside]) await withPractice(db.owner.db, practice, (trx) => trx.deleteFrom("appointment_type_forms").execute());
  await withPractice(db.owner.db, happyPaws, async (trx) => {
    const type = async (name: string) => (await trx.selectFrom("appointment_types").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
    const practitioner = async (name: string) => (await trx.selectFrom("practitioners").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
    ids.wellness = await type("Wellness exam");
    ids.vaccination = await type("Vaccination");
    ids.carter = await practitioner("Dr. Emily Carter");
    ids.webb = await practitioner("Dr. Marcus Webb");
    ids.happyLocation = (await trx.selectFrom("locations").select("id").executeTakeFirstOrThrow()).id;
    const lopez = await trx.selectFrom("clients").select("id").where("last_name", "=", "Lopez").executeTakeFirstOrThrow();
    ids.biscuit = (await trx.selectFrom("patients").select("id").where("name", "=", "Biscuit").where("client_id", "=", lopez.id).executeTakeFirstOrThrow()).id;
  });
  await withPractice(db.owner.db, riverside, async (trx) => {
    ids.assessment = (await trx.selectFrom("appointment_types").select("id").where("name", "=", "Initial assessment").executeTakeFirstOrThrow()).id;
    ids.followUp = (await trx.selectFrom("appointment_types").select("id").where("name", "=", "Physiotherapy follow-up").executeTakeFirstOrThrow()).id;
    ids.chiro = (await trx.selectFrom("appointment_types").select("id").where("name", "=", "Chiropractic adjustment").executeTakeFirstOrThrow()).id;
    ids.hannah = (await trx.selectFrom("practitioners").select("id").where("name", "=", "Hannah Brooks").executeTakeFirstOrThrow()).id;
    ids.owen = (await trx.selectFrom("practitioners").select("id").where("name", "=", "Owen Price").executeTakeFirstOrThrow()).id;
    ids.riversideLocation = (await trx.selectFrom("locations").select("id").where("name", "=", "Riverside Physio — Riverside").executeTakeFirstOrThrow()).id;
    ids.oldTown = (await trx.selectFrom("locations").select("id").where("name", "=", "Riverside Physio — Old Town").executeTakeFirstOrThrow()).id;
  });
});

afterAll(async () => {
  await server.close();
});

let logsSeen = 0;

beforeEach(async () => {
  await server.settled();
  server.clock.reset();
  // The per-address limits count every test's requests from 127.0.0.1: each test starts without that history.
  await db.owner.db.deleteFrom("platform.ip_rate_limit_counters").execute();
  logsSeen = server.logs().length;
});

afterEach(async () => {
  // No request failed, and nothing run after a response did either (a failure there reaches nobody but the log).
  await server.settled();
  const errors = server.logs().slice(logsSeen).filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
  expect(errors.map((line) => line.slice(0, 300))).toEqual([]);
});

describe("a first visit at a veterinary practice (direct booking, emailed links)", () => {
  it("holds the time, takes the details, and after the response creates the client, pet, limited account and confirmed appointment, emailing a sign-in link and the .ics", async () => {
    const home = text(await get(HAPPY, "/"));
    expect(home).toContain("New to Happy Paws Animal Hospital?");
    expect(home).toContain('href="/book">Book a first visit</a>');

    // One location, one type for new clients: both chosen already; Vaccination (not for new clients) is not offered.
    const page = await get(HAPPY, `/book?date=${HAPPY_DAY}`);
    expect(page.status).toBe(200);
    expect(text(page)).toContain("Book a first visit at Happy Paws Animal Hospital");
    expect(text(page)).toContain("you will get a confirmation by email");
    expect(text(page)).toContain("Wellness exam (30 min)");
    expect(text(page)).not.toContain("Vaccination");
    expect(slotsOf(page.body).length).toBeGreaterThan(0);
    const slot = (await happyTimes(HAPPY_DAY, ids.carter))[0]!;
    expect(slot.startsWith(`${ids.carter}_`)).toBe(true);

    const holdId = await happyHold(slot);
    const hold = await holdRow(happyPaws, holdId);
    expect(hold).toMatchObject({ client_id: null, patient_id: null, appointment_id: null, practitioner_id: ids.carter, appointment_type_id: ids.wellness, location_id: ids.happyLocation });
    expect(Math.abs(hold!.hold_expires_at!.getTime() - (Date.now() + 30 * 60_000))).toBeLessThan(60_000);

    const form = await get(HAPPY, `/book/${holdId}`);
    expect(form.status).toBe(200);
    const formText = text(form);
    expect(formText).toContain("Your details, to book");
    expect(formText).toContain("Wellness exam");
    expect(formText).toContain("Dr. Emily Carter");
    expect(formText).toContain(`dateTime="${startOf(slot).toISOString()}"`);
    expect(formText).toContain("Your pet");
    expect(form.body).toContain('name="patientName"');
    expect(form.body).not.toContain('name="dateOfBirth"');
    // Happy Paws signs clients in by emailed links only: no password to choose.
    expect(form.body).not.toContain('name="password"');

    const before = await counts(happyPaws);
    const email = "nora.newcomer@example.com";
    const res = await post(HAPPY, `/book/${holdId}`, vetDetails("  Nora.Newcomer@Example.com ", { reason: "First check-up\r\nfor a new puppy" }));
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/book/sent");
    expect(text(await get(HAPPY, "/book/sent"))).toContain("Check your email");
    await server.settled();

    const stored = await newClientRecords(happyPaws, email);
    expect(stored.client).toMatchObject({ first_name: "Nora", last_name: "Newcomer", phone: "(555) 010-7788" });
    expect(stored.address).toMatchObject({ email, is_primary: true });
    expect(stored.accounts).toHaveLength(1);
    expect(stored.accounts[0]).toMatchObject({ login: email, access_level: "limited", created_via: "self_registration", password_hash: null });
    expect(stored.patients).toHaveLength(1);
    const [pet] = stored.patients;
    expect(pet).toMatchObject({ name: "Rex", species: "Dog", breed: "Beagle", date_of_birth: null });
    expect(stored.appointments).toHaveLength(1);
    const [appointment] = stored.appointments;
    expect(appointment).toMatchObject({ status: "confirmed", booked_by: "client", client_note: "First check-up\nfor a new puppy", reason: "Wellness exam", practitioner_id: ids.carter, practitioner_name: "Dr. Emily Carter", appointment_type_id: ids.wellness, location_id: ids.happyLocation, confirmed_by_client_id: stored.client.id });
    expect(appointment!.confirmed_at).toBeInstanceOf(Date);
    expect(appointment!.starts_at.getTime()).toBe(startOf(slot).getTime());
    expect(appointment!.ends_at.getTime()).toBe(startOf(slot).getTime() + 30 * 60_000);
    // The hold became the appointment's time: no longer expiring, still not offered.
    expect(await holdRow(happyPaws, holdId)).toMatchObject({ client_id: stored.client.id, patient_id: pet!.id, appointment_id: appointment!.id, hold_expires_at: null });
    expect(await happyTimes(HAPPY_DAY, ids.carter)).not.toContain(slot);

    expect(stored.eventTypes).toEqual(["appointment.booked", "client.account_created", "client.registered"]);
    expect(stored.event("client.registered")).toMatchObject({ client: { id: stored.client.id }, patient: { id: pet!.id } });
    expect(stored.event("client.account_created")).toMatchObject({ client: { id: stored.client.id }, account: { id: stored.accounts[0]!.id, accessLevel: "limited", createdVia: "self_registration" } });
    expect(stored.event("appointment.booked")).toMatchObject({ appointment: { id: appointment!.id }, patient: { id: pet!.id }, practitioner: { id: ids.carter }, appointmentType: { id: ids.wellness }, startsAt: startOf(slot).toISOString(), bookedVia: "new_client" });
    expect(stored.audit.map((a) => [a.action, a.actor_type, a.subject_id])).toEqual([["client.new_client_appointment_booked", "client", appointment!.id]]);

    const after = await counts(happyPaws);
    expect(after).toEqual({ ...before, clients: before.clients + 1, clientEmails: before.clientEmails + 1, accounts: before.accounts + 1, patients: before.patients + 1, appointments: before.appointments + 1, events: before.events + 3, audits: before.audits + 1, outbox: before.outbox + 1 });

    const [mail, ...more] = await emailsTo(happyPaws, email);
    expect(more).toEqual([]);
    expect(mail).toMatchObject({ kind: "client_appointment_booked", subject: expect.stringMatching(/^Booked: Wellness exam for Rex, /) });
    const calendar = decodedCalendar(mail!.attachments);
    expect(calendar).toContain("BEGIN:VCALENDAR");
    expect(calendar).toContain(`DTSTART:${icsTime(startOf(slot))}`);
    expect(calendar).toContain(`UID:${appointment!.id}@`);

    // The emailed link signs the new client in: they see what they booked, and none of the practice's records.
    const cookie = await signInByLink(HAPPY, mail!.text);
    const appointments = text(await get(HAPPY, "/appointments", cookie));
    expect(appointments).toContain("Wellness exam");
    expect(appointments).toContain("Rex");
    expect(appointments).toContain(`/appointments/${appointment!.id}.ics`);
    const documentId = await withPractice(db.owner.db, happyPaws, async (trx) => {
      const row = await trx.insertInto("documents").values({ practice_id: happyPaws.id, patient_id: pet!.id, visit_date: todayIn("America/Chicago", new Date()), title: "Rex intake notes from the practice", category: "visit_notes", status: "completed", portal_shared: true }).returning("id").executeTakeFirstOrThrow();
      return row.id;
    });
    const records = await get(HAPPY, "/records", cookie);
    expect(records.status).toBe(200);
    expect(text(records)).not.toContain("Rex intake notes from the practice");
    expect((await get(HAPPY, `/records/${documentId}`, cookie)).status).toBe(404);
    // The same record is shared: a full account would see it (so the limited view is what hides it).
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("client_accounts").set({ access_level: "full" }).where("client_id", "=", stored.client.id).execute());
    try {
      expect(text(await get(HAPPY, "/records", cookie))).toContain("Rex intake notes from the practice");
    } finally {
      await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("client_accounts").set({ access_level: "limited" }).where("client_id", "=", stored.client.id).execute());
    }

    // Done with: the hold's page and form are gone.
    expect((await get(HAPPY, `/book/${holdId}`)).status).toBe(410);
    const again = await snapshot(happyPaws);
    expect((await post(HAPPY, `/book/${holdId}`, vetDetails("someone.else@example.com"))).status).toBe(410);
    await server.settled();
    expect(await snapshot(happyPaws)).toEqual(again);
  });
});

describe("a first visit at a human-health practice (requests, two locations, passwords)", () => {
  it("sends a request at the chosen location with a date of birth and a password; the clinic can approve it", async () => {
    expect(text(await get(RIVERSIDE, "/"))).toContain('href="/book">Book a first visit</a>');

    // Two locations: the location is chosen first, then one of its two types for new clients.
    const start = text(await get(RIVERSIDE, "/book"));
    expect(start).toContain("the practice confirms each request by email");
    expect(start).toContain("Riverside Physio — Old Town");
    expect(slotsOf(start)).toEqual([]);
    const atOldTown = text(await get(RIVERSIDE, `/book?location=${ids.oldTown}`));
    expect(atOldTown).toContain("Chiropractic adjustment (20 min)");
    expect(atOldTown).toContain("Initial assessment (45 min)");
    expect(atOldTown).not.toContain("Physiotherapy follow-up");
    expect(slotsOf(atOldTown)).toEqual([]);
    const times = await get(RIVERSIDE, `/book?location=${ids.oldTown}&type=${ids.chiro}&date=${RIVERSIDE_DAY}`);
    const slots = slotsOf(times.body);
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((s) => s.startsWith(`${ids.owen}_`))).toBe(true);
    const slot = slots[1]!;

    const holdId = await holdAt(RIVERSIDE, [["location", ids.oldTown], ["type", ids.chiro], ["slot", slot]]);
    expect(await holdRow(riverside, holdId)).toMatchObject({ client_id: null, location_id: ids.oldTown, practitioner_id: ids.owen, appointment_type_id: ids.chiro });
    const form = await get(RIVERSIDE, `/book/${holdId}`);
    expect(form.status).toBe(200);
    const formText = text(form);
    expect(formText).toContain("Your details, to send the request");
    expect(formText).toContain("Chiropractic adjustment");
    expect(formText).toContain("Riverside Physio — Old Town, 3 Market Lane, London N1 2AB");
    expect(formText).toContain("Send request");
    expect(form.body).toContain('name="dateOfBirth"');
    expect(form.body).not.toContain('name="patientName"');
    // Riverside offers passwords and links: a password is optional.
    expect(formText).toContain("Choose a password (optional");

    const email = "ravi.fresh@example.com";
    const password = "quiet-river-stones-8812";
    const res = await post(RIVERSIDE, `/book/${holdId}`, humanDetails(email, { password }));
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/book/sent");
    await server.settled();

    const stored = await newClientRecords(riverside, email);
    expect(stored.accounts).toHaveLength(1);
    expect(stored.accounts[0]).toMatchObject({ access_level: "limited", created_via: "self_registration" });
    // The chosen password waits for the emailed link: until then nobody has shown the address is theirs.
    expect(stored.accounts[0]!.password_hash).toBeNull();
    expect(stored.accounts[0]!.pending_password_hash).toEqual(expect.any(String));
    expect(stored.accounts[0]!.pending_password_hash).not.toContain(password);
    // The patient is the person: their own name and date of birth.
    expect(stored.patients).toHaveLength(1);
    const [patient] = stored.patients;
    expect(patient).toMatchObject({ name: "Ravi Fresh", species: null, breed: null, date_of_birth: "1988-04-12" });
    const [appointment] = stored.appointments;
    expect(appointment).toMatchObject({ status: "requested", booked_by: "client", client_note: "Lower back pain after running", location_id: ids.oldTown, practitioner_id: ids.owen, confirmed_at: null, confirmed_by_client_id: null });
    expect(appointment!.starts_at.getTime()).toBe(startOf(slot).getTime());
    expect(await holdRow(riverside, holdId)).toMatchObject({ appointment_id: appointment!.id, hold_expires_at: null });
    expect(stored.eventTypes).toEqual(["appointment.requested", "client.account_created", "client.registered"]);
    expect(stored.event("client.registered")).toMatchObject({ client: { id: stored.client.id }, patient: { id: patient!.id } });
    expect(stored.event("client.account_created")).toMatchObject({ account: { accessLevel: "limited", createdVia: "self_registration" } });
    expect(stored.event("appointment.requested")).toMatchObject({ appointment: { id: appointment!.id }, practitioner: { id: ids.owen }, appointmentType: { id: ids.chiro }, requestedVia: "new_client" });
    expect(stored.audit.map((a) => a.action)).toEqual(["client.new_client_appointment_requested"]);

    const [mail, ...more] = await emailsTo(riverside, email);
    expect(more).toEqual([]);
    expect(mail).toMatchObject({ kind: "client_appointment_requested", attachments: null });
    expect(mail!.text).not.toContain(".ics");
    // The email's sign-in link confirms the address; only then does the chosen password sign in.
    const link = /http:\/\/riverside-physio\.localhost:3000(\/sign-in\/[A-Za-z0-9_-]{43})/.exec(mail!.text)?.[1];
    expect(link).toBeDefined();
    expect((await post(RIVERSIDE, "/?index", [["intent", "password"], ["login", email], ["password", password]])).status).toBe(401);
    expect((await post(RIVERSIDE, link!, [["intent", "sign-in"]])).status).toBe(302);
    const signedIn = await post(RIVERSIDE, "/?index", [["intent", "password"], ["login", email], ["password", password]]);
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.location).toBe("/home");
    const list = text(await get(RIVERSIDE, "/appointments", cookieOf(signedIn)));
    expect(list).toContain("Chiropractic adjustment");
    expect(list).toContain("Requested: waiting for the practice to confirm");

    // The clinic answers it like any request.
    const owner = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
    const schedule = text(await get(RIVERSIDE, `/admin/schedule?date=${RIVERSIDE_DAY}`, owner));
    expect(schedule).toContain("Approve request for Ravi Fresh");
    const approved = await post(RIVERSIDE, `/admin/schedule?date=${RIVERSIDE_DAY}`, [["intent", "approve"], ["appointmentId", appointment!.id]], owner);
    expect(approved.status, alertOf(approved)).toBe(200);
    const answered = await newClientRecords(riverside, email);
    expect(answered.appointments[0]).toMatchObject({ status: "confirmed" });
    // Signed in twice: by the emailed link, then with the password it put in force.
    expect(answered.eventTypes).toEqual(["appointment.booked", "appointment.requested", "client.account_created", "client.registered", "client.signed_in", "client.signed_in"]);
    expect(answered.event("appointment.booked")).toMatchObject({ appointment: { id: appointment!.id }, bookedVia: "portal" });
    const confirmation = (await emailsTo(riverside, email)).at(-1)!;
    expect(confirmation.kind).toBe("client_appointment_approved");
    expect(decodedCalendar(confirmation.attachments)).toContain(`DTSTART:${icsTime(startOf(slot))}`);
  });
});

describe("an address that is already a client's", () => {
  it("answers with the very same page, keeps the time held until the hold lapses, writes no client and emails a request to sign in", async () => {
    const day = addDays(HAPPY_DAY, 2);
    const slot = (await happyTimes(day, ids.webb))[0]!;
    const known = "maria@lopez-family.example.com"; // Maria Lopez's second address, not her primary one.
    const fresh = "oliver.fresh@example.com";

    const knownHold = await happyHold(slot);
    const heldUntil = (res: TestResponse) => /held for you until ([^.]+)\./.exec(text(res))![1]!;
    const knownUntil = heldUntil(await get(HAPPY, `/book/${knownHold}`));
    const before = await counts(happyPaws);
    const knownRes = await post(HAPPY, `/book/${knownHold}`, vetDetails("Maria@Lopez-Family.example.com", { firstName: "Maria", lastName: "Lopez", patientName: "Biscuit" }));
    await server.settled();

    // Nothing made: no client, patient, account or appointment; one email, one audit entry. The hold lapses on its own:
    // a time freed at once would tell anyone watching /book that the address is known.
    const after = await counts(happyPaws);
    expect(after).toEqual({ ...before, outbox: before.outbox + 1, audits: before.audits + 1 });
    expect(await holdRow(happyPaws, knownHold)).toMatchObject({ appointment_id: null, client_id: null });
    expect(await happyTimes(day, ids.webb)).not.toContain(slot);
    const [mail, ...more] = await emailsTo(happyPaws, known);
    expect(more).toEqual([]);
    expect(mail).toMatchObject({ kind: "new_client_booking_existing_client", attachments: null });
    expect(mail!.text).toContain("http://happy-paws.localhost:3000/");
    expect(mail!.text).not.toMatch(/\/sign-in\/[A-Za-z0-9_-]{43}/);
    const audit = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select(["action", "actor_type", "actor_id"]).orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow());
    expect(audit).toEqual({ action: "client.new_client_booking_existing_client", actor_type: "anonymous", actor_id: null });

    // Another time booked by an address nobody has: the answer is the same page, byte for byte.
    const freshHold = await happyHold((await happyTimes(day, ids.webb))[0]!);
    const freshUntil = heldUntil(await get(HAPPY, `/book/${freshHold}`));
    const freshRes = await post(HAPPY, `/book/${freshHold}`, vetDetails(fresh, { firstName: "Maria", lastName: "Lopez", patientName: "Biscuit" }));
    await server.settled();
    const normalise = (res: TestResponse, email: string, until: string) => ({
      status: res.status,
      type: res.headers["content-type"],
      body: res.body.replaceAll(email, "EMAIL").replaceAll(until, "UNTIL").replace(/nonce="[^"]+"/g, 'nonce=""'),
    });
    expect(knownRes.status).toBe(302);
    expect(knownRes.headers.location).toBe("/book/sent");
    expect(normalise(freshRes, fresh, freshUntil)).toEqual(normalise(knownRes, known, knownUntil));
    expect((await emailsTo(happyPaws, fresh)).map((m) => m.kind)).toEqual(["client_appointment_booked"]);
    expect((await emailsTo(happyPaws, known)).map((m) => m.kind)).toEqual(["new_client_booking_existing_client"]);
    // Maria still has only her own client record.
    const marias = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("client_emails").select("client_id").where("email_key", "in", [known, "maria.lopez@example.com"]).execute());
    expect(new Set(marias.map((m) => m.client_id)).size).toBe(1);
  });
});

describe("a time held on /book", () => {
  it("is not offered to anyone else while held: not to a signed-in client, not to another new client", async () => {
    const day = addDays(HAPPY_DAY, 3);
    const slot = (await happyTimes(day, ids.carter))[4]!;
    await happyHold(slot);
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    const portal = await get(HAPPY, `/appointments/book?patient=${ids.biscuit}&type=${ids.wellness}&date=${day}&practitioner=${ids.carter}`, maria);
    expect(portal.status).toBe(200);
    expect(slotsOf(portal.body).length).toBeGreaterThan(0);
    expect(slotsOf(portal.body)).not.toContain(slot);
    // Choosing it anyway is refused by the booked_time constraint, writing nothing.
    const before = await snapshot(happyPaws);
    const again = await post(HAPPY, "/book?index", [["location", ids.happyLocation], ["type", ids.wellness], ["slot", slot]]);
    expect(again.status).toBe(409);
    expect(await snapshot(happyPaws)).toEqual(before);
    // The /book page itself must not offer it either.
    expect(await happyTimes(day, ids.carter)).not.toContain(slot);
  });
});

describe("refusals write nothing", () => {
  it("refuses times and types not on offer to new clients", async () => {
    const slot = (await happyTimes(HAPPY_DAY, ids.webb))[3]!;
    const oldTownSlot = slotsOf((await get(RIVERSIDE, `/book?location=${ids.oldTown}&type=${ids.assessment}&date=${RIVERSIDE_DAY}`)).body)[0]!;
    expect(oldTownSlot.startsWith(`${ids.hannah}_`)).toBe(true);
    const shifted = `${ids.webb}_${startOf(slot).getTime() + 5 * 60_000}`;
    const past = `${ids.webb}_${Date.now() - 24 * 3_600_000}`;
    const sunday = `${ids.webb}_${new Date(`${addDays(HAPPY_DAY, 5)}T16:00:00Z`).getTime()}`;
    expect(new Date(`${addDays(HAPPY_DAY, 5)}T12:00:00Z`).getUTCDay()).toBe(0);
    const beforeHappy = await snapshot(happyPaws);
    const beforeRiverside = await snapshot(riverside);
    const cases: [string, string, [string, string][], number, string][] = [
      ["a type not for new clients", HAPPY, [["location", ids.happyLocation], ["type", ids.vaccination], ["slot", slot]], 400, "Choose one of the appointments offered."],
      ["another practice's type", HAPPY, [["location", ids.happyLocation], ["type", ids.chiro], ["slot", slot]], 400, "Choose one of the appointments offered."],
      ["no type", HAPPY, [["location", ids.happyLocation], ["slot", slot]], 400, "Choose the kind of appointment."],
      ["a garbage type", HAPPY, [["type", "1 or 1=1"], ["slot", slot]], 400, "Choose the kind of appointment."],
      ["a garbage slot", HAPPY, [["type", ids.wellness], ["slot", "tomorrow_9am"]], 400, "Choose one of the times shown."],
      ["no slot", HAPPY, [["type", ids.wellness]], 400, ""],
      ["a time between the offered ones", HAPPY, [["type", ids.wellness], ["slot", shifted]], 409, "no longer available"],
      ["a time in the past", HAPPY, [["type", ids.wellness], ["slot", past]], 409, "no longer available"],
      ["a Sunday, when nobody works", HAPPY, [["type", ids.wellness], ["slot", sunday]], 409, "no longer available"],
      ["an unknown practitioner", HAPPY, [["type", ids.wellness], ["slot", `${UNKNOWN}_${startOf(slot).getTime()}`]], 400, "Choose one of the appointments offered."],
      ["another practice's location", HAPPY, [["location", ids.oldTown], ["type", ids.wellness], ["slot", slot]], 400, "Choose one of the appointments offered."],
      ["no location where there are two", RIVERSIDE, [["type", ids.assessment], ["slot", oldTownSlot]], 400, "Choose one of the appointments offered."],
      ["a practitioner who does not do the type", RIVERSIDE, [["location", ids.oldTown], ["type", ids.chiro], ["slot", oldTownSlot]], 400, "Choose one of the appointments offered."],
      ["a type not for new clients (Riverside)", RIVERSIDE, [["location", ids.oldTown], ["type", ids.followUp], ["slot", oldTownSlot]], 400, "Choose one of the appointments offered."],
      // Hannah works at Old Town on Tuesdays, at Riverside on other days: the time is not free at the other location.
      ["the right time at the wrong location", RIVERSIDE, [["location", ids.riversideLocation], ["type", ids.assessment], ["slot", oldTownSlot]], 409, "no longer available"],
    ];
    for (const [name, host, fields, status, message] of cases) {
      const res = await post(host, "/book?index", fields);
      expect({ name, status: res.status }).toEqual({ name, status });
      if (message) expect(alertOf(res), name).toContain(message);
    }
    // The valid hold still goes through, once: a second hold of the same time is refused.
    expect(await snapshot(happyPaws)).toEqual(beforeHappy);
    expect(await snapshot(riverside)).toEqual(beforeRiverside);
    await happyHold(slot);
    const twice = await post(HAPPY, "/book?index", [["type", ids.wellness], ["slot", slot]]);
    expect(twice.status).toBe(409);
    expect((await snapshot(happyPaws)).bookedTime).toBe(beforeHappy.bookedTime + 1);
  });

  it("refuses bad details with a 400 naming the problem, keeping the hold and writing nothing", async () => {
    const happySlot = (await happyTimes(HAPPY_DAY, ids.webb))[6]!;
    const happyHoldId = await happyHold(happySlot);
    const riversideSlot = slotsOf((await get(RIVERSIDE, `/book?location=${ids.oldTown}&type=${ids.chiro}&date=${RIVERSIDE_DAY}`)).body)[4]!;
    const riversideHoldId = await holdAt(RIVERSIDE, [["location", ids.oldTown], ["type", ids.chiro], ["slot", riversideSlot]]);
    const beforeHappy = await snapshot(happyPaws);
    const beforeRiverside = await snapshot(riverside);
    const email = "careful.person@example.com";
    const cases: [string, string, string, [string, string][], string][] = [
      ["no first name", HAPPY, happyHoldId, vetDetails(email, { firstName: " " }), "Check the first name"],
      ["no last name", HAPPY, happyHoldId, vetDetails(email, { lastName: "" }), "Check the last name"],
      ["a bad email", HAPPY, happyHoldId, vetDetails("not-an-email"), "Enter an email address such as name@example.com."],
      ["no email", HAPPY, happyHoldId, vetDetails(""), "Enter your email address."],
      ["letters in the phone", HAPPY, happyHoldId, vetDetails(email, { phone: "call me maybe" }), "Check the phone number: it may contain only digits"],
      ["a short phone", HAPPY, happyHoldId, vetDetails(email, { phone: "123" }), "Check the phone number"],
      ["no pet name", HAPPY, happyHoldId, vetDetails(email, { patientName: "" }), "Check the pet's name"],
      ["no species", HAPPY, happyHoldId, vetDetails(email, { species: "" }), "Say what kind of animal your pet is"],
      ["no reason", HAPPY, happyHoldId, vetDetails(email, { reason: "   " }), "Check the reason for the visit: it must say what the visit is for."],
      ["a reason over 500 characters", HAPPY, happyHoldId, vetDetails(email, { reason: "x".repeat(501) }), "must be under 500 characters"],
      ["a control character in the reason", HAPPY, happyHoldId, vetDetails(email, { reason: "Bell\u0007" }), "contains characters that cannot be saved"],
      ["no date of birth", RIVERSIDE, riversideHoldId, humanDetails(email, { dateOfBirth: "" }), "Check the date of birth"],
      ["an impossible date of birth", RIVERSIDE, riversideHoldId, humanDetails(email, { dateOfBirth: "1988-13-45" }), "Check the date of birth"],
      ["a short password", RIVERSIDE, riversideHoldId, humanDetails(email, { password: "short-pass" }), "Use at least 12 characters."],
      ["a common password", RIVERSIDE, riversideHoldId, humanDetails(email, { password: "aaaaaaaaaaaaaaaa" }), "That password is too common."],
    ];
    for (const [name, host, holdId, fields, message] of cases) {
      const res = await post(host, `/book/${holdId}`, fields);
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(alertOf(res), name).toContain(message);
    }
    await server.settled();
    expect(await snapshot(happyPaws)).toEqual(beforeHappy);
    expect(await snapshot(riverside)).toEqual(beforeRiverside);
    // Still held, and good details still book it.
    expect((await get(HAPPY, `/book/${happyHoldId}`)).status).toBe(200);
    // Posted as the page's script does (`.data`): the action's own answer, without the page's loader running after it.
    expect((await post(HAPPY, `/book/${happyHoldId}.data`, vetDetails(email))).status).toBe(202);
    await server.settled();
    expect((await newClientRecords(happyPaws, email)).appointments).toHaveLength(1);
  });

  it("refuses a pet of a species the type is not for, when the type is limited to some", async () => {
    // Vaccination (dogs and cats) offered to new clients for this test.
    const setVaccination = (on: boolean) => withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("appointment_types").set({ bookable_new_clients: on }).where("id", "=", ids.vaccination).execute());
    await setVaccination(true);
    try {
      const day = addDays(HAPPY_DAY, 14);
      const slot = slotsOf((await get(HAPPY, `/book?type=${ids.vaccination}&practitioner=${ids.carter}&date=${day}`)).body)[0]!;
      expect(slot).toBeDefined();
      const holdId = await holdAt(HAPPY, [["location", ids.happyLocation], ["type", ids.vaccination], ["slot", slot]]);
      const before = await snapshot(happyPaws);
      const refused = await post(HAPPY, `/book/${holdId}`, vetDetails("bun.owner@example.com", { patientName: "Thumper", species: "Rabbit", breed: "" }));
      expect(refused.status).toBe(400);
      expect(alertOf(refused)).toBe("Vaccination is for Dog, Cat only. Choose another kind of appointment.");
      await server.settled();
      expect(await snapshot(happyPaws)).toEqual(before);
      // Compared without case; no breed is fine.
      expect((await post(HAPPY, `/book/${holdId}.data`, vetDetails("cat.owner@example.com", { patientName: "Whiskers", species: " cat ", breed: "" }))).status).toBe(202);
      await server.settled();
      expect((await newClientRecords(happyPaws, "cat.owner@example.com")).patients).toMatchObject([{ name: "Whiskers", species: "cat", breed: null }]);
    } finally {
      await setVaccination(false);
    }
  });

  it("requires a password where clients sign in only with one, which works once the emailed link confirms the address", async () => {
    const setMethods = (methods: "password" | "both") => withPractice(db.owner.db, riverside, (trx) => trx.updateTable("practice_settings").set({ sign_in_methods: methods }).execute());
    const slot = slotsOf((await get(RIVERSIDE, `/book?location=${ids.oldTown}&type=${ids.chiro}&date=${addDays(RIVERSIDE_DAY, 1)}`)).body)[0]!;
    const holdId = await holdAt(RIVERSIDE, [["location", ids.oldTown], ["type", ids.chiro], ["slot", slot]]);
    await setMethods("password");
    try {
      const form = await get(RIVERSIDE, `/book/${holdId}`);
      expect(text(form)).toContain("Choose a password (at least 12 characters)");
      expect(/<input[^>]*name="password"[^>]*>/.exec(form.body)?.[0]).toContain('required=""');
      const before = await snapshot(riverside);
      const refused = await post(RIVERSIDE, `/book/${holdId}`, humanDetails("pat.password@example.com"));
      expect(refused.status).toBe(400);
      expect(alertOf(refused)).toBe("Choose a password: you will sign in with it.");
      await server.settled();
      expect(await snapshot(riverside)).toEqual(before);

      const password = "lantern-harbour-5521";
      expect((await post(RIVERSIDE, `/book/${holdId}.data`, humanDetails("pat.password@example.com", { password }))).status).toBe(202);
      await server.settled();
      const [mail] = await emailsTo(riverside, "pat.password@example.com");
      expect(mail!.kind).toBe("client_appointment_requested");
      // Even where clients sign in only with a password, the first sign-in is the emailed link: it confirms the address.
      const link = /http:\/\/riverside-physio\.localhost:3000(\/sign-in\/[A-Za-z0-9_-]{43})/.exec(mail!.text)?.[1];
      expect((await post(RIVERSIDE, "/?index", [["intent", "password"], ["login", "pat.password@example.com"], ["password", password]])).status).toBe(401);
      expect((await post(RIVERSIDE, link!, [["intent", "sign-in"]])).status).toBe(302);
      const signedIn = await post(RIVERSIDE, "/?index", [["intent", "password"], ["login", "pat.password@example.com"], ["password", password]]);
      expect(signedIn.status).toBe(302);
      expect(text(await get(RIVERSIDE, "/appointments", cookieOf(signedIn)))).toContain("Chiropractic adjustment");
    } finally {
      await setMethods("both");
    }
  });

  it("answers unknown, garbage and other practices' hold ids with 404 or 410, writing nothing", async () => {
    const riversideSlot = slotsOf((await get(RIVERSIDE, `/book?location=${ids.oldTown}&type=${ids.chiro}&date=${RIVERSIDE_DAY}`)).body)[6]!;
    const riversideHoldId = await holdAt(RIVERSIDE, [["location", ids.oldTown], ["type", ids.chiro], ["slot", riversideSlot]]);
    const before = await snapshot(happyPaws);
    const beforeRiverside = await snapshot(riverside);
    const cases: [string, string, number][] = [
      ["a garbage id", "/book/not-a-hold", 404],
      ["an injection attempt", `/book/${encodeURIComponent("1' or '1'='1")}`, 404],
      ["an unknown id", `/book/${UNKNOWN}`, 410],
      ["another practice's hold", `/book/${riversideHoldId}`, 410],
    ];
    for (const [name, path, status] of cases) {
      expect({ name, status: (await get(HAPPY, path)).status }).toEqual({ name, status });
      expect({ name, status: (await post(HAPPY, path, vetDetails("who.ever@example.com"))).status }).toEqual({ name, status });
    }
    await server.settled();
    expect(await snapshot(happyPaws)).toEqual(before);
    expect(await snapshot(riverside)).toEqual(beforeRiverside);
  });
});

describe("two confirmations at once", () => {
  it("of one hold by two new addresses: exactly one books it; the other is refused (410) or emailed that the time was gone", async () => {
    const day = addDays(HAPPY_DAY, 10);
    const slot = (await happyTimes(day, ids.carter))[0]!;
    const holdId = await happyHold(slot);
    const before = await counts(happyPaws);
    const answers = await Promise.all([post(HAPPY, `/book/${holdId}`, vetDetails("first.racer@example.com")), post(HAPPY, `/book/${holdId}`, vetDetails("second.racer@example.com"))]);
    // Which one reads the hold after the other's booking took it depends on timing: that one is told at once (410) or by email.
    for (const answer of answers) expect(answer.status).toBeOneOf([302, 410]);
    await server.settled();
    const kinds = [...(await emailsTo(happyPaws, "first.racer@example.com")), ...(await emailsTo(happyPaws, "second.racer@example.com"))].map((m) => m.kind).sort();
    expect(kinds).toContain("client_appointment_booked");
    expect(kinds.filter((k) => k === "client_appointment_booked")).toHaveLength(1);
    expect(kinds.every((k) => k === "client_appointment_booked" || k === "new_client_booking_time_gone")).toBe(true);
    const after = await counts(happyPaws);
    expect({ clients: after.clients, appointments: after.appointments, accounts: after.accounts, bookedTime: after.bookedTime }).toEqual({ clients: before.clients + 1, appointments: before.appointments + 1, accounts: before.accounts + 1, bookedTime: before.bookedTime });
    expect((await holdRow(happyPaws, holdId))?.appointment_id).toEqual(expect.any(String));
    const audits = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("action").where("action", "like", "client.new_client_%").orderBy("seq", "desc").limit(kinds.length).execute());
    expect(audits.map((a) => a.action).sort()).toEqual(kinds.map((k) => (k === "client_appointment_booked" ? "client.new_client_appointment_booked" : "client.new_client_booking_time_gone")).sort());
  });
});

describe("one new address confirmed twice at once", () => {
  it("makes one client, and the other confirmation still ends in an email, not a failed transaction", async () => {
    const day = addDays(HAPPY_DAY, 15);
    const slots = await happyTimes(day, ids.carter);
    const [first, second] = [await happyHold(slots[0]!), await happyHold(slots[8]!)];
    // Two tabs, two times, one person: both answered with the same page.
    const answers = await Promise.all([post(HAPPY, `/book/${first}`, vetDetails("twin.tabs@example.com")), post(HAPPY, `/book/${second}`, vetDetails("twin.tabs@example.com", { patientName: "Max" }))]);
    expect(answers.map((a) => a.status)).toEqual([302, 302]);
    await server.settled();
    const clients = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("client_emails").select("client_id").where("email_key", "=", "twin.tabs@example.com").execute());
    expect(clients).toHaveLength(1);
    // Whichever came second finds the address taken: that person must hear so, as a known address does.
    expect((await emailsTo(happyPaws, "twin.tabs@example.com")).map((m) => m.kind).sort()).toEqual(["client_appointment_booked", "new_client_booking_existing_client"]);
  });
});

describe("a hold that expires", () => {
  it("is gone after 30 minutes (410 to its page and its form), writing nothing, and its time is offered again", async () => {
    const day = addDays(HAPPY_DAY, 1);
    const slot = (await happyTimes(day, ids.carter))[2]!;
    const holdId = await happyHold(slot);
    server.clock.advance(29 * 60_000);
    expect((await get(HAPPY, `/book/${holdId}`)).status).toBe(200);
    server.clock.advance(2 * 60_000);
    const before = await snapshot(happyPaws);
    const page = await get(HAPPY, `/book/${holdId}`);
    expect(page.status).toBe(410);
    expect(page.body).toContain("This time is no longer held");
    expect((await post(HAPPY, `/book/${holdId}`, vetDetails("too.late@example.com"))).status).toBe(410);
    await server.settled();
    expect(await snapshot(happyPaws)).toEqual(before);
    expect(await emailsTo(happyPaws, "too.late@example.com")).toEqual([]);
    // Free again: offered, and someone else may hold it (the expired hold is cleared as they do).
    expect(await happyTimes(day, ids.carter)).toContain(slot);
    const next = await happyHold(slot);
    expect(await holdRow(happyPaws, holdId)).toBeUndefined();
    expect(await holdRow(happyPaws, next)).toMatchObject({ client_id: null, appointment_id: null });
  });
});

describe("a practice that does not take new clients online", () => {
  it("says so on /book, refuses holds (404), hides the link home and closes live holds", async () => {
    const slot = (await happyTimes(addDays(HAPPY_DAY, 8), ids.carter))[1]!;
    const holdId = await happyHold(slot);
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_new_clients: false }).execute());
    try {
      const before = await snapshot(happyPaws);
      const page = await get(HAPPY, "/book");
      expect(page.status).toBe(200);
      expect(text(page)).toContain("Happy Paws Animal Hospital does not take bookings from new clients online at the moment.");
      expect(slotsOf(page.body)).toEqual([]);
      expect((await post(HAPPY, "/book?index", [["location", ids.happyLocation], ["type", ids.wellness], ["slot", slot]])).status).toBe(404);
      expect((await get(HAPPY, `/book/${holdId}`)).status).toBe(404);
      expect((await post(HAPPY, `/book/${holdId}`, vetDetails("closed.door@example.com"))).status).toBe(404);
      const home = text(await get(HAPPY, "/"));
      expect(home).not.toContain("Book a first visit");
      expect(home).toContain("Email me a sign-in link");
      await server.settled();
      expect(await snapshot(happyPaws)).toEqual(before);
      // Riverside is unaffected.
      expect(text(await get(RIVERSIDE, "/book"))).toContain("Book a first visit at Riverside Physio");
    } finally {
      await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_new_clients: true }).execute());
    }
    // Online booking off altogether closes /book too, whatever booking_new_clients says.
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_mode: "off" }).execute());
    try {
      expect(text(await get(HAPPY, "/book"))).toContain("does not take bookings from new clients online");
      expect(text(await get(HAPPY, "/"))).not.toContain("Book a first visit");
    } finally {
      await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_mode: "direct" }).execute());
    }
  });
});

describe("per-address limits", () => {
  it("allows 20 holds an hour from one address, then answers 429 and holds nothing", async () => {
    const slot = (await happyTimes(addDays(HAPPY_DAY, 7), ids.carter))[0]!;
    // Every attempt counts, refused ones too.
    for (let i = 0; i < 20; i++) expect((await post(HAPPY, "/book?index", [["type", ids.wellness], ["slot", `garbage-${i}`]])).status).toBe(400);
    const before = await snapshot(happyPaws);
    const limited = await post(HAPPY, "/book?index", [["location", ids.happyLocation], ["type", ids.wellness], ["slot", slot]]);
    expect(limited.status).toBe(429);
    expect(alertOf(limited)).toContain("Too many times were chosen from this connection");
    expect(await snapshot(happyPaws)).toEqual(before);
    // An hour later the address may choose again.
    server.clock.advance(61 * 60_000);
    const slotLater = (await happyTimes(addDays(HAPPY_DAY, 7), ids.carter))[0]!;
    await happyHold(slotLater);
  });

  it("allows 5 confirmations an hour from one address, then answers 429, keeping the hold and sending nothing", async () => {
    const day = addDays(HAPPY_DAY, 9);
    const known = "maria.lopez@example.com";
    // A known address leaves its hold to lapse, so each attempt holds the next free time. Posted as the page's script
    // does (`.data`): the redirect to /book/sent comes back as data.
    for (let i = 0; i < 5; i++) {
      const holdId = await happyHold((await happyTimes(day, ids.carter))[0]!);
      const sent = await post(HAPPY, `/book/${holdId}.data`, vetDetails(known));
      expect(sent.status).toBe(202);
      expect(sent.body).toContain("/book/sent");
      await server.settled();
    }
    expect((await emailsTo(happyPaws, known)).filter((m) => m.kind === "new_client_booking_existing_client")).toHaveLength(5);
    const holdId = await happyHold((await happyTimes(day, ids.carter))[0]!);
    const before = await snapshot(happyPaws);
    const limited = await post(HAPPY, `/book/${holdId}.data`, vetDetails(known));
    expect(limited.status).toBe(429);
    expect(limited.body).toContain("Too many bookings were made from this connection");
    await server.settled();
    expect(await snapshot(happyPaws)).toEqual(before);
    expect((await holdRow(happyPaws, holdId))?.hold_expires_at).toBeInstanceOf(Date);
  });
});
