import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_PASSWORD, DEMO_STAFF_PASSWORD } from "../../db/seed/demo-data";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { cookieOf, postForm, type TestResponse, type TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

const RIVERSIDE = "riverside-physio.localhost:3000";
const HAPPY = "happy-paws.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let riverside: Practice;
let owner: string;

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  riverside = (await server.registry.resolve("riverside-physio"))!;
  owner = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
});

afterAll(async () => {
  await server.close();
});

const get = (path: string, cookie = "", host = RIVERSIDE) => server.request(host, path, { headers: { cookie } });

const post = (path: string, fields: [string, string][], cookie = "", host = RIVERSIDE) => postForm(server, host, path, fields, cookie);

const signIn = (login: string, password: string, host = RIVERSIDE) => post("/?index", [["intent", "password"], ["login", login], ["password", password]], "", host);

async function clientId(lastName: string): Promise<string> {
  return withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("clients").select("id").where("last_name", "=", lastName).executeTakeFirstOrThrow()).id);
}

/** The token of the newest account email to `to` (invitation, access link or reset). */
async function latestLinkTo(to: string): Promise<string> {
  await server.settled();
  const mail = await db.owner.db.selectFrom("mail.outbox").select("text").where("recipient", "=", to).orderBy("created_at", "desc").executeTakeFirstOrThrow();
  return mail.text.match(/\/account\/([A-Za-z0-9_-]{43})/)![1]!;
}

async function auditActions(): Promise<string[]> {
  return withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("audit_events").select("action").execute()).map((e) => e.action));
}

describe("password sign-in", () => {
  it("is offered where the practice chose it, and answers every mismatch the same way", async () => {
    expect((await get("/")).body).toContain("Sign in with your password");
    expect((await get("/", "", HAPPY)).body).not.toContain("Sign in with your password");
    expect((await signIn("maria.lopez@example.com", "whatever-it-is", HAPPY)).status).toBe(404);

    const ok = await signIn("Sarah.Chen@example.com", DEMO_CLIENT_PASSWORD);
    expect(ok.status).toBe(302);
    expect(ok.headers.location).toBe("/home");
    expect((await get("/home", cookieOf(ok))).body).toContain("Sarah Chen");

    const wrong = await signIn("sarah.chen@example.com", "not-her-password-at-all");
    const unknown = await signIn("nobody@example.com", DEMO_CLIENT_PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toContain("The email or password is not right.");
    expect(unknown.body).toContain("The email or password is not right.");
    // Input that can never match answers the same, never a 500; a NUL byte is refused before the action (ADR 013).
    expect((await signIn("nul\u0000byte@example.com", "whatever-it-is")).status).toBe(400);
    expect((await signIn("", "")).status).toBe(401);
  });

  it("is rate limited per login", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await signIn("daniel.novak@example.com", `guess-number-${i}-xx`)).status);
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect(await auditActions()).toContain("client.password_rate_limited");
  });
});

