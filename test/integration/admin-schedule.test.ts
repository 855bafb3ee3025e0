import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, zonedToUtc } from "../../app/time";
import { todayIn } from "../../app/visibility/portal-rules";
import { withPractice } from "../../db/with-practice.server";
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
let owner: string;
let maria: string;
let holder: string;
const ids = { biscuit: "", wellness: "", carter: "", webb: "", location: "", holderPet: "", practiceAppointment: "", riversideAppointment: "" };

/** The page as a person reads it: React's text separators removed, entities decoded. */
const text = (res: TestResponse) => res.body.replace(/<!-- -->/g, "").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
const clock = (instant: Date | number) => new Intl.DateTimeFormat("en-US", { timeZone: ZONE, hour: "numeric", minute: "2-digit" }).format(new Date(instant));

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

const bookingPath = (patient: string, date: string, practitioner: string) => `/appointments/book?patient=${patient}&type=${ids.wellness}&date=${date}&practitioner=${practitioner}`;

function slotsOf(body: string): string[] {
  return [...body.matchAll(/<button[^>]*\svalue="([^"]+)"[^>]*\sname="slot"/g)].map((m) => m[1]!);
}

/** Everything a cancellation may write, for "nothing was written" checks. */
function snapshot() {
  return withPractice(db.owner.db, happyPaws, async (trx) => ({
    appointments: await trx.selectFrom("appointments").select(["id", "status", "updated_at"]).orderBy("id").execute(),
    bookedTime: await trx.selectFrom("booked_time").select("id").orderBy("id").execute(),
    audits: (await trx.selectFrom("audit_events").select("seq").where("action", "=", "staff.appointment_cancelled").execute()).length,
    events: (await trx.selectFrom("domain_events").select("id").execute()).length,
  }));
}

const day = quietTuesday();
let bookedSlot = "";
let bookedId = "";
let holdSlot = "";

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  const riverside = (await server.registry.resolve("riverside-physio"))!;
  owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
  maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
  await withPractice(db.owner.db, happyPaws, async (trx) => {
    const lopez = await trx.selectFrom("clients").select("id").where("last_name", "=", "Lopez").executeTakeFirstOrThrow();
    ids.biscuit = (await trx.selectFrom("patients").select("id").where("name", "=", "Biscuit").where("client_id", "=", lopez.id).executeTakeFirstOrThrow()).id;
    ids.wellness = (await trx.selectFrom("appointment_types").select("id").where("name", "=", "Wellness exam").executeTakeFirstOrThrow()).id;
    ids.carter = (await trx.selectFrom("practitioners").select("id").where("name", "=", "Dr. Emily Carter").executeTakeFirstOrThrow()).id;
    ids.webb = (await trx.selectFrom("practitioners").select("id").where("name", "=", "Dr. Marcus Webb").executeTakeFirstOrThrow()).id;
    ids.location = (await trx.selectFrom("locations").select("id").executeTakeFirstOrThrow()).id;
    const client = await trx.insertInto("clients").values({ practice_id: happyPaws.id, first_name: "Holly", last_name: "Holder" }).returning("id").executeTakeFirstOrThrow();
    await trx.insertInto("client_emails").values({ practice_id: happyPaws.id, client_id: client.id, email: "holly.holder@example.com", is_primary: true }).execute();
    ids.holderPet = (await trx.insertInto("patients").values({ practice_id: happyPaws.id, client_id: client.id, name: "Pip", species: "Dog" }).returning("id").executeTakeFirstOrThrow()).id;
  });
  await withPractice(db.owner.db, riverside, async (trx) => {
    ids.riversideAppointment = (await trx.selectFrom("appointments").select("id").executeTakeFirstOrThrow()).id;
  });
  holder = await sessionCookieFor(db, happyPaws, "holly.holder@example.com");

  // Maria books Biscuit's wellness exam with Dr. Carter through the portal, as a client does.
  bookedSlot = slotsOf((await get(maria, bookingPath(ids.biscuit, day, ids.carter))).body)[0]!;
  const held = await post(maria, "/appointments/book", [["patient", ids.biscuit], ["type", ids.wellness], ["slot", bookedSlot]]);
  expect(held.status).toBe(302);
  expect((await post(maria, held.headers.location!, [["reason", "Itchy ears"]])).status).toBe(302);
  // Holly holds a time with Dr. Webb and has not confirmed it yet.
  holdSlot = slotsOf((await get(holder, bookingPath(ids.holderPet, day, ids.webb))).body)[2]!;
  expect((await post(holder, "/appointments/book", [["patient", ids.holderPet], ["type", ids.wellness], ["slot", holdSlot]])).status).toBe(302);

  await withPractice(db.owner.db, happyPaws, async (trx) => {
    bookedId = (await trx.selectFrom("appointments").select("id").where("client_note", "=", "Itchy ears").executeTakeFirstOrThrow()).id;
    // An appointment the practice system pushed, and Dr. Webb's afternoon off, that same day.
    const startsAt = new Date(Number(bookedSlot.split("_")[1]) + 3 * 3_600_000);
    ids.practiceAppointment = (
      await trx
        .insertInto("appointments")
        .values({ practice_id: happyPaws.id, patient_id: ids.biscuit, location_id: ids.location, practitioner_name: "Dr. Emily Carter", practitioner_id: ids.carter, reason: "Recheck ears", starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 20 * 60_000), status: "scheduled", external_id: "EXT-APPT-1" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    const offStart = new Date(Number(holdSlot.split("_")[1]) + 5 * 3_600_000);
    await trx.insertInto("schedule_exceptions").values({ practice_id: happyPaws.id, kind: "time_off", practitioner_id: ids.webb, starts_at: offStart, ends_at: new Date(offStart.getTime() + 3_600_000), note: "Dentist" }).execute();
  });
});

