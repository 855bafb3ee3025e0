import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import { issueApiKey } from "../../server/api/keys.server";
import { ImportRunner } from "../../server/imports/import-runner.server";
import { createImport } from "../../server/imports/run-import.server";
import { createLogger } from "../../server/logger.server";
import { connect } from "../../db/connection.server";
import { provisionDedicatedDatabase, serverOf } from "../../tenants/dedicated-databases.server";
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from "../support/database";
import { apiClient } from "../support/api-contract";
import { startTestServer, testKeys, type TestResponse, type TestServer } from "../support/http";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";
import { TEST_PASSWORDS } from "../support/global-setup";
import { runScript, waitFor } from "../support/processes";

let db: TestDatabase;
let server: TestServer;
let spoolDir: string;
let a: PracticeFixture;
let b: PracticeFixture;
const keys: Record<string, string> = {};

const HOST_A = "import-a.localhost:3000";
const HOST_B = "import-b.localhost:3000";

async function key(fixture: PracticeFixture, scopes: ("read" | "write")[]): Promise<string> {
  const issued = await withPractice(db.owner.db, fixture.practice, (trx) => issueApiKey(trx, { practiceId: fixture.practice.id, name: `EMR ${scopes.join("+")}`, scopes, createdBy: null, now: new Date() }));
  return issued.secret;
}

beforeAll(async () => {
  db = await createTestDatabase();
  spoolDir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-imports-"));
  server = await startTestServer(db, { dataDir: spoolDir });
  a = await createPracticeFixture(db.owner.db, "import-a");
  b = await createPracticeFixture(db.owner.db, "import-b");
  keys.a = await key(a, ["read", "write"]);
  keys.aRead = await key(a, ["read"]);
  keys.b = await key(b, ["read", "write"]);
});

afterAll(async () => {
  await server.close();
  await fs.rm(spoolDir, { recursive: true, force: true });
});

const json = (res: TestResponse) => JSON.parse(res.body) as Record<string, unknown>;

