import { sql } from "kysely";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS, type Permission } from "../../app/admin/permissions";
import { connect } from "../../db/connection.server";
import { DEMO_STAFF_PASSWORD } from "../../db/seed/demo-data";
import { withPractice } from "../../db/with-practice.server";
import { hashPassword } from "../../server/auth/passwords.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { errorCode } from "../support/errors";
import type { TestResponse, TestServer } from "../support/http";
import { createPracticeFixture } from "../support/practices";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let owner: string;
const ids: Record<"client" | "document" | "patient" | "form" | "formRequest", string> = { client: "", document: "", patient: "", form: "", formRequest: "" };

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
  await withPractice(db.owner.db, happyPaws, async (trx) => {
    ids.client = (await trx.selectFrom("clients").select("id").where("last_name", "=", "Lopez").executeTakeFirstOrThrow()).id;
    ids.document = (await trx.selectFrom("documents").select("id").where("title", "=", "Hip radiographs").executeTakeFirstOrThrow()).id;
    ids.form = (await trx.selectFrom("forms").select("id").where("name", "=", "Dog intake form").executeTakeFirstOrThrow()).id;
    ids.formRequest = (await trx.selectFrom("form_requests").select("id").where("client_id", "=", ids.client).executeTakeFirstOrThrow()).id;
    ids.patient = (await trx.selectFrom("patients").select("id").where("name", "=", "Biscuit").executeTakeFirstOrThrow()).id;
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#888" } }).jpeg().toBuffer();
    await trx.insertInto("patient_photos").values({ practice_id: happyPaws.id, patient_id: ids.patient, content: photo, content_type: "image/jpeg", width: 8, height: 8, uploaded_by: "staff" }).execute();
  });
});

afterAll(async () => {
  await server.close();
});

function form(fields: [string, string][]): string {
  return new URLSearchParams(fields).toString();
}

const get = (cookie: string, path: string, host = HAPPY) => server.request(host, path, { headers: { cookie } });

