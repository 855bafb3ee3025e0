import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestResponse, TestServer } from "../support/http";
import { waitFor } from "../support/processes";
import { staffCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let spoolDir: string;
let happyPaws: Practice;
let riverside: Practice;
let owner: string;
let vet: string;

beforeAll(async () => {
  spoolDir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-csv-"));
  ({ db, server } = await startDemoServer({ config: { dataDir: spoolDir } }));
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  riverside = (await server.registry.resolve("riverside-physio"))!;
  owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
  vet = await staffCookieFor(db, happyPaws, "emily.carter@happypaws.example.com");
});

afterAll(async () => {
  await server.close();
  await fs.rm(spoolDir, { recursive: true, force: true });
});

function upload(cookie: string, kind: string, csv: string, host = HAPPY): Promise<TestResponse> {
  const boundary = "----portico-test-boundary";
  const body = [`--${boundary}`, 'Content-Disposition: form-data; name="kind"', "", kind, `--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="data.csv"', "Content-Type: text/csv", "", csv, `--${boundary}--`, ""].join("\r\n");
  return server.request(host, "/admin/import", {
    method: "POST",
    headers: { cookie, origin: `http://${host}`, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(Buffer.byteLength(body)) },
    body,
  });
}

async function imported(location: string) {
  const id = new URL(location, "http://x").searchParams.get("id")!;
  const { value } = await waitFor(
    () => withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("imports").selectAll().where("id", "=", id).executeTakeFirstOrThrow()),
    (row) => row.status === "done" || row.status === "failed",
    20_000,
  );
  return value;
}

describe("CSV import in admin", () => {
  let clientsCsv: string;
  let patientsCsv: string;

  it("offers the templates to staff who manage integrations", async () => {
    const clients = await server.request(HAPPY, "/admin/import-template.csv?kind=clients", { headers: { cookie: owner } });
    expect(clients.status).toBe(200);
    expect(clients.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(clients.headers["content-disposition"]).toBe('attachment; filename="portico-clients-template.csv"');
    expect(clients.body.split("\n")[0]).toBe("external_id,first_name,last_name,email,other_emails,phone,other_phones,address_line1,address_line2,city,region,postal_code,country,status");
    clientsCsv = clients.body;
    patientsCsv = (await server.request(HAPPY, "/admin/import-template.csv?kind=patients", { headers: { cookie: owner } })).body;
    const page = await server.request(HAPPY, "/admin/import", { headers: { cookie: owner } });
    expect(page.status).toBe(200);
    expect(page.body).toContain("Import clients and patients");
  });

  it("imports the filled-in templates, reports a bad row by its spreadsheet row, and changes nothing the second time", async () => {
    const before = await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("clients").select("id").execute());
    const clients = await upload(owner, "clients", `${clientsCsv}C-1003,Bad,Email,not-an-email,,,,,,,,,,active\n`);
    expect(clients.status).toBe(302);
    const first = await imported(clients.headers.location!);
    expect(first).toMatchObject({ status: "done", source: "csv", created: 2, rejected: 1, created_by_type: "staff" });
    const patients = await imported((await upload(owner, "patients", patientsCsv)).headers.location!);
    expect(patients).toMatchObject({ status: "done", created: 2, rejected: 0 });

    const report = await server.request(HAPPY, clients.headers.location!, { headers: { cookie: owner } });
    expect(report.body).toContain("<td>4</td>");
    expect(report.body).toMatch(/emails\.0 must be an email address/);
    const rows = await withPractice(db.owner.db, happyPaws, (trx) =>
      trx.selectFrom("patients as p").innerJoin("clients as c", "c.id", "p.client_id").select(["p.name", "c.external_id"]).where("p.external_id", "in", ["P-2001", "P-2002"]).orderBy("p.name").execute(),
    );
    expect(rows).toEqual([
      { name: "Biscuit", external_id: "C-1001" },
      { name: "Luna", external_id: "C-1002" },
    ]);
    const again = await imported((await upload(owner, "clients", clientsCsv)).headers.location!);
    expect(again).toMatchObject({ status: "done", created: 0, updated: 0, unchanged: 2, rejected: 0 });
    // Another practice of the same database: untouched.
    expect(await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("clients").select("id").execute())).toEqual(before);
  });

  it("refuses a file that is not like the template, with the columns it lacks", async () => {
    const res = await upload(owner, "patients", clientsCsv);
    expect(res.status).toBe(422);
    expect(res.body).toContain("missing columns client_external_id, name");
  });

  it("is forbidden to staff without manage_integrations", async () => {
    expect((await server.request(HAPPY, "/admin/import", { headers: { cookie: vet } })).status).toBe(403);
    expect((await server.request(HAPPY, "/admin/import-template.csv?kind=clients", { headers: { cookie: vet } })).status).toBe(403);
    expect((await upload(vet, "clients", "external_id\n")).status).toBe(403);
  });
});
