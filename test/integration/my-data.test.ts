import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let maria: string;
let james: string;

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
  james = await sessionCookieFor(db, happyPaws, "james.okafor@example.com");
});

afterAll(async () => {
  await server.close();
});

/** The answer's bytes as they are (the test client's string body would mangle a zip). */
function download(path: string, cookie = ""): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: server.port, path, headers: { host: HAPPY, cookie } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error("no zip"));
      const entries = new Map<string, Buffer>();
      file.on("entry", (entry: yauzl.Entry) => {
        file.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error("no stream"));
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.on("end", () => resolve(entries));
      file.on("error", reject);
      file.readEntry();
    });
  });
}

describe("Download my data", () => {
  it("is a zip of what the portal shows the client, records as PDFs, nothing hidden, uncacheable and audited", async () => {
    const res = await download("/settings/my-data.zip", maria);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/zip");
    expect(res.headers["cache-control"]).toBe("private, no-store");
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="my-data-happy-paws-animal-hospital-\d{4}-\d{2}-\d{2}\.zip"$/);
    const files = await unzip(res.body);
    const names = [...files.keys()];
    expect(names).toEqual(expect.arrayContaining(["README.txt", "account.json", "patients.json", "records.json", "appointments.json", "prescriptions.json", "reminders.json"]));

    const all = [...files.entries()].filter(([name]) => name.endsWith(".json")).map(([, content]) => content.toString("utf8")).join("\n");
    const pets = JSON.parse(files.get("patients.json")!.toString("utf8")) as { name: string }[];
    expect(pets.map((p) => p.name).sort()).toEqual(["Biscuit", "Mochi"]);
    // Visible records are there; hidden ones (sharing off, to review, staff notes, drafts, voided) and other clients' pets are not.
    expect(all).toContain("Rabies vaccination certificate");
    for (const hidden of ["sharing switched off", "Urinalysis", "Staff note", "Draft: dental", "Entered in error", "Pepper", "Shadow", "Luna", "Gabapentin", "Amoxicillin"]) expect(all).not.toContain(hidden);
    expect(all).toContain("Carprofen");

    const pdfs = names.filter((n) => n.startsWith("records/"));
    const records = JSON.parse(files.get("records.json")!.toString("utf8")) as { years: { records: unknown[] }[] }[];
    expect(pdfs).toHaveLength(records.flatMap((p) => p.years.flatMap((y) => y.records)).length);
    expect(pdfs.length).toBeGreaterThan(0);
    for (const pdf of pdfs) expect(files.get(pdf)!.subarray(0, 5).toString("latin1")).toBe("%PDF-");

    const audit = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select(["actor_type"]).where("action", "=", "client.data_downloaded").execute());
    expect(audit).toEqual([{ actor_type: "client" }]);
  });

  it("holds only James's own pet for James", async () => {
    const files = await unzip((await download("/settings/my-data.zip", james)).body);
    const pets = JSON.parse(files.get("patients.json")!.toString("utf8")) as { name: string }[];
    expect(pets.map((p) => p.name)).toEqual(["Luna"]);
    expect([...files.values()].map((b) => b.toString("latin1")).join("")).not.toContain("Biscuit");
  });

  it("sends a signed-out visitor to sign in, never a zip", async () => {
    const res = await download("/settings/my-data.zip");
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(400);
    expect(res.headers["content-type"] ?? "").not.toBe("application/zip");
  });

  it("is linked from Settings", async () => {
    const res = await server.request(HAPPY, "/settings", { headers: { cookie: maria } });
    expect(res.body).toContain('href="/settings/my-data.zip"');
  });
});