function post(cookie: string, path: string, fields: [string, string][], extra: Record<string, string> = {}, host = HAPPY): Promise<TestResponse> {
  const body = form(fields);
  return server.request(host, path, {
    method: "POST",
    headers: { cookie, origin: `http://${host}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)), ...extra },
    body,
  });
}

/** The settings form exactly as the page would post it, from the current settings plus changes. */
async function settingsForm(change: { portalEnabled?: boolean; threshold?: string } = {}): Promise<[string, string][]> {
  const { settings, templates } = await withPractice(db.owner.db, happyPaws, async (trx) => ({
    settings: await trx.selectFrom("practice_settings").selectAll().executeTakeFirstOrThrow(),
    templates: await trx.selectFrom("document_templates").select(["id", "shared_with_portal"]).execute(),
  }));
  const fields: [string, string][] = [["intent", "save"], ["diagnosticsShareStatus", change.threshold ?? settings.diagnostics_share_status], ["signInMethods", settings.sign_in_methods]];
  if (change.portalEnabled ?? settings.portal_enabled) fields.push(["portalEnabled", "on"]);
  for (const category of settings.shared_categories) fields.push(["sharedCategories", category]);
  for (const template of templates.filter((t) => t.shared_with_portal)) fields.push(["sharedTemplates", template.id]);
  return fields;
}

type Route = { method: "GET" | "POST"; path: () => string; fields?: () => Promise<[string, string][]> | [string, string][]; allowed: (p: readonly Permission[]) => boolean };

const ROUTES: Route[] = [
  { method: "GET", path: () => "/admin", allowed: () => true },
  { method: "GET", path: () => "/admin/portal-settings", allowed: (p) => p.includes("admin_view_pet_owner_portal") || p.includes("admin_manage_pet_owner_portal") },
  { method: "POST", path: () => "/admin/portal-settings", fields: () => settingsForm(), allowed: (p) => p.includes("admin_manage_pet_owner_portal") },
  { method: "POST", path: () => "/admin/portal-settings", fields: () => [["intent", "remove-photo"], ["patientId", "00000000-0000-4000-8000-000000000000"]], allowed: (p) => p.includes("admin_manage_pet_owner_portal") },
  { method: "GET", path: () => "/admin/clients", allowed: (p) => p.includes("chart_access") || p.includes("manage_client_portal_access") },
  { method: "GET", path: () => `/admin/clients/${ids.client}`, allowed: (p) => p.includes("chart_access") || p.includes("manage_client_portal_access") },
  { method: "POST", path: () => `/admin/clients/${ids.client}`, fields: () => [["intent", "unblock"]], allowed: (p) => p.includes("manage_client_portal_access") },
  { method: "GET", path: () => "/admin/clients/new", allowed: (p) => p.includes("chart_access") },
  { method: "POST", path: () => "/admin/clients/new", fields: () => [["first_name", ""]], allowed: (p) => p.includes("chart_access") },
  { method: "GET", path: () => `/admin/clients/${ids.client}/edit`, allowed: (p) => p.includes("chart_access") },
  { method: "POST", path: () => `/admin/clients/${ids.client}/edit`, fields: () => [["first_name", ""]], allowed: (p) => p.includes("chart_access") },
  { method: "GET", path: () => `/admin/clients/${ids.client}/patients/new`, allowed: (p) => p.includes("chart_access") },
  { method: "POST", path: () => `/admin/clients/${ids.client}/patients/new`, fields: () => [["name", ""]], allowed: (p) => p.includes("chart_access") },
  { method: "GET", path: () => `/admin/patients/${ids.patient}/edit`, allowed: (p) => p.includes("chart_access") },
  { method: "POST", path: () => `/admin/patients/${ids.patient}/edit`, fields: () => [["name", ""]], allowed: (p) => p.includes("chart_access") },
  { method: "GET", path: () => `/admin/documents/${ids.document}`, allowed: (p) => p.includes("chart_access") },
  { method: "POST", path: () => `/admin/documents/${ids.document}`, fields: () => [["shared", "on"]], allowed: (p) => p.includes("chart_access") },
  { method: "GET", path: () => `/admin/documents/${ids.document}/files/00000000-0000-4000-8000-000000000000`, allowed: (p) => p.includes("chart_access") },
  { method: "GET", path: () => `/admin/photos/${ids.patient}`, allowed: (p) => p.includes("chart_access") || p.includes("admin_view_pet_owner_portal") || p.includes("admin_manage_pet_owner_portal") },
  { method: "GET", path: () => "/admin/staff", allowed: (p) => p.includes("manage_staff") },
  { method: "POST", path: () => "/admin/staff", fields: () => [["intent", "resend"], ["staffId", "00000000-0000-4000-8000-000000000000"]], allowed: (p) => p.includes("manage_staff") },
  { method: "GET", path: () => "/admin/security", allowed: () => true },
  { method: "GET", path: () => "/admin/audit", allowed: (p) => p.includes("view_audit_log") },
  { method: "GET", path: () => "/admin/audit.csv", allowed: (p) => p.includes("view_audit_log") },
  { method: "GET", path: () => "/admin/webhooks", allowed: (p) => p.includes("manage_integrations") },
  { method: "POST", path: () => "/admin/webhooks", fields: () => [["intent", "disable"], ["endpointId", "00000000-0000-4000-8000-000000000000"]], allowed: (p) => p.includes("manage_integrations") },
  { method: "GET", path: () => "/admin/integrations", allowed: (p) => p.includes("manage_integrations") },
  { method: "POST", path: () => "/admin/integrations", fields: () => [["intent", "revoke"], ["keyId", "00000000-0000-4000-8000-000000000000"]], allowed: (p) => p.includes("manage_integrations") },
  { method: "GET", path: () => "/admin/booking", allowed: (p) => p.includes("manage_booking") },
  { method: "GET", path: () => "/admin/schedule", allowed: (p) => p.includes("manage_booking") },
  { method: "GET", path: () => "/admin/schedule/book", allowed: (p) => p.includes("manage_booking") },
  { method: "POST", path: () => "/admin/schedule/book", fields: () => [["client", "00000000-0000-4000-8000-000000000000"]], allowed: (p) => p.includes("manage_booking") },
  { method: "POST", path: () => "/admin/schedule", fields: () => [["intent", "cancel"], ["appointmentId", "00000000-0000-4000-8000-000000000000"], ["reason", "x"]], allowed: (p) => p.includes("manage_booking") },
  { method: "POST", path: () => "/admin/booking", fields: () => [["intent", "remove-hours"], ["id", "00000000-0000-4000-8000-000000000000"]], allowed: (p) => p.includes("manage_booking") },
  { method: "GET", path: () => "/admin/import", allowed: (p) => p.includes("manage_integrations") },
  { method: "GET", path: () => "/admin/import-template.csv?kind=clients", allowed: (p) => p.includes("manage_integrations") },
  { method: "GET", path: () => "/admin/forms", allowed: (p) => p.includes("manage_forms") },
  { method: "POST", path: () => "/admin/forms", fields: () => [["name", ""]], allowed: (p) => p.includes("manage_forms") },
  { method: "GET", path: () => `/admin/forms/${ids.form}`, allowed: (p) => p.includes("manage_forms") },
  { method: "POST", path: () => `/admin/forms/${ids.form}`, fields: () => [["intent", "nonsense"]], allowed: (p) => p.includes("manage_forms") },
  { method: "GET", path: () => `/admin/clients/${ids.client}/forms`, allowed: (p) => p.includes("manage_forms") },
  { method: "POST", path: () => `/admin/clients/${ids.client}/forms`, fields: () => [["formId", ""]], allowed: (p) => p.includes("manage_forms") },
  { method: "GET", path: () => "/admin/form-submissions", allowed: (p) => p.includes("chart_access") },
  { method: "GET", path: () => `/admin/forms/${ids.form}/questionnaire.json`, allowed: (p) => p.includes("manage_forms") },
  { method: "GET", path: () => `/admin/form-submissions/${ids.formRequest}/response.json`, allowed: (p) => p.includes("chart_access") },
  { method: "GET", path: () => `/admin/form-submissions/${ids.formRequest}.pdf`, allowed: (p) => p.includes("chart_access") },
  { method: "GET", path: () => `/admin/form-submissions/${ids.formRequest}/files/00000000-0000-4000-8000-000000000000`, allowed: (p) => p.includes("chart_access") },
  { method: "GET", path: () => `/admin/form-submissions/${ids.formRequest}`, allowed: (p) => p.includes("chart_access") },
  { method: "POST", path: () => `/admin/form-submissions/${ids.formRequest}`, fields: () => [], allowed: (p) => p.includes("chart_access") },
];

describe("every admin route checks its permission on the server", () => {
  const roles: { name: string; permissions: Permission[] }[] = [{ name: "No permissions", permissions: [] }, ...PERMISSIONS.map((p) => ({ name: `Only ${p}`, permissions: [p] }))];
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    const passwordHash = await hashPassword("matrix-password-1");
    await withPractice(db.owner.db, happyPaws, async (trx) => {
      for (const role of roles) {
        const { id } = await trx.insertInto("staff_roles").values({ practice_id: happyPaws.id, name: role.name, permissions: role.permissions }).returning("id").executeTakeFirstOrThrow();
        const email = `${role.name.replace(/\W+/g, "-").toLowerCase()}@happypaws.example.com`;
        await trx.insertInto("staff_members").values({ practice_id: happyPaws.id, name: role.name, email, role_id: id, password_hash: passwordHash }).execute();
      }
    });
    for (const role of roles) cookies.set(role.name, await staffCookieFor(db, happyPaws, `${role.name.replace(/\W+/g, "-").toLowerCase()}@happypaws.example.com`));
  });

  it(`answers ${ROUTES.length} routes × ${PERMISSIONS.length + 1} roles as the permission says`, async () => {
    const wrong: string[] = [];
    for (const role of roles) {
      for (const route of ROUTES) {
        const cookie = cookies.get(role.name)!;
        const res = route.method === "GET" ? await get(cookie, route.path()) : await post(cookie, route.path(), await route.fields!());
        const expected = route.allowed(role.permissions);
        const got = res.status !== 403;
        if (expected !== got || res.status >= 500) wrong.push(`${role.name}: ${route.method} ${route.path()} → ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("hides from the navigation what a role cannot use", async () => {
    const onlyAudit = await get(cookies.get("Only view_audit_log")!, "/admin");
    expect(onlyAudit.body).toContain('href="/admin/audit"');
    expect(onlyAudit.body).not.toContain('href="/admin/portal-settings"');
    expect(onlyAudit.body).not.toContain('href="/admin/clients"');
  });

  it("shows settings read-only to staff who may only view them", async () => {
    const res = await get(cookies.get("Only admin_view_pet_owner_portal")!, "/admin/portal-settings");
    expect(res.body).toContain("You can view these settings");
    expect(res.body).not.toContain("Save settings");
  });
});

describe("staff sign-in", () => {
  const signIn = (email: string, password: string, extra: Record<string, string> = {}) => post("", "/admin/login", [["email", email], ["password", password]], extra);

  it("signs the demo owner in with a host-only staff cookie, separate from client sessions", async () => {
    const res = await signIn("Owner@HappyPaws.example.com ", DEMO_STAFF_PASSWORD);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/admin");
    const cookie = [res.headers["set-cookie"]].flat().join();
    expect(cookie).toMatch(/^portico_staff=[a-z0-9]{40}; HttpOnly; Max-Age=43200; Path=\/; SameSite=Lax$/);
  });

  it("answers a wrong password and an unknown account with the same words", async () => {
    const wrong = await signIn("owner@happypaws.example.com", "not-the-password", { "x-test": "1" });
    const unknown = await signIn("nobody@happypaws.example.com", "not-the-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (body: string) => /role="alert">([^<]+)</.exec(body)?.[1];
    expect(message(wrong.body)).toBe(message(unknown.body));
    expect(message(wrong.body)).toContain("do not match an account");
  });

  it("limits attempts per account", async () => {
    for (let i = 0; i < 10; i++) await signIn("jordan.lee@happypaws.example.com", `wrong-${i}`);
    const res = await signIn("jordan.lee@happypaws.example.com", DEMO_STAFF_PASSWORD);
    expect(res.status).toBe(401);
    expect(res.body).toContain("Too many attempts");
  });

  it("does not let a Happy Paws staff session into Riverside's admin", async () => {
    const res = await get(owner, "/admin", RIVERSIDE);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/admin/login?next=%2Fadmin");
  });

  it("ends sessions after 30 minutes idle, after 12 hours, and at once when the person is deactivated", async () => {
    const cookie = await staffCookieFor(db, happyPaws, "sam.rivera@happypaws.example.com");
    try {
      server.clock.advance(25 * 60_000);
      expect((await get(cookie, "/admin")).status).toBe(200);
      server.clock.advance(31 * 60_000);
      expect((await get(cookie, "/admin")).status).toBe(302);

      server.clock.reset();
      const busy = await staffCookieFor(db, happyPaws, "sam.rivera@happypaws.example.com");
      for (let hour = 1; hour <= 12; hour++) {
        server.clock.advance(25 * 60_000);
        const res = await get(busy, "/admin");
        if (hour * 25 < 12 * 60) expect(res.status).toBe(200);
      }
      server.clock.advance(12 * 3_600_000);
      expect((await get(busy, "/admin")).status).toBe(302);

      server.clock.reset();
      const active = await staffCookieFor(db, happyPaws, "sam.rivera@happypaws.example.com");
      await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("staff_members").set({ active: false }).where("email", "=", "sam.rivera@happypaws.example.com").execute());
      expect((await get(active, "/admin")).status).toBe(302);
    } finally {
      server.clock.reset();
      await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("staff_members").set({ active: true }).where("email", "=", "sam.rivera@happypaws.example.com").execute());
    }
  });
});

describe("portal settings", () => {
  it("disabling signs clients out at once, keeps every setting, and re-enabling restores them exactly", async () => {
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    expect((await get(maria, "/home")).status).toBe(200);
    const before = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("practice_settings").select(["shared_categories", "diagnostics_share_status"]).executeTakeFirstOrThrow());

    // Turning it off asks first, on the server: the first post writes nothing and answers with the confirmation step.
    const auditCount = async () => (await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("seq").where("action", "=", "staff.portal_settings_changed").execute())).length;
    const auditsBefore = await auditCount();
    const asked = await post(owner, "/admin/portal-settings", await settingsForm({ portalEnabled: false }));
    expect(asked.status).toBe(200);
    expect(asked.body).toContain("Turn the client portal off?");
    expect(asked.body).toMatch(/<button(?=[^>]*name="confirm")(?=[^>]*value="yes")/);
    expect((await post(owner, "/admin/portal-settings", [...(await settingsForm({ portalEnabled: false })), ["confirm", "maybe"]])).status).toBe(400);
    expect((await get(maria, "/home")).status).toBe(200);
    expect(await auditCount()).toBe(auditsBefore);

    expect((await post(owner, "/admin/portal-settings", [...(await settingsForm({ portalEnabled: false })), ["confirm", "yes"]])).status).toBe(200);
    expect((await get(maria, "/home")).status).toBe(302);
    expect((await get("", "/", HAPPY)).body).toContain("is not available at the moment");

    expect((await post(owner, "/admin/portal-settings", await settingsForm({ portalEnabled: true }))).status).toBe(200);
    const after = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("practice_settings").select(["portal_enabled", "shared_categories", "diagnostics_share_status"]).executeTakeFirstOrThrow());
    expect(after).toEqual({ ...before, portal_enabled: true });

    const audit = await withPractice(db.owner.db, happyPaws, (trx) =>
      trx.selectFrom("audit_events").select("details").where("action", "=", "staff.portal_settings_changed").orderBy("seq").execute(),
    );
    expect(audit.slice(-2).map((a) => a.details)).toEqual([
      { before: { portalEnabled: true }, after: { portalEnabled: false } },
      { before: { portalEnabled: false }, after: { portalEnabled: true } },
    ]);
  });

  it("refuses invalid input with a clear message and changes nothing", async () => {
    const invalid: [string, string][] = [["intent", "save"], ["diagnosticsShareStatus", "whenever"], ["sharedCategories", "secrets"]];
    expect((await post(owner, "/admin/portal-settings", [...invalid, ["portalEnabled", "on"]])).status).toBe(400);
    // Turning the portal off asks first; confirmed, invalid input is still refused.
    const res = await post(owner, "/admin/portal-settings", [...invalid, ["confirm", "yes"]]);
    expect(res.status).toBe(400);
    const settings = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("practice_settings").select(["portal_enabled", "diagnostics_share_status"]).executeTakeFirstOrThrow());
    expect(settings).toEqual({ portal_enabled: true, diagnostics_share_status: "to_share" });
  });

  it("changing the lab-results threshold changes what clients see", async () => {
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    expect((await get(maria, "/records")).body).not.toContain("Urinalysis");
    await post(owner, "/admin/portal-settings", await settingsForm({ threshold: "to_review" }));
    expect((await get(maria, "/records")).body).toContain("Urinalysis");
    await post(owner, "/admin/portal-settings", await settingsForm({ threshold: "to_share" }));
  });
});