describe("a limited account", () => {
  it("sees only what the client booked, and a guessed record id is a 404", async () => {
    const leo = cookieOf(await signIn("leo.grant@example.com", DEMO_CLIENT_PASSWORD));
    const appointments = await get("/appointments", leo);
    expect(appointments.body).toContain("Shoulder assessment (booked online)");
    expect(appointments.body).not.toContain("Follow-up booked by the clinic");
    expect((await get("/records", leo)).body).not.toContain("shoulder pain");
    const recordId = await withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("documents").select("id").where("title", "like", "%shoulder pain%").executeTakeFirstOrThrow()).id);
    expect((await get(`/records/${recordId}`, leo)).status).toBe(404);
    expect((await get(`/records/${recordId}.pdf`, leo)).status).toBe(404);
  });

  it("is upgraded by an access link, which a practitioner may send, and the upgrade applies on the next request", async () => {
    const leo = cookieOf(await signIn("leo.grant@example.com", DEMO_CLIENT_PASSWORD));
    const practitioner = await staffCookieFor(db, riverside, "hannah.brooks@riversidephysio.example.com");
    const id = await clientId("Grant");
    expect((await post(`/admin/clients/${id}`, [["intent", "invite"]], practitioner)).status).toBe(403);
    const sent = await post(`/admin/clients/${id}`, [["intent", "access-link"]], practitioner);
    expect(sent.status).toBe(200);
    expect(sent.body).toContain("An access link is on its way to leo.grant@example.com");
    const token = await latestLinkTo("leo.grant@example.com");
    const page = await get(`/account/${token}`);
    expect(page.body).toContain("Get full access");
    // The limited account's password was chosen by someone never verified: the upgrade sets a new one.
    expect((await post(`/account/${token}`, [])).status).toBe(400);
    const used = await post(`/account/${token}`, [["password", "leo-verified-7781"], ["confirm", "leo-verified-7781"]]);
    expect(used.headers.location).toBe("/home");
    const upgraded = cookieOf(used);
    expect((await get("/records", upgraded)).body).toContain("shoulder pain");
    expect((await get("/appointments", upgraded)).body).toContain("Follow-up booked by the clinic");
    // Every earlier session ended with the upgrade.
    expect((await get("/records", leo)).headers.location).toBe("/");
    expect(await auditActions()).toEqual(expect.arrayContaining(["staff.client_access_link_sent", "client.account_upgraded"]));
  });
});

describe("an invitation", () => {
  it("lets an existing client choose a password, once, and staff see its state", async () => {
    const id = await clientId("Novak");
    const sent = await post(`/admin/clients/${id}`, [["intent", "invite"]], owner);
    expect(sent.body).toContain("An invitation is on its way to daniel.novak@example.com");
    const token = await latestLinkTo("daniel.novak@example.com");
    expect((await get(`/account/${token}`)).body).toContain("Create your account");
    expect((await post(`/account/${token}`, [["password", "short"], ["confirm", "short"]])).status).toBe(400);
    const created = await post(`/account/${token}`, [["password", "river-stones-4471"], ["confirm", "river-stones-4471"]]);
    expect(created.headers.location).toBe("/home");
    expect((await get("/home", cookieOf(created))).status).toBe(200);
    expect((await post(`/account/${token}`, [["password", "river-stones-4471"], ["confirm", "river-stones-4471"]])).status).toBe(400);
    const admin = await get(`/admin/clients/${id}`, owner);
    expect(admin.body).toContain("Chosen by the client");
    expect(admin.body).toMatch(/Invitation<\/td><td>daniel\.novak@example\.com<\/td><td>[^<]+<\/td><td>Used/);
    expect(await auditActions()).toEqual(expect.arrayContaining(["staff.client_invitation_sent", "client.account_created"]));
  });

  it("expires after 3 days", async () => {
    const id = await clientId("Morgan");
    await post(`/admin/clients/${id}`, [["intent", "invite"]], owner);
    const token = await latestLinkTo("alex.morgan@example.com");
    server.clock.advance(3 * 86_400_000 - 60_000);
    expect((await get(`/account/${token}`)).body).toContain("Create your account");
    server.clock.advance(2 * 60_000);
    expect((await get(`/account/${token}`)).body).toContain("It has expired.");
    expect((await post(`/account/${token}`, [["password", "river-stones-4471"], ["confirm", "river-stones-4471"]])).status).toBe(400);
    // A staff session of that (moved) time, to read the state as staff would then.
    const later = cookieOf(await post("/admin/login", [["email", "owner@riversidephysio.example.com"], ["password", DEMO_STAFF_PASSWORD]]));
    expect((await get(`/admin/clients/${id}`, later)).body).toMatch(/Invitation<\/td><td>alex\.morgan@example\.com<\/td><td>[^<]+<\/td><td>Expired/);
    server.clock.reset();
  });
});