function post(host: string, secret: string, body: string, contentType = "application/x-ndjson") {
  return server.request(host, "/api/v1/imports", { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": contentType }, body });
}

async function finished(host: string, secret: string, location: string) {
  const { value } = await waitFor(
    () => server.request(host, location, { headers: { authorization: `Bearer ${secret}` } }),
    (res) => res.status !== 200 || ["done", "failed"].includes(String(json(res).status)),
    20_000,
  );
  expect(value.status).toBe(200);
  return json(value);
}

const FILE = [
  JSON.stringify({ type: "client", external_id: "C-1", first_name: "Ana", last_name: "Silva", emails: ["ana@example.com"], phones: ["+1 555 0101"] }),
  JSON.stringify({ type: "client", external_id: "C-2", first_name: "Ben", last_name: "Okoro" }),
  "",
  JSON.stringify({ type: "patient", external_id: "P-1", client_external_id: "C-1", name: "Rex", species: "Dog" }),
  "{ this is not json",
  JSON.stringify({ type: "patient", external_id: "P-2", client_external_id: "C-404", name: "Ghost", species: "Cat" }),
  JSON.stringify({ type: "client", external_id: "C-3", first_name: "", last_name: "Empty" }),
  JSON.stringify({ type: "spaceship", external_id: "S-1" }),
  JSON.stringify({ type: "patient", external_id: "P-3", client_external_id: "C-2", name: "Mochi", species: "Cat", date_of_birth: "2020-02-02" }),
].join("\n");

async function counts(fixture: PracticeFixture) {
  return withPractice(db.owner.db, fixture.practice, async (trx) => ({
    clients: (await trx.selectFrom("clients").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n,
    patients: (await trx.selectFrom("patients").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n,
    audit: (await trx.selectFrom("audit_events").select((eb) => eb.fn.countAll<string>().as("n")).where("action", "like", "%.updated").executeTakeFirstOrThrow()).n,
    updatedAt: (await trx.selectFrom("clients").select("updated_at").where("external_id", "=", "C-1").executeTakeFirst())?.updated_at.toISOString(),
  }));
}

describe("POST /api/v1/imports", () => {
  let first: Record<string, unknown>;

  it("accepts an NDJSON file at once (202 with its URL) and imports it in the background with a per-line report", async () => {
    const before = await counts(b);
    const res = await post(HOST_A, keys.a!, FILE);
    expect(res.status).toBe(202);
    expect(res.headers["cache-control"]).toBe("no-store");
    const location = res.headers.location!;
    expect(location).toMatch(/^\/api\/v1\/imports\/[0-9a-f-]{36}$/);
    expect(json(res)).toMatchObject({ status: "queued", source: "api", lines_total: 9, url: `http://${HOST_A}${location}` });

    first = await finished(HOST_A, keys.a!, location);
    expect(first).toMatchObject({ status: "done", lines_total: 9, lines_done: 9, progress: 1, accepted: 4, created: 4, updated: 0, unchanged: 0, rejected: 4, failure: null, rejections_truncated: false });
    const rejections = first.rejections as { line: number; type: string | null; external_id: string | null; reason: string }[];
    expect(rejections.map((r) => r.line)).toEqual([5, 6, 7, 8]);
    expect(rejections[0]).toMatchObject({ type: null, reason: "the line is not valid JSON" });
    expect(rejections[1]).toMatchObject({ type: "patient", external_id: "P-2", reason: "client_external_id names no client of this practice" });
    expect(rejections[2]).toMatchObject({ type: "client", external_id: "C-3", reason: "first_name must not be empty" });
    expect(rejections[3]!.reason).toMatch(/^type must be one of client, patient/);

    const after = await counts(a);
    expect(after.clients).toBe("3"); // the fixture's client and C-1, C-2
    expect(after.patients).toBe("3");
    // The other practice: nothing read or written.
    expect(await counts(b)).toEqual(before);
    // The spool file is gone once the import is done.
    expect(await fs.readdir(path.join(spoolDir, "imports"))).toEqual([]);
  });

  it("changes nothing when the same file is sent again: every accepted line counts as unchanged", async () => {
    const before = await counts(a);
    const res = await post(HOST_A, keys.a!, FILE);
    expect(res.status).toBe(202);
    const again = await finished(HOST_A, keys.a!, res.headers.location!);
    expect(again).toMatchObject({ status: "done", created: 0, updated: 0, unchanged: 4, rejected: 4 });
    expect(await counts(a)).toEqual(before);
  });

  it("updates what changed and counts it", async () => {
    const res = await post(HOST_A, keys.a!, JSON.stringify({ type: "client", external_id: "C-2", first_name: "Benjamin", last_name: "Okoro" }) + "\n");
    expect(await finished(HOST_A, keys.a!, res.headers.location!)).toMatchObject({ status: "done", lines_total: 1, created: 0, updated: 1, unchanged: 0, rejected: 0 });
  });

  it("imports the API's other resources the same way: a practitioner and a reminder, then unchanged", async () => {
    const body = [
      JSON.stringify({ type: "practitioner", external_id: "PR-1", name: "Dr. Ada Vance", title: "Veterinarian" }),
      JSON.stringify({ type: "reminder", external_id: "R-1", patient_external_id: "P-1", description: "Rabies booster", due_on: "2027-03-01" }),
      JSON.stringify({ type: "reminder", external_id: "R-2", patient_external_id: "P-404", description: "Nobody's", due_on: "2027-03-01" }),
    ].join("\n");
    const first = await finished(HOST_A, keys.a!, (await post(HOST_A, keys.a!, body)).headers.location!);
    expect(first).toMatchObject({ status: "done", created: 2, rejected: 1 });
    expect((first.rejections as { line: number; reason: string }[])[0]).toMatchObject({ line: 3, reason: expect.stringMatching(/^patient_external_id /) });
    const again = await finished(HOST_A, keys.a!, (await post(HOST_A, keys.a!, body)).headers.location!);
    expect(again).toMatchObject({ status: "done", created: 0, updated: 0, unchanged: 2, rejected: 1 });
  });

  it("writes a batch type by type in reference order, and a repeated external id in the file's order", async () => {
    const body = [
      // Each record before what it names, and types interleaved: the batch still resolves them.
      JSON.stringify({ type: "reminder", external_id: "R-10", patient_external_id: "P-10", description: "Dental check", due_on: "2027-05-01" }),
      JSON.stringify({ type: "patient", external_id: "P-10", client_external_id: "C-10", name: "Biscuit", species: "Dog" }),
      JSON.stringify({ type: "client", external_id: "C-10", first_name: "Cleo", last_name: "Marsh", emails: ["cleo@example.com"] }),
      JSON.stringify({ type: "reminder", external_id: "R-11", patient_external_id: "P-10", description: "Nail trim", due_on: "2027-06-01" }),
      // The same client again, later in the file: it is what stays.
      JSON.stringify({ type: "client", external_id: "C-10", first_name: "Cleopatra", last_name: "Marsh", emails: ["cleo@example.com", "cm@example.com"] }),
      JSON.stringify({ type: "reminder", external_id: "R-10", patient_external_id: "P-10", description: "Dental check and scale", due_on: "2027-05-01" }),
    ].join("\n");
    const report = await finished(HOST_A, keys.a!, (await post(HOST_A, keys.a!, body)).headers.location!);
    expect(report).toMatchObject({ status: "done", created: 4, updated: 2, unchanged: 0, rejected: 0 });
    const stored = await withPractice(db.owner.db, a.practice, async (trx) => ({
      client: await trx.selectFrom("clients").select(["first_name"]).where("external_id", "=", "C-10").executeTakeFirstOrThrow(),
      emails: (await trx.selectFrom("client_emails as e").innerJoin("clients as c", "c.id", "e.client_id").select("e.email").where("c.external_id", "=", "C-10").orderBy("e.email").execute()).map((r) => r.email),
      reminder: await trx.selectFrom("reminders").select("description").where("external_id", "=", "R-10").executeTakeFirstOrThrow(),
      audit: (await trx.selectFrom("audit_events").select("action").where(sql<string>`details ->> 'externalId'`, "=", "C-10").orderBy("seq").execute()).map((r) => r.action),
    }));
    expect(stored).toEqual({ client: { first_name: "Cleopatra" }, emails: ["cleo@example.com", "cm@example.com"], reminder: { description: "Dental check and scale" }, audit: ["client.created", "client.updated"] });
  });

  it("keeps one practice's import away from another: the key, the import's URL and the rows", async () => {
    const own = await post(HOST_B, keys.b!, JSON.stringify({ type: "client", external_id: "C-1", first_name: "Other", last_name: "Practice" }));
    expect(own.status).toBe(202);
    await finished(HOST_B, keys.b!, own.headers.location!);
    // A's key on B's host, and B's import read on A's host with A's key: 401 and 404.
    expect((await post(HOST_B, keys.a!, FILE)).status).toBe(401);
    const peek = await server.request(HOST_A, own.headers.location!, { headers: { authorization: `Bearer ${keys.a}` } });
    expect(peek.status).toBe(404);
    expect(peek.headers["content-type"]).toMatch(/^application\/problem\+json/);
    // C-1 exists in both practices, each its own row.
    const names = await Promise.all([a, b].map((f) => withPractice(db.owner.db, f.practice, (trx) => trx.selectFrom("clients").select("first_name").where("external_id", "=", "C-1").execute())));
    expect(names).toEqual([[{ first_name: "Ana" }], [{ first_name: "Other" }]]);
  });

  it.each([
    ["no key", {}, "x", 401],
    ["a read-only key", { authorization: `Bearer KEY_READ` }, "{}", 403],
    ["JSON instead of NDJSON", { authorization: "Bearer KEY", "content-type": "application/json" }, "{}", 415],
    ["an empty body", { authorization: "Bearer KEY", "content-type": "application/x-ndjson" }, "", 422],
  ])("answers %s with a problem (%#)", async (_label, headers: Record<string, string>, body, status) => {
    const resolved = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace("KEY_READ", keys.aRead!).replace(/KEY$/, keys.a!)]));
    const res = await server.request(HOST_A, "/api/v1/imports", { method: "POST", headers: { "content-type": "application/x-ndjson", ...resolved }, body });
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(json(res)).toMatchObject({ status });
  });

  it("answers an unknown or malformed import id with 404 and other methods with 405", async () => {
    const auth = { authorization: `Bearer ${keys.a}` };
    expect((await server.request(HOST_A, "/api/v1/imports/not-an-id", { headers: auth })).status).toBe(404);
    expect((await server.request(HOST_A, "/api/v1/imports/00000000-0000-4000-8000-000000000000", { headers: auth })).status).toBe(404);
    const get = await server.request(HOST_A, "/api/v1/imports", { headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST, OPTIONS");
  });
});

describe("an import interrupted by a restart", () => {
  it("resumes after its last committed batch from the spool file, and marks an import nobody resumes as failed", async () => {
    const lines = [
      JSON.stringify({ type: "client", external_id: "R-1", first_name: "Already", last_name: "Done" }),
      JSON.stringify({ type: "client", external_id: "R-2", first_name: "Still", last_name: "Todo" }),
    ];
    const scope = <T>(work: Parameters<typeof withPractice<T>>[2]) => withPractice(db.app.db, a.practice, work);
    // A server accepted the import, committed its first line and stopped.
    const row = await scope((trx) => createImport(trx, { practiceId: a.practice.id, source: "api", bytes: 100, linesTotal: 2, creator: { type: "system", id: null, name: "test" }, now: new Date() }));
    await scope((trx) => trx.updateTable("imports").set({ status: "running", lines_done: 1, created: 1 }).where("id", "=", row.id).execute());
    const runner = new ImportRunner({ spoolDir: path.join(spoolDir, "resume"), logger: createLogger({ env: "test", logLevel: "silent" }) });
    await fs.mkdir(runner.spoolDir, { recursive: true });
    await fs.writeFile(runner.spoolPath(a.practice, row.id), lines.join("\n"));
    expect(await runner.resume(async (subdomain) => (subdomain === a.practice.subdomain ? { practice: a.practice, scope } : undefined))).toBe(1);
    await runner.settled();
    const done = await scope((trx) => trx.selectFrom("imports").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow());
    expect(done).toMatchObject({ status: "done", lines_done: 2, created: 2 });
    // Line 1 was not applied again: R-1 never existed, since the "first batch" above was only counted.
    const ids = await scope((trx) => trx.selectFrom("clients").select("external_id").where("external_id", "like", "R-%").execute());
    expect(ids).toEqual([{ external_id: "R-2" }]);
    expect(await fs.readdir(runner.spoolDir)).toEqual([]);

    // An import whose server never came back: reported failed ten minutes after its last sign of life.
    const lost = await scope((trx) => createImport(trx, { practiceId: a.practice.id, source: "api", bytes: 1, linesTotal: 1, creator: { type: "system", id: null, name: "test" }, now: new Date(Date.now() - 11 * 60_000) }));
    const seen = await server.request(HOST_A, `/api/v1/imports/${lost.id}`, { headers: { authorization: `Bearer ${keys.a}` } });
    expect(json(seen)).toMatchObject({ status: "failed", failure: expect.stringMatching(/interrupted after line 0/) });
  });
});

describe("npm run practice -- import", () => {
  const cli = (...args: string[]) => runScript("server/cli/practice.ts", args, { DATABASE_URL: db.ownerUrl, DATABASE_APP_PASSWORD: TEST_PASSWORDS.app });

  it("imports a file with the same report, prints the rejections and exits 1 for them; a second run changes nothing", async () => {
    const file = path.join(spoolDir, "cli.ndjson");
    await fs.writeFile(
      file,
      [
        JSON.stringify({ type: "client", external_id: "K-1", first_name: "Kim", last_name: "Lee", emails: ["kim@example.com"] }),
        JSON.stringify({ type: "patient", external_id: "KP-1", client_external_id: "K-1", name: "Tofu", species: "Rabbit" }),
        JSON.stringify({ type: "patient", external_id: "KP-2", client_external_id: "K-1", name: "Tofu", species: null }),
      ].join("\n") + "\n",
    );
    const first = await cli("import", "--subdomain", "import-b", "--file", file);
    expect(first.stdout).toMatch(/^import [0-9a-f-]{36} done: 3 lines, 2 created, 0 updated, 0 unchanged, 1 rejected$/m);
    expect(first.stdout).toContain("  line 3 patient KP-2: species is required at a veterinary practice");
    expect(first.code).toBe(1);
    const again = await cli("import", "--subdomain", "import-b", "--file", file);
    expect(again.stdout).toMatch(/done: 3 lines, 0 created, 0 updated, 2 unchanged, 1 rejected/);
    const rows = await withPractice(db.owner.db, b.practice, (trx) => trx.selectFrom("patients").select("external_id").where("external_id", "like", "KP-%").execute());
    expect(rows).toEqual([{ external_id: "KP-1" }]);
    // Nothing of it in practice A.
    const inA = await withPractice(db.owner.db, a.practice, (trx) => trx.selectFrom("clients").select("id").where("external_id", "=", "K-1").execute());
    expect(inA).toEqual([]);
    const audit = await withPractice(db.owner.db, b.practice, (trx) => trx.selectFrom("audit_events").select(["action", "actor_type"]).where("action", "like", "import.%").orderBy("occurred_at").execute());
    expect(audit.filter((e) => e.action === "import.finished" && e.actor_type === "system")).toHaveLength(2);
  });

  it.concurrent.each([
    [["import", "--subdomain", "import-b"], /needs --subdomain and --file/],
    [["import", "--subdomain", "import-b", "--file", "/nonexistent/file.ndjson"], /Cannot read \/nonexistent\/file.ndjson: ENOENT/],
    [["import", "--subdomain", "nobody-here", "--file", "package.json"], /No practice has the subdomain/],
  ])("answers %j with one line and exit code 2", async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("npm run practice -- export", () => {
  const cli = (...args: string[]) => runScript("server/cli/practice.ts", args, { DATABASE_URL: db.ownerUrl, DATABASE_APP_PASSWORD: TEST_PASSWORDS.app, DATA_DIR: path.join(spoolDir, "cli-data") });

  it("writes every row of one practice as NDJSON, one file a table, without secrets, into a directory or a zip", async () => {
    const dir = path.join(spoolDir, "export-a");
    const result = await cli("export", "--subdomain", "import-a", "--out", dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^exported import-a: \d+ rows in \d+ tables, 0 files to /m);
    const names = await fs.readdir(dir);
    expect(names).toEqual(expect.arrayContaining(["manifest.json", "clients.ndjson", "patients.ndjson", "imports.ndjson", "import_rejections.ndjson", "audit_events.ndjson", "api_keys.ndjson"]));
    expect(names).not.toContain("client_sessions.ndjson");
    const clients = (await fs.readFile(path.join(dir, "clients.ndjson"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(clients.every((c) => c.practice_id === a.practice.id)).toBe(true);
    expect(clients.map((c) => c.first_name)).toContain("Ana");
    expect(clients.map((c) => c.first_name)).not.toContain("Other");
    const apiKeys = await fs.readFile(path.join(dir, "api_keys.ndjson"), "utf8");
    expect(apiKeys).toContain('"prefix"');
    expect(apiKeys).not.toContain("secret_hash");
    const manifest = JSON.parse(await fs.readFile(path.join(dir, "manifest.json"), "utf8")) as { tables: Record<string, number>; practice: { subdomain: string } };
    expect(manifest.practice.subdomain).toBe("import-a");
    expect(manifest.tables.clients).toBe(clients.length);

    const zip = path.join(spoolDir, "export-a.zip");
    const zipped = await cli("export", "--subdomain", "import-a", "--out", zip);
    expect(zipped.code).toBe(0);
    expect((await fs.readFile(zip)).subarray(0, 2).toString("latin1")).toBe("PK");
    // Never over an existing export.
    const again = await cli("export", "--subdomain", "import-a", "--out", zip);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists: choose a new file name/);
  });
});

describe("an import into a practice on a dedicated database", () => {
  it("lands in that database only, through the same API", async () => {
    const empty = await createEmptyDatabase();
    const appPassword = decodeURIComponent(new URL(db.appUrl).password);
    const placement = await provisionDedicatedDatabase(db.owner.db, testKeys(), { ownerUrl: empty.ownerUrl, mainServer: serverOf(db.ownerUrl), mainAppPassword: appPassword, runtimePassword: appPassword });
    const owner = connect(empty.ownerUrl, { max: 2 });
    try {
      const dedicated = await createPracticeFixture(db.owner.db, "import-dedicated", "veterinary", { id: placement.id, db: owner.db });
      const secret = await withPractice(owner.db, dedicated.practice, (trx) => issueApiKey(trx, { practiceId: dedicated.practice.id, name: "EMR", scopes: ["read", "write"], createdBy: null, now: new Date() }));
      const host = "import-dedicated.localhost:3000";
      const res = await post(host, secret.secret, FILE);
      expect(res.status).toBe(202);
      expect(await finished(host, secret.secret, res.headers.location!)).toMatchObject({ status: "done", created: 4, rejected: 4 });
      const there = await withPractice(owner.db, dedicated.practice, (trx) => trx.selectFrom("clients").select("external_id").where("external_id", "in", ["C-1", "C-2"]).orderBy("external_id").execute());
      expect(there).toEqual([{ external_id: "C-1" }, { external_id: "C-2" }]);
      const inShared = await withPractice(db.owner.db, dedicated.practice, (trx) => trx.selectFrom("imports").select("id").execute());
      expect(inShared).toEqual([]);
    } finally {
      await owner.close();
    }
  });
});

describe("the imports' contract", () => {
  it("answers as the OpenAPI document says, for an accepted import, its report and its errors", async () => {
    const api = await apiClient(server, HOST_A);
    const accepted = await api("POST", "/imports", { key: keys.a!, rawBody: FILE, headers: { "content-type": "application/x-ndjson" } });
    expect(accepted.status).toBe(202);
    const location = accepted.headers.location!.replace("/api/v1", "");
    await finished(HOST_A, keys.a!, accepted.headers.location!);
    expect((await api("GET", location, { key: keys.a! })).status).toBe(200);
    expect((await api("GET", "/imports/00000000-0000-4000-8000-000000000000", { key: keys.a! })).status).toBe(404);
    expect((await api("POST", "/imports", { key: keys.a!, body: { type: "client" } })).status).toBe(415);
    expect((await api("POST", "/imports", { key: keys.aRead!, rawBody: FILE, headers: { "content-type": "application/x-ndjson" } })).status).toBe(403);
    expect(api.checked()).toBe(5);
  });
});