describe("clients, records and portal access", () => {
  it("finds clients by name, email, phone and pet name", async () => {
    for (const q of ["lop", "Maria", "maria@lopez", "010-2231", "Bisc"]) {
      const res = await get(owner, `/admin/clients?q=${encodeURIComponent(q)}`);
      expect(res.body, q).toContain(`/admin/clients/${ids.client}`);
    }
    expect((await get(owner, "/admin/clients?q=zzz")).body).toContain("No clients match");
  });

  it("a record's sharing switch changes what the client sees at once, and is audited", async () => {
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    expect((await get(maria, `/records/${ids.document}`)).status).toBe(200);
    const off = await post(owner, `/admin/documents/${ids.document}`, [["shared", "off"], ["returnTo", `/admin/clients/${ids.client}`]]);
    expect(off.status).toBe(302);
    expect(off.headers.location).toBe(`/admin/clients/${ids.client}`);
    expect((await get(maria, `/records/${ids.document}`)).status).toBe(404);
    await post(owner, `/admin/documents/${ids.document}`, [["shared", "on"], ["returnTo", "https://evil.example/"]]);
    expect((await get(maria, `/records/${ids.document}`)).status).toBe(200);
    const audit = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("details").where("action", "=", "staff.document_sharing_changed").where("subject_id", "=", ids.document).orderBy("seq").execute());
    expect(audit.map((a) => a.details)).toEqual([
      { before: { portalShared: true }, after: { portalShared: false } },
      { before: { portalShared: false }, after: { portalShared: true } },
    ]);
    // The audit log page says it in words, not as the stored JSON.
    const page = (await get(owner, "/admin/audit?action=staff.document_sharing_changed")).body;
    expect(page).toContain("Portal shared: yes → no");
    expect(page).toContain("Portal shared: no → yes");
    expect(page).not.toContain("{&quot;before&quot;");
  });

  it("says 'Client sees it' exactly for the records the client's own portal lists, for a limited account and a full one", async () => {
    const riverside = (await server.registry.resolve("riverside-physio"))!;
    const staff = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
    const seenCounts: Record<string, { seen: number; unseen: number }> = {};
    // leo.grant is a limited (self-registered) account; alex.morgan a client with full access.
    for (const email of ["leo.grant@example.com", "alex.morgan@example.com"]) {
      const clientId = await withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("client_emails").select("client_id").where("email", "=", email).executeTakeFirstOrThrow()).client_id);
      const staffPage = (await get(staff, `/admin/clients/${clientId}`, RIVERSIDE)).body;
      const rows = [...staffPage.matchAll(/href="\/admin\/documents\/([0-9a-f-]{36})".*?<td>(Yes|No)<\/td>/gs)].map((m) => ({ id: m[1]!, seen: m[2] === "Yes" }));
      const portal = (await get(await sessionCookieFor(db, riverside, email), "/records", RIVERSIDE)).body;
      for (const row of rows) expect(portal.includes(`/records/${row.id}"`), `${email} ${row.id}`).toBe(row.seen);
      seenCounts[email] = { seen: rows.filter((r) => r.seen).length, unseen: rows.filter((r) => !r.seen).length };
    }
    expect(seenCounts["leo.grant@example.com"]).toEqual({ seen: 0, unseen: 1 });
    expect(seenCounts["alex.morgan@example.com"]!.seen).toBeGreaterThan(0);
  });

  it("the client page marks alternative contacts and portal confirmations", async () => {
    const res = await get(owner, `/admin/clients/${ids.client}`);
    expect(res.body).toContain("Carlos Lopez");
    expect(res.body).toContain("Alternative contacts cannot sign in");
    expect(res.body).toContain("confirmed in the portal");
    expect(res.body).toContain("Portal access");
  });

  it("blocking ends the client's sessions at once; unblocking lets them back", async () => {
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    expect((await post(owner, `/admin/clients/${ids.client}`, [["intent", "block"]])).status).toBe(302);
    expect((await get(maria, "/home")).status).toBe(302);
    expect((await get(owner, `/admin/clients/${ids.client}`)).body).toContain("Unblock portal access");
    expect((await post(owner, `/admin/clients/${ids.client}`, [["intent", "unblock"]])).status).toBe(302);
    const again = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    expect((await get(again, "/home")).status).toBe(200);
    const actions = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("action").where("subject_id", "=", ids.client).where("action", "like", "staff.client_portal_%").orderBy("seq").execute());
    expect(actions.map((a) => a.action)).toEqual(["staff.client_portal_blocked", "staff.client_portal_unblocked"]);
  });

  it("records which practitioners a client may book with online", async () => {
    const page = await get(owner, `/admin/clients/${ids.client}`);
    expect(page.body).toContain("Available practitioners");
    const emily = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("staff_members").select("id").where("email", "=", "emily.carter@happypaws.example.com").executeTakeFirstOrThrow());
    expect((await post(owner, `/admin/clients/${ids.client}`, [["intent", "practitioners"], ["staffId", emily.id]])).status).toBe(302);
    const saved = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("client_available_practitioners").select("staff_id").where("client_id", "=", ids.client).execute());
    expect(saved).toEqual([{ staff_id: emily.id }]);
    expect((await post(owner, `/admin/clients/${ids.client}`, [["intent", "practitioners"], ["staffId", "not-an-id"]])).status).toBe(400);
  });

  it("answers 404 for another practice's client or record", async () => {
    const riverside = (await server.registry.resolve("riverside-physio"))!;
    const theirs = await withPractice(db.owner.db, riverside, async (trx) => ({
      client: (await trx.selectFrom("clients").select("id").executeTakeFirstOrThrow()).id,
      document: (await trx.selectFrom("documents").select("id").executeTakeFirstOrThrow()).id,
    }));
    expect((await get(owner, `/admin/clients/${theirs.client}`)).status).toBe(404);
    expect((await get(owner, `/admin/documents/${theirs.document}`)).status).toBe(404);
    expect((await post(owner, `/admin/documents/${theirs.document}`, [["shared", "off"]])).status).toBe(404);
  });
});