describe("a manual account", () => {
  it("signs in with the temporary password only to choose a new one, which ends the other sessions", async () => {
    const id = await clientId("Morgan");
    const weak = await post(`/admin/clients/${id}`, [["intent", "manual-account"], ["login", "alex.m"], ["password", "short"], ["accessLevel", "full"]], owner);
    expect(weak.status).toBe(400);
    const otherAddress = await post(`/admin/clients/${id}`, [["intent", "manual-account"], ["login", "maya.chen@example.com"], ["password", "Temporary-pass-2026"], ["accessLevel", "full"]], owner);
    expect(otherAddress.status).toBe(400);
    expect(otherAddress.body).toContain("must be one of this client&#x27;s own addresses");
    const created = await post(`/admin/clients/${id}`, [["intent", "manual-account"], ["login", "alex.m"], ["password", "Temporary-pass-2026"], ["accessLevel", "full"]], owner);
    expect(created.status).toBe(200);
    expect((await get(`/admin/clients/${id}`, owner)).body).toContain("Temporary: the client must choose their own");

    const first = await signIn("alex.m", "Temporary-pass-2026");
    expect(first.headers.location).toBe("/settings/password");
    const second = await signIn("ALEX.M", "Temporary-pass-2026");
    const [a, b] = [cookieOf(first), cookieOf(second)];
    expect((await get("/home", b)).headers.location).toBe("/settings/password");
    expect((await get("/records", b)).headers.location).toBe("/settings/password");
    expect((await post("/settings/password", [["current", "wrong-password-here"], ["password", "alex-own-pass-8812"], ["confirm", "alex-own-pass-8812"]], b)).status).toBe(400);
    const changed = await post("/settings/password", [["current", "Temporary-pass-2026"], ["password", "alex-own-pass-8812"], ["confirm", "alex-own-pass-8812"]], b);
    expect(changed.headers.location).toBe("/home");
    // The session that changed the password goes on under a new id; its old one is spent.
    expect((await get("/home", cookieOf(changed))).status).toBe(200);
    expect((await get("/home", b)).headers.location).toBe("/");
    expect((await get("/home", a)).headers.location).toBe("/");
    expect((await signIn("alex.m", "Temporary-pass-2026")).status).toBe(401);
    expect((await signIn("alex.m", "alex-own-pass-8812")).headers.location).toBe("/home");
    expect(await auditActions()).toEqual(expect.arrayContaining(["staff.client_account_created", "client.password_changed"]));
  });
});

describe("family members and proxies", () => {
  it("switch the portal to a linked record, with only the rights given, until the end date, and nothing after unlinking", async () => {
    const sarah = cookieOf(await signIn("sarah.chen@example.com", DEMO_CLIENT_PASSWORD));
    const sarahId = await withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("clients").select("id").where("first_name", "=", "Sarah").executeTakeFirstOrThrow()).id);
    const mayaId = await withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("clients").select("id").where("first_name", "=", "Maya").executeTakeFirstOrThrow()).id);
    const home = await get("/home", sarah);
    expect(home.body).toContain("Showing the records of");
    expect((await get("/records", sarah)).body).not.toContain("knee pain");

    expect((await post("/switch-member", [["clientId", mayaId]], sarah)).headers.location).toBe("/home");
    expect((await get("/home", sarah)).body).toContain("Maya Chen");
    expect((await get("/records", sarah)).body).toContain("knee pain");
    expect((await get("/appointments", sarah)).body).toContain("Knee follow-up");

    // Maya's own view: who can see her records, and when they looked.
    const maya = await sessionCookieFor(db, riverside, "maya.chen@example.com");
    const mayaSettings = await get("/settings", maya);
    expect(mayaSettings.body).toContain("Sarah Chen");
    expect(mayaSettings.body).toContain("Recently looked at your records");

    const relink = (fields: [string, string][]) => post(`/admin/clients/${sarahId}`, [["intent", "link-member"], ["memberEmail", "maya.chen@example.com"], ["relationship", "Daughter"], ...fields], owner);
    expect((await relink([["permissions", "view_appointments"]])).status).toBe(200);
    // Routing matches paths without regard to case or escapes; the right is checked by the page, not the path.
    for (const path of ["/records", "/Records", "/%72ecords", "/PRESCRIPTIONS", "/reminders"]) expect((await get(path, sarah)).status, path).toBe(404);
    expect((await relink([["permissions", "view_records"], ["endsOn", "0000-01-01"]])).status).toBe(400);
    expect((await get("/appointments", sarah)).body).toContain("Knee follow-up");

    expect((await relink([["permissions", "view_records"], ["endsOn", "2020-01-01"]])).status).toBe(200);
    const ended = await get("/home", sarah);
    expect(ended.body).not.toContain("Maya Chen");
    expect(ended.body).not.toContain("Showing the records of");
    expect((await post("/switch-member", [["clientId", mayaId]], sarah)).status).toBe(302);
    expect((await get("/records", sarah)).body).not.toContain("knee pain");

    expect((await relink([["permissions", "view_records"]])).status).toBe(200);
    await post("/switch-member", [["clientId", mayaId]], sarah);
    expect((await get("/records", sarah)).body).toContain("knee pain");
    expect((await post(`/admin/clients/${sarahId}`, [["intent", "unlink-member"], ["memberId", mayaId]], owner)).status).toBe(200);
    expect((await get("/records", sarah)).body).not.toContain("knee pain");
    expect((await get("/home", sarah)).body).not.toContain("Maya Chen");
    expect(await auditActions()).toEqual(expect.arrayContaining(["staff.family_member_linked", "staff.family_member_unlinked", "client.viewed_family_member"]));
  });
});

