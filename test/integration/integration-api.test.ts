import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Connection } from "../../db/connection.server";
import type { ApiScope } from "../../db/schema";
import { withPractice } from "../../db/with-practice.server";
import { issueApiKey } from "../../server/api/keys.server";
import { API_REQUESTS_PER_MINUTE } from "../../server/api/limits.server";
import { provisionDedicatedDatabase, serverOf } from "../../tenants/dedicated-databases.server";
import type { Practice } from "../../tenants/practice";
import { type ApiClient, apiClient } from "../support/api-contract";
import { createEmptyDatabase, type TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { postForm, type TestServer, testKeys } from "../support/http";
import { createPracticeFixture } from "../support/practices";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";
const NORTHSIDE = "northside-vet.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let happy: Practice;
let riverside: Practice;
let northside: Practice;
let api: ApiClient;
let riversideApi: ApiClient;
let northsideApi: ApiClient;
let writeKey: string;
let readKey: string;
let riversideKey: string;

let northsideDb: Connection;

async function keyFor(practice: Practice, name: string, scopes: ApiScope[] = ["read", "write"]): Promise<string> {
  return withPractice(practice === northside ? northsideDb.db : db.app.db, practice, async (trx) => (await issueApiKey(trx, { practiceId: practice.id, name, scopes, createdBy: null, now: new Date() })).secret);
}

const client = (overrides: Record<string, unknown> = {}) => ({
  first_name: "Nora",
  last_name: "Quinn",
  emails: ["nora.quinn@example.com", "nora@quinn-family.example.com"],
  phones: ["+1 555 0100", "(555) 010-2000"],
  address: { line1: "12 Elm Street", city: "Springfield", region: "IL", postal_code: "62701", country: "US" },
  alternative_contacts: [{ name: "Owen Quinn", relationship: "Partner", phone: "+1 555 0101", emails: ["owen@example.com"] }],
  status: "active",
  ...overrides,
});

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happy = (await server.registry.resolve("happy-paws"))!;
  riverside = (await server.registry.resolve("riverside-physio"))!;
  // Northside Vet on a database of its own, provisioned as the platform does it.
  const empty = await createEmptyDatabase();
  const appPassword = decodeURIComponent(new URL(db.appUrl).password);
  const placement = await provisionDedicatedDatabase(db.owner.db, testKeys(), { ownerUrl: empty.ownerUrl, mainServer: serverOf(db.ownerUrl), mainAppPassword: appPassword, runtimePassword: appPassword });
  const owner = connect(empty.ownerUrl, { max: 1 });
  northside = (await createPracticeFixture(db.owner.db, "northside-vet", "veterinary", { id: placement.id, db: owner.db })).practice;
  await owner.close();
  northsideDb = connect(db.appUrl.replace(`/${db.name}`, `/${empty.name}`), { max: 1 });
  writeKey = await keyFor(happy, "Practice system");
  readKey = await keyFor(happy, "Reporting", ["read"]);
  riversideKey = await keyFor(riverside, "Riverside EMR");
  api = await apiClient(server, HAPPY);
  riversideApi = await apiClient(server, RIVERSIDE);
  northsideApi = await apiClient(server, NORTHSIDE);
});

afterAll(async () => {
  await server.close();
  await northsideDb.close();
});

