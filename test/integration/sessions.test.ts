import { generateHOTP } from "@oslojs/otp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_PASSWORD, DEMO_STAFF_PASSWORD } from "../../db/seed/demo-data";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import { createSupportUser } from "../../tenants/support-users.server";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { cookieOf, postForm, type TestResponse, type TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

/**
 * Issue #14, "Sessions that end stay ended": what ends a session ends it for good, every privilege change gives the
 * session a new id and spends the old one, and a garbled cookie is a signed-out visitor, never an error.
 */

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";
const SUPPORT = "support.localhost:3000";
const SUPPORT_EMAIL = "sam.support@portico.example.com";
const SUPPORT_PASSWORD = "Portico-support-3318-harbour";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let riverside: Practice;

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  riverside = (await server.registry.resolve("riverside-physio"))!;
});

afterAll(async () => {
  await server.close();
});

const get = (host: string, path: string, cookie = "") => server.request(host, path, { headers: { cookie } });
const post = (host: string, path: string, fields: [string, string][], cookie = "") => postForm(server, host, path, fields, cookie);

/** The name=value a response sets for `name`, if it sets one with a value. */
function newCookie(res: TestResponse, name: string): string | undefined {
  return [res.headers["set-cookie"] ?? []]
    .flat()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1);
}

async function clientSessionsOf(practice: Practice): Promise<number> {
  return withPractice(db.owner.db, practice, async (trx) => (await trx.selectFrom("client_sessions").select("id").execute()).length);
}

async function clientIdOf(practice: Practice, lastName: string): Promise<string> {
  return withPractice(db.owner.db, practice, async (trx) => (await trx.selectFrom("clients").select("id").where("last_name", "=", lastName).executeTakeFirstOrThrow()).id);
}

/** The portal settings form as the page posts it: the current settings, with the portal on or off. */
async function portalSettingsForm(practice: Practice, portalEnabled: boolean): Promise<[string, string][]> {
  const { settings, templates } = await withPractice(db.owner.db, practice, async (trx) => ({
    settings: await trx.selectFrom("practice_settings").selectAll().executeTakeFirstOrThrow(),
    templates: await trx.selectFrom("document_templates").select(["id", "shared_with_portal"]).execute(),
  }));
  const fields: [string, string][] = [["intent", "save"], ["diagnosticsShareStatus", settings.diagnostics_share_status], ["signInMethods", settings.sign_in_methods]];
  // Turning the portal off is confirmed on the page's second step.
  fields.push(portalEnabled ? ["portalEnabled", "on"] : ["confirm", "yes"]);
  for (const category of settings.shared_categories) fields.push(["sharedCategories", category]);
  for (const template of templates.filter((t) => t.shared_with_portal)) fields.push(["sharedTemplates", template.id]);
  return fields;
}

function staffCode(key: Uint8Array, stepOffset = 0): string {
  return generateHOTP(key, BigInt(Math.floor(server.clock.now().getTime() / 30_000) + stepOffset), 6);
}

async function staffTotpKey(email: string): Promise<Uint8Array> {
  const { totp_secret: key } = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("staff_members").select("totp_secret").where("email", "=", email).executeTakeFirstOrThrow());
  return key!;
}

describe("ending sessions for good", () => {
  it("turning the portal off deletes the practice's client sessions at once, and turning it on again revives none", async () => {
    const owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    const riversideClient = await sessionCookieFor(db, riverside, "sarah.chen@example.com");
    expect((await get(HAPPY, "/home", maria)).status).toBe(200);

    expect((await post(HAPPY, "/admin/portal-settings", await portalSettingsForm(happyPaws, false), owner)).status).toBe(200);
    // Deleted by the same transaction, not on the client's next request.
    expect(await clientSessionsOf(happyPaws)).toBe(0);

    expect((await post(HAPPY, "/admin/portal-settings", await portalSettingsForm(happyPaws, true), owner)).status).toBe(200);
    const after = await get(HAPPY, "/home", maria);
    expect(after.status).toBe(302);
    expect(after.headers.location).toBe("/");
    // Another practice's clients are untouched.
    expect((await get(RIVERSIDE, "/home", riversideClient)).status).toBe(200);
  });

  it("blocking a client deletes their sessions at once, and unblocking revives none", async () => {
    const owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    const id = await clientIdOf(happyPaws, "Lopez");
    expect((await post(HAPPY, `/admin/clients/${id}`, [["intent", "block"]], owner)).status).toBe(302);
    expect(await clientSessionsOf(happyPaws)).toBe(0);
    expect((await post(HAPPY, `/admin/clients/${id}`, [["intent", "unblock"]], owner)).status).toBe(302);
    expect((await get(HAPPY, "/home", maria)).headers.location).toBe("/");
  });
});