describe("forgery and the audit log", () => {
  it("refuses every admin form posted from a sibling practice with 403", async () => {
    for (const [path, fields] of [
      ["/admin/portal-settings", await settingsForm()],
      [`/admin/clients/${ids.client}`, [["intent", "block"]]],
      [`/admin/documents/${ids.document}`, [["shared", "off"]]],
      ["/admin/logout", []],
      ["/admin/login", [["email", "owner@happypaws.example.com"], ["password", DEMO_STAFF_PASSWORD]]],
    ] as [string, [string, string][]][]) {
      const res = await post(owner, path, fields, { origin: `http://${RIVERSIDE}` });
      expect(res.status, path).toBe(403);
    }
    const client = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("clients").select("portal_blocked").where("id", "=", ids.client).executeTakeFirstOrThrow());
    expect(client.portal_blocked).toBe(false);
  });

  it("lists, filters and exports events; the runtime role can neither change nor delete them", async () => {
    const page = await get(owner, "/admin/audit?action=staff.client_portal_blocked");
    expect(page.body).toContain("staff.client_portal_blocked");
    expect(page.body).not.toContain("staff.document_sharing_changed</td>");
    const csv = await get(owner, "/admin/audit.csv?action=staff.document_sharing_changed");
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toBe("time_utc,time_local,actor,actor_type,action,subject,ip,details");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.slice(1).every((line) => line.includes('"staff.document_sharing_changed"'))).toBe(true);

    await expect(withPractice(db.app.db, happyPaws, (trx) => trx.deleteFrom("audit_events").execute())).rejects.toSatisfy((e) => errorCode(e) === "42501");
    await expect(withPractice(db.app.db, happyPaws, (trx) => trx.updateTable("audit_events").set({ action: "rewritten" }).execute())).rejects.toSatisfy((e) => errorCode(e) === "42501");
  });
});