describe("API keys", () => {
  it("are created in admin, shown once, stored as a hash, listed by prefix and audited", async () => {
    const cookie = await staffCookieFor(db, happy, "owner@happypaws.example.com");
    const created = await postForm(server, HAPPY, "/admin/integrations", [["intent", "create"], ["name", "Lab sync"], ["scope", "read"]], cookie);
    expect(created.status).toBe(200);
    const key = /pk_live_([0-9a-f]{10})_([0-9a-f]{40})/.exec(created.body);
    expect(key).not.toBeNull();
    const [secret, prefix, secretPart] = key!;
    const row = await withPractice(db.app.db, happy, (trx) => trx.selectFrom("api_keys").selectAll().where("prefix", "=", prefix!).executeTakeFirstOrThrow());
    expect(row.secret_hash.equals(createHash("sha256").update(secretPart!).digest())).toBe(true);
    expect(JSON.stringify(row)).not.toContain(secretPart);
    expect(row.scopes).toEqual(["read"]);

    const page = await server.request(HAPPY, "/admin/integrations", { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`pk_live_${prefix}_…`);
    expect(page.body).not.toContain(secretPart);
    expect(page.body).toContain('href="/admin/integrations"');

    expect((await api("GET", "/clients", { key: secret })).status).toBe(200);
    const audit = await withPractice(db.app.db, happy, (trx) => trx.selectFrom("audit_events").select(["action", "actor_type", "details"]).where("subject_id", "=", row.id).execute());
    expect(audit).toEqual([expect.objectContaining({ action: "api_key.created", actor_type: "staff", details: expect.objectContaining({ name: "Lab sync", prefix }) })]);
  });

  it("are refused to staff without manage_integrations", async () => {
    const cookie = await staffCookieFor(db, happy, "emily.carter@happypaws.example.com");
    expect((await server.request(HAPPY, "/admin/integrations", { headers: { cookie } })).status).toBe(403);
    const home = await server.request(HAPPY, "/admin", { headers: { cookie } });
    expect(home.body).not.toContain('href="/admin/integrations"');
  });

  it("stop at once when revoked, and a rotated key keeps working for the overlap, then stops", async () => {
    const cookie = await staffCookieFor(db, happy, "owner@happypaws.example.com");
    const old = await keyFor(happy, "To rotate");
    const oldId = await withPractice(db.app.db, happy, async (trx) => (await trx.selectFrom("api_keys").select("id").where("name", "=", "To rotate").executeTakeFirstOrThrow()).id);
    const rotated = await postForm(server, HAPPY, "/admin/integrations", [["intent", "rotate"], ["keyId", oldId], ["overlapHours", "24"]], cookie);
    expect(rotated.status).toBe(200);
    const successor = /pk_live_[0-9a-f]{10}_[0-9a-f]{40}/.exec(rotated.body)![0];
    expect((await api("GET", "/clients", { key: old })).status).toBe(200);
    expect((await api("GET", "/clients", { key: successor })).status).toBe(200);
    server.clock.advance(25 * 3_600_000);
    try {
      const expired = await api("GET", "/clients", { key: old });
      expect(expired.status).toBe(401);
      expect((await api("GET", "/clients", { key: successor })).status).toBe(200);
    } finally {
      server.clock.reset();
    }
    const successorId = await withPractice(db.app.db, happy, async (trx) => (await trx.selectFrom("api_keys").select("id").where("rotated_from", "=", oldId).executeTakeFirstOrThrow()).id);
    expect((await postForm(server, HAPPY, "/admin/integrations", [["intent", "revoke"], ["keyId", successorId]], cookie)).status).toBe(200);
    const revoked = await api("GET", "/clients", { key: successor });
    expect(revoked.status).toBe(401);
    expect(revoked.json).toMatchObject({ status: 401, detail: expect.stringContaining("revoked") });
    const actions = await withPractice(db.app.db, happy, (trx) => trx.selectFrom("audit_events").select("action").where("subject_type", "=", "api_key").where("subject_id", "in", [oldId, successorId]).orderBy("seq").execute());
    expect(actions.map((a) => a.action)).toEqual(["api_key.rotated", "api_key.revoked"]);
  });

  it("answer 401 problem+json when missing, malformed, unknown or of another practice's host", async () => {
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer nope" }, { authorization: `Basic ${writeKey}` }, { authorization: `Bearer ${writeKey.slice(0, -1)}${writeKey.endsWith("0") ? "1" : "0"}` }, { authorization: `Bearer ${writeKey}x` }]) {
      const res = await api("GET", "/clients", { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    }
    // Happy Paws' key on Riverside's host: the lookup runs in Riverside's scope, where the key does not exist.
    expect((await riversideApi("GET", "/clients", { key: writeKey })).status).toBe(401);
    expect((await riversideApi("PUT", "/clients/C-1", { key: writeKey, body: client() })).status).toBe(401);
  });

  it("never read cookies: a signed-in staff member without a key is a 401", async () => {
    const cookie = await staffCookieFor(db, happy, "owner@happypaws.example.com");
    expect((await api("GET", "/clients", { headers: { cookie } })).status).toBe(401);
  });

  it("read-only keys may read but not write (403)", async () => {
    expect((await api("GET", "/clients", { key: readKey })).status).toBe(200);
    const res = await api("PUT", "/clients/C-READONLY", { key: readKey, body: client() });
    expect(res.status).toBe(403);
    expect(await withPractice(db.app.db, happy, (trx) => trx.selectFrom("clients").select("id").where("external_id", "=", "C-READONLY").execute())).toEqual([]);
  });
});

describe("clients", () => {
  it("PUT creates (201), the same PUT again leaves one row and answers the same body (200)", async () => {
    const first = await api("PUT", "/clients/C-1001", { key: writeKey, body: client() });
    expect(first.status).toBe(201);
    const second = await api("PUT", "/clients/C-1001", { key: writeKey, body: client() });
    expect(second.status).toBe(200);
    expect(second.body).toBe(first.body);
    expect(first.json).toMatchObject({ external_id: "C-1001", first_name: "Nora", emails: ["nora.quinn@example.com", "nora@quinn-family.example.com"], phones: ["+1 555 0100", "(555) 010-2000"], status: "active" });
    const rows = await withPractice(db.app.db, happy, (trx) => trx.selectFrom("clients").select("id").where("external_id", "=", "C-1001").execute());
    expect(rows).toHaveLength(1);
    const read = await api("GET", "/clients/C-1001", { key: readKey });
    expect(read.body).toBe(first.body);
    // Writes are audited with the key's name; the no-op repeat wrote nothing and is not.
    const audit = await withPractice(db.app.db, happy, (trx) => trx.selectFrom("audit_events").select(["action", "actor_type", "details"]).where("subject_id", "=", rows[0]!.id).execute());
    expect(audit).toEqual([expect.objectContaining({ action: "client.created", actor_type: "api_key", details: expect.objectContaining({ apiKey: "Practice system", externalId: "C-1001" }) })]);
    const cookie = await staffCookieFor(db, happy, "owner@happypaws.example.com");
    const auditPage = await server.request(HAPPY, "/admin/audit", { headers: { cookie } });
    expect(auditPage.body).toContain("API key &quot;Practice system&quot;");
  });

  it("PUT replaces the record: changed fields are written and audited, removed emails can no longer sign in", async () => {
    await api("PUT", "/clients/C-1002", { key: writeKey, body: client({ emails: ["a.one@example.com", "a.two@example.com"] }) });
    const changed = await api("PUT", "/clients/C-1002", { key: writeKey, body: client({ first_name: "Nina", emails: ["a.two@example.com"], alternative_contacts: [], address: null, status: "inactive" }) });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ first_name: "Nina", emails: ["a.two@example.com"], alternative_contacts: [], address: null, status: "inactive" });
    const id = await withPractice(db.app.db, happy, async (trx) => (await trx.selectFrom("clients").select("id").where("external_id", "=", "C-1002").executeTakeFirstOrThrow()).id);
    const audit = await withPractice(db.app.db, happy, (trx) => trx.selectFrom("audit_events").select(["action", "details"]).where("subject_id", "=", id).orderBy("seq").execute());
    expect(audit.map((a) => a.action)).toEqual(["client.created", "client.updated"]);
    expect(audit[1]!.details).toMatchObject({ changed: ["first_name", "emails", "address", "alternative_contacts", "status"] });
  });

  it("GET of an unknown external id is a 404 problem", async () => {
    const res = await api("GET", "/clients/NOPE-1", { key: readKey });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ status: 404, errors: [{ path: ["externalId"] }] });
  });

  it("lists with a cursor in (updated_at, id) order, filtered by updated_since", async () => {
    const start = new Date(server.clock.now().getTime() + 3_600_000);
    server.clock.advance(3_600_000);
    try {
      for (let i = 0; i < 5; i++) {
        server.clock.advance(1000);
        await api("PUT", `/clients/P-${i}`, { key: writeKey, body: client({ first_name: `Page${i}`, emails: [] }) });
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `?limit=2&updated_since=${encodeURIComponent(start.toISOString())}${cursor ? `&cursor=${cursor}` : ""}`;
        const page = await api("GET", `/clients${query}`, { key: readKey });
        expect(page.status).toBe(200);
        const body = page.json as { data: { external_id: string }[]; next_cursor: string | null };
        seen.push(...body.data.map((c) => c.external_id));
        cursor = body.next_cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(["P-0", "P-1", "P-2", "P-3", "P-4"]);
      expect(pages).toBe(3);
      // A change moves a client to the end of the order.
      server.clock.advance(1000);
      await api("PUT", "/clients/P-1", { key: writeKey, body: client({ first_name: "Changed", emails: [] }) });
      const after = await api("GET", `/clients?updated_since=${encodeURIComponent(new Date(server.clock.now().getTime() - 500).toISOString())}`, { key: readKey });
      expect((after.json as { data: { external_id: string }[] }).data.map((c) => c.external_id)).toEqual(["P-1"]);
    } finally {
      server.clock.reset();
    }
  });

  it("never shows one practice's rows to another's key", async () => {
    expect((await riversideApi("PUT", "/clients/C-1001", { key: riversideKey, body: client({ first_name: "Riverside" }) })).status).toBe(201);
    const list = await riversideApi("GET", "/clients?limit=200", { key: riversideKey });
    expect((list.json as { data: { first_name: string }[] }).data.map((c) => c.first_name)).toEqual(["Riverside"]);
    expect(((await api("GET", "/clients/C-1001", { key: readKey })).json as { first_name: string }).first_name).toBe("Nora");
    expect((await riversideApi("GET", "/patients/PET-1", { key: riversideKey })).status).toBe(404);
  });
});