describe("a new session id after every privilege change", () => {
  it("staff: enrolling a second factor, and giving it at sign-in, each spend the old id", async () => {
    const email = "jordan.lee@happypaws.example.com";
    const signedIn = await post(HAPPY, "/admin/login", [["email", email], ["password", DEMO_STAFF_PASSWORD]]);
    const full = cookieOf(signedIn);
    expect((await post(HAPPY, "/admin/security", [["intent", "start"]], full)).status).toBe(200);
    const enrolled = await post(HAPPY, "/admin/security", [["intent", "confirm"], ["code", staffCode(await staffTotpKey(email))]], full);
    // The page is loaded again under the new id: the old one no longer opens it.
    expect(enrolled.status).toBe(302);
    expect(enrolled.headers.location).toBe("/admin/security?enabled");
    const afterEnrolment = newCookie(enrolled, "portico_staff")!;
    expect(afterEnrolment).toBeDefined();
    expect(afterEnrolment).not.toBe(full);
    expect((await get(HAPPY, "/admin/security?enabled", afterEnrolment)).body).toContain("Your second factor is on.");
    expect((await get(HAPPY, "/admin/clients", full)).headers.location).toMatch(/^\/admin\/login/);
    expect((await get(HAPPY, "/admin/clients", afterEnrolment)).status).toBe(200);

    const halfway = cookieOf(await post(HAPPY, "/admin/login", [["email", email], ["password", DEMO_STAFF_PASSWORD]]));
    expect((await get(HAPPY, "/admin/clients", halfway)).headers.location).toBe("/admin/verify");
    // Enrolling used this step's code; the next step's is accepted too.
    const verified = await post(HAPPY, "/admin/verify", [["code", staffCode(await staffTotpKey(email), 1)]], halfway);
    expect(verified.status).toBe(302);
    expect(verified.headers.location).toBe("/admin");
    const signedInFully = newCookie(verified, "portico_staff")!;
    expect(signedInFully).toBeDefined();
    expect(signedInFully).not.toBe(halfway);
    expect((await get(HAPPY, "/admin/clients", signedInFully)).status).toBe(200);
    expect((await get(HAPPY, "/admin/clients", halfway)).headers.location).toMatch(/^\/admin\/login/);
    expect((await get(HAPPY, "/admin/verify", halfway)).headers.location).toMatch(/^\/admin\/login/);
  });

  it("clients: replacing a temporary password spends the old id", async () => {
    const owner = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
    const id = await clientIdOf(riverside, "Novak");
    expect((await post(RIVERSIDE, `/admin/clients/${id}`, [["intent", "manual-account"], ["login", "daniel.n"], ["password", "Temporary-pass-4410"], ["accessLevel", "full"]], owner)).status).toBe(200);
    const first = await post(RIVERSIDE, "/?index", [["intent", "password"], ["login", "daniel.n"], ["password", "Temporary-pass-4410"]]);
    expect(first.headers.location).toBe("/settings/password");
    const temporary = cookieOf(first);

    const changed = await post(RIVERSIDE, "/settings/password", [["current", "Temporary-pass-4410"], ["password", "daniel-own-pass-5521"], ["confirm", "daniel-own-pass-5521"]], temporary);
    expect(changed.status).toBe(302);
    expect(changed.headers.location).toBe("/home");
    const own = newCookie(changed, "portico_session")!;
    expect(own).toBeDefined();
    expect(own).not.toBe(temporary);
    expect((await get(RIVERSIDE, "/home", own)).status).toBe(200);
    expect((await get(RIVERSIDE, "/home", temporary)).headers.location).toBe("/");

    // A later change of an own password rotates too, and the page says so under the new id.
    const again = await post(RIVERSIDE, "/settings/password", [["current", "daniel-own-pass-5521"], ["password", "daniel-next-pass-6632"], ["confirm", "daniel-next-pass-6632"]], own);
    expect(again.status).toBe(302);
    expect(again.headers.location).toBe("/settings/password?changed");
    const next = newCookie(again, "portico_session")!;
    expect(next).not.toBe(own);
    expect((await get(RIVERSIDE, "/settings/password?changed", next)).body).toContain("Your password is changed.");
    expect((await get(RIVERSIDE, "/home", next)).status).toBe(200);
    expect((await get(RIVERSIDE, "/home", own)).headers.location).toBe("/");
  });

  it("clients: an upgrade from limited to full access gives the client's next request a new id and spends the old one", async () => {
    const owner = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
    const id = await clientIdOf(riverside, "Grant");
    const limited = cookieOf(await post(RIVERSIDE, "/?index", [["intent", "password"], ["login", "leo.grant@example.com"], ["password", DEMO_CLIENT_PASSWORD]]));
    expect((await get(RIVERSIDE, "/records", limited)).body).not.toContain("shoulder pain");

    expect((await post(RIVERSIDE, `/admin/clients/${id}`, [["intent", "access-level"], ["accessLevel", "full"]], owner)).status).toBe(200);
    const next = await get(RIVERSIDE, "/records?year=all", limited);
    expect(next.status).toBe(302);
    // Back to the same address, with the new cookie: nothing was served under the old id.
    expect(next.headers.location).toBe("/records?year=all");
    const upgraded = newCookie(next, "portico_session")!;
    expect(upgraded).toBeDefined();
    expect(upgraded).not.toBe(limited);
    expect((await get(RIVERSIDE, "/records", upgraded)).body).toContain("shoulder pain");
    expect((await get(RIVERSIDE, "/records", limited)).headers.location).toBe("/");

    // The new id is not rotated again: it was issued after the upgrade.
    const steady = await get(RIVERSIDE, "/home", upgraded);
    expect(steady.status).toBe(200);
    expect(newCookie(steady, "portico_session")).toBeUndefined();
    // A downgrade needs no new id; it applies on the very next request.
    expect((await post(RIVERSIDE, `/admin/clients/${id}`, [["intent", "access-level"], ["accessLevel", "limited"]], owner)).status).toBe(200);
    const downgraded = await get(RIVERSIDE, "/records", upgraded);
    expect(downgraded.status).toBe(200);
    expect(downgraded.body).not.toContain("shoulder pain");
  });

  it("support: giving the code spends the half-open id", async () => {
    const token = await createSupportUser(db.owner.db, { email: SUPPORT_EMAIL, name: "Sam Support" });
    const key = (await db.owner.db.selectFrom("platform.support_users").select("totp_key").where("email_key", "=", SUPPORT_EMAIL).executeTakeFirstOrThrow()).totp_key!;
    expect((await post(SUPPORT, `/support/setup/${token}`, [["password", SUPPORT_PASSWORD], ["confirm", SUPPORT_PASSWORD], ["code", staffCode(key)]])).status).toBe(302);

    const halfway = cookieOf(await post(SUPPORT, "/support/login", [["email", SUPPORT_EMAIL], ["password", SUPPORT_PASSWORD]]));
    expect((await get(SUPPORT, "/support", halfway)).headers.location).toBe("/support/verify");
    const verified = await post(SUPPORT, "/support/verify", [["code", staffCode(key, 1)]], halfway);
    expect(verified.headers.location).toBe("/support");
    const full = newCookie(verified, "portico_support")!;
    expect(full).not.toBe(halfway);
    expect((await get(SUPPORT, "/support", full)).status).toBe(200);
    expect((await get(SUPPORT, "/support", halfway)).headers.location).toBe("/support/login");
    expect((await get(SUPPORT, "/support/verify", halfway)).headers.location).toBe("/support/login");
  });
});

