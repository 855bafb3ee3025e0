import { generateHOTP } from "@oslojs/otp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STAFF_PASSWORD } from "../../db/seed/demo-data";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestResponse, TestServer } from "../support/http";
import { staffCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
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

const get = (cookie: string, path: string) => server.request(HAPPY, path, { headers: { cookie } });

function post(cookie: string, path: string, fields: [string, string][]): Promise<TestResponse> {
  const body = new URLSearchParams(fields).toString();
  return server.request(HAPPY, path, {
    method: "POST",
    headers: { cookie, origin: `http://${HAPPY}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) },
    body,
  });
}

function cookieOf(res: TestResponse): string {
  return [res.headers["set-cookie"]].flat().join().split(";")[0]!;
}

async function signIn(email: string): Promise<TestResponse> {
  return post("", "/admin/login", [["email", email], ["password", DEMO_STAFF_PASSWORD]]);
}

/** The code for the current 30-second step (or a neighbouring one, which the server also accepts). */
async function currentCode(email: string, stepOffset = 0): Promise<string> {
  const { totp_secret: key } = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("staff_members").select("totp_secret").where("email", "=", email).executeTakeFirstOrThrow());
  return generateHOTP(key!, BigInt(Math.floor(Date.now() / 30_000) + stepOffset), 6);
}

/** A code is accepted once; tests that need another one within the same 30 seconds let "time pass" here. */
async function forgetUsedCodes(email: string): Promise<void> {
  await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("staff_members").set({ totp_last_step: null }).where("email", "=", email).execute());
}

/** Enrols and returns the page shown afterwards, and the session's cookie: enrolling gives the session a new id. */
async function enrol(cookie: string, email: string): Promise<{ page: TestResponse; cookie: string }> {
  expect((await post(cookie, "/admin/security", [["intent", "start"]])).status).toBe(200);
  expect((await get(cookie, "/admin/security")).body).toMatch(/<code class="manual-key">[A-Z2-7 ]{39}<\/code>/);
  expect((await post(cookie, "/admin/security", [["intent", "confirm"], ["code", "000000"]])).status).toBe(400);
  const confirmed = await post(cookie, "/admin/security", [["intent", "confirm"], ["code", await currentCode(email)]]);
  expect(confirmed.headers.location).toBe("/admin/security?enabled");
  return { page: await get(cookieOf(confirmed), confirmed.headers.location!), cookie: cookieOf(confirmed) };
}

describe("a staff member's second factor", () => {
  it("once turned on, signing in needs the code too, and nothing opens before it", async () => {
    const first = await signIn("jordan.lee@happypaws.example.com");
    expect(first.headers.location).toBe("/admin");
    const enabled = await enrol(cookieOf(first), "jordan.lee@happypaws.example.com");
    expect(enabled.page.body).toContain("Your second factor is on.");

    const second = await signIn("jordan.lee@happypaws.example.com");
    expect(second.headers.location).toBe("/admin/verify");
    const halfway = cookieOf(second);
    for (const path of ["/admin", "/admin/clients", "/admin/audit"]) {
      const res = await get(halfway, path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location).toBe("/admin/verify");
    }
    const wrong = await post(halfway, "/admin/verify", [["code", "123456"]]);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain("That code is not right.");
    // Enrolling used this step's code; the next step's code is also accepted, and has not been used.
    const right = await post(halfway, "/admin/verify", [["code", await currentCode("jordan.lee@happypaws.example.com", 1)]]);
    expect(right.status).toBe(302);
    expect(right.headers.location).toBe("/admin");
    expect((await get(cookieOf(right), "/admin/clients")).status).toBe(200);
  });

  it("accepts each code only once, even in another half-open session", async () => {
    await forgetUsedCodes("jordan.lee@happypaws.example.com");
    const code = await currentCode("jordan.lee@happypaws.example.com");
    const a = cookieOf(await signIn("jordan.lee@happypaws.example.com"));
    const b = cookieOf(await signIn("jordan.lee@happypaws.example.com"));
    expect((await post(a, "/admin/verify", [["code", code]])).status).toBe(302);
    const replay = await post(b, "/admin/verify", [["code", code]]);
    expect(replay.status).toBe(401);
    expect(replay.body).toContain("That code is not right.");
  });

  it("five wrong codes end the attempt", async () => {
    const res = await signIn("jordan.lee@happypaws.example.com");
    const halfway = cookieOf(res);
    for (let i = 0; i < 4; i++) expect((await post(halfway, "/admin/verify", [["code", "000000"]])).status).toBe(401);
    const fifth = await post(halfway, "/admin/verify", [["code", "000000"]]);
    expect(fifth.status).toBe(302);
    expect(fifth.headers.location).toBe("/admin/login");
    expect((await get(halfway, "/admin/verify")).headers.location).toMatch(/^\/admin\/login/);
  });
});

describe("guessing codes", () => {
  it("is capped per account, not per half-open session", async () => {
    let lockedOut = false;
    for (let session = 0; session < 3 && !lockedOut; session++) {
      const halfway = cookieOf(await signIn("jordan.lee@happypaws.example.com"));
      for (let i = 0; i < 4; i++) {
        const res = await post(halfway, "/admin/verify", [["code", "000000"]]);
        if (res.status === 302) {
          lockedOut = true;
          break;
        }
      }
    }
    // 10 wrong codes per hour per account: the 11th ends the attempt, whatever session it came through.
    expect(lockedOut).toBe(true);
    const audit = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("details").where("action", "=", "staff.sign_in_failed").execute());
    expect(audit.some((a) => a.details.reason === "too_many_codes")).toBe(true);
  });

  it("turning the factor off needs the current code", async () => {
    await withPractice(db.owner.db, happyPaws, (trx) => trx.deleteFrom("rate_limit_counters").execute());
    await forgetUsedCodes("jordan.lee@happypaws.example.com");
    const halfway = cookieOf(await signIn("jordan.lee@happypaws.example.com"));
    const verified = await post(halfway, "/admin/verify", [["code", await currentCode("jordan.lee@happypaws.example.com")]]);
    expect(verified.status).toBe(302);
    const refused = await post(cookieOf(verified), "/admin/security", [["intent", "disable"], ["code", "000000"]]);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("Enter the current code");
  });
});

describe("a practice that requires a second factor", () => {
  it("sends staff without one to set it up before anything else, and lets nobody turn it off", async () => {
    const owner = cookieOf(await signIn("owner@happypaws.example.com"));
    const required = await post(owner, "/admin/staff", [["intent", "second-factor"], ["required", "on"]]);
    expect(required.body).toContain("Every staff member now needs a second factor");

    const res = await signIn("sam.rivera@happypaws.example.com");
    expect(res.headers.location).toBe("/admin/security");
    const halfway = cookieOf(res);
    expect((await get(halfway, "/admin/clients")).headers.location).toBe("/admin/security");
    expect((await get(halfway, "/admin/security")).body).toContain("Your practice requires a second factor.");
    const sam = (await enrol(halfway, "sam.rivera@happypaws.example.com")).cookie;
    expect((await get(sam, "/admin/clients")).status).toBe(200);
    expect((await get(halfway, "/admin/clients")).headers.location).toMatch(/^\/admin\/login/);
    const disable = await post(sam, "/admin/security", [["intent", "disable"]]);
    expect(disable.status).toBe(400);
    expect(disable.body).toContain("requires a second factor for all staff");

    const audit = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("action").where("action", "like", "staff.second_factor%").orderBy("seq").execute());
    expect(audit.map((a) => a.action)).toEqual([
      "staff.second_factor_enrolment_started",
      "staff.second_factor_enabled",
      "staff.second_factor_requirement_changed",
      "staff.second_factor_enrolment_started",
      "staff.second_factor_enabled",
    ]);
  });

  it("leads a newly invited person to enrol before anything else", async () => {
    const owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
    const roles = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("staff_roles").select(["id", "name"]).execute());
    await post(owner, "/admin/staff", [["intent", "invite"], ["name", "New Owner"], ["email", "new.owner@happypaws.example.com"], ["roleId", roles.find((r) => r.name === "Owner")!.id]]);
    const row = await db.owner.db.selectFrom("mail.outbox").select("text").where("kind", "=", "staff_invitation").orderBy("created_at", "desc").limit(1).executeTakeFirstOrThrow();
    const path = new URL(/https?:\/\/\S+\/admin\/invitation\/[A-Za-z0-9_-]+/.exec(row.text)![0]).pathname;
    const accepted = await post("", path, [["password", "a-strong-new-password"], ["confirmPassword", "a-strong-new-password"]]);
    expect(accepted.headers.location).toBe("/admin/security");
    const cookie = cookieOf(accepted);
    expect((await get(cookie, "/admin/staff")).headers.location).toBe("/admin/security");
  });
});
