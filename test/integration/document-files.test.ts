import { createHash } from "node:crypto";
import http from "node:http";
import sharp from "sharp";
import yauzl from "yauzl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import { hashPassword } from "../../server/auth/passwords.server";
import { type ApiAnswer, type ApiCallFn, apiClient, apiKeyFor, ContractChecker } from "../support/api-client";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startTestServer, type TestServer } from "../support/http";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

/**
 * A document's files over the integration API (PUT raw bytes, GET the list, DELETE withdraws), the type read from
 * the bytes, and the client's download from the portal through the record's own visibility rule; staff download
 * with chart_access only. Every API answer is checked against /api/v1/openapi.json.
 */

const HOST = "doc-files.localhost:3000";
const OTHER_HOST = "doc-files-other.localhost:3000";
const EMAIL = "grace@doc-files.example.com";
const OTHER_CLIENT_EMAIL = "alan@doc-files.example.com";

let db: TestDatabase;
let server: TestServer;
let fixture: PracticeFixture;
let other: PracticeFixture;
let api: ApiCallFn;
let key: string;
let contract: ContractChecker;
let cookie: string;
let otherClientCookie: string;
let otherPracticeCookie: string;
let chartStaff: string;
let noChartStaff: string;

type Raw = { status: number; headers: http.IncomingHttpHeaders; bytes: Buffer };

/** The test server's helper speaks text; files are bytes. */
function raw(host: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: server.port, path, method: options.method ?? "GET", headers: { host, ...options.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    if (options.body) req.write(options.body);
    req.end();
  });
}