describe("a malformed session cookie", () => {
  const garbled = ["%%%", "%E0%A4%A", "%", "a=b=c", '"quoted"', "x".repeat(5000)];
  const pages: [host: string, path: string][] = [
    [HAPPY, "/"],
    [HAPPY, "/home"],
    [HAPPY, "/records"],
    [HAPPY, "/admin"],
    [HAPPY, "/admin/login"],
    [HAPPY, "/admin/clients"],
    [SUPPORT, "/support"],
    [SUPPORT, "/support/login"],
  ];

  it("is a signed-out visitor for every audience, on practice, admin and support pages: never a 500", async () => {
    for (const name of ["portico_session", "portico_staff", "portico_support", "portico_support_access"]) {
      for (const value of garbled) {
        for (const [host, path] of pages) {
          const res = await get(host, path, `${name}=${value}`);
          expect(res.status, `${name}=${value.slice(0, 20)} on ${host}${path}`).toBeGreaterThanOrEqual(200);
          expect(res.status, `${name}=${value.slice(0, 20)} on ${host}${path}`).toBeLessThan(400);
        }
      }
    }
  });

  it("answers exactly what no cookie answers, and clears a client cookie it cannot read", async () => {
    const home = await get(HAPPY, "/home", "portico_session=%E0%A4%A");
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe("/");
    expect([home.headers["set-cookie"]].flat().join()).toMatch(/portico_session=;/);
    expect((await get(HAPPY, "/admin/clients", "portico_staff=%%%")).headers.location).toBe("/admin/login?next=%2Fadmin%2Fclients");
    expect((await get(SUPPORT, "/support", "portico_support=%%%")).headers.location).toBe("/support/login");
    const landing = await get(HAPPY, "/", "portico_session=%%%");
    expect(landing.status).toBe(200);
    expect(landing.body).toContain("Happy Paws Animal Hospital");
  });

  it("does not spoil a good cookie sent beside it", async () => {
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    const staff = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
    const beside = `portico_support=%E0%A4%A; ${maria}; junk=%%%; ${staff}; portico_support_access=%`;
    expect((await get(HAPPY, "/home", beside)).status).toBe(200);
    expect((await get(HAPPY, "/admin/clients", beside)).status).toBe(200);
  });
});