describe("a proxy's pages follow its rights", () => {
  it("the records right covers prescriptions and reminders: without it their links are gone and the pages are not there", async () => {
    const sarahId = await withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("clients").select("id").where("first_name", "=", "Sarah").executeTakeFirstOrThrow()).id);
    const maya = await withPractice(db.owner.db, riverside, async (trx) => {
      const patient = await trx.selectFrom("patients").select(["id", "client_id"]).where("name", "=", "Maya Chen").executeTakeFirstOrThrow();
      await trx.insertInto("prescriptions").values({ practice_id: riverside.id, patient_id: patient.id, medication: "Naproxen", directions: "One tablet twice a day with food", prescriber_name: "Owen Price", prescribed_on: "2026-01-05", status: "active" }).execute();
      await trx.insertInto("reminders").values({ practice_id: riverside.id, patient_id: patient.id, description: "Knee review", due_on: "2020-01-01" }).execute();
      return patient.client_id;
    });
    const sarah = cookieOf(await signIn("sarah.chen@example.com", DEMO_CLIENT_PASSWORD));
    const relink = (permissions: string[]) =>
      post(`/admin/clients/${sarahId}`, [["intent", "link-member"], ["memberEmail", "maya.chen@example.com"], ["relationship", "Daughter"], ...permissions.map((p): [string, string] => ["permissions", p])], owner);
    const navLinks = (body: string) => [...body.matchAll(/<a[^>]* href="(\/[a-z]+)"/g)].map((m) => m[1]);

    expect((await relink(["view_records", "view_appointments"])).status).toBe(200);
    await post("/switch-member", [["clientId", maya]], sarah);
    const withRecords = await get("/home", sarah);
    expect(navLinks(withRecords.body)).toEqual(expect.arrayContaining(["/records", "/prescriptions", "/reminders", "/appointments"]));
    expect(withRecords.body).toContain("1 overdue");
    expect((await get("/prescriptions", sarah)).body).toContain("Naproxen");
    expect((await get("/reminders", sarah)).body).toContain("Knee review");

    expect((await relink(["view_appointments"])).status).toBe(200);
    const withoutRecords = await get("/home", sarah);
    expect(withoutRecords.body).toContain("Maya Chen");
    const links = navLinks(withoutRecords.body);
    expect(links).toContain("/appointments");
    for (const hidden of ["/records", "/prescriptions", "/reminders"]) expect(links).not.toContain(hidden);
    // The home card leaves out the reminders row instead of claiming "Nothing overdue".
    expect(withoutRecords.body).not.toMatch(/<dt>Reminders<\/dt>|Nothing overdue|\d overdue/);
    expect(withoutRecords.body).toContain("Knee follow-up");
    for (const path of ["/prescriptions", "/reminders"]) {
      const page = await get(path, sarah);
      expect(page.status, path).toBe(404);
      expect(page.body, path).not.toMatch(/Naproxen|Knee review|No prescriptions|Nothing is overdue/);
    }
    // The rights restored, for the tests after this one.
    expect((await relink(["view_records", "view_appointments"])).status).toBe(200);
  });
});