describe("patients", () => {
  it("belong to a client by its external id; species at a veterinary practice; idempotent", async () => {
    await api("PUT", "/clients/C-PETS", { key: writeKey, body: client({ emails: ["pet.owner@example.com"] }) });
    const pet = { client_external_id: "C-PETS", name: "Juniper", species: "Dog", breed: "Beagle", sex: "Female, spayed", date_of_birth: "2020-04-01", status: "active" };
    const created = await api("PUT", "/patients/PET-1", { key: writeKey, body: pet });
    expect(created.status).toBe(201);
    const again = await api("PUT", "/patients/PET-1", { key: writeKey, body: pet });
    expect(again.status).toBe(200);
    expect(again.body).toBe(created.body);
    expect((await api("PUT", "/patients/PET-2", { key: writeKey, body: { ...pet, name: "Ghost", status: "deceased" } })).status).toBe(201);
    const noSpecies = await api("PUT", "/patients/PET-3", { key: writeKey, body: { ...pet, species: null } });
    expect(noSpecies.status).toBe(422);
    expect(noSpecies.json).toMatchObject({ errors: [{ path: ["species"] }] });
    const noClient = await api("PUT", "/patients/PET-3", { key: writeKey, body: { ...pet, client_external_id: "C-MISSING" } });
    expect(noClient.status).toBe(422);
    expect(noClient.json).toMatchObject({ errors: [{ path: ["client_external_id"] }] });
  });

  it("at a human-health practice are people: no species or breed", async () => {
    await riversideApi("PUT", "/clients/R-1", { key: riversideKey, body: client() });
    const person = { client_external_id: "R-1", name: "Nora Quinn", sex: "Female", date_of_birth: "1980-02-29" };
    expect((await riversideApi("PUT", "/patients/RP-1", { key: riversideKey, body: person })).status).toBe(201);
    const withSpecies = await riversideApi("PUT", "/patients/RP-2", { key: riversideKey, body: { ...person, species: "Dog" } });
    expect(withSpecies.status).toBe(422);
    expect(withSpecies.json).toMatchObject({ errors: [{ path: ["species"] }] });
  });

  it("written by the API follow the portal's rules: a deceased pet is hidden, the client's email signs in", async () => {
    const cookie = await sessionCookieFor(db, happy, "pet.owner@example.com");
    const home = await server.request(HAPPY, "/home", { headers: { cookie } });
    expect(home.status).toBe(200);
    expect(home.body).toContain("Juniper");
    expect(home.body).not.toContain("Ghost");
    const ask = await postForm(server, HAPPY, "/?index", [["email", "pet.owner@example.com"]]);
    expect(ask.status).toBe(200);
    await server.settled();
    const mail = await db.owner.db.selectFrom("mail.outbox").select(["recipient", "subject"]).where("recipient", "=", "pet.owner@example.com").execute();
    expect(mail).toEqual([expect.objectContaining({ subject: expect.stringContaining("sign-in link") })]);
    // An alternative contact's address never signs in, whoever wrote it.
    await postForm(server, HAPPY, "/?index", [["email", "owen@example.com"]]);
    await server.settled();
    expect(await db.owner.db.selectFrom("mail.outbox").select("id").where("recipient", "=", "owen@example.com").execute()).toEqual([]);
  });
});

