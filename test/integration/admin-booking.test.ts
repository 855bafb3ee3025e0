import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, zonedToUtc } from "../../app/time";
import { todayIn } from "../../app/visibility/portal-rules";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestResponse, TestServer } from "../support/http";
import { staffCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";
const PAGE = "/admin/booking";
const ZONE = "America/Chicago";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let riverside: Practice;
let owner: string;
let riversideOwner: string;
const ids = { carter: "", ortiz: "", retired: "", vaccination: "", dental: "", consult: "", emilyStaff: "", jordanStaff: "", location: "", riversidePractitioner: "", riversideHours: "" };

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  riverside = (await server.registry.resolve("riverside-physio"))!;
  owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
  riversideOwner = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
  await withPractice(db.owner.db, happyPaws, async (trx) => {
    // Whatever booking setup the demo has is put aside, so that these tests start from a known state.
    for (const table of ["booked_time", "practitioner_hours", "schedule_exceptions", "appointment_type_practitioners", "appointment_type_locations"] as const) await trx.deleteFrom(table).execute();
    await trx.updateTable("practitioners").set({ active: false, bookable: false, staff_member_id: null }).execute();
    await trx.updateTable("appointment_types").set({ active: false, bookable_online: false }).execute();
    await trx
      .updateTable("practice_settings")
      .set({ booking_mode: "off", booking_min_notice_minutes: 120, booking_max_advance_days: 60, booking_slot_step_minutes: 15, booking_cancel_window_hours: 24, booking_new_patients: false, booking_new_clients: false })
      .execute();
    // Practitioners and types as the practice system pushes them, with external ids.
    const practitioner = (externalId: string, name: string, active = true) =>
      trx.insertInto("practitioners").values({ practice_id: happyPaws.id, external_id: externalId, name, title: "DVM", active }).returning("id").executeTakeFirstOrThrow();
    ids.carter = (await practitioner("P-1", "Dr. Emily Carter")).id;
    ids.ortiz = (await practitioner("P-2", "Dr. Ben Ortiz")).id;
    ids.retired = (await practitioner("P-3", "Dr. Old Timer", false)).id;
    const type = (externalId: string, name: string, duration: number | null) =>
      trx.insertInto("appointment_types").values({ practice_id: happyPaws.id, external_id: externalId, name, duration_minutes: duration }).returning("id").executeTakeFirstOrThrow();
    ids.vaccination = (await type("T-1", "Vaccination", 20)).id;
    ids.dental = (await type("T-2", "Dental check", 30)).id;
    ids.consult = (await type("T-3", "Consultation", null)).id;
    const staff = (email: string) => trx.selectFrom("staff_members").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    ids.emilyStaff = (await staff("emily.carter@happypaws.example.com")).id;
    ids.jordanStaff = (await staff("jordan.lee@happypaws.example.com")).id;
    ids.location = (await trx.selectFrom("locations").select("id").executeTakeFirstOrThrow()).id;
  });
  await withPractice(db.owner.db, riverside, async (trx) => {
    ids.riversidePractitioner = (await trx.insertInto("practitioners").values({ practice_id: riverside.id, external_id: "R-1", name: "Hannah Brooks", bookable: true }).returning("id").executeTakeFirstOrThrow()).id;
    await trx.insertInto("appointment_types").values({ practice_id: riverside.id, external_id: "RT-1", name: "Physio assessment", duration_minutes: 45, bookable_online: true }).execute();
    const location = await trx.selectFrom("locations").select("id").executeTakeFirstOrThrow();
    ids.riversideHours = (await trx.insertInto("practitioner_hours").values({ practice_id: riverside.id, practitioner_id: ids.riversidePractitioner, location_id: location.id, weekday: 1, starts: "09:00", ends: "17:00" }).returning("id").executeTakeFirstOrThrow()).id;
  });
});

afterAll(async () => {
  await server.close();
});

const get = (cookie: string, path = PAGE, host = HAPPY) => server.request(host, path, { headers: { cookie } });