afterAll(async () => {
  await server.close();
});

describe("permission", () => {
  it("answers 403 without manage_booking, on the page and the form, and shows the navigation entry only with it", async () => {
    const vet = await staffCookieFor(db, happyPaws, "emily.carter@happypaws.example.com");
    expect((await get(vet, PAGE)).status).toBe(403);
    const before = await snapshot();
    expect((await post(vet, PAGE, [["intent", "cancel"], ["appointmentId", bookedId], ["reason", "Not mine to cancel"]])).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    expect((await get(vet, "/admin")).body).not.toContain(`href="${PAGE}"`);
    expect((await get(owner, "/admin")).body).toContain(`href="${PAGE}"`);
  });
});

describe("the schedule", () => {
  it("shows today by default, on the practice's calendar", async () => {
    const res = await get(owner, PAGE);
    expect(res.status).toBe(200);
    expect(res.body).toContain(`type="date" name="date" value="${todayIn(ZONE, new Date())}"`);
    expect(res.body).toContain("· today");
  });

  it("lists an online booking, a practice-system appointment and a hold for the day, with hours and time off, in the practice's zone", async () => {
    const res = await get(owner, `${PAGE}?date=${day}`);
    expect(res.status).toBe(200);
    const page = text(res);
    const bookedAt = Number(bookedSlot.split("_")[1]);
    const holdAt = Number(holdSlot.split("_")[1]);
    expect(page).toContain(`${clock(bookedAt)} – ${clock(bookedAt + 30 * 60_000)}`);
    expect(page).toMatch(/Biscuit<\/td><td>Maria Lopez<\/td><td>Wellness exam<span class="muted"> · “Itchy ears”<\/span><\/td><td><span class="badge badge--success">Booked online<\/span>/);
    expect(page).toMatch(/Recheck ears<\/td><td>Practice<span class="muted"> · Scheduled/);
    // The hold: until 30 minutes after it was taken, with the client's name and nothing more.
    const hold = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("booked_time").select("hold_expires_at").where("appointment_id", "is", null).executeTakeFirstOrThrow());
    expect(page).toContain(`${clock(holdAt)} – ${clock(holdAt + 30 * 60_000)}`);
    expect(page).toContain(`Held online until ${clock(hold.hold_expires_at!)}`);
    expect(page).toMatch(/<td>—<\/td><td>Holly Holder<\/td><td>Wellness exam<\/td>/);
    // Hours on the practice's clock (Chicago), time off with its note; an accessible table per day.
    const wall = (time: string) => clock(zonedToUtc(day, time, ZONE));
    expect(wall("09:00")).toMatch(/^9:00\sAM$/);
    expect(page).toContain(`Dr. Emily Carter<span class="muted"> · Working ${wall("09:00")} – ${wall("12:00")}, ${wall("13:00")} – ${wall("17:00")}`);
    expect(page).toContain(`Dr. Marcus Webb<span class="muted"> · Working ${wall("10:00")} – ${wall("18:00")} · Time off`);
    expect(page).toContain(": Dentist");
    expect(page).toMatch(/<caption[^>]*>Schedule for Tuesday, /);
    expect(page).toContain('<th scope="rowgroup" colSpan="6">');
    expect(page).toContain('<div class="table-scroll"><table class="data-table">');
    // Only the online booking can be cancelled here.
    expect(res.body).toContain(`name="appointmentId" value="${bookedId}"`);
    expect(res.body).not.toContain(`name="appointmentId" value="${ids.practiceAppointment}"`);
  });

  it("shows a demo appointment from the practice system on its day", async () => {
    const demo = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("appointments").select(["starts_at"]).where("reason", "=", "Dental assessment").executeTakeFirstOrThrow());
    const page = text(await get(owner, `${PAGE}?date=${todayIn(ZONE, demo.starts_at)}`));
    expect(page).toContain(`${clock(demo.starts_at)} – ${clock(demo.starts_at.getTime() + 30 * 60_000)}`);
    expect(page).toMatch(/Dental assessment<\/td><td>Practice/);
    expect(clock(demo.starts_at)).toMatch(/^10:30\sAM$/);
  });

  it("shows the whole week, Monday to Sunday, from any of its days", async () => {
    const res = await get(owner, `${PAGE}?date=${addDays(day, 2)}&view=week`);
    expect(res.status).toBe(200);
    const page = text(res);
    const headings = [...page.matchAll(/<h2 id="day-(\d{4}-\d{2}-\d{2})"/g)].map((m) => m[1]);
    expect(headings).toEqual(Array.from({ length: 7 }, (_, i) => addDays(day, i - 1)));
    expect(page).toContain("Itchy ears");
    expect(page).toContain("Held online until");
    expect(page).toContain(`value="${addDays(day, -1)}"`);
    // Dr. Webb works no Monday: on Monday only Dr. Carter is listed.
    const monday = page.slice(page.indexOf(`id="day-${addDays(day, -1)}"`), page.indexOf(`id="day-${day}"`));
    expect(monday).toContain("Dr. Emily Carter");
    expect(monday).not.toContain("Dr. Marcus Webb");
  });

  it("filters by practitioner and location, and ignores bad filter values", async () => {
    const webb = text(await get(owner, `${PAGE}?date=${day}&practitioner=${ids.webb}`));
    expect(webb).toContain("Holly Holder");
    expect(webb).not.toContain("Itchy ears");
    expect(webb).not.toContain("Dr. Emily Carter<span");
    const here = text(await get(owner, `${PAGE}?date=${day}&location=${ids.location}`));
    expect(here).toContain("Itchy ears");
    for (const query of ["date=2026-02-30&view=month", "date=yesterday", "practitioner=nobody&location=x", `practitioner=${UNKNOWN}&location=${UNKNOWN}`, "date=99999-01-01", "view[]=week&date[]=x"]) {
      const res = await get(owner, `${PAGE}?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      expect(res.body).toContain(`value="${todayIn(ZONE, new Date())}"`);
    }
    // An unknown practitioner is no filter: everyone's appointments are shown.
    expect(text(await get(owner, `${PAGE}?date=${day}&practitioner=${UNKNOWN}`))).toContain("Itchy ears");
  });
});

describe("cancelling", () => {
  const cancel = (fields: [string, string][]) => post(owner, `${PAGE}?date=${day}`, fields);

  it("refuses practice-system appointments, bad and unknown ids, another practice's ids and a missing reason, writing nothing", async () => {
    const before = await snapshot();
    const cases: [string, [string, string][], number, string | null][] = [
      ["a practice-system appointment", [["intent", "cancel"], ["appointmentId", ids.practiceAppointment], ["reason", "Client called"]], 400, "Change it in the practice system"],
      ["no reason", [["intent", "cancel"], ["appointmentId", bookedId]], 400, "why the appointment is cancelled"],
      ["a blank reason", [["intent", "cancel"], ["appointmentId", bookedId], ["reason", "   "]], 400, "why the appointment is cancelled"],
      ["a reason too long", [["intent", "cancel"], ["appointmentId", bookedId], ["reason", "x".repeat(201)]], 400, "why the appointment is cancelled"],
      ["a control character", [["intent", "cancel"], ["appointmentId", bookedId], ["reason", "ok\u0007"]], 400, "why the appointment is cancelled"],
      ["an unknown id", [["intent", "cancel"], ["appointmentId", UNKNOWN], ["reason", "Client called"]], 404, null],
      ["another practice's id", [["intent", "cancel"], ["appointmentId", ids.riversideAppointment], ["reason", "Client called"]], 404, null],
      ["a garbage id", [["intent", "cancel"], ["appointmentId", "1 or 1=1"], ["reason", "Client called"]], 404, null],
      ["no id", [["intent", "cancel"], ["reason", "Client called"]], 404, null],
      ["an unknown intent", [["intent", "delete"], ["appointmentId", bookedId], ["reason", "Client called"]], 400, "Unknown action"],
    ];
    for (const [name, fields, status, message] of cases) {
      const res = await cancel(fields);
      expect({ name, status: res.status }).toEqual({ name, status });
      if (message) expect(text(res), name).toMatch(new RegExp(`role="alert">[^<]*${message}`));
    }
    expect(await snapshot()).toEqual(before);
  });

  it("cancels an online booking: cancelled, its time free again on the client's booking page, audited with the reason", async () => {
    const before = await snapshot();
    expect(slotsOf((await get(holder, bookingPath(ids.holderPet, day, ids.carter))).body)).not.toContain(bookedSlot);
    const res = await cancel([["intent", "cancel"], ["appointmentId", bookedId], ["reason", "Dr. Carter is at a conference"]]);
    expect(res.status).toBe(200);
    expect(text(res)).toMatch(/role="status">Cancelled: Wellness exam for Biscuit/);
    // Gone from the schedule; the time is offered again.
    expect(text(res)).not.toContain("Itchy ears");
    expect(slotsOf((await get(holder, bookingPath(ids.holderPet, day, ids.carter))).body)).toContain(bookedSlot);
    const after = await withPractice(db.owner.db, happyPaws, async (trx) => ({
      status: (await trx.selectFrom("appointments").select("status").where("id", "=", bookedId).executeTakeFirstOrThrow()).status,
      times: await trx.selectFrom("booked_time").select("id").where("appointment_id", "=", bookedId).execute(),
      audit: await trx.selectFrom("audit_events").select(["actor_type", "subject_id", "details"]).where("action", "=", "staff.appointment_cancelled").executeTakeFirstOrThrow(),
      events: (await trx.selectFrom("domain_events").select("id").execute()).length,
      event: await trx.selectFrom("domain_events").select("data").where("type", "=", "appointment.cancelled").executeTakeFirst(),
      email: await trx.selectFrom("mail.outbox").select(["recipient", "subject", "text"]).where("kind", "=", "client_appointment_cancelled").executeTakeFirst(),
    }));
    expect(after).toMatchObject({ status: "cancelled", times: [], audit: { actor_type: "staff", subject_id: bookedId, details: { reason: "Dr. Carter is at a conference", startsAt: new Date(Number(bookedSlot.split("_")[1])).toISOString() } } });
    // The practice system is told: one appointment.cancelled event, cancelled by staff.
    expect(after.events).toBe(before.events + 1);
    expect(after.event?.data).toMatchObject({ appointment: { id: bookedId }, cancelledBy: "staff" });
    // The client is told, without the staff's reason (it stays in the audit log).
    expect(after.email).toMatchObject({ recipient: "maria.lopez@example.com", subject: expect.stringMatching(/^Cancelled: Wellness exam for Biscuit/) });
    expect(after.email?.text).not.toContain("conference");
    expect(after.email?.text).toContain("/appointments/book");
    // A second cancel is refused, writing nothing.
    const again = await snapshot();
    const second = await cancel([["intent", "cancel"], ["appointmentId", bookedId], ["reason", "Twice"]]);
    expect(second.status).toBe(400);
    expect(text(second)).toContain("already cancelled");
    expect(await snapshot()).toEqual(again);
  });
});

describe("booking for a client (the front desk on the phone)", () => {
  const BOOK = "/admin/schedule/book";
  const slotValues = (body: string) => [...body.matchAll(/<button[^>]*\svalue="([^"]+)"[^>]*\sname="slot"/g)].map((m) => m[1]!);

  it("finds the client, offers the client's own free times, books one as practice-booked, and refuses the rest", async () => {
    const { lopez, otherPet } = await withPractice(db.owner.db, happyPaws, async (trx) => ({
      lopez: (await trx.selectFrom("clients").select("id").where("last_name", "=", "Lopez").executeTakeFirstOrThrow()).id,
      otherPet: (await trx.selectFrom("patients as p").innerJoin("clients as c", "c.id", "p.client_id").select("p.id").where("c.last_name", "!=", "Lopez").where("p.status", "=", "active").executeTakeFirstOrThrow()).id,
    }));
    expect(text(await get(owner, `${BOOK}?q=lopez`))).toContain("Lopez, Maria");
    const day = addDays(quietTuesday(), 1);
    const page = await get(owner, `${BOOK}?client=${lopez}&patient=${ids.biscuit}&type=${ids.wellness}&practitioner=${ids.carter}&date=${day}`);
    expect(page.status).toBe(200);
    const slot = slotValues(page.body)[0]!;
    expect(slot).toBeDefined();
    const book = (fields: Record<string, string>) => post(owner, BOOK, Object.entries({ client: lopez, location: ids.location, patient: ids.biscuit, type: ids.wellness, slot, ...fields }));

    const before = await snapshot();
    for (const [fields, status] of [
      [{ patient: otherPet }, 400],
      [{ type: UNKNOWN }, 400],
      [{ slot: "nine tomorrow" }, 400],
      [{ client: "not-a-uuid" }, 400],
      [{ slot: `${ids.carter}_${Date.parse(`${day}T08:00:00Z`)}` }, 409],
    ] as const) expect((await book(fields)).status).toBe(status);
    expect(await snapshot()).toEqual(before);
    expect((await post(await staffCookieFor(db, happyPaws, "emily.carter@happypaws.example.com"), BOOK, [["client", lopez]])).status).toBe(403);

    const booked = await book({});
    expect(booked.status).toBe(200);
    expect(text(booked)).toContain("Booked: Wellness exam for Biscuit");
    const stored = await withPractice(db.owner.db, happyPaws, async (trx) => {
      const appointment = await trx.selectFrom("appointments").selectAll().where("starts_at", "=", new Date(Number(slot.split("_")[1]))).where("practitioner_id", "=", ids.carter).executeTakeFirstOrThrow();
      return {
        appointment,
        time: await trx.selectFrom("booked_time").select(["appointment_id", "hold_expires_at"]).where("appointment_id", "=", appointment.id).executeTakeFirst(),
        event: await trx.selectFrom("domain_events").select("data").where("type", "=", "appointment.booked").where(sql<boolean>`data -> 'appointment' ->> 'id' = ${appointment.id}`).executeTakeFirst(),
        audit: await trx.selectFrom("audit_events").select("action").where("subject_id", "=", appointment.id).execute(),
      };
    });
    expect(stored.appointment).toMatchObject({ booked_by: "practice", status: "scheduled", patient_id: ids.biscuit });
    expect(stored.time).toEqual({ appointment_id: stored.appointment.id, hold_expires_at: null });
    expect(stored.event?.data).toMatchObject({ bookedVia: "staff" });
    expect(stored.audit.map((a) => a.action)).toEqual(["staff.appointment_booked"]);
    // Taken: not offered to the client any more, and the same time twice is a 409.
    expect(slotsOf((await get(maria, bookingPath(ids.biscuit, day, ids.carter))).body)).not.toContain(slot);
    expect((await book({})).status).toBe(409);
  });
});
