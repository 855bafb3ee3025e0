import { generateHOTP } from "@oslojs/otp";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import { hitPlatformRateLimits } from "../../server/auth/platform-rate-limit.server";
import type { Practice } from "../../tenants/practice";
import { createSupportUser } from "../../tenants/support-users.server";
import { createEmptyDatabase, type TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { cookieOf, postForm, type TestServer } from "../support/http";
import { staffCookieFor } from "../support/sessions";

const SUPPORT = "support.localhost:3000";
const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";
const EMAIL = "ana.support@portico.example.com";
const PASSWORD = "Portico-support-7421-lantern";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
});

afterAll(async () => {
  await server.close();
});

const get = (host: string, path: string, cookie = "") => server.request(host, path, { headers: { cookie } });

const post = (host: string, path: string, fields: [string, string][], cookie = "") => postForm(server, host, path, fields, cookie);

async function code(stepOffset = 0): Promise<string> {
  const user = await db.owner.db.selectFrom("platform.support_users").select("totp_key").where("email_key", "=", EMAIL).executeTakeFirstOrThrow();
  return generateHOTP(user.totp_key!, BigInt(Math.floor(server.clock.now().getTime() / 30_000) + stepOffset), 6);
}

async function forgetUsedCodes(): Promise<void> {
  await db.owner.db.updateTable("platform.support_users").set({ totp_last_step: null }).where("email_key", "=", EMAIL).execute();
}

/** Password, then code: a full support session's cookie. */
async function signIn(): Promise<string> {
  await forgetUsedCodes();
  const first = await post(SUPPORT, "/support/login", [["email", EMAIL], ["password", PASSWORD]]);
  expect(first.headers.location).toBe("/support/verify");
  const second = await post(SUPPORT, "/support/verify", [["code", await code()]], cookieOf(first));
  expect(second.headers.location).toBe("/support");
  return cookieOf(second);
}

