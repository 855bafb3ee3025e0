import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import { type ApiCallFn, apiClient, apiKeyFor, ContractChecker, problemPaths } from "../support/api-client";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startTestServer, type TestServer } from "../support/http";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";

/**
 * The integration API's record resources over HTTP (practitioners, locations, appointment types, appointments,
 * document templates, documents, prescriptions, reminders): idempotent upserts by external id, reads, pages and
 * `updated_since`, references by external id, bad input, and removal by status. Every answer is checked against
 * the server's own OpenAPI document.
 */

const HOST = "api-records.localhost:3000";
const OTHER_HOST = "api-records-other.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let fixture: PracticeFixture;
let other: PracticeFixture;
let api: ApiCallFn;
let readOnly: ApiCallFn;
let otherApi: ApiCallFn;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await createPracticeFixture(db.owner.db, "api-records");
  other = await createPracticeFixture(db.owner.db, "api-records-other");
  server = await startTestServer(db);
  const contract = await ContractChecker.load(server, HOST);
  api = apiClient(server, HOST, await apiKeyFor(db, fixture.practice), contract);
  readOnly = apiClient(server, HOST, await apiKeyFor(db, fixture.practice, ["read"]), contract);
  otherApi = apiClient(server, OTHER_HOST, await apiKeyFor(db, other.practice), contract);
  // What the records below refer to, sent as the practice system would, first.
  for (const [path, body] of [
    ["/clients/C-1", { first_name: "Ada", last_name: "Lovelace", emails: ["ada@example.com"] }],
    ["/patients/P-1", { client_external_id: "C-1", name: "Rex", species: "Dog" }],
    ["/practitioners/DR-1", { name: "Dr. Emily Carter", title: "Veterinarian" }],
    ["/locations/L-1", { name: "Downtown", address: "1 Main Street", time_zone: "America/Chicago" }],
    ["/appointment_types/T-1", { name: "Wellness exam", duration_minutes: 30 }],
    ["/document_templates/TPL-LAB", { name: "Blood panel", category: "diagnostics" }],
  ] as const) {
    const res = await api("PUT", path, body);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
  }
  // The other practice has a patient and practitioner of the same external ids as nothing here: never reachable.
  expect((await otherApi("PUT", "/clients/C-OTHER", { first_name: "Other", last_name: "Client" })).status).toBe(201);
  expect((await otherApi("PUT", "/patients/P-OTHER", { client_external_id: "C-OTHER", name: "Stranger", species: "Cat" })).status).toBe(201);
  expect((await otherApi("PUT", "/practitioners/DR-OTHER", { name: "Dr. Elsewhere" })).status).toBe(201);
});

afterAll(async () => {
  await server?.close();
});

type Case = {
  resource: string;
  /** A valid body for external id `id`. */
  body: (id: string) => Record<string, unknown>;
  /** The same record changed in one field. */
  change: Record<string, unknown>;
  /** A field that is wrong, and the path the problem must name. */
  bad: [Record<string, unknown>, string];
  /** References by external id that name nothing here (some exist at the other practice). */
  missing: [Record<string, unknown>, string][];
  /** How the practice system removes one: a status or a flag; the record stays, readable. */
  removal: Record<string, unknown> | null;
};