describe("reading health data", () => {
  it("is recorded in the audit log: opening a client, a record, and exporting the log", async () => {
    await get(owner, `/admin/clients/${ids.client}`);
    await get(owner, `/admin/documents/${ids.document}`);
    await get(owner, "/admin/audit.csv");
    const actions = await withPractice(db.owner.db, happyPaws, (trx) =>
      trx.selectFrom("audit_events").select(["action", "subject_id"]).where("action", "in", ["staff.client_viewed", "staff.document_viewed", "staff.audit_log_exported"]).orderBy("seq", "desc").limit(3).execute(),
    );
    expect(actions.reverse()).toEqual([
      { action: "staff.client_viewed", subject_id: ids.client },
      { action: "staff.document_viewed", subject_id: ids.document },
      { action: "staff.audit_log_exported", subject_id: null },
    ]);
  });
});

describe("staff management", () => {
  it("keeps a manager even when two managers remove each other at the same moment", async () => {
    const fixture = await createPracticeFixture(db.owner.db, "race-vet");
    const [a, b] = await withPractice(db.owner.db, fixture.practice, async (trx) => {
      const owner = await trx.selectFrom("staff_roles").select("id").where("name", "=", "Owner").executeTakeFirstOrThrow();
      const desk = await trx.selectFrom("staff_roles").select("id").where("name", "=", "Front desk").executeTakeFirstOrThrow();
      // Someone stays active: the rule is about who can manage them.
      await trx.insertInto("staff_members").values({ practice_id: fixture.practice.id, name: "Desk", email: "desk@race-vet.example.com", role_id: desk.id }).execute();
      return trx
        .insertInto("staff_members")
        .values(["a", "b"].map((n) => ({ practice_id: fixture.practice.id, name: `Manager ${n}`, email: `${n}@race-vet.example.com`, role_id: owner.id })))
        .returning("id")
        .execute();
    });
    const first = connect(db.appUrl, { max: 1 });
    const second = connect(db.appUrl, { max: 1 });
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const deactivate = (pool: typeof first, id: string) =>
        withPractice(pool.db, fixture.practice, async (trx) => {
          await trx.updateTable("staff_members").set({ active: false }).where("id", "=", id).execute();
          await gate;
        });
      const outcomes = Promise.allSettled([deactivate(first, a!.id), deactivate(second, b!.id)]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      const results = await outcomes;
      expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  async function latestInvitationPath(): Promise<string> {
    const row = await db.owner.db.selectFrom("mail.outbox").select("text").where("kind", "=", "staff_invitation").orderBy("created_at", "desc").limit(1).executeTakeFirstOrThrow();
    return new URL(/https?:\/\/\S+\/admin\/invitation\/[A-Za-z0-9_-]+/.exec(row.text)![0]).pathname;
  }

  it("invites by email; the link lets the person choose a password once, and signs them in", async () => {
    const roles = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("staff_roles").select(["id", "name"]).execute());
    const vet = roles.find((r) => r.name === "Veterinarian")!;
    const invited = await post(owner, "/admin/staff", [["intent", "invite"], ["name", "Dr. Ana Silva"], ["email", "Ana.Silva@happypaws.example.com"], ["roleId", vet.id]]);
    expect(invited.status).toBe(200);
    expect(invited.body).toContain("An invitation is on its way to ana.silva@happypaws.example.com.");
    expect((await get(owner, "/admin/staff")).body).toContain("Invitation sent");

    const path = await latestInvitationPath();
    const page = await get("", path);
    expect(page.body).toContain("Welcome, <!-- -->Dr. Ana Silva");
    const weak = await post("", path, [["password", "password1234"], ["confirmPassword", "password1234"]]);
    expect(weak.status).toBe(400);
    expect(weak.body).toContain("too common");
    const mismatch = await post("", path, [["password", "a-strong-new-password"], ["confirmPassword", "something-else-entirely"]]);
    expect(mismatch.body).toContain("not the same");

    const accepted = await post("", path, [["password", "a-strong-new-password"], ["confirmPassword", "a-strong-new-password"]]);
    expect(accepted.status).toBe(302);
    expect(accepted.headers.location).toBe("/admin");
    const cookie = [accepted.headers["set-cookie"]].flat().join().split(";")[0]!;
    expect((await get(cookie, "/admin")).body).toContain("Dr. Ana Silva");
    expect((await get(cookie, "/admin/clients")).status).toBe(200);
    expect((await get(cookie, "/admin/staff")).status).toBe(403);

    expect((await get("", path)).body).toContain("already been used");
    const signIn = await post("", "/admin/login", [["email", "ana.silva@happypaws.example.com"], ["password", "a-strong-new-password"]]);
    expect(signIn.status).toBe(302);
  });

  it("invitations expire after 3 days", async () => {
    const roles = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("staff_roles").select(["id", "name"]).execute());
    await post(owner, "/admin/staff", [["intent", "invite"], ["name", "Late Starter"], ["email", "late@happypaws.example.com"], ["roleId", roles[0]!.id]]);
    const path = await latestInvitationPath();
    server.clock.advance(2 * 86_400_000);
    expect((await get("", path)).body).toContain("Welcome");
    server.clock.advance(86_400_000 + 60_000);
    try {
      expect((await get("", path)).body).toContain("This invitation has expired");
      const late = await post("", path, [["password", "a-strong-new-password"], ["confirmPassword", "a-strong-new-password"]]);
      expect(late.status).toBe(400);
    } finally {
      server.clock.reset();
    }
  });

  it("deactivating someone ends their sessions at once, and is audited", async () => {
    const cookie = await staffCookieFor(db, happyPaws, "emily.carter@happypaws.example.com");
    const emily = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("staff_members").select("id").where("email", "=", "emily.carter@happypaws.example.com").executeTakeFirstOrThrow());
    expect((await get(cookie, "/admin")).status).toBe(200);
    expect((await post(owner, "/admin/staff", [["intent", "deactivate"], ["staffId", emily.id]])).body).toContain("was deactivated");
    expect((await get(cookie, "/admin")).status).toBe(302);
    await post(owner, "/admin/staff", [["intent", "reactivate"], ["staffId", emily.id]]);
    const actions = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("action").where("subject_id", "=", emily.id).orderBy("seq").execute());
    expect(actions.map((a) => a.action)).toEqual(["staff.deactivated", "staff.reactivated"]);
  });

  it("refuses, with a clear message, a role change that would leave nobody able to manage staff", async () => {
    const managerRoles = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("staff_roles").select(["id", "name"]).where(sql<boolean>`'manage_staff' = any(permissions)`).execute());
    const keep = managerRoles.find((r) => r.name === "Owner")!;
    // Strip manage_staff from every other role first (allowed: the owner still has it)…
    for (const role of managerRoles.filter((r) => r.id !== keep.id)) {
      const res = await post(owner, "/admin/staff", [["intent", "save-role"], ["roleId", role.id], ["name", role.name], ["permissions", "chart_access"]]);
      expect(res.status, role.name).toBe(200);
    }
    // …then the owner role itself: refused, and nothing changes.
    const res = await post(owner, "/admin/staff", [["intent", "save-role"], ["roleId", keep.id], ["name", "Owner"], ["permissions", "chart_access"]]);
    expect(res.status).toBe(400);
    expect(res.body).toContain("At least one active staff member must always be able to manage staff.");
    expect((await get(owner, "/admin/staff")).status).toBe(200);
  });

  it("the database keeps at least one active staff member who can manage staff", async () => {
    const managerRoles = () =>
      withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("staff_roles").select("name").where(sql<boolean>`'manage_staff' = any(permissions)`).orderBy("name").execute());
    const before = await managerRoles();
    expect(before.length).toBeGreaterThan(0);
    const attempt = withPractice(db.owner.db, happyPaws, (trx) =>
      trx.updateTable("staff_roles").set({ permissions: sql`array_remove(permissions, 'manage_staff')` }).where("permissions", "@>", sql<string[]>`array['manage_staff']`).execute(),
    );
    await expect(attempt).rejects.toThrow(/at least one active staff member must be able to manage staff/);
    expect(await managerRoles()).toEqual(before);
  });
});