describe("kiosk intake", () => {
  it("turns the tablet into the intake form only, ends after 15 idle minutes or on sending, and staff see the answers", async () => {
    const frontDesk = await staffCookieFor(db, riverside, "mia.patel@riversidephysio.example.com");
    const id = await clientId("Novak");
    const started = await post(`/admin/clients/${id}`, [["intent", "kiosk"]], frontDesk);
    expect(started.headers.location).toBe("/kiosk");
    const cookies = [started.headers["set-cookie"]].flat().map((c) => c!.split(";")[0]!);
    const kiosk = cookies.find((c) => c.startsWith("portico_session="))!;
    expect(cookies.some((c) => c.startsWith("portico_staff=") && c.endsWith("="))).toBe(true);
    expect((await get("/admin/clients", frontDesk)).headers.location).toMatch(/^\/admin\/login/);

    expect((await get("/kiosk", kiosk)).body).toContain("Welcome to Riverside Physio, Daniel");
    for (const path of ["/records", "/home", "/appointments", "/settings", "/settings/password"]) expect((await get(path, kiosk)).status, path).toBe(403);
    expect((await post("/kiosk", [["phone", "1"]], kiosk)).status).toBe(400);

    server.clock.advance(16 * 60_000);
    expect((await get("/kiosk", kiosk)).headers.location).toBe("/");
    server.clock.reset();

    const again = await post(`/admin/clients/${id}`, [["intent", "kiosk"]], await staffCookieFor(db, riverside, "mia.patel@riversidephysio.example.com"));
    const second = [again.headers["set-cookie"]].flat().map((c) => c!.split(";")[0]!).find((c) => c.startsWith("portico_session="))!;
    const sent = await post("/kiosk", [["phone", "07700 900789"], ["emergencyContact", "Eva Novak 07700 900111"], ["reason", "Lower back pain after gardening"], ["medications", ""], ["allergies", "Penicillin"], ["consent", "on"]], second);
    expect(sent.headers.location).toBe("/kiosk/done");
    expect((await get("/kiosk/done")).body).toContain("hand the tablet back");
    expect((await get("/kiosk", second)).headers.location).toBe("/");
    const staffView = await get(`/admin/clients/${id}`, owner);
    expect(staffView.body).toContain("Lower back pain after gardening");
    expect(staffView.body).toContain("on the practice tablet");
    expect(await auditActions()).toEqual(expect.arrayContaining(["staff.kiosk_started", "client.intake_submitted"]));
  });

  it("offers the client's outstanding forms instead, and ends when the last one is sent", async () => {
    const frontDesk = await staffCookieFor(db, riverside, "mia.patel@riversidephysio.example.com");
    const alex = await clientId("Morgan");
    const requestId = await withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("form_requests").select("id").where("client_id", "=", alex).where("status", "=", "sent").executeTakeFirstOrThrow()).id);
    const started = await post(`/admin/clients/${alex}`, [["intent", "kiosk"]], frontDesk);
    const kiosk = [started.headers["set-cookie"]].flat().map((c) => c!.split(";")[0]!).find((c) => c.startsWith("portico_session="))!;
    const page = await get("/kiosk", kiosk);
    expect(page.body).toContain("New-patient physiotherapy intake");
    expect(page.body).not.toContain('name="emergencyContact"');
    expect((await get(`/kiosk/forms/${requestId}`, kiosk)).body).toContain("Where is the problem?");
    // Not the portal's form page, and no one else's form.
    expect((await get(`/forms/${requestId}`, kiosk)).status).toBe(403);
    const otherForm = await withPractice(db.owner.db, riverside, async (trx) => {
      const version = await trx.selectFrom("form_versions").select("id").executeTakeFirstOrThrow();
      return (await trx.insertInto("form_requests").values({ practice_id: riverside.id, form_version_id: version.id, client_id: await clientId("Novak"), sent_via: "staff" }).returning("id").executeTakeFirstOrThrow()).id;
    });
    expect((await get(`/kiosk/forms/${otherForm}`, kiosk)).status).toBe(404);

    const missing = await post(`/kiosk/forms/${requestId}`, [["intent", "submit"], ["area", "knee"]], kiosk);
    expect(missing.status).toBe(400);
    const answers: [string, string][] = [["area", "knee"], ["pain", "6"], ["injury", "no"], ["treatment_consent.accepted", "on"], ["treatment_consent.name", "Alex Morgan"], ["signature.method", "typed"], ["signature.name", "Alex Morgan"]];
    const sent = await post(`/kiosk/forms/${requestId}`, [["intent", "submit"], ...answers], kiosk);
    expect(sent.headers.location).toBe("/kiosk/done");
    expect([sent.headers["set-cookie"]].flat().join()).toMatch(/portico_session=;/);
    expect((await get("/kiosk", kiosk)).headers.location).toBe("/");
    const stored = await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("form_requests").select(["status", "answers"]).where("id", "=", requestId).executeTakeFirstOrThrow());
    expect(stored).toMatchObject({ status: "submitted", answers: { area: "knee", pain: 6, injury: false, signature: { method: "typed", name: "Alex Morgan" } } });
    expect(await auditActions()).toEqual(expect.arrayContaining(["client.form_submitted"]));
  });
});

