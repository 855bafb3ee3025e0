import { subscribe, unsubscribe } from "node:diagnostics_channel";
import http from "node:http";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_PASSWORD, DEMO_STAFF_PASSWORD } from "../../db/seed/demo-data";
import { withPractice } from "../../db/with-practice.server";
import { WORK_QUEUE_CHANNEL, type WorkQueueEvent } from "../../server/work-queue.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { postForm, type TestResponse, type TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";

/**
 * Issue #14, "no expensive work before a check": argon2 and image decoding run only after the session, permission,
 * token and rate-limit checks. The work queues publish every start on a diagnostics channel (the server runs in
 * this process), so "never reached" is observed directly rather than inferred from timing.
 */

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;

const started: string[] = [];
const listener = (message: unknown) => {
  const event = message as WorkQueueEvent;
  if (event.event === "started") started.push(event.queue);
};
const startsOf = (queue: string) => started.filter((name) => name === queue).length;

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  subscribe(WORK_QUEUE_CHANNEL, listener);
});

afterAll(async () => {
  unsubscribe(WORK_QUEUE_CHANNEL, listener);
  await server.close();
});

beforeEach(async () => {
  await server.settled();
  await db.owner.db.deleteFrom("platform.ip_rate_limit_counters").execute();
  started.length = 0;
});

afterEach(() => server.settled());

describe("argon2", () => {
  const staffSignIn = (host: string, email: string, password: string) => postForm(server, host, "/admin/login", [["email", email], ["password", password]]);

  it("is not run for a staff sign-in refused by the per-IP limit, which counts across practices", async () => {
    // 30 attempts at Happy Paws, each for another (unknown) account: only the IP limit can refuse the next one.
    for (let i = 0; i < 30; i++) expect((await staffSignIn(HAPPY, `nobody-${i}@happypaws.example.com`, "not-the-password")).body).toContain("do not match an account");
    // Known and unknown accounts cost the same: every one of them ran a password check.
    expect(startsOf("argon2")).toBe(30);

    const refused = await staffSignIn(RIVERSIDE, "owner@riversidephysio.example.com", DEMO_STAFF_PASSWORD);
    expect(refused.status).toBe(401);
    expect(refused.body).toContain("Too many attempts");
    expect(startsOf("argon2")).toBe(30);
  });

  it("is not run for a client password sign-in refused by the per-IP limit", async () => {
    const signIn = (password: string, login: string) => postForm(server, RIVERSIDE, "/?index", [["intent", "password"], ["login", login], ["password", password]]);
    for (let i = 0; i < 30; i++) expect((await signIn("not-the-password", `nobody-${i}@example.com`)).status).toBe(401);
    expect(startsOf("argon2")).toBe(30);

    const refused = await signIn(DEMO_CLIENT_PASSWORD, "sarah.chen@example.com");
    expect(refused.status).toBe(429);
    expect(startsOf("argon2")).toBe(30);
  });

  it("is not run for an account link that does not work, whatever password comes with it", async () => {
    const res = await postForm(server, RIVERSIDE, `/account/${"A".repeat(43)}`, [["password", "a-long-enough-password"], ["confirm", "a-long-enough-password"]]);
    expect(res.status).toBe(400);
    expect(startsOf("argon2")).toBe(0);
  });
});

describe("image decoding", () => {
  const boundary = "----portico-test-boundary";
  const multipart = (patientId: string, png: Buffer) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="patientId"\r\n\r\n${patientId}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);

  /**
   * Sends the headers and only the first `sent` bytes of `body`, then waits for the answer. An answer that arrives
   * while the server still lacks most of the body proves it never read (let alone decoded) the upload.
   */
  function postPartly(body: Buffer, sent: number, cookie = ""): Promise<TestResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: server.port,
          path: "/settings",
          method: "POST",
          agent: false,
          headers: { host: HAPPY, origin: `http://${HAPPY}`, cookie, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(body.length) },
        },
        (res) => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: "" });
          req.destroy();
        },
      );
      req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
      req.write(body.subarray(0, sent));
    });
  }

  it("refuses a 7000×7000 PNG without a session before reading its body, let alone decoding it", async () => {
    const mochi = await withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("patients").select("id").where("name", "=", "Mochi").executeTakeFirstOrThrow()).id);
    const png = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: "#000" } }).png({ compressionLevel: 9 }).toBuffer();
    const body = multipart(mochi, png);

    const refused = await postPartly(body, 1024);
    expect(refused.status).toBe(302);
    expect(refused.headers.location).toBe("/");
    expect(startsOf("image")).toBe(0);

    // The same check, as the owner: the upload is read and reaches the decoder (so the silence above means something).
    const small = multipart(mochi, await sharp({ create: { width: 20, height: 20, channels: 3, background: "#fff" } }).png().toBuffer());
    const cookie = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    const accepted = await server.request(HAPPY, "/settings", {
      method: "POST",
      headers: { cookie, origin: `http://${HAPPY}`, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(small.length) },
      body: small as unknown as string,
    });
    expect(accepted.status).toBe(200);
    expect(startsOf("image")).toBe(1);
  });

  it("does not decode an upload for a pet that is not the client's own", async () => {
    const luna = await withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("patients").select("id").where("name", "=", "Luna").executeTakeFirstOrThrow()).id);
    const cookie = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    const body = multipart(luna, await sharp({ create: { width: 20, height: 20, channels: 3, background: "#fff" } }).png().toBuffer());
    const res = await server.request(HAPPY, "/settings", {
      method: "POST",
      headers: { cookie, origin: `http://${HAPPY}`, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(body.length) },
      body: body as unknown as string,
    });
    expect(res.status).toBe(404);
    expect(startsOf("image")).toBe(0);
  });
});