/** PUT a file's bytes as the practice system would; the answer is checked against the contract. */
async function putFile(documentExternalId: string, name: string, type: string, body: Buffer, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const path = `/documents/${documentExternalId}/files/${encodeURIComponent(name)}`;
  const res = await raw(HOST, `/api/v1${path}`, { method: "PUT", headers: { authorization: `Bearer ${key}`, "content-type": type, "content-length": String(body.length), ...headers }, body });
  const contentType = String(res.headers["content-type"] ?? "");
  const answer: ApiAnswer = { status: res.status, headers: res.headers, contentType, body: res.bytes.length && /json/.test(contentType) ? (JSON.parse(res.bytes.toString("utf8")) as unknown) : res.bytes.toString("utf8") };
  contract.check("PUT", path, answer);
  return answer;
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** A small PDF that is whole: header, one empty page tree, a cross-reference table, startxref and %%EOF. */
function pdf(text: string): Buffer {
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>", `<< /Title (${text}) >>`];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 3 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

const MARKER = "secret-gps-location-47.1";
let png: Buffer;

async function counts(): Promise<{ rows: number; files: number }> {
  return withPractice(db.owner.db, fixture.practice, async (trx) => ({
    rows: Number((await trx.selectFrom("document_files").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
    files: Number((await trx.selectFrom("files").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
  }));
}

async function documentIdOf(externalId: string): Promise<string> {
  return withPractice(db.owner.db, fixture.practice, async (trx) => (await trx.selectFrom("documents").select("id").where("external_id", "=", externalId).executeTakeFirstOrThrow()).id);
}

async function fileIdOf(documentExternalId: string, name: string): Promise<string> {
  return withPractice(db.owner.db, fixture.practice, async (trx) =>
    (await trx.selectFrom("document_files as f").innerJoin("documents as d", "d.id", "f.document_id").select("f.id").where("d.external_id", "=", documentExternalId).where("f.name", "=", name).where("f.withdrawn_at", "is", null).executeTakeFirstOrThrow()).id,
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await createPracticeFixture(db.owner.db, "doc-files");
  other = await createPracticeFixture(db.owner.db, "doc-files-other");
  for (const f of [fixture, other]) {
    await withPractice(db.owner.db, f.practice, (trx) => trx.updateTable("practice_settings").set({ portal_enabled: true, shared_categories: ["visit_notes", "diagnostics"], diagnostics_share_status: "to_share" }).execute());
  }
  server = await startTestServer(db);
  contract = await ContractChecker.load(server, HOST);
  key = await apiKeyFor(db, fixture.practice);
  api = apiClient(server, HOST, key, contract);
  const put = async (path: string, body: Record<string, unknown>) => expect((await api("PUT", path, body)).status, path).toBe(201);
  await put("/clients/C-1", { first_name: "Grace", last_name: "Hopper", emails: [EMAIL] });
  await put("/patients/P-1", { client_external_id: "C-1", name: "Biscuit", species: "Dog" });
  await put("/clients/C-2", { first_name: "Alan", last_name: "Turing", emails: [OTHER_CLIENT_EMAIL] });
  await put("/patients/P-2", { client_external_id: "C-2", name: "Enigma", species: "Cat" });
  const doc = { title: "Blood panel", category: "visit_notes", status: "completed", portal_shared: true, visit_date: "2026-11-01" };
  await put("/documents/D-1", { ...doc, patient_external_id: "P-1" });
  await put("/documents/D-UNSHARED", { ...doc, patient_external_id: "P-1", portal_shared: false });
  await put("/documents/D-2", { ...doc, patient_external_id: "P-2" });

  png = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#3366cc" } })
    .png()
    .withExif({ IFD0: { ImageDescription: MARKER } })
    .toBuffer();

  cookie = await sessionCookieFor(db, fixture.practice, EMAIL);
  otherClientCookie = await sessionCookieFor(db, fixture.practice, OTHER_CLIENT_EMAIL);
  otherPracticeCookie = await sessionCookieFor(db, other.practice, other.email);
  const passwordHash = await hashPassword("doc-files-password-1");
  await withPractice(db.owner.db, fixture.practice, async (trx) => {
    for (const [name, permissions] of [["Files vet", ["chart_access"]], ["Files desk", ["manage_client_portal_access"]]] as const) {
      const role = await trx.insertInto("staff_roles").values({ practice_id: fixture.practice.id, name, permissions: [...permissions] }).returning("id").executeTakeFirstOrThrow();
      await trx.insertInto("staff_members").values({ practice_id: fixture.practice.id, name, email: `${name.replace(" ", "-").toLowerCase()}@doc-files.example.com`, role_id: role.id, password_hash: passwordHash }).execute();
    }
  });
  chartStaff = await staffCookieFor(db, fixture.practice, "files-vet@doc-files.example.com");
  noChartStaff = await staffCookieFor(db, fixture.practice, "files-desk@doc-files.example.com");
});

afterAll(async () => {
  await server?.close();
});

describe("attaching files over the API", () => {
  it("attaches a PDF (201), lists it, and the same bytes again change nothing (200, the same body)", async () => {
    const bytes = pdf("lab results");
    const first = await putFile("D-1", "blood-panel.pdf", "application/pdf", bytes);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ name: "blood-panel.pdf", content_type: "application/pdf", byte_size: bytes.length, sha256: sha256(bytes), received_sha256: sha256(bytes), position: 0 });
    const before = await counts();
    const again = await putFile("D-1", "blood-panel.pdf", "application/pdf", bytes);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await counts()).toEqual(before);
    const list = await api("GET", "/documents/D-1/files");
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [first.body] });
  });

  it("replaces a file sent with other bytes: one current file, the old row withdrawn and its bytes deleted", async () => {
    const before = await counts();
    const replaced = await putFile("D-1", "blood-panel.pdf", "application/pdf", pdf("corrected lab results"));
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ sha256: sha256(pdf("corrected lab results")), position: 0 });
    await server.settled();
    expect(await counts()).toEqual({ rows: before.rows + 1, files: before.files });
    const list = (await api("GET", "/documents/D-1/files")).body as { data: unknown[] };
    expect(list.data).toHaveLength(1);
  });

  it("attaches a PNG, re-encoded without its metadata", async () => {
    expect(png.includes(MARKER)).toBe(true);
    const res = await putFile("D-1", "x-ray.png", "image/png", png);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ name: "x-ray.png", content_type: "image/png", received_sha256: sha256(png), position: 1 });
    const download = await raw(HOST, `/records/${await documentIdOf("D-1")}/files/${await fileIdOf("D-1", "x-ray.png")}`, { headers: { cookie } });
    expect(download.status).toBe(200);
    expect(download.bytes.includes(MARKER)).toBe(false);
    expect(await sharp(download.bytes).metadata()).toMatchObject({ format: "png", width: 32, height: 24 });
    expect(sha256(download.bytes)).toBe((res.body as { sha256: string }).sha256);
    // The same PNG again: nothing changes, though its stored bytes are not the ones sent.
    expect((await putFile("D-1", "x-ray.png", "image/png", png)).status).toBe(200);
  });

  it("attaches a JPEG, re-encoded as a JPEG without its EXIF", async () => {
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#cc6633" } }).jpeg().withExif({ IFD0: { ImageDescription: MARKER } }).toBuffer();
    expect(jpeg.includes(MARKER)).toBe(true);
    const res = await putFile("D-2", "wound.jpeg", "image/jpeg", jpeg);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ content_type: "image/jpeg", received_sha256: sha256(jpeg) });
    const stored = await withPractice(db.owner.db, fixture.practice, async (trx) => {
      const row = await trx.selectFrom("document_files").select("file_id").where("name", "=", "wound.jpeg").executeTakeFirstOrThrow();
      const file = await server.files.openFile(trx, fixture.practice, row.file_id!);
      return file!.read();
    });
    const chunks: Buffer[] = [];
    for await (const chunk of stored) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    expect(bytes.includes(MARKER)).toBe(false);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "jpeg", width: 40, height: 30 });
  });

  it("takes two uploads of one name at once in turn: one current file, the other withdrawn", async () => {
    const answers = await Promise.all([putFile("D-2", "race.pdf", "application/pdf", pdf("first")), putFile("D-2", "race.pdf", "application/pdf", pdf("second"))]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    const rows = await withPractice(db.owner.db, fixture.practice, (trx) => trx.selectFrom("document_files").select(["withdrawn_at"]).where("name", "=", "race.pdf").execute());
    expect(rows.filter((r) => r.withdrawn_at === null)).toHaveLength(1);
    expect(rows).toHaveLength(2);
  });

  it("refuses bytes that are not what they claim, with a clear reason, storing nothing", async () => {
    const before = await counts();
    const text = await putFile("D-1", "notes.pdf", "application/pdf", Buffer.from("just some text, not a PDF at all\n"));
    expect(text.status).toBe(422);
    expect((text.body as { detail: string }).detail).toMatch(/not a PDF, JPEG or PNG/);
    const html = await putFile("D-1", "cute.png", "image/png", Buffer.from("<!doctype html><html><script>alert(1)</script></html>"));
    expect(html.status).toBe(422);
    expect((html.body as { detail: string }).detail).toMatch(/not a PDF, JPEG or PNG/);
    const pngAsPdf = await putFile("D-1", "scan.pdf", "application/pdf", png);
    expect(pngAsPdf.status).toBe(422);
    expect((pngAsPdf.body as { detail: string }).detail).toBe("The bytes are a PNG image, but were sent as application/pdf.");
    const wrongName = await putFile("D-1", "scan.jpg", "image/png", png);
    expect(wrongName.status).toBe(422);
    expect((wrongName.body as { detail: string }).detail).toMatch(/name must end in \.png/);
    const truncated = pdf("cut short").subarray(0, 120);
    const malformed = await putFile("D-1", "cut.pdf", "application/pdf", truncated);
    expect(malformed.status).toBe(422);
    expect((malformed.body as { detail: string }).detail).toMatch(/incomplete or damaged/);
    const damagedPng = Buffer.concat([png.subarray(0, 60), Buffer.alloc(200, 7)]);
    expect((await putFile("D-1", "broken.png", "image/png", damagedPng)).status).toBe(422);
    expect((await putFile("D-1", "empty.pdf", "application/pdf", Buffer.alloc(0))).status).toBe(422);
    expect((await putFile("D-1", "notes.pdf", "text/plain", Buffer.from("hello"))).status).toBe(415);
    expect((await putFile("D-1", "notes.pdf", "application/json", Buffer.from("{}"))).status).toBe(415);
    expect((await putFile("D-1", ".hidden.pdf", "application/pdf", pdf("x"))).status).toBe(400);
    expect((await putFile("D-1", "a/b.pdf", "application/pdf", pdf("x"))).status).toBe(400);
    expect((await putFile("D-NOPE", "a.pdf", "application/pdf", pdf("x"))).status).toBe(404);
    await server.settled();
    expect(await counts()).toEqual(before);
  });

  it("answers 413 for a file over 25 MB, whether its length is declared or not", async () => {
    const before = await counts();
    const big = Buffer.concat([pdf("big"), Buffer.alloc(25 * 1024 * 1024 + 1 - pdf("big").length, 0x20)]);
    expect((await putFile("D-1", "big.pdf", "application/pdf", big)).status).toBe(413);
    const chunked = await raw(HOST, "/api/v1/documents/D-1/files/big.pdf", { method: "PUT", headers: { authorization: `Bearer ${key}`, "content-type": "application/pdf", "transfer-encoding": "chunked" }, body: big });
    expect(chunked.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it("withdraws a file (204, again 204); an unknown name is a 404; the withdrawn row stays without its bytes", async () => {
    expect((await putFile("D-1", "to-withdraw.pdf", "application/pdf", pdf("withdraw me"))).status).toBe(201);
    expect((await api("DELETE", "/documents/D-1/files/to-withdraw.pdf")).status).toBe(204);
    expect((await api("DELETE", "/documents/D-1/files/to-withdraw.pdf")).status).toBe(204);
    expect((await api("DELETE", "/documents/D-1/files/never-there.pdf")).status).toBe(404);
    const names = ((await api("GET", "/documents/D-1/files")).body as { data: { name: string }[] }).data.map((f) => f.name);
    expect(names).not.toContain("to-withdraw.pdf");
    const rows = await withPractice(db.owner.db, fixture.practice, (trx) => trx.selectFrom("document_files").select(["file_id", "withdrawn_at"]).where("name", "=", "to-withdraw.pdf").execute());
    expect(rows).toEqual([{ file_id: null, withdrawn_at: expect.any(Date) }]);
  });

  it("never reaches another practice's document: its key is a 401 here, and at its own host D-1 names nothing", async () => {
    const otherKey = await apiKeyFor(db, other.practice);
    const here = await raw(HOST, "/api/v1/documents/D-1/files/blood-panel.pdf", { method: "PUT", headers: { authorization: `Bearer ${otherKey}`, "content-type": "application/pdf", "content-length": String(pdf("x").length) }, body: pdf("x") });
    expect(here.status).toBe(401);
    const there = await raw(OTHER_HOST, "/api/v1/documents/D-1/files/blood-panel.pdf", { method: "PUT", headers: { authorization: `Bearer ${otherKey}`, "content-type": "application/pdf", "content-length": String(pdf("x").length) }, body: pdf("x") });
    expect(there.status).toBe(404);
    expect((await raw(OTHER_HOST, "/api/v1/documents/D-1/files", { headers: { authorization: `Bearer ${otherKey}` } })).status).toBe(404);
    const readOnly = await raw(HOST, "/api/v1/documents/D-1/files/blood-panel.pdf", { method: "PUT", headers: { authorization: `Bearer ${await apiKeyFor(db, fixture.practice, ["read"])}`, "content-type": "application/pdf", "content-length": String(pdf("x").length) }, body: pdf("x") });
    expect(readOnly.status).toBe(403);
  });

  it("re-sending the document record keeps its files", async () => {
    const res = await api("PUT", "/documents/D-1", { title: "Blood panel (amended)", category: "visit_notes", status: "completed", portal_shared: true, visit_date: "2026-11-01", patient_external_id: "P-1" });
    expect(res.status).toBe(200);
    expect(((await api("GET", "/documents/D-1/files")).body as { data: unknown[] }).data).toHaveLength(2);
  });
});

describe("the client's download from the portal", () => {
  it("lists the shared document's files on its page and downloads the PDF byte for byte, as an attachment", async () => {
    const documentId = await documentIdOf("D-1");
    const fileId = await fileIdOf("D-1", "blood-panel.pdf");
    const page = await server.request(HOST, `/records/${documentId}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/records/${documentId}/files/${fileId}`);
    expect(page.body).toContain("blood-panel.pdf");
    const res = await raw(HOST, `/records/${documentId}/files/${fileId}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.bytes.equals(pdf("corrected lab results"))).toBe(true);
    expect(res.headers["content-type"]).toBe("application/pdf");
    expect(res.headers["content-disposition"]).toBe(`attachment; filename="blood-panel.pdf"; filename*=UTF-8''blood-panel.pdf`);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cache-control"]).toBe("private, no-store");
  });

  it("encodes a name with semicolons, brackets and non-ASCII letters safely; quotes and slashes are refused", async () => {
    expect((await putFile("D-1", 'say "hi".pdf', "application/pdf", pdf("quoted"))).status).toBe(400);
    const name = "Résultat final; x=1 (copie).pdf";
    expect((await putFile("D-1", name, "application/pdf", pdf("quoted"))).status).toBe(201);
    const res = await raw(HOST, `/records/${await documentIdOf("D-1")}/files/${await fileIdOf("D-1", name)}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers["content-disposition"]).toBe(`attachment; filename="R_sultat final_ x=1 (copie).pdf"; filename*=UTF-8''R%C3%A9sultat%20final%3B%20x%3D1%20%28copie%29.pdf`);
  });

  it("is a 404 for another client, another practice's host, a document with sharing off, and a withdrawn file", async () => {
    const documentId = await documentIdOf("D-1");
    const fileId = await fileIdOf("D-1", "blood-panel.pdf");
    expect((await raw(HOST, `/records/${documentId}/files/${fileId}`, { headers: { cookie: otherClientCookie } })).status).toBe(404);
    expect((await raw(OTHER_HOST, `/records/${documentId}/files/${fileId}`, { headers: { cookie: otherPracticeCookie } })).status).toBe(404);
    // Another document's id with this file's id: the file must belong to the document that was checked.
    expect((await putFile("D-2", "other.pdf", "application/pdf", pdf("other"))).status).toBe(201);
    expect((await raw(HOST, `/records/${documentId}/files/${await fileIdOf("D-2", "other.pdf")}`, { headers: { cookie } })).status).toBe(404);

    expect((await putFile("D-UNSHARED", "private.pdf", "application/pdf", pdf("private"))).status).toBe(201);
    const unshared = `/records/${await documentIdOf("D-UNSHARED")}/files/${await fileIdOf("D-UNSHARED", "private.pdf")}`;
    expect((await raw(HOST, unshared, { headers: { cookie } })).status).toBe(404);

    expect((await putFile("D-1", "soon-gone.pdf", "application/pdf", pdf("soon gone"))).status).toBe(201);
    const gone = `/records/${documentId}/files/${await fileIdOf("D-1", "soon-gone.pdf")}`;
    expect((await raw(HOST, gone, { headers: { cookie } })).status).toBe(200);
    expect((await api("DELETE", "/documents/D-1/files/soon-gone.pdf")).status).toBe(204);
    expect((await raw(HOST, gone, { headers: { cookie } })).status).toBe(404);
    expect((await raw(HOST, `/records/${documentId}/files/not-a-uuid`, { headers: { cookie } })).status).toBe(404);
  });
});

describe("Download my data", () => {
  it("holds the shared record's attached files beside its PDF, and nothing of records the client may not see", async () => {
    const res = await raw(HOST, "/settings/my-data.zip", { headers: { cookie } });
    expect(res.status).toBe(200);
    const entries = await unzip(res.bytes);
    const files = [...entries.keys()].filter((n) => /^records\/[^/]+\/[^/]+$/.test(n));
    expect(files.map((n) => n.split("/")[2]).sort()).toEqual(["Résultat final; x=1 (copie).pdf", "blood-panel.pdf", "x-ray.png"].sort());
    expect(entries.get(files.find((n) => n.endsWith("/blood-panel.pdf"))!)!.equals(pdf("corrected lab results"))).toBe(true);
  });
});

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

describe("staff downloads", () => {
  it("are for staff with chart_access, whether or not the document is shared", async () => {
    const path = `/admin/documents/${await documentIdOf("D-UNSHARED")}/files/${await fileIdOf("D-UNSHARED", "private.pdf")}`;
    const allowed = await raw(HOST, path, { headers: { cookie: chartStaff } });
    expect(allowed.status).toBe(200);
    expect(allowed.bytes.equals(pdf("private"))).toBe(true);
    expect(allowed.headers["content-disposition"]).toMatch(/^attachment;/);
    expect((await raw(HOST, path, { headers: { cookie: noChartStaff } })).status).toBe(403);
  });

  it("are linked from the client's page in admin", async () => {
    const clientId = await withPractice(db.owner.db, fixture.practice, async (trx) => (await trx.selectFrom("clients").select("id").where("external_id", "=", "C-1").executeTakeFirstOrThrow()).id);
    const page = await server.request(HOST, `/admin/clients/${clientId}`, { headers: { cookie: chartStaff } });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/admin/documents/${await documentIdOf("D-UNSHARED")}/files/${await fileIdOf("D-UNSHARED", "private.pdf")}`);
    expect(page.body).toContain("blood-panel.pdf");
    const documentPage = await server.request(HOST, `/admin/documents/${await documentIdOf("D-1")}`, { headers: { cookie: chartStaff } });
    expect(documentPage.status).toBe(200);
    expect(documentPage.body).toContain(`/admin/documents/${await documentIdOf("D-1")}/files/${await fileIdOf("D-1", "x-ray.png")}`);
  });
});