describe("support users", () => {
  it("set up their account once, with a password and an authenticator code", async () => {
    const token = await createSupportUser(db.owner.db, { email: EMAIL, name: "Ana Support" });
    const page = await get(SUPPORT, `/support/setup/${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<code class="manual-key">[A-Z2-7 ]{39}<\/code>/);
    expect((await post(SUPPORT, `/support/setup/${token}`, [["password", "short"], ["confirm", "short"], ["code", await code()]])).status).toBe(400);
    const wrongCode = await post(SUPPORT, `/support/setup/${token}`, [["password", PASSWORD], ["confirm", PASSWORD], ["code", "000000"]]);
    expect(wrongCode.status).toBe(400);
    const done = await post(SUPPORT, `/support/setup/${token}`, [["password", PASSWORD], ["confirm", PASSWORD], ["code", await code()]]);
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe("/support");
    expect((await get(SUPPORT, "/support", cookieOf(done))).status).toBe(200);
    expect((await get(SUPPORT, `/support/setup/${token}`)).body).toContain("already been used");
    await expect(createSupportUser(db.owner.db, { email: EMAIL.toUpperCase(), name: "Again" })).rejects.toThrow(/already exists/);
  });

  it("need both the password and a fresh code; nothing opens in between", async () => {
    expect((await get(SUPPORT, "/support")).headers.location).toBe("/support/login");
    const wrong = await post(SUPPORT, "/support/login", [["email", EMAIL], ["password", "not the password at all"]]);
    const unknown = await post(SUPPORT, "/support/login", [["email", "nobody@portico.example.com"], ["password", PASSWORD]]);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toContain("The email or password is not right.");
    expect(unknown.body).toContain("The email or password is not right.");

    await forgetUsedCodes();
    const first = await post(SUPPORT, "/support/login", [["email", EMAIL], ["password", PASSWORD]]);
    const halfway = cookieOf(first);
    for (const path of ["/support", "/support/practices/new", "/support/practices/happy-paws", "/support/subdomain-check?subdomain=x"]) {
      expect((await get(SUPPORT, path, halfway)).headers.location, path).toBe("/support/verify");
    }
    expect((await post(SUPPORT, "/support/verify", [["code", "123456"]], halfway)).status).toBe(401);
    const current = await code();
    const verified = await post(SUPPORT, "/support/verify", [["code", current]], halfway);
    expect(verified.headers.location).toBe("/support");
    // The signed-in session has a new id: the half-open cookie is spent.
    expect((await get(SUPPORT, "/support", cookieOf(verified))).status).toBe(200);
    expect((await get(SUPPORT, "/support", halfway)).headers.location).toBe("/support/login");
    // The same code cannot open a second session.
    const again = await post(SUPPORT, "/support/login", [["email", EMAIL], ["password", PASSWORD]]);
    expect((await post(SUPPORT, "/support/verify", [["code", current]], cookieOf(again))).status).toBe(401);
  });

  it("keep about a day of sign-in counters: now and then an attempt deletes the windows long over", async () => {
    const now = server.clock.now();
    const rule = { bucket: "support-password:someone@portico.example.com", limit: 10, windowMs: 15 * 60_000 };
    await db.owner.db.deleteFrom("platform.rate_limit_counters").execute();
    await db.owner.db.insertInto("platform.rate_limit_counters").values({ bucket: rule.bucket, window_start: new Date(now.getTime() - 48 * 3_600_000), hits: 4 }).execute();
    const windows = () => db.owner.db.selectFrom("platform.rate_limit_counters").select(["bucket", "hits"]).execute();
    await hitPlatformRateLimits(db.owner.db, [rule], now, false);
    expect(await windows()).toHaveLength(2);
    await hitPlatformRateLimits(db.owner.db, [rule], now, true);
    expect(await windows()).toEqual([{ bucket: rule.bucket, hits: 2 }]);
  });

  it("have 8-hour sessions that work on the support host only, and no practice session works there", async () => {
    const support = await signIn();
    expect((await get(HAPPY, "/admin/clients", support)).headers.location).toMatch(/^\/admin\/login/);
    expect((await get(HAPPY, "/support", support)).status).toBe(404);
    const staff = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
    expect((await get(HAPPY, "/admin/clients", staff)).status).toBe(200);
    expect((await get(SUPPORT, "/support", staff)).headers.location).toBe("/support/login");
    expect((await get(SUPPORT, "/", support)).headers.location).toBe("/support");

    server.clock.advance(8 * 3_600_000 - 60_000);
    expect((await get(SUPPORT, "/support", support)).status).toBe(200);
    server.clock.advance(2 * 60_000);
    expect((await get(SUPPORT, "/support", support)).headers.location).toBe("/support/login");
    server.clock.reset();
  });
});

describe("the practice list and practice creation", () => {
  let support: string;
  beforeAll(async () => {
    support = await signIn();
  });

  it("lists practices with their counts, and searches by name or subdomain", async () => {
    const all = await get(SUPPORT, "/support", support);
    expect(all.body).toContain("Happy Paws Animal Hospital");
    expect(all.body).toContain("Riverside Physio");
    const found = await get(SUPPORT, "/support?q=river", support);
    expect(found.body).toContain("Riverside Physio");
    expect(found.body).not.toContain("Happy Paws Animal Hospital");
    expect((await get(SUPPORT, "/support?q=physio", support)).body).toContain("Riverside Physio");
  });

  it("checks a subdomain live: format, reserved words and taken ones", async () => {
    const check = async (subdomain: string) => JSON.parse((await get(SUPPORT, `/support/subdomain-check?subdomain=${encodeURIComponent(subdomain)}`, support)).body) as { available: boolean; message: string };
    expect(await check("happy-paws")).toMatchObject({ available: false, message: expect.stringMatching(/already taken/) });
    expect((await check("support")).available).toBe(false);
    expect((await check("Bad_Name")).available).toBe(false);
    expect(await check("brand-new-clinic")).toMatchObject({ available: true });
  });

  const form = (overrides: Record<string, string>): [string, string][] =>
    Object.entries({ name: "Lakeside Chiropractic", kind: "human", subdomain: "lakeside-chiro", confirmPermanent: "on", timeZone: "Europe/London", locationAddress: "1 Lake Road\nLeeds", deployment: "shared", ...overrides });

  it("refuses taken, reserved and invalid subdomains, and an unconfirmed one, with a clear 400", async () => {
    for (const [subdomain, message] of [
      ["happy-paws", "already taken"],
      ["support", "reserved"],
      ["x", "3"],
    ]) {
      const res = await post(SUPPORT, "/support/practices/new", form({ subdomain: subdomain! }), support);
      expect(res.status, subdomain).toBe(400);
      expect(res.body).toContain(message!);
    }
    const unconfirmed = await post(SUPPORT, "/support/practices/new", form({ confirmPermanent: "" }), support);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body).toContain("can never be changed");
    expect(await server.registry.resolve("lakeside-chiro")).toBeUndefined();
  });

  it("creates a shared practice with its first location, and invites its first owner", async () => {
    const res = await post(SUPPORT, "/support/practices/new", form({ ownerName: "Lee Lake", ownerEmail: "lee@lakeside.example.com" }), support);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/support/practices/lakeside-chiro?created=1");
    expect((await get("lakeside-chiro.localhost:3000", "/")).status).toBe(200);
    const detail = await get(SUPPORT, "/support/practices/lakeside-chiro", support);
    expect(detail.body).toContain("1 Lake Road, Leeds");
    expect(detail.body).toContain("Shared database");
    const mail = await db.owner.db.selectFrom("mail.outbox").select(["kind", "text"]).where("recipient", "=", "lee@lakeside.example.com").execute();
    expect(mail).toEqual([expect.objectContaining({ kind: "staff_invitation", text: expect.stringContaining("http://lakeside-chiro.localhost:3000/admin/invitation/") })]);
    const audit = await db.owner.db.selectFrom("platform.audit_events").select(["action", "details"]).where("action", "=", "practice.created").execute();
    expect(audit).toEqual([expect.objectContaining({ details: expect.objectContaining({ subdomain: "lakeside-chiro", deployment: "shared" }) })]);
  });

  it("creates a dedicated practice on a database given by URL, and refuses a bad URL without leaving anything behind", async () => {
    const bad = await post(SUPPORT, "/support/practices/new", form({ subdomain: "harbour-vet", name: "Harbour Vet", kind: "veterinary", deployment: "dedicated", databaseSource: "url", databaseUrl: "postgres://nobody:secret@127.0.0.1:1/none", runtimePassword: "other-secret" }), support);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Could not connect");
    expect(bad.body).not.toContain("secret");
    expect(bad.body).not.toContain("ECONNREFUSED");
    expect(await server.registry.resolve("harbour-vet")).toBeUndefined();

    const empty = await createEmptyDatabase();
    const res = await post(SUPPORT, "/support/practices/new", form({ subdomain: "harbour-vet", name: "Harbour Vet", kind: "veterinary", deployment: "dedicated", databaseSource: "url", databaseUrl: empty.ownerUrl }), support);
    expect(res.status).toBe(302);
    const detail = await get(SUPPORT, "/support/practices/harbour-vet", support);
    expect(detail.body).toContain(`Dedicated database at 127.0.0.1`);
    expect(detail.body).not.toContain(empty.ownerUrl);
    expect((await get("harbour-vet.localhost:3000", "/")).status).toBe(200);
  });
});

describe("locations", () => {
  it("adds a location to the practice's one portal; online booking stays on (clients choose the location)", async () => {
    const support = await signIn();
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_mode: "direct" }).execute());
    const invalid = await post(SUPPORT, "/support/practices/happy-paws", [["intent", "add-location"], ["name", "X"], ["address", ""], ["timeZone", "Mars/Olympus"]], support);
    expect(invalid.status).toBe(400);
    const added = await post(
      SUPPORT,
      "/support/practices/happy-paws",
      [["intent", "add-location"], ["name", "Happy Paws East"], ["address", "9 Harbor Street\nSpringfield, IL 62701"], ["phone", "(555) 010-4500"], ["timeZone", "America/Chicago"], ["openingHours", "Monday to Friday: 9:00 – 17:00\nWeekends: Closed"]],
      support,
    );
    expect(added.status).toBe(200);
    expect(added.body).toContain("the practice now has 2");
    const stored = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("locations").select(["name", "opening_hours"]).where("name", "=", "Happy Paws East").executeTakeFirstOrThrow());
    expect(stored.opening_hours).toEqual([{ days: "Monday to Friday", hours: "9:00 – 17:00" }, { days: "Weekends", hours: "Closed" }]);
    const settings = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("practice_settings").select("booking_mode").executeTakeFirstOrThrow());
    expect(settings.booking_mode).toBe("direct");
    expect((await get(HAPPY, "/")).body).toContain("9 Harbor Street");
  });
});

describe("suspending and resuming", () => {
  it("answers 503 on the portal and admin at once, ends every session, and resumes with everyone signed out", async () => {
    const support = await signIn();
    const staff = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
    expect((await get(HAPPY, "/admin/clients", staff)).status).toBe(200);
    const suspended = await post(SUPPORT, "/support/practices/happy-paws", [["intent", "suspend"]], support);
    expect(suspended.status).toBe(200);
    expect(suspended.body).toContain("every session has ended");
    expect((await get(HAPPY, "/")).status).toBe(503);
    expect((await get(HAPPY, "/admin/clients", staff)).status).toBe(503);
    const sessions = await withPractice(db.owner.db, happyPaws, (trx) => sql<{ n: number }>`select (select count(*) from staff_sessions) + (select count(*) from client_sessions) as n`.execute(trx));
    expect(Number(sessions.rows[0]?.n)).toBe(0);

    expect((await post(SUPPORT, "/support/practices/happy-paws", [["intent", "resume"]], support)).status).toBe(200);
    expect((await get(HAPPY, "/")).status).toBe(200);
    expect((await get(HAPPY, "/admin/clients", staff)).headers.location).toMatch(/^\/admin\/login/);
  });
});

describe("break-glass access", () => {
  it("needs a reason, opens the practice's admin read-only for an hour with a banner, and both audit logs show it", async () => {
    const support = await signIn();
    const noReason = await post(SUPPORT, "/support/practices/happy-paws", [["intent", "access"], ["reason", "look"]], support);
    expect(noReason.status).toBe(400);
    expect(noReason.body).toContain("Say why you need access");

    const reason = "Ticket 4411: the owner cannot find last week's lab results";
    const granted = await post(SUPPORT, "/support/practices/happy-paws", [["intent", "access"], ["reason", reason]], support);
    expect(granted.status).toBe(302);
    const link = new URL(granted.headers.location!);
    expect(link.host).toBe(HAPPY);
    expect((await get(HAPPY, link.pathname)).status).toBe(200);
    const entered = await post(HAPPY, link.pathname, []);
    expect(entered.headers.location).toBe("/admin");
    const access = cookieOf(entered);
    expect(access).toMatch(/^portico_support_access=/);
    expect((await post(HAPPY, link.pathname, [])).status).toBe(400);

    const clients = await get(HAPPY, "/admin/clients", access);
    expect(clients.status).toBe(200);
    expect(clients.body).toContain("Portico support access");
    expect(clients.body).toContain(reason);
    // The end of the access in the practice's zone (Springfield, Illinois: Central time), as the rest of its admin.
    expect(clients.body.replaceAll("<!-- -->", "")).toMatch(/read-only, until \d{1,2}:\d{2}\s[AP]M C[SD]T\./);
    expect(clients.body).not.toContain(" UTC");
    expect((await get(HAPPY, "/admin/staff", access)).status).toBe(403);
    expect((await get(HAPPY, "/admin/security", access)).status).toBe(403);
    expect((await post(HAPPY, "/admin/portal-settings", [["intent", "save"]], access)).status).toBe(403);
    expect((await get(RIVERSIDE, "/admin/clients", access)).headers.location).toMatch(/^\/admin\/login/);

    const owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
    const log = await get(HAPPY, "/admin/audit", owner);
    expect(log.body).toContain("support.access_granted");
    expect(log.body).toContain("support.access_started");
    expect(log.body).toContain("Ticket 4411");
    expect(log.body).toContain("Portico support (Ana Support");
    const platformLog = await db.owner.db.selectFrom("platform.audit_events").select("action").where("practice_id", "=", happyPaws.id).where("action", "=", "support.access_granted").execute();
    expect(platformLog).toHaveLength(1);

    server.clock.advance(61 * 60_000);
    expect((await get(HAPPY, "/admin/clients", access)).headers.location).toMatch(/^\/admin\/login/);
    server.clock.reset();
  });

  it("can be ended early from the banner", async () => {
    const support = await signIn();
    const granted = await post(SUPPORT, "/support/practices/happy-paws", [["intent", "access"], ["reason", "Checking a sharing setting with the owner on the phone"]], support);
    const access = cookieOf(await post(HAPPY, new URL(granted.headers.location!).pathname, []));
    expect((await get(HAPPY, "/admin", access)).status).toBe(200);
    const ended = await post(HAPPY, "/admin/support-access/end", [], access);
    expect(ended.headers.location).toBe("/admin/login");
    expect((await get(HAPPY, "/admin", access)).headers.location).toMatch(/^\/admin\/login/);
  });
});