describe("bad input is a 4xx problem naming the field, never a 5xx", () => {
  const cases: { label: string; method: string; path: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; status: number; field?: (string | number)[] }[] = [
    { label: "invalid JSON", method: "PUT", path: "/clients/C-BAD", rawBody: "{not json", status: 400 },
    { label: "form body", method: "PUT", path: "/clients/C-BAD", rawBody: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415 },
    { label: "no body", method: "PUT", path: "/clients/C-BAD", status: 415 },
    { label: "wrong type", method: "PUT", path: "/clients/C-BAD", body: client({ first_name: 42 }), status: 422, field: ["first_name"] },
    { label: "array body", method: "PUT", path: "/clients/C-BAD", body: [client()], status: 422, field: [] },
    { label: "unknown field", method: "PUT", path: "/clients/C-BAD", body: client({ firstName: "x" }), status: 422 },
    { label: "bad email", method: "PUT", path: "/clients/C-BAD", body: client({ emails: ["ok@example.com", "not an email"] }), status: 422, field: ["emails", 1] },
    { label: "duplicate email", method: "PUT", path: "/clients/C-BAD", body: client({ emails: ["a@example.com", "A@example.com"] }), status: 422, field: ["emails", 1] },
    { label: "NUL", method: "PUT", path: "/clients/C-BAD", body: client({ last_name: "a\u0000b" }), status: 400, field: ["last_name"] },
    { label: "huge number", method: "PUT", path: "/patients/PET-BAD", body: { client_external_id: "C-PETS", name: "X", species: "Dog", date_of_birth: 1e308 }, status: 422, field: ["date_of_birth"] },
    { label: "impossible date", method: "PUT", path: "/patients/PET-BAD", body: { client_external_id: "C-PETS", name: "X", species: "Dog", date_of_birth: "2021-02-30" }, status: 422, field: ["date_of_birth"] },
    { label: "year 0", method: "PUT", path: "/patients/PET-BAD", body: { client_external_id: "C-PETS", name: "X", species: "Dog", date_of_birth: "0000-01-01" }, status: 422, field: ["date_of_birth"] },
    { label: "bad status", method: "PUT", path: "/patients/PET-BAD", body: { client_external_id: "C-PETS", name: "X", species: "Dog", status: "gone" }, status: 422, field: ["status"] },
    { label: "bad external id", method: "PUT", path: "/clients/has%20space", body: client(), status: 400, field: ["externalId"] },
    { label: "overlong external id", method: "GET", path: `/clients/${"A".repeat(101)}`, status: 400, field: ["externalId"] },
    { label: "bad cursor", method: "GET", path: "/clients?cursor=bm90LWEtY3Vyc29y", status: 400, field: ["cursor"] },
    { label: "limit too big", method: "GET", path: "/clients?limit=99999999999999999999", status: 400, field: ["limit"] },
    { label: "limit not a number", method: "GET", path: "/clients?limit=ten", status: 400, field: ["limit"] },
    { label: "bad updated_since", method: "GET", path: "/clients?updated_since=yesterday", status: 400, field: ["updated_since"] },
    { label: "updated_since year 0", method: "GET", path: "/clients?updated_since=0000-01-01T00:00:00Z", status: 400, field: ["updated_since"] },
    { label: "unknown query parameter", method: "GET", path: "/clients?updatedSince=x", status: 400 },
    { label: "wrong method", method: "DELETE", path: "/clients/C-1001", status: 405 },
    { label: "POST to a collection", method: "POST", path: "/clients", body: client(), status: 405 },
    { label: "unknown path", method: "GET", path: "/nothing-here", status: 404 },
  ];
  for (const c of cases) {
    it(c.label, async () => {
      const res = await api(c.method, c.path, { key: writeKey, body: c.body, rawBody: c.rawBody, headers: c.headers });
      expect(res.status, res.body).toBe(c.status);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      if (c.field) expect((res.json as { errors: { path: unknown[] }[] }).errors.map((e) => e.path)).toContainEqual(c.field);
    });
  }

  it("405 names the methods that work; OPTIONS answers them", async () => {
    const res = await api("DELETE", "/clients/C-1001", { key: writeKey });
    expect(res.headers.allow).toBe("GET, HEAD, PUT, OPTIONS");
    const options = await api("OPTIONS", "/clients", {});
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("GET, HEAD, OPTIONS");
  });

  it("refuses a body over 1 MB with 413, chunked or not", async () => {
    const big = JSON.stringify(client({ last_name: "x".repeat(1024 * 1024) }));
    expect((await api("PUT", "/clients/C-BIG", { key: writeKey, rawBody: big })).status).toBe(413);
    const chunked = await api("PUT", "/clients/C-BIG", { key: writeKey, rawBody: big, headers: { "content-length": "", "transfer-encoding": "chunked" } });
    expect(chunked.status).toBe(413);
  });

  it("serves the API only on practice hosts", async () => {
    for (const host of ["localhost:3000", "support.localhost:3000"]) {
      const res = await server.request(host, "/api/v1/clients", { headers: { authorization: `Bearer ${writeKey}` } });
      expect(res.status, host).toBe(404);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    }
  });
});