const CASES: Case[] = [
  {
    resource: "practitioners",
    body: (id) => ({ name: `Dr. ${id}`, title: "Veterinarian", active: true }),
    change: { title: "Senior veterinarian" },
    bad: [{ name: "" }, "name"],
    missing: [],
    removal: { active: false },
  },
  {
    resource: "locations",
    body: (id) => ({ name: `Clinic ${id}`, address: "2 Side Street", phone: "+1 555 0100", email: null, time_zone: "Europe/London", opening_hours: [{ days: "Mon–Fri", hours: "8–18" }], active: true }),
    change: { phone: "+1 555 0199" },
    bad: [{ time_zone: "Mars/Olympus" }, "time_zone"],
    missing: [],
    removal: { active: false },
  },
  {
    resource: "appointment_types",
    body: (id) => ({ name: `Type ${id}`, duration_minutes: 45, active: true }),
    change: { duration_minutes: 60 },
    bad: [{ duration_minutes: 0 }, "duration_minutes"],
    missing: [],
    removal: { active: false },
  },
  {
    resource: "appointments",
    body: () => ({
      patient_external_id: "P-1",
      practitioner_external_id: "DR-1",
      location_external_id: "L-1",
      appointment_type_external_id: "T-1",
      reason: "Wellness exam",
      starts_at: "2030-01-15T09:00:00Z",
      ends_at: "2030-01-15T09:30:00Z",
      status: "scheduled",
    }),
    change: { starts_at: "2030-01-15T11:00:00+01:00", ends_at: "2030-01-15T11:30:00+01:00" },
    bad: [{ ends_at: "2030-01-15T08:00:00Z" }, "ends_at"],
    missing: [
      [{ patient_external_id: "P-OTHER" }, "patient_external_id"],
      [{ practitioner_external_id: "DR-OTHER" }, "practitioner_external_id"],
      [{ location_external_id: "L-NONE" }, "location_external_id"],
      [{ appointment_type_external_id: "T-NONE" }, "appointment_type_external_id"],
    ],
    removal: { status: "cancelled" },
  },
  {
    resource: "document_templates",
    body: (id) => ({ name: `Template ${id}`, category: "visit_notes", active: true }),
    change: { name: "Renamed template" },
    bad: [{ category: "gossip" }, "category"],
    missing: [],
    removal: { active: false },
  },
  {
    resource: "documents",
    body: (id) => ({
      patient_external_id: "P-1",
      template_external_id: "TPL-LAB",
      title: `Blood panel ${id}`,
      category: "diagnostics",
      status: "completed",
      portal_shared: true,
      visit_date: "2026-11-30",
      author_external_id: "DR-1",
      content: "Haematology: within normal limits.\nBiochemistry:\tALT slightly raised.",
    }),
    change: { content: "Amended: all within normal limits." },
    bad: [{ visit_date: "2026-02-30" }, "visit_date"],
    missing: [
      [{ patient_external_id: "P-OTHER" }, "patient_external_id"],
      [{ template_external_id: "TPL-NONE" }, "template_external_id"],
      [{ author_external_id: "DR-OTHER" }, "author_external_id"],
    ],
    removal: { status: "voided" },
  },
  {
    resource: "prescriptions",
    body: () => ({
      patient_external_id: "P-1",
      prescriber_external_id: "DR-1",
      medication: "Carprofen 75 mg chewable tablets",
      strength: "75 mg",
      directions: "One tablet twice daily with food for 7 days.",
      quantity: "14 tablets",
      refills_remaining: 1,
      prescribed_on: "2026-11-30",
      status: "active",
    }),
    change: { refills_remaining: 0 },
    bad: [{ refills_remaining: -1 }, "refills_remaining"],
    missing: [
      [{ patient_external_id: "P-OTHER" }, "patient_external_id"],
      [{ prescriber_external_id: "DR-OTHER" }, "prescriber_external_id"],
    ],
    removal: { status: "voided" },
  },
  {
    resource: "reminders",
    body: () => ({ patient_external_id: "P-1", description: "Rabies booster", due_on: "2027-03-01", status: "pending" }),
    change: { due_on: "2027-04-01" },
    bad: [{ status: "forgotten" }, "status"],
    missing: [[{ patient_external_id: "P-OTHER" }, "patient_external_id"]],
    removal: { status: "cancelled" },
  },
];

async function rowsWithExternalId(table: string, externalId: string): Promise<number> {
  const rows = await withPractice(db.owner.db, fixture.practice, (trx) =>
    trx
      .selectFrom(table as "reminders")
      .select("id")
      .where("external_id", "=", externalId)
      .execute(),
  );
  return rows.length;
}