function post(cookie: string, fields: [string, string][], host = HAPPY): Promise<TestResponse> {
  const body = new URLSearchParams(fields).toString();
  return server.request(host, PAGE, {
    method: "POST",
    headers: { cookie, origin: `http://${host}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) },
    body,
  });
}

/** The page's alert, as the browser would show it. */
const alertOf = (res: TestResponse) => /role="alert">([^<]+)</.exec(res.body)?.[1]?.replace(/&#x27;|&#39;/g, "'");

/** Everything this page may write, for "nothing was written" checks. */
function snapshot(practice = happyPaws) {
  return withPractice(db.owner.db, practice, async (trx) => ({
    settings: await trx.selectFrom("practice_settings").selectAll().executeTakeFirstOrThrow(),
    practitioners: await trx.selectFrom("practitioners").select(["id", "bookable", "staff_member_id", "updated_at"]).orderBy("id").execute(),
    types: await trx.selectFrom("appointment_types").select(["id", "bookable_online", "duration_minutes", "buffer_minutes", "species", "updated_at"]).orderBy("id").execute(),
    performers: await trx.selectFrom("appointment_type_practitioners").selectAll().orderBy("appointment_type_id").orderBy("practitioner_id").execute(),
    offeredAt: await trx.selectFrom("appointment_type_locations").selectAll().orderBy("appointment_type_id").execute(),
    hours: await trx.selectFrom("practitioner_hours").selectAll().orderBy("id").execute(),
    exceptions: await trx.selectFrom("schedule_exceptions").selectAll().orderBy("id").execute(),
    audits: (await trx.selectFrom("audit_events").select("seq").where("action", "like", "staff.%booking%").execute()).length + (await trx.selectFrom("audit_events").select("seq").where("action", "like", "staff.schedule_exception%").execute()).length,
  }));
}

/** Posts each form, expects each to be refused with a message and nothing written. */
async function expectRefused(forms: [string, string][][], expectedStatus = 400, cookie = owner): Promise<string[]> {
  const before = await snapshot();
  const messages: string[] = [];
  for (const fields of forms) {
    const res = await post(cookie, fields);
    expect(res.status, JSON.stringify(fields)).toBe(expectedStatus);
    if (expectedStatus === 400) {
      const message = alertOf(res);
      expect(message, JSON.stringify(fields)).toBeTruthy();
      messages.push(message!);
    }
  }
  expect(await snapshot()).toEqual(before);
  return messages;
}

const lastAudit = (action: string) =>
  withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select(["details", "actor_id", "subject_id"]).where("action", "=", action).orderBy("seq", "desc").executeTakeFirstOrThrow());

type Settings = { mode: string; minNoticeMinutes: string; maxAdvanceDays: string; slotStepMinutes: string; cancelWindowHours: string; newPatients?: boolean; newClients?: boolean };
const DEFAULT_SETTINGS: Settings = { mode: "off", minNoticeMinutes: "120", maxAdvanceDays: "60", slotStepMinutes: "15", cancelWindowHours: "24" };
function settingsForm(change: Partial<Settings> = {}): [string, string][] {
  const s = { ...DEFAULT_SETTINGS, ...change };
  const fields: [string, string][] = [["intent", "settings"], ["mode", s.mode], ["minNoticeMinutes", s.minNoticeMinutes], ["maxAdvanceDays", s.maxAdvanceDays], ["slotStepMinutes", s.slotStepMinutes], ["cancelWindowHours", s.cancelWindowHours]];
  if (s.newPatients) fields.push(["newPatients", "on"]);
  if (s.newClients) fields.push(["newClients", "on"]);
  return fields;
}

type PractitionerRow = { id: string; bookable: boolean; staff?: string };
function practitionersForm(rows: PractitionerRow[]): [string, string][] {
  const fields: [string, string][] = [["intent", "practitioners"]];
  for (const row of rows) {
    fields.push(["practitionerId", row.id], [`staffMember-${row.id}`, row.staff ?? ""]);
    if (row.bookable) fields.push(["bookable", row.id]);
  }
  return fields;
}

type TypeRow = { id: string; bookable: boolean; duration?: string; buffer?: string; species?: string; practitioners?: string[] };
function typesForm(rows: TypeRow[]): [string, string][] {
  const fields: [string, string][] = [["intent", "types"]];
  for (const row of rows) {
    fields.push(["typeId", row.id], [`duration-${row.id}`, row.duration ?? ""], [`buffer-${row.id}`, row.buffer ?? "0"], [`species-${row.id}`, row.species ?? ""]);
    if (row.bookable) fields.push(["bookable", row.id]);
    for (const p of row.practitioners ?? []) fields.push([`practitioners-${row.id}`, p]);
  }
  return fields;
}

const hoursForm = (practitionerId: string, weekday: string, starts: string, ends: string): [string, string][] => [
  ["intent", "add-hours"],
  ["practitionerId", practitionerId],
  ["locationId", ids.location],
  ["weekday", weekday],
  ["starts", starts],
  ["ends", ends],
];

/** A date a month ahead in the practice's zone: always in the future, whenever the suite runs. */
const inAMonth = () => addDays(todayIn(ZONE, new Date()), 30);

describe("permission", () => {
  it("answers 403 to staff without manage_booking, on the page and on every form, and hides the navigation entry", async () => {
    const frontDesk = await staffCookieFor(db, happyPaws, "sam.rivera@happypaws.example.com");
    expect((await get(frontDesk)).status).toBe(403);
    await expectRefused([settingsForm({ maxAdvanceDays: "90" }), practitionersForm([{ id: ids.carter, bookable: true }]), hoursForm(ids.carter, "1", "09:00", "12:00"), [["intent", "nonsense"]]], 403, frontDesk);
    expect((await get(frontDesk, "/admin")).body).not.toContain(`href="${PAGE}"`);
    expect((await get(owner, "/admin")).body).toContain(`href="${PAGE}"`);
  });
});

describe("booking settings", () => {
  it("stores the settings and audits what changed, before and after", async () => {
    const res = await post(owner, settingsForm({ minNoticeMinutes: "240", maxAdvanceDays: "90", slotStepMinutes: "30", cancelWindowHours: "48", newPatients: true, newClients: true }));
    expect(res.status).toBe(200);
    const { settings } = await snapshot();
    expect(settings).toMatchObject({ booking_mode: "off", booking_min_notice_minutes: 240, booking_max_advance_days: 90, booking_slot_step_minutes: 30, booking_cancel_window_hours: 48, booking_new_patients: true, booking_new_clients: true });
    const audit = await lastAudit("staff.booking_settings_changed");
    expect(audit.details).toEqual({
      section: "settings",
      before: { minNoticeMinutes: 120, maxAdvanceDays: 60, slotStepMinutes: 15, cancelWindowHours: 24, newPatients: false, newClients: false },
      after: { minNoticeMinutes: 240, maxAdvanceDays: 90, slotStepMinutes: 30, cancelWindowHours: 48, newPatients: true, newClients: true },
    });
    DEFAULT_SETTINGS.minNoticeMinutes = "240";
    DEFAULT_SETTINGS.maxAdvanceDays = "90";
    DEFAULT_SETTINGS.slotStepMinutes = "30";
    DEFAULT_SETTINGS.cancelWindowHours = "48";
    DEFAULT_SETTINGS.newPatients = true;
    DEFAULT_SETTINGS.newClients = true;
  });

  it("refuses out-of-range and garbage values with a message, writing nothing", async () => {
    const messages = await expectRefused([
      settingsForm({ minNoticeMinutes: "20161" }),
      settingsForm({ minNoticeMinutes: "-5" }),
      settingsForm({ maxAdvanceDays: "0" }),
      settingsForm({ maxAdvanceDays: "366" }),
      settingsForm({ maxAdvanceDays: "1e3" }),
      settingsForm({ slotStepMinutes: "7" }),
      settingsForm({ cancelWindowHours: "721" }),
      settingsForm({ cancelWindowHours: "99999999999999999999" }),
      settingsForm({ mode: "request" }),
      [["intent", "settings"]],
    ]);
    expect(messages).toContain("Clients can book between 1 and 365 days ahead.");
    expect(messages).toContain("Choose how often appointments may start.");
  });

  it("refuses direct booking while nothing is bookable, naming what is missing", async () => {
    const [message] = await expectRefused([settingsForm({ mode: "direct" })]);
    expect(message).toContain("at least one practitioner and at least one appointment type");
  });

  it("turns booking on for a practice with two locations: clients choose where", async () => {
    const res = await post(riversideOwner, settingsForm({ mode: "direct" }), RIVERSIDE);
    expect(res.status).toBe(200);
    const stored = await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("practice_settings").select("booking_mode").executeTakeFirstOrThrow());
    expect(stored.booking_mode).toBe("direct");
  });
});

describe("practitioners and appointment types", () => {
  it("saves which practitioners are bookable and who they are, and refuses bad rows", async () => {
    await expectRefused([
      practitionersForm([{ id: UNKNOWN, bookable: true }]),
      practitionersForm([{ id: "not-a-uuid", bookable: true }]),
      practitionersForm([{ id: ids.riversidePractitioner, bookable: true }]),
      practitionersForm([{ id: ids.retired, bookable: true }]),
      practitionersForm([{ id: ids.carter, bookable: true, staff: UNKNOWN }]),
      practitionersForm([{ id: ids.carter, bookable: true, staff: "garbage" }]),
      practitionersForm([
        { id: ids.carter, bookable: true, staff: ids.emilyStaff },
        { id: ids.ortiz, bookable: true, staff: ids.emilyStaff },
      ]),
      [...practitionersForm([{ id: ids.carter, bookable: true }]), ["bookable", ids.ortiz]],
      [["intent", "practitioners"]],
    ]);

    const res = await post(
      owner,
      practitionersForm([
        { id: ids.carter, bookable: true, staff: ids.emilyStaff },
        { id: ids.ortiz, bookable: true },
      ]),
    );
    expect(res.status).toBe(200);
    const { practitioners } = await snapshot();
    expect(practitioners.find((p) => p.id === ids.carter)).toMatchObject({ bookable: true, staff_member_id: ids.emilyStaff });
    expect(practitioners.find((p) => p.id === ids.ortiz)).toMatchObject({ bookable: true, staff_member_id: null });
    expect((await lastAudit("staff.booking_settings_changed")).details).toEqual({
      section: "practitioners",
      before: { "Dr. Emily Carter": { bookable: false, staffMember: null }, "Dr. Ben Ortiz": { bookable: false, staffMember: null } },
      after: { "Dr. Emily Carter": { bookable: true, staffMember: "Dr. Emily Carter" }, "Dr. Ben Ortiz": { bookable: true, staffMember: null } },
    });

    // Two practitioners may swap staff accounts in one save.
    expect((await post(owner, practitionersForm([{ id: ids.carter, bookable: true, staff: ids.jordanStaff }, { id: ids.ortiz, bookable: true, staff: ids.emilyStaff }]))).status).toBe(200);
    expect((await post(owner, practitionersForm([{ id: ids.carter, bookable: true, staff: ids.emilyStaff }, { id: ids.ortiz, bookable: true, staff: ids.jordanStaff }]))).status).toBe(200);
    const swapped = (await snapshot()).practitioners;
    expect(swapped.find((p) => p.id === ids.carter)?.staff_member_id).toBe(ids.emilyStaff);
    expect(swapped.find((p) => p.id === ids.ortiz)?.staff_member_id).toBe(ids.jordanStaff);
  });

  it("saves bookable types with duration, buffer, species and practitioners, and refuses bad rows", async () => {
    const valid: TypeRow[] = [
      { id: ids.vaccination, bookable: true, duration: "20", buffer: "10", species: " Dog, cat ,dog,, Rabbit ", practitioners: [ids.carter, ids.ortiz] },
      { id: ids.dental, bookable: false, duration: "30", buffer: "0", practitioners: [] },
      { id: ids.consult, bookable: false, duration: "", buffer: "0" },
    ];
    const withVaccination = (change: Partial<TypeRow>) => typesForm([{ ...valid[0]!, ...change }, valid[1]!, valid[2]!]);
    const messages = await expectRefused([
      withVaccination({ practitioners: [] }),
      withVaccination({ duration: "" }),
      withVaccination({ duration: "4" }),
      withVaccination({ duration: "481" }),
      withVaccination({ duration: "twenty" }),
      withVaccination({ buffer: "241" }),
      withVaccination({ buffer: "-1" }),
      withVaccination({ species: Array.from({ length: 11 }, (_, i) => `species ${i}`).join(",") }),
      withVaccination({ species: "x".repeat(61) }),
      withVaccination({ species: "dog\u0007" }),
      withVaccination({ practitioners: [ids.retired] }),
      withVaccination({ practitioners: [UNKNOWN] }),
      withVaccination({ practitioners: ["garbage"] }),
      withVaccination({ id: UNKNOWN }),
      typesForm([{ id: ids.consult, bookable: true, duration: "", practitioners: [ids.carter] }]),
      [["intent", "types"]],
    ]);
    expect(messages[0]).toBe("Vaccination: choose at least one practitioner who performs it to make it bookable online.");
    expect(messages[2]).toBe("Vaccination: The duration is between 5 and 480 minutes.");

    expect((await post(owner, typesForm(valid))).status).toBe(200);
    const after = await snapshot();
    expect(after.types.find((t) => t.id === ids.vaccination)).toMatchObject({ bookable_online: true, duration_minutes: 20, buffer_minutes: 10, species: ["Dog", "cat", "Rabbit"] });
    expect(after.types.find((t) => t.id === ids.consult)).toMatchObject({ bookable_online: false, duration_minutes: null });
    expect(after.performers.map((p) => [p.appointment_type_id, p.practitioner_id])).toEqual(expect.arrayContaining([[ids.vaccination, ids.carter], [ids.vaccination, ids.ortiz]]));
    expect(after.performers).toHaveLength(2);
    expect(after.offeredAt).toEqual([{ practice_id: happyPaws.id, appointment_type_id: ids.vaccination, location_id: ids.location }]);
    expect((await lastAudit("staff.booking_settings_changed")).details).toEqual({
      section: "appointment types",
      before: { Vaccination: { bookable: false, buffer: 0, species: [], practitioners: [], locations: [] } },
      // No location ticked (a single-location practice is not asked): offered at every open one.
      after: { Vaccination: { bookable: true, buffer: 10, species: ["Dog", "cat", "Rabbit"], practitioners: ["Dr. Ben Ortiz", "Dr. Emily Carter"], locations: ["Happy Paws Animal Hospital"] } },
    });

    // Dropping a performer is saved; a bookable type cannot lose its last bookable practitioner from the other side.
    expect((await post(owner, typesForm([{ ...valid[0]!, practitioners: [ids.carter] }, valid[1]!, valid[2]!]))).status).toBe(200);
    const [orphan] = await expectRefused([practitionersForm([{ id: ids.carter, bookable: false, staff: ids.emilyStaff }, { id: ids.ortiz, bookable: true, staff: ids.jordanStaff }])]);
    expect(orphan).toContain("“Vaccination” is bookable online and would have no bookable practitioner left");
  });
});

describe("weekly hours", () => {
  it("adds hours, refuses overlaps and bad times, and removes them", async () => {
    expect((await post(owner, hoursForm(ids.carter, "1", "09:00", "12:00"))).status).toBe(200);
    expect((await post(owner, hoursForm(ids.carter, "1", "13:00", "17:30"))).status).toBe(200);
    // The same times on another day, or for someone else, are fine.
    expect((await post(owner, hoursForm(ids.carter, "2", "09:00", "12:00"))).status).toBe(200);
    expect((await post(owner, hoursForm(ids.ortiz, "1", "10:00", "11:00"))).status).toBe(200);
    expect((await lastAudit("staff.booking_hours_changed")).details).toEqual({ practitioner: "Dr. Ben Ortiz", added: "Monday 10:00–11:00", location: "Happy Paws Animal Hospital", hoursId: expect.any(String) });

    const messages = await expectRefused([
      hoursForm(ids.carter, "1", "11:00", "13:30"),
      hoursForm(ids.carter, "1", "08:00", "18:00"),
      hoursForm(ids.carter, "1", "09:00", "12:00"),
      hoursForm(ids.carter, "3", "12:00", "09:00"),
      hoursForm(ids.carter, "3", "09:00", "09:00"),
      hoursForm(ids.carter, "8", "09:00", "12:00"),
      hoursForm(ids.carter, "0", "09:00", "12:00"),
      hoursForm(ids.carter, "Mon", "09:00", "12:00"),
      hoursForm(ids.carter, "3", "25:00", "26:00"),
      hoursForm(ids.carter, "3", "9am", "noon"),
      hoursForm(ids.retired, "3", "09:00", "12:00"),
      hoursForm(UNKNOWN, "3", "09:00", "12:00"),
      hoursForm(ids.riversidePractitioner, "3", "09:00", "12:00"),
      hoursForm("garbage", "3", "09:00", "12:00"),
      [...hoursForm(ids.carter, "3", "09:00", "12:00")].map(([k, v]): [string, string] => (k === "locationId" ? [k, UNKNOWN] : [k, v])),
    ]);
    expect(messages[0]).toBe("Dr. Emily Carter already works 09:00–12:00 on Mondays: the new hours overlap them.");
    expect(messages[3]).toBe("The hours must end after they start.");
    expect(messages[5]).toBe("Choose a day of the week.");

    // Another practice's row, an unknown id or no id at all: not found, never a 500.
    await expectRefused([[["intent", "remove-hours"], ["id", ids.riversideHours]], [["intent", "remove-hours"], ["id", UNKNOWN]], [["intent", "remove-hours"], ["id", "garbage"]], [["intent", "remove-hours"]]], 404);

    const { hours } = await snapshot();
    const tuesday = hours.find((h) => h.weekday === 2)!;
    expect((await post(owner, [["intent", "remove-hours"], ["id", tuesday.id]])).status).toBe(200);
    expect((await snapshot()).hours.map((h) => h.id)).not.toContain(tuesday.id);
    expect((await lastAudit("staff.booking_hours_changed")).details).toEqual({ practitioner: "Dr. Emily Carter", removed: "Tuesday 09:00–12:00", location: "Happy Paws Animal Hospital", hoursId: tuesday.id });
  });
});

describe("schedule exceptions", () => {
  const exceptionForm = (fields: Record<string, string>): [string, string][] => [["intent", "add-exception"], ...Object.entries(fields)];

  it("adds time off, extra hours and closures as instants in the practice's zone, and refuses bad ones", async () => {
    const day = inAMonth();
    expect((await post(owner, exceptionForm({ kind: "time_off", practitionerId: ids.carter, date: day, wholeDay: "on" }))).status).toBe(200);
    expect((await post(owner, exceptionForm({ kind: "extra_hours", practitionerId: ids.ortiz, locationId: ids.location, date: addDays(day, 1), starts: "18:00", ends: "20:30", note: "Evening clinic" }))).status).toBe(200);
    expect((await post(owner, exceptionForm({ kind: "closure", date: addDays(day, 5), endDate: addDays(day, 6), wholeDay: "on", note: "Staff training" }))).status).toBe(200);

    const { exceptions } = await snapshot();
    const byKind = Object.fromEntries(exceptions.map((e) => [e.kind, e]));
    expect(byKind.time_off).toMatchObject({ practitioner_id: ids.carter, location_id: null, starts_at: zonedToUtc(day, "00:00", ZONE), ends_at: zonedToUtc(addDays(day, 1), "00:00", ZONE) });
    expect(byKind.extra_hours).toMatchObject({ practitioner_id: ids.ortiz, location_id: ids.location, starts_at: zonedToUtc(addDays(day, 1), "18:00", ZONE), ends_at: zonedToUtc(addDays(day, 1), "20:30", ZONE), note: "Evening clinic" });
    expect(byKind.closure).toMatchObject({ practitioner_id: null, location_id: null, starts_at: zonedToUtc(addDays(day, 5), "00:00", ZONE), ends_at: zonedToUtc(addDays(day, 7), "00:00", ZONE) });
    expect((await lastAudit("staff.schedule_exception_added")).details).toMatchObject({ kind: "closure", practitioner: null, note: "Staff training", startsAt: zonedToUtc(addDays(day, 5), "00:00", ZONE).toISOString() });

    const past = addDays(todayIn(ZONE, new Date()), -3);
    const messages = await expectRefused([
      exceptionForm({ kind: "time_off", practitionerId: ids.carter, date: day, starts: "14:00", ends: "10:00" }),
      exceptionForm({ kind: "time_off", date: day, wholeDay: "on" }),
      exceptionForm({ kind: "time_off", practitionerId: ids.carter, date: day }),
      exceptionForm({ kind: "time_off", practitionerId: ids.carter, date: "2027-02-30", wholeDay: "on" }),
      exceptionForm({ kind: "time_off", practitionerId: ids.carter, date: "tomorrow", wholeDay: "on" }),
      exceptionForm({ kind: "time_off", practitionerId: ids.carter, date: past, wholeDay: "on" }),
      exceptionForm({ kind: "time_off", practitionerId: ids.carter, date: "9999-12-31", wholeDay: "on" }),
      exceptionForm({ kind: "time_off", practitionerId: ids.carter, date: day, endDate: addDays(day, 400), wholeDay: "on" }),
      exceptionForm({ kind: "time_off", practitionerId: ids.carter, date: day, endDate: addDays(day, -2), wholeDay: "on" }),
      exceptionForm({ kind: "time_off", practitionerId: UNKNOWN, date: day, wholeDay: "on" }),
      exceptionForm({ kind: "time_off", practitionerId: ids.riversidePractitioner, date: day, wholeDay: "on" }),
      exceptionForm({ kind: "extra_hours", practitionerId: ids.ortiz, locationId: UNKNOWN, date: day, starts: "18:00", ends: "20:00" }),
      exceptionForm({ kind: "holiday", date: day, wholeDay: "on" }),
      exceptionForm({ kind: "closure", date: day, wholeDay: "on", note: "x".repeat(201) }),
      exceptionForm({ kind: "closure", date: day, wholeDay: "on", note: "line\nbreak" }),
    ]);
    expect(messages[0]).toBe("The end must be after the start.");
    expect(messages[1]).toBe("Choose the practitioner.");
    expect(messages[5]).toBe("That time is already over.");

    await expectRefused([[["intent", "remove-exception"], ["id", UNKNOWN]], [["intent", "remove-exception"], ["id", "1; drop table"]]], 404);
    expect((await post(owner, [["intent", "remove-exception"], ["id", byKind.extra_hours!.id]])).status).toBe(200);
    expect((await snapshot()).exceptions).toHaveLength(2);
    expect((await lastAudit("staff.schedule_exception_removed")).details).toMatchObject({ kind: "extra_hours", practitioner: "Dr. Ben Ortiz" });
  });
});

describe("where a type is offered, and to whom (two locations)", () => {
  it("offers a bookable type at the locations ticked (none: all), marks it for new clients, and refuses a location not open", async () => {
    const demo = await withPractice(db.owner.db, riverside, async (trx) => ({
      type: await trx.selectFrom("appointment_types").select("id").where("external_id", "=", "RP-T-CHIRO").executeTakeFirstOrThrow(),
      owen: await trx.selectFrom("practitioners").select("id").where("external_id", "=", "RP-DC-1").executeTakeFirstOrThrow(),
      locations: await trx.selectFrom("locations").select(["id", "name"]).orderBy("position").orderBy("name").execute(),
    }));
    const [first, second] = demo.locations as [{ id: string; name: string }, { id: string; name: string }];
    const row = (locations: string[], newClients: boolean): [string, string][] => [
      ...typesForm([{ id: demo.type.id, bookable: true, duration: "20", buffer: "10", practitioners: [demo.owen.id] }]),
      ...locations.map((l): [string, string] => [`locations-${demo.type.id}`, l]),
      ...(newClients ? [["newClients", demo.type.id] as [string, string]] : []),
    ];
    const stored = () =>
      withPractice(db.owner.db, riverside, async (trx) => ({
        at: (await trx.selectFrom("appointment_type_locations").select("location_id").where("appointment_type_id", "=", demo.type.id).execute()).map((r) => r.location_id).sort(),
        newClients: (await trx.selectFrom("appointment_types").select("bookable_new_clients").where("id", "=", demo.type.id).executeTakeFirstOrThrow()).bookable_new_clients,
      }));

    // The demo offers it at the second location only; staff move it to the first.
    expect((await post(riversideOwner, row([first.id], false), RIVERSIDE)).status).toBe(200);
    expect(await stored()).toEqual({ at: [first.id], newClients: false });
    const audit = await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("audit_events").select("details").where("action", "=", "staff.booking_settings_changed").orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow());
    expect(audit.details).toMatchObject({ before: { "Chiropractic adjustment": { locations: [second.name] } }, after: { "Chiropractic adjustment": { locations: [first.name], newClients: false } } });
    const page = (await get(riversideOwner, PAGE, RIVERSIDE)).body;
    const boxes = page.match(new RegExp(`<input[^>]*name="locations-${demo.type.id}"[^>]*>`, "g")) ?? [];
    expect(boxes.find((tag) => tag.includes(first.id)), boxes.join("\n")).toContain('checked=""');
    expect(boxes.find((tag) => tag.includes(second.id))).not.toContain("checked");

    expect((await post(riversideOwner, row([], true), RIVERSIDE)).status).toBe(200);
    expect(await stored()).toEqual({ at: [first.id, second.id].sort(), newClients: true });

    const before = await stored();
    const refused = await post(riversideOwner, row([first.id, "00000000-0000-4000-8000-000000000000"], false), RIVERSIDE);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("one of the locations is closed");
    expect(await stored()).toEqual(before);
  });
});

describe("going live and the page", () => {
  it("turns direct booking on once a practitioner and a type are bookable", async () => {
    expect((await post(owner, settingsForm({ mode: "direct" }))).status).toBe(200);
    expect((await snapshot()).settings.booking_mode).toBe("direct");
    DEFAULT_SETTINGS.mode = "direct";
    // While it is on, the last bookable type cannot be switched off.
    const [message] = await expectRefused([typesForm([{ id: ids.vaccination, bookable: false, duration: "20", practitioners: [ids.carter] }])]);
    expect(message).toContain("Online booking is on");
  });

  it("renders the saved values", async () => {
    const res = await get(owner);
    expect(res.status).toBe(200);
    const body = res.body;
    /** The input named so (with that value), as React rendered it, whatever the order of its attributes. */
    const input = (name: string, value?: string) => body.match(/<input[^>]*>/g)?.find((tag) => tag.includes(`name="${name}"`) && (value === undefined || tag.includes(`value="${value}"`)));
    const selected = (name: string) => new RegExp(`<select[^>]*name="${name}"[^>]*>(.*?)</select>`).exec(body)?.[1]?.match(/<option value="([^"]*)" selected="">/)?.[1];
    expect(input("mode", "direct")).toContain('checked=""');
    expect(input("mode", "off")).not.toContain("checked");
    expect(selected("minNoticeMinutes")).toBe("240");
    expect(selected("slotStepMinutes")).toBe("30");
    expect(input("maxAdvanceDays")).toContain('value="90"');
    expect(input("cancelWindowHours")).toContain('value="48"');
    expect(input("newPatients")).toContain('checked=""');
    expect(input("bookable", ids.carter)).toContain('checked=""');
    expect(selected(`staffMember-${ids.carter}`)).toBe(ids.emilyStaff);
    expect(selected(`staffMember-${ids.ortiz}`)).toBe(ids.jordanStaff);
    expect(input("bookable", ids.vaccination)).toContain('checked=""');
    expect(input("bookable", ids.dental)).not.toContain("checked");
    expect(input(`duration-${ids.vaccination}`)).toContain('value="20"');
    expect(input(`buffer-${ids.vaccination}`)).toContain('value="10"');
    expect(input(`species-${ids.vaccination}`)).toContain('value="Dog, cat, Rabbit"');
    expect(input(`practitioners-${ids.vaccination}`, ids.carter)).toContain('checked=""');
    expect(input(`practitioners-${ids.vaccination}`, ids.ortiz)).not.toContain("checked");
    const text = body.replace(/<!-- -->/g, "");
    expect(text).toContain("Monday 09:00–12:00");
    expect(text).toContain("Monday 13:00–17:30");
    expect(text).toMatch(/Time off<\/strong> · Dr\. Emily Carter · \w+ \d+, \d{4}, whole day/);
    expect(text).toMatch(/Practice closed<\/strong> · \w+ \d+, \d{4} – \w+ \d+, \d{4}, whole days<span class="muted"> · Staff training/);
    expect(body).not.toContain("Dr. Old Timer");
  });
});
