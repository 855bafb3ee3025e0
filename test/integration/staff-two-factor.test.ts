import { generateTOTP } from "@oslojs/otp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STAFF_PASSWORD } from "../../db/seed/demo-data";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestResponse, TestServer } from "../support/http";

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

async function currentCode(email: string): Promise<string> {
  const { totp_secret: key } = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("staff_members").select("totp_secret").where("email", "=", email).executeTakeFirstOrThrow());
  return generateTOTP(key!, 30, 6);
}

async function enrol(cookie: string, email: string): Promise<TestResponse> {
  expect((await post(cookie, "/admin/security", [["intent", "start"]])).status).toBe(200);
  expect((await get(cookie, "/admin/security")).body).toMatch(/<code class="manual-key">[A-Z2-7 ]{39}<\/code>/);
  expect((await post(cookie, "/admin/security", [["intent", "confirm"], ["code", "000000"]])).status).toBe(400);
  return post(cookie, "/admin/security", [["intent", "confirm"], ["code", await currentCode(email)]]);
}

describe("a staff member's second factor", () => {
  it("once turned on, signing in needs the code too, and nothing opens before it", async () => {
    const first = await signIn("jordan.lee@happypaws.example.com");
    expect(first.headers.location).toBe("/admin");
    const enabled = await enrol(cookieOf(first), "jordan.lee@happypaws.example.com");
    expect(enabled.body).toContain("Your second factor is on.");

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
    const right = await post(halfway, "/admin/verify", [["code", await currentCode("jordan.lee@happypaws.example.com")]]);
    expect(right.status).toBe(302);
    expect(right.headers.location).toBe("/admin");
    expect((await get(halfway, "/admin/clients")).status).toBe(200);
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

describe("a practice that requires a second factor", () => {
  it("sends staff without one to set it up before anything else, and lets nobody turn it off", async () => {
    const owner = cookieOf(await signIn("owner@happypaws.example.com"));
    const required = await post(owner, "/admin/staff", [["intent", "second-factor"], ["required", "on"]]);
    expect(required.body).toContain("Every staff member now needs a second factor");

    const res = await signIn("sam.rivera@happypaws.example.com");
    expect(res.headers.location).toBe("/admin/security");
    const sam = cookieOf(res);
    expect((await get(sam, "/admin/clients")).headers.location).toBe("/admin/security");
    expect((await get(sam, "/admin/security")).body).toContain("Your practice requires a second factor.");
    await enrol(sam, "sam.rivera@happypaws.example.com");
    expect((await get(sam, "/admin/clients")).status).toBe(200);
    const disable = await post(sam, "/admin/security", [["intent", "disable"]]);
    expect(disable.status).toBe(400);
    expect(disable.body).toContain("requires a second factor for all staff");

    const audit = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("action").where("action", "like", "staff.second_factor%").orderBy("seq").execute());
    expect(audit.map((a) => a.action)).toEqual(["staff.second_factor_enabled", "staff.second_factor_requirement_changed", "staff.second_factor_enabled"]);
  });
});
