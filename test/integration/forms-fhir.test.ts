import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let riverside: Practice;
let happyOwner: string;
let riversideOwner: string;

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  riverside = (await server.registry.resolve("riverside-physio"))!;
  happyOwner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
  riversideOwner = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
});

afterAll(async () => {
  await server?.close();
});

function post(host: string, cookie: string, path: string, fields: [string, string][]) {
  const body = new URLSearchParams(fields).toString();
  return server.request(host, path, { method: "POST", headers: { cookie, origin: `http://${host}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) }, body });
}

describe("forms as FHIR R4", () => {
  it("exports a published form as a Questionnaire that another practice imports as the same form", async () => {
    const form = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("forms").select(["id", "draft"]).where("name", "=", "Dog intake form").executeTakeFirstOrThrow());
    const res = await server.request(HAPPY, `/admin/forms/${form.id}/questionnaire.json`, { headers: { cookie: happyOwner } });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain("application/fhir+json");
    const questionnaire = JSON.parse(res.body) as { resourceType: string; status: string; version: string; url: string };
    expect(questionnaire).toMatchObject({ resourceType: "Questionnaire", status: "active", version: "1", url: `http://${HAPPY}/fhir/Questionnaire/${form.id}` });

    const imported = await post(RIVERSIDE, riversideOwner, "/admin/forms?index", [["intent", "import"], ["questionnaire", res.body]]);
    expect(imported.status).toBe(302);
    const newId = imported.headers.location!.split("/").at(-1)!;
    const copy = await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("forms").select(["name", "draft"]).where("id", "=", newId).executeTakeFirstOrThrow());
    expect(copy).toEqual({ name: "Dog intake form", draft: form.draft });
  });

  it("refuses what is not a usable Questionnaire, naming why, and makes no form", async () => {
    const count = () => withPractice(db.owner.db, riverside, async (trx) => Number((await trx.selectFrom("forms").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n));
    const before = await count();
    for (const [body, message] of [
      ["not json", "That is not JSON"],
      [JSON.stringify({ resourceType: "Patient" }), "cannot be used"],
      [JSON.stringify({ resourceType: "Questionnaire", status: "active", item: [{ linkId: "x", type: "question", text: "?" }] }), "cannot be used"],
      ["", "Paste the Questionnaire"],
    ] as const) {
      const res = await post(RIVERSIDE, riversideOwner, "/admin/forms?index", [["intent", "import"], ["questionnaire", body]]);
      expect(res.status, body).toBe(400);
      expect(res.body).toContain(message);
    }
    expect(await count()).toBe(before);
  });

  it("exports a client's answers as a QuestionnaireResponse of the version they answered", async () => {
    const request = await withPractice(db.owner.db, happyPaws, async (trx) => {
      const row = await trx.selectFrom("form_requests").select("id").executeTakeFirstOrThrow();
      await trx.updateTable("form_requests").set({ answers: { diet: "Kibble twice a day", vaccinated: true }, status: "started" }).where("id", "=", row.id).execute();
      return row;
    });
    // A draft is the client's until they send it.
    expect((await server.request(HAPPY, `/admin/form-submissions/${request.id}/response.json`, { headers: { cookie: happyOwner } })).status).toBe(404);
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("form_requests").set({ status: "submitted", submitted_at: new Date() }).where("id", "=", request.id).execute());
    const res = await server.request(HAPPY, `/admin/form-submissions/${request.id}/response.json`, { headers: { cookie: happyOwner } });
    expect(res.status).toBe(200);
    const response = JSON.parse(res.body) as { resourceType: string; status: string; questionnaire: string; item: unknown[] };
    expect(response.resourceType).toBe("QuestionnaireResponse");
    expect(response.status).toBe("completed");
    expect(response.questionnaire).toMatch(/\/fhir\/Questionnaire\/[0-9a-f-]{36}\|1$/);
    expect(JSON.stringify(response.item)).toContain("Kibble twice a day");
    expect((await server.request(RIVERSIDE, `/admin/form-submissions/${request.id}/response.json`, { headers: { cookie: riversideOwner } })).status).toBe(404);
  });
});

describe("PDF copies of a submission", () => {
  it("are the client's once submitted (never before), and staff's with chart access, audited", async () => {
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    const request = await withPractice(db.owner.db, happyPaws, async (trx) => {
      const row = await trx.selectFrom("form_requests").select(["id", "client_id"]).executeTakeFirstOrThrow();
      await trx.updateTable("form_requests").set({ answers: { diet: "Kibble twice a day", vaccinated: false }, status: "started", submitted_at: null }).where("id", "=", row.id).execute();
      return row;
    });
    expect((await server.request(HAPPY, `/forms/${request.id}.pdf`, { headers: { cookie: maria } })).status).toBe(404);
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("form_requests").set({ status: "submitted", submitted_at: new Date() }).where("id", "=", request.id).execute());
    const copy = await server.request(HAPPY, `/forms/${request.id}.pdf`, { headers: { cookie: maria } });
    expect(copy.status).toBe(200);
    expect(copy.headers["content-type"]).toBe("application/pdf");
    expect(copy.body.startsWith("%PDF-")).toBe(true);
    const staff = await server.request(HAPPY, `/admin/form-submissions/${request.id}.pdf`, { headers: { cookie: happyOwner } });
    expect(staff.status).toBe(200);
    expect(staff.body.startsWith("%PDF-")).toBe(true);
    const audit = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("action").where("subject_id", "=", request.id).execute());
    expect(audit.map((a) => a.action)).toContain("staff.form_submission_downloaded");
    // Another practice's staff, and another client, get nothing.
    expect((await server.request(RIVERSIDE, `/admin/form-submissions/${request.id}.pdf`, { headers: { cookie: riversideOwner } })).status).toBe(404);
    const alex = await sessionCookieFor(db, riverside, "alex.morgan@example.com");
    expect((await server.request(RIVERSIDE, `/forms/${request.id}.pdf`, { headers: { cookie: alex } })).status).toBe(404);
  });
});
