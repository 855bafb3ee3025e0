import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../app/time";
import { todayIn } from "../../app/visibility/portal-rules";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestResponse, TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
const ZONE = "America/Chicago";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let maria: string;
const ids = { maria: "", biscuit: "", otherPet: "", wellness: "", carter: "", webb: "", carterStaff: "" };
/** Extra clients of Happy Paws, each with a dog, for the race: one hold each. */
const racers: { cookie: string; patientId: string }[] = [];

function form(fields: [string, string][]): string {
  return new URLSearchParams(fields).toString();
}

const get = (cookie: string, path: string) => server.request(HAPPY, path, { headers: { cookie } });

function post(cookie: string, path: string, fields: [string, string][]): Promise<TestResponse> {
  const body = form(fields);
  return server.request(HAPPY, path, { method: "POST", headers: { cookie, origin: `http://${HAPPY}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) }, body });
}

/** A Monday two to three weeks ahead (local), clear of the demo's own appointments. */
function quietMonday(): string {
  let day = addDays(todayIn(ZONE, new Date()), 15);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 1) day = addDays(day, 1);
  return day;
}

function slotsOf(body: string): string[] {
  return [...body.matchAll(/<button[^>]*\svalue="([^"]+)"[^>]*\sname="slot"/g)].map((m) => m[1]!);
}

const bookingPath = (patient: string, date: string, extra = "") => `/appointments/book?patient=${patient}&type=${ids.wellness}&date=${date}${extra}`;

async function bookedTimeRows(): Promise<number> {
  return withPractice(db.owner.db, happyPaws, async (trx) => Number((await trx.selectFrom("booked_time").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n));
}

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
  await withPractice(db.owner.db, happyPaws, async (trx) => {
    const lopez = await trx.selectFrom("clients").select("id").where("last_name", "=", "Lopez").executeTakeFirstOrThrow();
    ids.maria = lopez.id;
    ids.biscuit = (await trx.selectFrom("patients").select("id").where("name", "=", "Biscuit").where("client_id", "=", lopez.id).executeTakeFirstOrThrow()).id;
    ids.otherPet = (await trx.selectFrom("patients").select("id").where("client_id", "!=", lopez.id).where("status", "=", "active").executeTakeFirstOrThrow()).id;
    ids.wellness = (await trx.selectFrom("appointment_types").select("id").where("name", "=", "Wellness exam").executeTakeFirstOrThrow()).id;
    const carter = await trx.selectFrom("practitioners").select(["id", "staff_member_id"]).where("name", "=", "Dr. Emily Carter").executeTakeFirstOrThrow();
    ids.carter = carter.id;
    ids.carterStaff = carter.staff_member_id!;
    ids.webb = (await trx.selectFrom("practitioners").select("id").where("name", "=", "Dr. Marcus Webb").executeTakeFirstOrThrow()).id;
    for (let i = 0; i < 6; i++) {
      const client = await trx.insertInto("clients").values({ practice_id: happyPaws.id, first_name: "Racer", last_name: `Number${i}` }).returning("id").executeTakeFirstOrThrow();
      await trx.insertInto("client_emails").values({ practice_id: happyPaws.id, client_id: client.id, email: `racer${i}@example.com`, is_primary: true }).execute();
      const pet = await trx.insertInto("patients").values({ practice_id: happyPaws.id, client_id: client.id, name: `Dash ${i}`, species: "Dog" }).returning("id").executeTakeFirstOrThrow();
      racers.push({ cookie: "", patientId: pet.id });
    }
  });
  for (let i = 0; i < racers.length; i++) racers[i]!.cookie = await sessionCookieFor(db, happyPaws, `racer${i}@example.com`);
});

afterAll(async () => {
  await server.close();
});

describe("online booking, client side", () => {
  it("offers the practitioners' free times on the practice's clock, with the appointments page linking to it", async () => {
    expect((await get(maria, "/appointments")).body).toContain('href="/appointments/book"');
    const monday = quietMonday();
    const page = await get(maria, bookingPath(ids.biscuit, monday, `&practitioner=${ids.carter}`));
    expect(page.status).toBe(200);
    const slots = slotsOf(page.body);
    // Dr. Carter: 09:00–12:00 and 13:00–17:00 on Mondays; 30 minutes and a 10-minute buffer on a 15-minute grid.
    const times = slots.map((value) => new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, hour: "2-digit", minute: "2-digit" }).format(new Date(Number(value.split("_")[1]))));
    expect(times[0]).toBe("09:00");
    expect(times).toContain("11:30");
    expect(times).not.toContain("11:45");
    expect(times).toContain("13:00");
    expect(times.at(-1)).toBe("16:30");
    expect(slots.every((s) => s.startsWith(ids.carter))).toBe(true);
  });

  it("holds a chosen time, then books it: an appointment, its time taken, an audit entry, an event and an email", async () => {
    const monday = quietMonday();
    const slot = slotsOf((await get(maria, bookingPath(ids.biscuit, monday))).body)[0]!;
    const held = await post(maria, "/appointments/book", [["patient", ids.biscuit], ["type", ids.wellness], ["slot", slot]]);
    expect(held.status).toBe(302);
    const holdPath = held.headers.location!;
    expect(holdPath).toMatch(/^\/appointments\/book\/[0-9a-f-]{36}$/);
    const review = await get(maria, holdPath);
    expect(review.status).toBe(200);
    expect(review.body).toContain("held for you until");
    // The held time is no longer offered to anyone else.
    expect(slotsOf((await get(racers[0]!.cookie, bookingPath(racers[0]!.patientId, monday))).body)).not.toContain(slot);

    expect((await post(maria, holdPath, [["reason", "   "]])).status).toBe(400);
    const booked = await post(maria, holdPath, [["reason", "Limping on the left hind leg"]]);
    expect(booked.status).toBe(302);
    expect(booked.headers.location).toBe("/appointments?booked=1");

    const stored = await withPractice(db.owner.db, happyPaws, async (trx) => {
      const appointment = await trx.selectFrom("appointments").selectAll().where("client_note", "=", "Limping on the left hind leg").executeTakeFirstOrThrow();
      return {
        appointment,
        time: await trx.selectFrom("booked_time").select(["appointment_id", "hold_expires_at"]).where("appointment_id", "=", appointment.id).executeTakeFirst(),
        audit: await trx.selectFrom("audit_events").select("action").where("subject_id", "=", appointment.id).execute(),
        event: await trx.selectFrom("domain_events").select(["type", "data"]).where("type", "=", "appointment.booked").executeTakeFirst(),
        email: await trx.selectFrom("mail.outbox").select(["recipient", "subject", "text"]).where("kind", "=", "client_appointment_booked").executeTakeFirst(),
      };
    });
    expect(stored.appointment).toMatchObject({ patient_id: ids.biscuit, status: "confirmed", booked_by: "client", reason: "Wellness exam", practitioner_id: slot.split("_")[0] });
    expect(stored.appointment.starts_at.getTime()).toBe(Number(slot.split("_")[1]));
    expect(stored.appointment.ends_at.getTime() - stored.appointment.starts_at.getTime()).toBe(30 * 60_000);
    expect(stored.time).toEqual({ appointment_id: stored.appointment.id, hold_expires_at: null });
    expect(stored.audit.map((a) => a.action)).toEqual(["client.appointment_booked"]);
    expect(stored.event?.data).toMatchObject({ appointment: { id: stored.appointment.id }, patient: { id: ids.biscuit }, bookedVia: "portal" });
    expect(stored.email).toMatchObject({ recipient: "maria.lopez@example.com", subject: expect.stringMatching(/^Booked: Wellness exam for Biscuit/) });
    expect(stored.email?.text).toContain(`/appointments/${stored.appointment.id}.ics`);
    const list = await get(maria, "/appointments?booked=1");
    expect(list.body).toContain("Your appointment is booked");
    expect((await get(maria, `/appointments/${stored.appointment.id}.ics`)).status).toBe(200);
    // The hold was used: it cannot be booked twice.
    expect((await post(maria, holdPath, [["reason", "Again"]])).status).toBe(410);
  });

  it("lets exactly one of many clients racing for one time have it; the others are told and shown the times still free", async () => {
    const day = addDays(quietMonday(), 1);
    const slot = slotsOf((await get(racers[0]!.cookie, bookingPath(racers[0]!.patientId, day, `&practitioner=${ids.carter}`))).body)[2]!;
    const before = await bookedTimeRows();
    // Posted where the page's own form posts: the page's address, so a refusal shows the same choices with fresh times.
    const answers = await Promise.all(racers.map((r) => post(r.cookie, `${bookingPath(r.patientId, day, `&practitioner=${ids.carter}`)}&index`, [["patient", r.patientId], ["type", ids.wellness], ["slot", slot]])));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([302, 409, 409, 409, 409, 409]);
    for (const lost of answers.filter((a) => a.status === 409)) {
      expect(lost.body).toMatch(/That time (was just taken|is no longer available)/);
      const fresh = slotsOf(lost.body);
      expect(fresh.length).toBeGreaterThan(0);
      expect(fresh).not.toContain(slot);
    }
    expect(await bookedTimeRows()).toBe(before + 1);
  });

  it("gives an expired hold's time to the next client without any job, and refuses the expired hold", async () => {
    const day = addDays(quietMonday(), 2);
    const [a, b] = [racers[1]!, racers[2]!];
    const slot = slotsOf((await get(a.cookie, bookingPath(a.patientId, day, `&practitioner=${ids.carter}`))).body)[0]!;
    const held = await post(a.cookie, "/appointments/book", [["patient", a.patientId], ["type", ids.wellness], ["slot", slot]]);
    expect(held.status).toBe(302);
    expect(slotsOf((await get(b.cookie, bookingPath(b.patientId, day, `&practitioner=${ids.carter}`))).body)).not.toContain(slot);
    server.clock.advance(31 * 60_000);
    try {
      expect(slotsOf((await get(b.cookie, bookingPath(b.patientId, day, `&practitioner=${ids.carter}`))).body)).toContain(slot);
      expect((await post(b.cookie, "/appointments/book", [["patient", b.patientId], ["type", ids.wellness], ["slot", slot]])).status).toBe(302);
      expect((await post(a.cookie, held.headers.location!, [["reason", "Too late"]])).status).toBe(410);
      expect((await get(a.cookie, held.headers.location!)).status).toBe(410);
    } finally {
      server.clock.reset();
    }
  });

  it("answers bad input with a 4xx and a message, and writes nothing", async () => {
    const monday = quietMonday();
    const slot = slotsOf((await get(maria, bookingPath(ids.biscuit, addDays(monday, 3)))).body)[0]!;
    const [practitioner, ms] = slot.split("_") as [string, string];
    const before = await bookedTimeRows();
    const hold = (fields: [string, string][]) => post(maria, "/appointments/book", fields);
    const cases: [string, [string, string][], number][] = [
      ["a time not offered (03:00)", [["patient", ids.biscuit], ["type", ids.wellness], ["slot", `${practitioner}_${Date.parse(`${monday}T09:00:00Z`)}`]], 409],
      ["a past time", [["patient", ids.biscuit], ["type", ids.wellness], ["slot", `${practitioner}_${Date.now() - 86_400_000}`]], 409],
      ["someone else's pet", [["patient", ids.otherPet], ["type", ids.wellness], ["slot", slot]], 400],
      ["a type that is not offered", [["patient", ids.biscuit], ["type", "00000000-0000-4000-8000-000000000000"], ["slot", slot]], 400],
      ["a practitioner who does not do it", [["patient", ids.biscuit], ["type", ids.wellness], ["slot", `00000000-0000-4000-8000-000000000000_${ms}`]], 400],
      ["a garbled time", [["patient", ids.biscuit], ["type", ids.wellness], ["slot", "tomorrow at nine"]], 400],
      ["nothing", [], 400],
    ];
    for (const [name, fields, status] of cases) {
      const res = await hold(fields);
      expect({ name, status: res.status }).toEqual({ name, status });
      expect(res.body).toContain('role="alert"');
    }
    // A practitioner not on the client's available-practitioners list (the practice keeps one for Maria: Dr. Carter).
    await withPractice(db.owner.db, happyPaws, (trx) => trx.insertInto("client_available_practitioners").values({ practice_id: happyPaws.id, client_id: ids.maria, staff_id: ids.carterStaff }).execute());
    try {
      const tuesday = addDays(monday, 1);
      const offered = slotsOf((await get(maria, bookingPath(ids.biscuit, tuesday))).body);
      expect(offered.length).toBeGreaterThan(0);
      expect(offered.every((s) => s.startsWith(ids.carter))).toBe(true);
      const webbPage = await get(racers[3]!.cookie, bookingPath(racers[3]!.patientId, tuesday, `&practitioner=${ids.webb}`));
      const webbSlot = slotsOf(webbPage.body)[0]!;
      expect((await hold([["patient", ids.biscuit], ["type", ids.wellness], ["slot", webbSlot]])).status).toBe(400);
    } finally {
      await withPractice(db.owner.db, happyPaws, (trx) => trx.deleteFrom("client_available_practitioners").where("client_id", "=", ids.maria).execute());
    }
    // Someone else's hold, and ids that are no hold at all.
    const racer = racers[4]!;
    const theirs = await post(racer.cookie, "/appointments/book", [["patient", racer.patientId], ["type", ids.wellness], ["slot", slot]]);
    expect(theirs.status).toBe(302);
    expect((await get(maria, theirs.headers.location!)).status).toBe(410);
    expect((await post(maria, theirs.headers.location!, [["reason", "Mine now"]])).status).toBe(410);
    expect((await get(maria, "/appointments/book/not-a-hold")).status).toBe(404);
    expect(await bookedTimeRows()).toBe(before + 1);
  });

  it("moves an online booking to another free time, keeping the appointment; cancels one; inside the window says to call", async () => {
    const racer = racers[5]!;
    const day = addDays(quietMonday(), 7);
    const book = async (date: string, pick: number) => {
      const path = bookingPath(racer.patientId, date, `&practitioner=${ids.carter}`);
      const slot = slotsOf((await get(racer.cookie, path)).body)[pick]!;
      const held = await post(racer.cookie, `${path}&index`, [["patient", racer.patientId], ["type", ids.wellness], ["slot", slot]]);
      expect(held.status).toBe(302);
      expect((await post(racer.cookie, held.headers.location!, [["reason", "Check-up"]])).status).toBe(302);
      return { slot, id: await withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("appointments").select("id").where("starts_at", "=", new Date(Number(slot.split("_")[1]))).where("practitioner_id", "=", ids.carter).executeTakeFirstOrThrow()).id) };
    };
    const first = await book(day, 0);
    const list = await get(racer.cookie, "/appointments");
    expect(list.body).toContain(`/appointments/book?reschedule=${first.id}`);
    expect(list.body).toContain(`/appointments/${first.id}/cancel`);

    const movePath = `/appointments/book?reschedule=${first.id}&patient=${racer.patientId}&type=${ids.wellness}&practitioner=${ids.carter}&date=${addDays(day, 1)}`;
    const movePage = await get(racer.cookie, movePath);
    expect(movePage.body).toContain("Move your appointment");
    const target = slotsOf(movePage.body)[3]!;
    expect((await post(racer.cookie, `${movePath}&index`, [["patient", ids.biscuit], ["type", ids.wellness], ["slot", target], ["reschedule", first.id]])).status).toBe(400);
    const held = await post(racer.cookie, `${movePath}&index`, [["patient", racer.patientId], ["type", ids.wellness], ["slot", target], ["reschedule", first.id]]);
    expect(held.status).toBe(302);
    expect((await get(racer.cookie, held.headers.location!)).body).toContain("Confirm the new time");
    const moved = await post(racer.cookie, held.headers.location!, []);
    expect(moved.headers.location).toBe("/appointments?moved=1");
    const after = await withPractice(db.owner.db, happyPaws, async (trx) => ({
      appointment: await trx.selectFrom("appointments").select(["starts_at", "status", "client_note"]).where("id", "=", first.id).executeTakeFirstOrThrow(),
      times: await trx.selectFrom("booked_time").select([sql<Date>`lower(during)`.as("starts")]).where("appointment_id", "=", first.id).execute(),
      audit: (await trx.selectFrom("audit_events").select("action").where("subject_id", "=", first.id).orderBy("seq").execute()).map((r) => r.action),
      event: await trx.selectFrom("domain_events").select("data").where("type", "=", "appointment.rescheduled").executeTakeFirst(),
      email: await trx.selectFrom("mail.outbox").select("subject").where("kind", "=", "client_appointment_moved").executeTakeFirst(),
    }));
    expect(after.appointment).toMatchObject({ status: "confirmed", client_note: "Check-up" });
    expect(after.appointment.starts_at.getTime()).toBe(Number(target.split("_")[1]));
    expect(after.times.map((t) => new Date(t.starts).getTime())).toEqual([Number(target.split("_")[1])]);
    expect(after.audit).toEqual(["client.appointment_booked", "client.appointment_rescheduled"]);
    expect(after.event?.data).toMatchObject({ appointment: { id: first.id }, previous: { startsAt: new Date(Number(first.slot.split("_")[1])).toISOString() } });
    expect(after.email?.subject).toMatch(/^Moved: Wellness exam/);
    // The old time is free again for anyone.
    expect(slotsOf((await get(maria, bookingPath(ids.biscuit, day, `&practitioner=${ids.carter}`))).body)).toContain(first.slot);

    const cancelled = await post(racer.cookie, `/appointments/${first.id}/cancel`, []);
    expect(cancelled.headers.location).toBe("/appointments?cancelled=1");
    const gone = await withPractice(db.owner.db, happyPaws, async (trx) => ({
      status: (await trx.selectFrom("appointments").select("status").where("id", "=", first.id).executeTakeFirstOrThrow()).status,
      times: await trx.selectFrom("booked_time").select("id").where("appointment_id", "=", first.id).execute(),
      event: await trx.selectFrom("domain_events").select("data").where("type", "=", "appointment.cancelled").executeTakeFirst(),
    }));
    expect(gone).toMatchObject({ status: "cancelled", times: [], event: { data: { appointment: { id: first.id }, cancelledBy: "client" } } });
    expect((await post(racer.cookie, `/appointments/${first.id}/cancel`, [])).status).toBe(409);

    // Inside the window (made 30 days long, so a booking a week away is in it): the page says to call, and the change is refused.
    const second = await book(day, 5);
    const setWindow = (hours: number) => withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_cancel_window_hours: hours }).execute());
    await setWindow(720);
    try {
      expect((await get(racer.cookie, "/appointments")).body).toContain("to cancel or move it, please call the practice");
      expect((await post(racer.cookie, `/appointments/${second.id}/cancel`, [])).status).toBe(409);
      expect((await get(racer.cookie, `/appointments/book?reschedule=${second.id}`)).status).toBe(409);
    } finally {
      await setWindow(24);
    }
    // What the practice booked is changed by phone; someone else's appointment is not there.
    const practiceBooked = await withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("appointments").select("id").where("patient_id", "=", ids.biscuit).where("booked_by", "=", "practice").where("status", "in", ["scheduled", "confirmed"]).where("starts_at", ">", new Date()).executeTakeFirstOrThrow()).id);
    expect((await post(maria, `/appointments/${practiceBooked}/cancel`, [])).status).toBe(409);
    expect((await post(maria, `/appointments/${second.id}/cancel`, [])).status).toBe(404);
  });

  it("adds a new pet while booking when the practice allows it, and refuses it when not", async () => {
    const racer = racers[0]!;
    const bad = await post(racer.cookie, "/appointments/book?index", [["intent", "add-patient"], ["name", "Nova"], ["species", ""]]);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("what kind of animal");
    expect((await post(racer.cookie, "/appointments/book?index", [["intent", "add-patient"], ["name", "A".repeat(101)], ["species", "Dog"]])).status).toBe(400);
    const added = await post(racer.cookie, "/appointments/book?index", [["intent", "add-patient"], ["name", "Nova"], ["species", "Cat"], ["breed", "Siamese"]]);
    expect(added.status).toBe(302);
    const patientId = new URL(added.headers.location!, "http://x").searchParams.get("patient")!;
    const stored = await withPractice(db.owner.db, happyPaws, async (trx) => ({
      patient: await trx.selectFrom("patients").select(["name", "species", "breed", "external_id"]).where("id", "=", patientId).executeTakeFirstOrThrow(),
      event: await trx.selectFrom("domain_events").select("data").where("type", "=", "patient.added_by_client").executeTakeFirst(),
    }));
    expect(stored).toMatchObject({ patient: { name: "Nova", species: "Cat", breed: "Siamese", external_id: null }, event: { data: { patient: { id: patientId, externalId: null } } } });
    // The new pet can be booked at once: the page continues with it chosen.
    expect((await get(racer.cookie, added.headers.location!)).body).toContain("Nova");
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_new_patients: false }).execute());
    try {
      expect((await post(racer.cookie, "/appointments/book?index", [["intent", "add-patient"], ["name", "Ghost"], ["species", "Dog"]])).status).toBe(404);
      expect((await get(racer.cookie, "/appointments/book")).body).not.toContain("Add and continue");
    } finally {
      await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_new_patients: true }).execute());
    }
  });

  it("is not offered when the practice turns booking off", async () => {
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_mode: "off" }).execute());
    try {
      const page = await get(maria, "/appointments/book");
      expect(page.status).toBe(200);
      expect(page.body).toContain("Online booking is not offered");
      expect((await get(maria, "/appointments")).body).not.toContain('href="/appointments/book"');
      expect((await post(maria, "/appointments/book", [["patient", ids.biscuit]])).status).toBe(404);
    } finally {
      await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_mode: "direct" }).execute());
    }
  });
});

describe("online booking at a practice with two locations", () => {
  const RIVERSIDE = "riverside-physio.localhost:3000";
  const ZONE_UK = "Europe/London";

  it("asks where first, offers each location's own hours, and holds the time at the location chosen", async () => {
    const riverside = (await server.registry.resolve("riverside-physio"))!;
    const alex = await sessionCookieFor(db, riverside, "alex.morgan@example.com");
    const at = (path: string) => server.request(RIVERSIDE, path, { headers: { cookie: alex } });
    const { locations, patientId, chiro, owen } = await withPractice(db.owner.db, riverside, async (trx) => ({
      locations: await trx.selectFrom("locations").select(["id", "name"]).orderBy("position").execute(),
      patientId: (await trx.selectFrom("patients as p").innerJoin("client_emails as e", "e.client_id", "p.client_id").select("p.id").where("e.email", "=", "alex.morgan@example.com").where("p.status", "=", "active").executeTakeFirstOrThrow()).id,
      chiro: (await trx.selectFrom("appointment_types").select("id").where("name", "=", "Chiropractic adjustment").executeTakeFirstOrThrow()).id,
      owen: (await trx.selectFrom("practitioners").select("id").where("name", "=", "Owen Price").executeTakeFirstOrThrow()).id,
    }));
    expect(locations).toHaveLength(2);
    const first = await at("/appointments/book");
    expect(first.status).toBe(200);
    expect(first.body).toContain("Where?");
    expect(slotsOf(first.body)).toEqual([]);

    // Owen works at the second location only: there he has free times, at the first none.
    let day = addDays(todayIn(ZONE_UK, new Date()), 14);
    while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 2) day = addDays(day, 1);
    const path = (location: string) => `/appointments/book?location=${location}&patient=${patientId}&type=${chiro}&date=${day}`;
    const there = slotsOf((await at(path(locations[1]!.id))).body);
    expect(there.length).toBeGreaterThan(0);
    expect(there.every((s) => s.startsWith(owen))).toBe(true);
    expect(slotsOf((await at(path(locations[0]!.id))).body)).toEqual([]);

    const post = (location: string) => {
      const body = new URLSearchParams([["patient", patientId], ["type", chiro], ["slot", there[0]!], ["location", location]]).toString();
      return server.request(RIVERSIDE, `${path(location)}&index`, { method: "POST", headers: { cookie: alex, origin: `http://${RIVERSIDE}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) }, body });
    };
    // The type is not offered at the other location at all (the chiropractor works at the second only).
    expect((await post(locations[0]!.id)).status).toBe(400);
    const held = await post(locations[1]!.id);
    expect(held.status).toBe(302);
    const holdId = held.headers.location!.split("/").at(-1)!;
    const stored = await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("booked_time").select(["location_id", "practitioner_id"]).where("id", "=", holdId).executeTakeFirstOrThrow());
    expect(stored).toEqual({ location_id: locations[1]!.id, practitioner_id: owen });
    expect((await at(held.headers.location!)).body).toContain(locations[1]!.name);
  });
});
