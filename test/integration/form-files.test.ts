import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
const BOUNDARY = "----portico-form-files";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let owner: string;
let maria: string;
let formRequest = "";

type Part = [string, string] | [string, { filename: string; type: string; bytes: Buffer }];

function multipart(parts: Part[]): Buffer {
  return Buffer.concat([
    ...parts.flatMap(([name, value]) =>
      typeof value === "string"
        ? [Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)]
        : [Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: ${value.type}\r\n\r\n`), value.bytes, Buffer.from("\r\n")],
    ),
    Buffer.from(`--${BOUNDARY}--\r\n`),
  ]);
}

const postMultipart = (path: string, parts: Part[], cookie: string) => {
  const body = multipart(parts);
  return server.request(HAPPY, path, { method: "POST", headers: { cookie, origin: `http://${HAPPY}`, "content-type": `multipart/form-data; boundary=${BOUNDARY}`, "content-length": String(body.length) }, body: body as unknown as string });
};

function postForm(path: string, fields: [string, string][], cookie: string) {
  const body = new URLSearchParams(fields).toString();
  return server.request(HAPPY, path, { method: "POST", headers: { cookie, origin: `http://${HAPPY}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) }, body });
}

const requestRow = () => withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("form_requests").select(["status", "answers"]).where("id", "=", formRequest).executeTakeFirstOrThrow());

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
  maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
  // A form with a photo question and a signature, built, published and sent as staff would.
  const created = await postForm("/admin/forms?index", [["name", "Skin check"]], owner);
  const formId = created.headers.location!.split("/").at(-1)!;
  const add = (fields: [string, string][]) => postForm(`/admin/forms/${formId}`, [["intent", "add-question"], ["sectionId", "section_1"], ...fields], owner);
  expect((await add([["kind", "file"], ["label", "Photo of the skin"], ["accept", "image"], ["required", "on"]])).status).toBe(200);
  expect((await add([["kind", "signature"], ["label", "Owner's signature"], ["required", "on"]])).status).toBe(200);
  expect((await postForm(`/admin/forms/${formId}`, [["intent", "publish"]], owner)).status).toBe(200);
  const client = await withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("client_emails").select("client_id").where("email_key", "=", "maria.lopez@example.com").executeTakeFirstOrThrow()).client_id);
  expect((await postForm(`/admin/clients/${client}/forms`, [["formId", formId], ["patientId", ""]], owner)).status).toBe(200);
  formRequest = await withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("form_requests").select("id").where("client_id", "=", client).orderBy("created_at", "desc").executeTakeFirstOrThrow()).id);
});

afterAll(async () => {
  await server?.close();
});

describe("files given with a form", () => {
  it("refuses a file of the wrong kind and a broken drawing, with the question's message, storing no answer", async () => {
    const res = await postMultipart(`/forms/${formRequest}`, [["intent", "submit"], ["photo_of_the_skin.upload", { filename: "notes.txt", type: "image/png", bytes: Buffer.from("not a picture") }], ["owner_s_signature.drawing", "data:image/png;base64,AAAA"]], maria);
    expect(res.status).toBe(400);
    expect(res.body).toContain("Choose a JPEG or PNG photo.");
    expect(res.body).toContain("The drawn signature did not arrive whole");
    expect((await requestRow()).status).not.toBe("submitted");
  });

  it("stores a photo and a drawn signature in the file store, submits, and lets only the client and chart staff open them", async () => {
    const photo = await sharp({ create: { width: 16, height: 16, channels: 3, background: "#c08060" } }).png().toBuffer();
    const drawing = await sharp({ create: { width: 60, height: 18, channels: 3, background: "#ffffff" } }).png().toBuffer();
    const res = await postMultipart(
      `/forms/${formRequest}`,
      [["intent", "submit"], ["photo_of_the_skin.upload", { filename: "skin.png", type: "image/png", bytes: photo }], ["owner_s_signature.method", "typed"], ["owner_s_signature.drawing", `data:image/png;base64,${drawing.toString("base64")}`]],
      maria,
    );
    expect(res.status, res.body.slice(0, 400)).toBe(302);
    const row = await requestRow();
    expect(row.status).toBe("submitted");
    const answers = row.answers as { photo_of_the_skin: string; owner_s_signature: { method: string; fileId: string } };
    expect(answers.owner_s_signature.method).toBe("drawn");
    const files = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("files").select(["id", "purpose", "content_type"]).where("id", "in", [answers.photo_of_the_skin, answers.owner_s_signature.fileId]).orderBy("content_type").execute());
    expect(files.map((f) => [f.purpose, f.content_type])).toEqual([
      ["form_answer", "image/png"],
      ["form_answer", "image/png"],
    ]);

    const mine = await server.request(HAPPY, `/forms/${formRequest}/files/${answers.photo_of_the_skin}`, { headers: { cookie: maria } });
    expect(mine.status).toBe(200);
    expect(mine.headers["content-type"]).toBe("image/png");
    const staff = await server.request(HAPPY, `/admin/form-submissions/${formRequest}/files/${answers.owner_s_signature.fileId}`, { headers: { cookie: owner } });
    expect(staff.status).toBe(200);
    const audit = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("action").where("subject_id", "=", formRequest).execute());
    expect(audit.map((a) => a.action)).toContain("staff.form_file_opened");
    expect((await server.request(HAPPY, `/admin/form-submissions/${formRequest}`, { headers: { cookie: owner } })).body).toContain("the drawn signature");

    // A file the answers do not name is not there, whoever asks; another client gets nothing of Maria's.
    const photoOfPet = await withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("files").select("id").where("purpose", "=", "patient_photo").executeTakeFirst())?.id);
    if (photoOfPet) expect((await server.request(HAPPY, `/forms/${formRequest}/files/${photoOfPet}`, { headers: { cookie: maria } })).status).toBe(404);
    const james = await sessionCookieFor(db, happyPaws, "james.okafor@example.com");
    expect((await server.request(HAPPY, `/forms/${formRequest}/files/${answers.photo_of_the_skin}`, { headers: { cookie: james } })).status).toBe(404);
  });
});