describe.each(CASES)("$resource", ({ resource, body, change, bad, missing, removal }) => {
  const table = resource;

  it("PUT creates (201), the same PUT again answers the same (200) and leaves one row; GET reads it back", async () => {
    const first = await api("PUT", `/${resource}/A-1`, body("A-1"));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ external_id: "A-1" });
    server.clock.advance(1000);
    const again = await api("PUT", `/${resource}/A-1`, body("A-1"));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await rowsWithExternalId(table, "A-1")).toBe(1);
    const read = await api("GET", `/${resource}/A-1`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(first.body);
  });

  it("a change is saved, moves updated_at, and is audited with the key as actor", async () => {
    await api("PUT", `/${resource}/B-1`, body("B-1"));
    const before = (await api("GET", `/${resource}/B-1`)).body as { updated_at: string };
    server.clock.advance(2000);
    const changed = await api("PUT", `/${resource}/B-1`, { ...body("B-1"), ...change });
    expect(changed.status).toBe(200);
    const after = changed.body as Record<string, unknown> & { updated_at: string };
    expect(after.updated_at > before.updated_at).toBe(true);
    for (const [field, value] of Object.entries(change)) {
      expect(typeof value === "string" && /T\d\d:/.test(value) ? new Date(after[field] as string).getTime() : after[field]).toEqual(typeof value === "string" && /T\d\d:/.test(value) ? new Date(value).getTime() : value);
    }
    const audit = await withPractice(db.owner.db, fixture.practice, (trx) => trx.selectFrom("audit_events").select(["action", "actor_type"]).where("action", "like", `%.updated`).where(sql<boolean>`details->>'externalId' = ${"B-1"}`).execute());
    expect(audit.some((a) => a.actor_type === "api_key")).toBe(true);
  });

  it("lists by cursor in pages, and updated_since returns only what changed since", async () => {
    const since = new Date(server.clock.now().getTime() + 60_000);
    for (const id of ["L-A", "L-B", "L-C"]) await api("PUT", `/${resource}/${id}`, body(id));
    server.clock.advance(120_000);
    for (const id of ["L-D", "L-E"]) await api("PUT", `/${resource}/${id}`, body(id));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api("GET", `/${resource}?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      const { data, next_cursor } = page.body as { data: { external_id: string }[]; next_cursor: string | null };
      expect(data.length).toBeLessThanOrEqual(2);
      seen.push(...data.map((d) => d.external_id));
      cursor = next_cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(["L-A", "L-B", "L-C", "L-D", "L-E"]));
    const changed = await api("GET", `/${resource}?updated_since=${encodeURIComponent(since.toISOString())}`);
    expect((changed.body as { data: { external_id: string }[] }).data.map((d) => d.external_id)).toEqual(["L-D", "L-E"]);
  });

  it("bad input is a 422 problem naming the field, and writes nothing", async () => {
    const res = await api("PUT", `/${resource}/BAD-1`, { ...body("BAD-1"), ...bad[0] });
    expect(res.status).toBe(422);
    expect(res.contentType).toContain("application/problem+json");
    expect(problemPaths(res)).toContain(bad[1]);
    expect(await rowsWithExternalId(table, "BAD-1")).toBe(0);
    const unknown = await api("PUT", `/${resource}/BAD-2`, { ...body("BAD-2"), surprise: true });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify((unknown.body as { errors: unknown[] }).errors)).toContain("surprise");
  });

  // Only resources that reference others, or that can be removed, get these tests (rather than skipped ones).
  if (missing.length > 0)
    it("a reference that names nothing at this practice is a 422 naming the field", async () => {
    for (const [fields, path] of missing) {
      const res = await api("PUT", `/${resource}/REF-1`, { ...body("REF-1"), ...fields });
      expect(res.status, path).toBe(422);
      expect(problemPaths(res)).toEqual([path]);
      expect((res.body as { detail: string }).detail).toContain(path);
    }
    expect(await rowsWithExternalId(table, "REF-1")).toBe(0);
  });

  if (removal !== null)
    it("is removed by status, never deleted: still one row, readable, listed", async () => {
    await api("PUT", `/${resource}/R-1`, body("R-1"));
    const removed = await api("PUT", `/${resource}/R-1`, { ...body("R-1"), ...removal });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject(removal!);
    expect(await rowsWithExternalId(table, "R-1")).toBe(1);
    expect((await api("GET", `/${resource}/R-1`)).body).toMatchObject(removal!);
    expect((await api("DELETE", `/${resource}/R-1`)).status).toBe(405);
  });

  it("unknown ids are 404; a read-only key may read but not write (403); another practice's key sees nothing", async () => {
    expect((await api("GET", `/${resource}/NOPE`)).status).toBe(404);
    await api("PUT", `/${resource}/K-1`, body("K-1"));
    expect((await readOnly("GET", `/${resource}/K-1`)).status).toBe(200);
    expect((await readOnly("PUT", `/${resource}/K-1`, body("K-1"))).status).toBe(403);
    expect((await otherApi("GET", `/${resource}/K-1`)).status).toBe(404);
    const listed = (await otherApi("GET", `/${resource}?limit=200`)).body as { data: { external_id: string }[] };
    expect(listed.data.map((d) => d.external_id)).not.toContain("K-1");
  });
});

describe("rules of particular resources", () => {
  it("a voided prescription stays voided (422 naming status)", async () => {
    const base = CASES.find((c) => c.resource === "prescriptions")!.body("V-1");
    await api("PUT", "/prescriptions/V-1", { ...base, status: "voided" });
    const res = await api("PUT", "/prescriptions/V-1", { ...base, status: "active" });
    expect(res.status).toBe(422);
    expect(problemPaths(res)).toEqual(["status"]);
    expect(((await api("GET", "/prescriptions/V-1")).body as { status: string }).status).toBe("voided");
  });

  it("a document's category must be its template's", async () => {
    const base = CASES.find((c) => c.resource === "documents")!.body("D-CAT");
    const res = await api("PUT", "/documents/D-CAT", { ...base, category: "visit_notes" });
    expect(res.status).toBe(422);
    expect(problemPaths(res)).toEqual(["category"]);
  });

  it("a template's category cannot change once documents use it", async () => {
    expect((await api("PUT", "/document_templates/TPL-USED", { name: "Notes", category: "visit_notes" })).status).toBe(201);
    const doc = { ...CASES.find((c) => c.resource === "documents")!.body("D-TPL"), template_external_id: "TPL-USED", category: "visit_notes" };
    expect((await api("PUT", "/documents/D-TPL", doc)).status).toBe(201);
    const res = await api("PUT", "/document_templates/TPL-USED", { name: "Notes", category: "imaging" });
    expect(res.status).toBe(422);
    expect(problemPaths(res)).toEqual(["category"]);
  });

  it("renaming a practitioner renames them on the appointments, documents and prescriptions that name them", async () => {
    expect((await api("PUT", "/practitioners/DR-RENAME", { name: "Dr. Before" })).status).toBe(201);
    const appointment = { ...CASES.find((c) => c.resource === "appointments")!.body("X"), practitioner_external_id: "DR-RENAME" };
    expect((await api("PUT", "/appointments/AP-RENAME", appointment)).status).toBe(201);
    const rx = { ...CASES.find((c) => c.resource === "prescriptions")!.body("X"), prescriber_external_id: "DR-RENAME" };
    expect((await api("PUT", "/prescriptions/RX-RENAME", rx)).status).toBe(201);
    const apptBefore = (await api("GET", "/appointments/AP-RENAME")).body;
    expect((await api("PUT", "/practitioners/DR-RENAME", { name: "Dr. After" })).status).toBe(200);
    const names = await withPractice(db.owner.db, fixture.practice, async (trx) => ({
      appointment: (await trx.selectFrom("appointments").select("practitioner_name").where("external_id", "=", "AP-RENAME").executeTakeFirstOrThrow()).practitioner_name,
      prescription: (await trx.selectFrom("prescriptions").select("prescriber_name").where("external_id", "=", "RX-RENAME").executeTakeFirstOrThrow()).prescriber_name,
    }));
    expect(names).toEqual({ appointment: "Dr. After", prescription: "Dr. After" });
    // What the API says of the appointment did not change: it still names the practitioner by external id.
    expect((await api("GET", "/appointments/AP-RENAME")).body).toEqual(apptBefore);
  });

  it("an appointment type's online-booking fields are set by the API, read back, and kept when a later PUT leaves them out", async () => {
    const bookable = { name: "Dental check", duration_minutes: 45, buffer_minutes: 15, bookable_online: true, bookable_new_clients: true, species: ["Dog", "Cat"], practitioner_external_ids: ["DR-1"] };
    const created = await api("PUT", "/appointment_types/T-BOOK", bookable);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(bookable);
    expect((await api("PUT", "/appointment_types/T-BOOK", bookable)).status).toBe(200);
    const links = () =>
      withPractice(db.owner.db, fixture.practice, async (trx) => {
        const type = await trx.selectFrom("appointment_types").select(["id", "bookable_online", "bookable_new_clients", "buffer_minutes", "species"]).where("external_id", "=", "T-BOOK").executeTakeFirstOrThrow();
        const performers = await trx.selectFrom("appointment_type_practitioners as tp").innerJoin("practitioners as p", "p.id", "tp.practitioner_id").select("p.external_id").where("tp.appointment_type_id", "=", type.id).execute();
        const offeredAt = await trx.selectFrom("appointment_type_locations").select("location_id").where("appointment_type_id", "=", type.id).execute();
        return { type, performers: performers.map((p) => p.external_id), offeredAt: offeredAt.length };
      });
    // Offered online at every open location, performed by the practitioner named.
    expect(await links()).toMatchObject({ type: { bookable_online: true, bookable_new_clients: true, buffer_minutes: 15, species: ["Dog", "Cat"] }, performers: ["DR-1"] });
    expect((await links()).offeredAt).toBeGreaterThan(0);
    // A practice system that knows nothing of booking leaves what was set alone.
    const renamed = await api("PUT", "/appointment_types/T-BOOK", { name: "Dental check-up", duration_minutes: 45 });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ ...bookable, name: "Dental check-up" });
    // Changing only who performs it is an update, audited by the field's name.
    expect((await api("PUT", "/appointment_types/T-BOOK", { name: "Dental check-up", duration_minutes: 45, practitioner_external_ids: [] })).status).toBe(200);
    expect((await links()).performers).toEqual([]);
    const audit = await withPractice(db.owner.db, fixture.practice, (trx) => trx.selectFrom("audit_events").select("details").where("action", "=", "appointment_type.updated").orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow());
    expect(audit.details).toMatchObject({ changed: ["practitioner_external_ids"] });
    // A practitioner the practice system never sent is a 422 naming the entry; nothing is written.
    const unknown = await api("PUT", "/appointment_types/T-BOOK", { name: "Dental check-up", practitioner_external_ids: ["DR-1", "DR-NOBODY"] });
    expect(unknown.status).toBe(422);
    expect(problemPaths(unknown)).toContain("practitioner_external_ids.1");
    expect((await links()).performers).toEqual([]);
    expect((await api("PUT", "/appointment_types/T-BOOK", { name: "Dental check-up", buffer_minutes: 999 })).status).toBe(422);
  });

  it("a closed location is no longer on the practice's home page", async () => {
    expect((await api("PUT", "/locations/L-CLOSE", { name: "Riverside branch", address: "9 River Road", time_zone: "UTC" })).status).toBe(201);
    expect((await server.request(HOST, "/")).body).toContain("Riverside branch");
    expect((await api("PUT", "/locations/L-CLOSE", { name: "Riverside branch", address: "9 River Road", time_zone: "UTC", active: false })).status).toBe(200);
    expect((await server.request(HOST, "/")).body).not.toContain("Riverside branch");
  });

  it("times are instants: the same appointment sent with another offset changes nothing", async () => {
    const appointment = CASES.find((c) => c.resource === "appointments")!.body("X");
    const first = await api("PUT", "/appointments/TZ-1", { ...appointment, starts_at: "2030-01-15T10:00:00+01:00", ends_at: "2030-01-15T10:30:00+01:00" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ starts_at: "2030-01-15T09:00:00.000Z", ends_at: "2030-01-15T09:30:00.000Z" });
    server.clock.advance(5000);
    const again = await api("PUT", "/appointments/TZ-1", { ...appointment, starts_at: "2030-01-15T04:00:00-05:00", ends_at: "2030-01-15T09:30:00Z" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it("two first PUTs of one appointment at once leave one row", async () => {
    const appointment = CASES.find((c) => c.resource === "appointments")!.body("X");
    const answers = await Promise.all([api("PUT", "/appointments/RACE-1", appointment), api("PUT", "/appointments/RACE-1", appointment)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    expect(await rowsWithExternalId("appointments", "RACE-1")).toBe(1);
  });
});