describe("forgotten passwords", () => {
  it("answer the same for any address, and a reset link sets a new password once", async () => {
    const known = await post("/account/forgot", [["email", "sarah.chen@example.com"]]);
    const unknown = await post("/account/forgot", [["email", "stranger@example.com"]]);
    const answer = (res: TestResponse, email: string) => res.body.match(/<h1>Check your email<\/h1><p>(.*?)<\/p>/)?.[1]?.replace(email, "X");
    expect([known.status, unknown.status]).toEqual([200, 200]);
    expect(answer(unknown, "stranger@example.com")).toBe(answer(known, "sarah.chen@example.com"));
    expect(answer(known, "sarah.chen@example.com")).toContain("a link to choose a new password is on its way");
    const token = await latestLinkTo("sarah.chen@example.com");
    const reset = await post(`/account/${token}`, [["password", "sarah-new-pass-3318"], ["confirm", "sarah-new-pass-3318"]]);
    expect(reset.headers.location).toBe("/home");
    expect((await signIn("sarah.chen@example.com", DEMO_CLIENT_PASSWORD)).status).toBe(401);
    expect((await signIn("sarah.chen@example.com", "sarah-new-pass-3318")).headers.location).toBe("/home");
    const noMail = await db.owner.db.selectFrom("mail.outbox").select("id").where("recipient", "=", "stranger@example.com").execute();
    expect(noMail).toEqual([]);

    // A reset link issued before the password changed no longer works afterwards.
    await post("/account/forgot", [["email", "sarah.chen@example.com"]]);
    const stale = await latestLinkTo("sarah.chen@example.com");
    const signedIn = cookieOf(await signIn("sarah.chen@example.com", "sarah-new-pass-3318"));
    expect((await post("/settings/password", [["current", "sarah-new-pass-3318"], ["password", "sarah-third-pass-9902"], ["confirm", "sarah-third-pass-9902"]], signedIn)).headers.location).toBe("/settings/password?changed");
    expect((await post(`/account/${stale}`, [["password", "attacker-pass-1234"], ["confirm", "attacker-pass-1234"]])).status).toBe(400);
  });
});

describe("staff changing an account's access", () => {
  it("is audited, and limits the account on its next request", async () => {
    const id = await clientId("Grant");
    const leo = cookieOf(await signIn("leo.grant@example.com", "leo-verified-7781"));
    expect((await get("/records", leo)).body).toContain("shoulder pain");
    expect((await post(`/admin/clients/${id}`, [["intent", "access-level"], ["accessLevel", "limited"]], owner)).status).toBe(200);
    expect((await get("/records", leo)).body).not.toContain("shoulder pain");
    expect(await auditActions()).toContain("staff.client_access_level_changed");
  });
});
