import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { staffCookieFor } from "../support/sessions";

const RIVERSIDE = "riverside-physio.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let riverside: Practice;
let owner: string;

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  riverside = (await server.registry.resolve("riverside-physio"))!;
  owner = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
  // A practice whose clients sign in only with a password: without an account, a form's link could not be opened.
  await withPractice(db.owner.db, riverside, (trx) => trx.updateTable("practice_settings").set({ sign_in_methods: "password" }).execute());
});

afterAll(async () => {
  await server?.close();
});

function post(path: string, fields: [string, string][], cookie = "") {
  const body = new URLSearchParams(fields).toString();
  return server.request(RIVERSIDE, path, { method: "POST", headers: { cookie, origin: `http://${RIVERSIDE}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) }, body });
}

describe("a form sent to a client without an account, at a practice that signs in by password", () => {
  it("emails a link to register a limited account, which lands on the form", async () => {
    const { clientId, formId } = await withPractice(db.owner.db, riverside, async (trx) => {
      const client = await trx
        .selectFrom("clients as c")
        .innerJoin("client_emails as e", (join) => join.onRef("e.practice_id", "=", "c.practice_id").onRef("e.client_id", "=", "c.id"))
        .select("c.id")
        .where("e.is_primary", "=", true)
        .where((eb) => eb.not(eb.exists(eb.selectFrom("client_accounts as a").select("a.id").whereRef("a.client_id", "=", "c.id"))))
        .executeTakeFirstOrThrow();
      const form = await trx.selectFrom("forms").select("id").executeTakeFirstOrThrow();
      return { clientId: client.id, formId: form.id };
    });
    const sent = await post(`/admin/clients/${clientId}/forms`, [["formId", formId], ["patientId", ""]], owner);
    expect(sent.status).toBe(200);
    const { request, email } = await withPractice(db.owner.db, riverside, async (trx) => ({
      request: await trx.selectFrom("form_requests").select("id").where("client_id", "=", clientId).orderBy("created_at", "desc").executeTakeFirstOrThrow(),
      email: await trx.selectFrom("mail.outbox").select(["kind", "text"]).orderBy("created_at", "desc").executeTakeFirstOrThrow(),
    }));
    expect(email.kind).toBe("client_form_registration");
    const link = /https?:\/\/\S+\/account\/[A-Za-z0-9_-]+\?next=\S+/.exec(email.text)?.[0];
    expect(link, email.text).toContain(`?next=${encodeURIComponent(`/forms/${request.id}`)}`);
    const url = new URL(link!);
    expect((await server.request(RIVERSIDE, `${url.pathname}${url.search}`)).body).toContain("Create your account to fill in your forms");

    const registered = await post(`${url.pathname}${url.search}`, [["password", "a-long-and-quiet-password"], ["confirm", "a-long-and-quiet-password"]]);
    expect(registered.status).toBe(302);
    expect(registered.headers.location).toBe(`/forms/${request.id}`);
    const cookie = [registered.headers["set-cookie"]].flat().map((c) => c!.split(";")[0]!).find((c) => c.startsWith("portico_session="))!;
    expect((await server.request(RIVERSIDE, `/forms/${request.id}`, { headers: { cookie } })).body).toContain("New-patient physiotherapy intake");
    const account = await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("client_accounts").select(["access_level", "created_via"]).where("client_id", "=", clientId).executeTakeFirstOrThrow());
    expect(account).toEqual({ access_level: "limited", created_via: "self_registration" });
    // The link worked once.
    expect((await post(`${url.pathname}${url.search}`, [["password", "a-long-and-quiet-password"], ["confirm", "a-long-and-quiet-password"]])).status).not.toBe(302);
  });
});