describe("rate limit", () => {
  it(`answers 429 with Retry-After after ${API_REQUESTS_PER_MINUTE} requests a minute per key`, async () => {
    const key = await keyFor(happy, "Busy");
    // Fill the key's counter for this minute directly rather than with 600 requests.
    const windowStart = new Date(Math.floor(server.clock.now().getTime() / 60_000) * 60_000);
    const keyId = await withPractice(db.app.db, happy, async (trx) => (await trx.selectFrom("api_keys").select("id").where("name", "=", "Busy").executeTakeFirstOrThrow()).id);
    await withPractice(db.app.db, happy, (trx) => trx.insertInto("rate_limit_counters").values({ practice_id: happy.id, bucket: `api-key:${keyId}`, window_start: windowStart, hits: API_REQUESTS_PER_MINUTE - 1 }).execute());
    expect((await api("GET", "/clients?limit=1", { key })).status).toBe(200);
    const limited = await api("GET", "/clients?limit=1", { key });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
    // Another key of the same practice is not affected.
    expect((await api("GET", "/clients?limit=1", { key: readKey })).status).toBe(200);
  });
});

describe("a dedicated practice (Northside Vet, its own database)", () => {
  it("works the same, and keys of shared practices do not open it", async () => {
    const key = await keyFor(northside, "Northside PIMS");
    expect((await northsideApi("PUT", "/clients/N-1", { key, body: client({ emails: ["n.one@example.com"] }) })).status).toBe(201);
    expect((await northsideApi("PUT", "/patients/NP-1", { key, body: { client_external_id: "N-1", name: "Pixel", species: "Cat" } })).status).toBe(201);
    const again = await northsideApi("PUT", "/clients/N-1", { key, body: client({ emails: ["n.one@example.com"] }) });
    expect(again.status).toBe(200);
    expect(((await northsideApi("GET", "/patients", { key })).json as { data: unknown[] }).data).toHaveLength(1);
    expect((await northsideApi("GET", "/clients", { key: writeKey })).status).toBe(401);
    expect((await api("GET", "/clients", { key })).status).toBe(401);
  });
});

describe("the OpenAPI document", () => {
  it("is served without a key, is OpenAPI 3.1, and its reference page has no inline script or style", async () => {
    const doc = await server.request(HAPPY, "/api/v1/openapi.json");
    expect(doc.status).toBe(200);
    const parsed = JSON.parse(doc.body) as { openapi: string; paths: Record<string, unknown>; servers: { url: string }[] };
    expect(parsed.openapi).toBe("3.1.0");
    expect(Object.keys(parsed.paths)).toEqual(expect.arrayContaining(["/clients", "/clients/{externalId}", "/patients", "/patients/{externalId}"]));
    expect(parsed.servers[0]!.url).toBe("http://happy-paws.localhost:3000/api/v1");
    const page = await server.request(HAPPY, "/api/v1/docs");
    expect(page.status).toBe(200);
    expect(page.body).toContain("PUT /api/v1/clients/{externalId}");
    expect(page.body).not.toMatch(/<script|style=/);
    expect(String(page.headers["content-security-policy"])).toContain("default-src 'self'");
  });

  it("described every response of these tests (the contract)", () => {
    expect(api.checked() + riversideApi.checked() + northsideApi.checked()).toBeGreaterThan(60);
  });
});
