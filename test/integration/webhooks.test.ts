import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import sharp from "sharp";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect, type Connection } from "../../db/connection.server";
import { seedDemo } from "../../db/seed/seed-demo.server";
import { withPractice } from "../../db/with-practice.server";
import type { WebhookPayload } from "../../server/events/catalogue";
import { recordEvent } from "../../server/events/record-event.server";
import { createLogger } from "../../server/logger.server";
import { DedicatedWebhooks } from "../../server/webhooks/dedicated-webhooks.server";
import { resealWebhookSecrets } from "../../server/webhooks/reseal-secrets.server";
import { registryDirectory, WebhookWorker, type WebhookWorkerOptions } from "../../server/webhooks/webhook-worker.server";
import { provisionDedicatedDatabase, serverOf } from "../../tenants/dedicated-databases.server";
import type { Practice } from "../../tenants/practice";
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from "../support/database";
import { postForm, startTestServer, type TestResponse, type TestServer, testKeys } from "../support/http";
import { TEST_PASSWORDS } from "../support/global-setup";
import { runScript } from "../support/processes";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";
const NORTHSIDE = "northside-vet.localhost:3000";
const HOUR = 3_600_000;

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let riverside: Practice;
let northside: Practice;
/** Northside Vet's own (dedicated) database: owner and runtime connections. */
let north: { owner: Connection; app: Connection };

type Received = { headers: http.IncomingHttpHeaders; body: string; verified: boolean; payload: WebhookPayload | undefined };
/** `answer` sets the statuses of the next requests (then 200). */
type Receiver = { url: string; received: Received[]; secret: string; answer(...statuses: number[]): void; close(): Promise<void> };
const receivers: Receiver[] = [];

/** A practice system on loopback: verifies every delivery with the official library, answers as told (else 200). */
async function startReceiver(): Promise<Receiver> {
  const statuses: number[] = [];
  const receiver: Receiver = {
    url: "",
    received: [],
    secret: "",
    answer: (...codes) => void statuses.splice(0, statuses.length, ...codes),
    close: () => new Promise<void>((resolve) => listening.close(() => resolve())),
  };
  const listening = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = { "webhook-id": String(req.headers["webhook-id"]), "webhook-timestamp": String(req.headers["webhook-timestamp"]), "webhook-signature": String(req.headers["webhook-signature"]) };
      let payload: WebhookPayload | undefined;
      try {
        payload = new Webhook(receiver.secret).verify(body, headers) as WebhookPayload;
      } catch {
        payload = undefined;
      }
      receiver.received.push({ headers: req.headers, body, verified: payload !== undefined, payload });
      res.statusCode = statuses.shift() ?? 200;
      res.end("thanks");
    });
  });
  await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", () => resolve()));
  receiver.url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/portico-hooks`;
  receivers.push(receiver);
  return receiver;
}

const silent = createLogger({ env: "test", logLevel: "silent" });
const practices = () => registryDirectory(db.owner.db, (subdomain) => `http://${subdomain}.localhost:3000`);

/** The real worker over the main database's queue, on the server's clock; jitter at its smallest. */
function worker(options: Partial<WebhookWorkerOptions> = {}): WebhookWorker {
  return new WebhookWorker({ db: db.owner.db, keys: testKeys(), logger: silent, allowPrivateNetworks: true, practices: practices(), now: server.clock.now, random: () => 0, ...options });
}

/** Adds an endpoint on the admin page as the practice's owner; returns its id, with the secret handed to the receiver. */
async function addEndpoint(host: string, cookie: string, receiver: Receiver, eventTypes: string[]): Promise<string> {
  const fields: [string, string][] = [["intent", "create"], ["url", receiver.url], ["description", "Practice system"], ...eventTypes.map((type): [string, string] => ["eventTypes", type])];
  const res = await postForm(server, host, "/admin/webhooks", fields, cookie);
  expect(res.status).toBe(200);
  const secret = /data-testid="webhook-secret">(whsec_[A-Za-z0-9+/=]+)</.exec(res.body)?.[1];
  expect(secret).toBeDefined();
  receiver.secret = secret!;
  const practice = host === HAPPY ? happyPaws : host === RIVERSIDE ? riverside : northside;
  const dbFor = practice === northside ? north.owner.db : db.owner.db;
  const row = await withPractice(dbFor, practice, (trx) => trx.selectFrom("webhook_endpoints").select(["id", "secret_sealed"]).where("url", "=", receiver.url).executeTakeFirstOrThrow());
  // Stored sealed, never as the secret itself.
  expect(row.secret_sealed).not.toContain(secret!.slice(6));
  return row.id;
}

const deliveriesOf = (endpointId: string, practice = happyPaws, dbFor = db.owner.db) =>
  withPractice(dbFor, practice, (trx) => trx.selectFrom("webhook_deliveries").selectAll().where("endpoint_id", "=", endpointId).orderBy("created_at").orderBy("attempts").execute());

async function idOf(practice: Practice, table: "appointments" | "patients" | "clients", column: "reason" | "name" | "last_name", value: string): Promise<string> {
  return withPractice(db.owner.db, practice, async (trx) => (await trx.selectFrom(table).select("id").where(column as never, "=", value as never).executeTakeFirstOrThrow()).id);
}

/** A 40×30 JPEG uploaded on the client's Settings page, as the browser posts it. */
async function uploadPhoto(cookie: string, patientId: string): Promise<TestResponse> {
  const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#c08040" } }).jpeg().toBuffer();
  const boundary = "----portico-webhook-test";
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="patientId"\r\n\r\n${patientId}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="b.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    photo,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await server.request(HAPPY, "/settings", {
    method: "POST",
    headers: { cookie, origin: `http://${HAPPY}`, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(body.length) },
    body: body as unknown as string,
  });
  await server.settled();
  return res;
}

let owner: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const appPassword = decodeURIComponent(new URL(db.appUrl).password);
  // The demo with Northside Vet in a dedicated database of its own, as `npm start` has it.
  await seedDemo(db.owner.db, async () => {
    const empty = await createEmptyDatabase();
    const placement = await provisionDedicatedDatabase(db.owner.db, testKeys(), { ownerUrl: empty.ownerUrl, mainServer: serverOf(db.ownerUrl), mainAppPassword: appPassword, runtimePassword: appPassword });
    north = { owner: connect(empty.ownerUrl, { max: 2 }), app: connect(db.appUrl.replace(`/${db.name}`, `/${empty.name}`), { max: 2 }) };
    return { placement: { id: placement.id, db: north.owner.db }, release: async () => undefined };
  });
  server = await startTestServer(db);
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  riverside = (await server.registry.resolve("riverside-physio"))!;
  northside = (await server.registry.resolve("northside-vet"))!;
  owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
});

afterEach(async () => {
  server.clock.reset();
  // Each test starts without endpoints or queued deliveries.
  for (const practice of [happyPaws, riverside]) await withPractice(db.owner.db, practice, (trx) => trx.deleteFrom("webhook_endpoints").execute());
  await withPractice(north.owner.db, northside, (trx) => trx.deleteFrom("webhook_endpoints").execute());
  await db.owner.db.deleteFrom("webhook_queue.due").execute();
  await north.owner.db.deleteFrom("webhook_queue.due").execute();
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

afterAll(async () => {
  await server.close();
  await north.owner.close();
  await north.app.close();
});

describe("events become signed webhooks", () => {
  it("delivers appointment.confirmed when a client confirms over HTTP, signed so the official library verifies it", async () => {
    const receiver = await startReceiver();
    const endpointId = await addEndpoint(HAPPY, owner, receiver, ["appointment.confirmed"]);
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    const appointmentId = await idOf(happyPaws, "appointments", "reason", "Dental assessment");
    const confirmed = await postForm(server, HAPPY, `/appointments/${appointmentId}/confirm`, [], maria);
    expect(confirmed.status).toBe(302);

    expect(await worker().drain()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery!.verified).toBe(true);
    expect(delivery!.headers["content-type"]).toBe("application/json");
    expect(delivery!.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    const event = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("domain_events").selectAll().where("type", "=", "appointment.confirmed").executeTakeFirstOrThrow());
    expect(delivery!.headers["webhook-id"]).toBe(event.id);
    expect(delivery!.payload).toMatchObject({ type: "appointment.confirmed", timestamp: new Date(event.occurred_at).toISOString(), data: { appointment: { id: appointmentId }, client: { id: expect.any(String), externalId: null }, patient: { id: expect.any(String), externalId: null } } });
    // Ids and the confirmation time: no reason, names or notes.
    expect(Object.keys(delivery!.payload!.data).sort()).toEqual(["appointment", "client", "confirmedAt", "patient"]);
    expect(delivery!.body).not.toContain("Dental assessment");

    const [row] = await deliveriesOf(endpointId);
    expect(row).toMatchObject({ status: "succeeded", attempts: 1, last_status_code: 200, last_error: null, next_attempt_at: null });
    expect(row!.last_duration_ms).toEqual(expect.any(Number));
    expect(await db.owner.db.selectFrom("webhook_queue.due").selectAll().execute()).toEqual([]);
    // Nothing else is due: a second drain sends nothing.
    expect(await worker().drain()).toBe(0);
  });

  it("delivers client.photo_uploaded when a client uploads a photo over HTTP", async () => {
    const receiver = await startReceiver();
    await addEndpoint(HAPPY, owner, receiver, ["client.photo_uploaded"]);
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    const biscuit = await idOf(happyPaws, "patients", "name", "Biscuit");
    expect((await uploadPhoto(maria, biscuit)).body).toContain("The photo of Biscuit was updated.");

    await worker().drain();
    expect(receiver.received.map((r) => r.verified)).toEqual([true]);
    expect(receiver.received[0]!.payload).toMatchObject({ type: "client.photo_uploaded", data: { patient: { id: biscuit, externalId: null }, photo: { contentType: "image/jpeg", width: 40, height: 30 } } });
  });

  it("retries with backoff: a 500 is tried again once its delay has passed, and the 200 that follows settles it", async () => {
    const receiver = await startReceiver();
    const endpointId = await addEndpoint(HAPPY, owner, receiver, ["client.account_blocked"]);
    receiver.answer(500);
    const clientId = await idOf(happyPaws, "clients", "last_name", "Lopez");
    await withPractice(db.app.db, happyPaws, (trx) => recordEvent(trx, happyPaws.id, { type: "client.account_blocked", data: { client: { id: clientId, externalId: null } } }, server.clock.now()));

    await worker().drain();
    let [row] = await deliveriesOf(endpointId);
    expect(row).toMatchObject({ status: "pending", attempts: 1, last_status_code: 500, last_error: "answered 500" });
    expect(new Date(row!.next_attempt_at!).getTime() - new Date(row!.last_attempt_at!).getTime()).toBe(5_000);
    const endpoint = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("webhook_endpoints").select(["failing_since", "enabled"]).where("id", "=", endpointId).executeTakeFirstOrThrow());
    expect(endpoint.failing_since).toBeInstanceOf(Date);

    // Not yet due: nothing is sent.
    server.clock.advance(4_000);
    await worker().drain();
    expect(receiver.received).toHaveLength(1);

    server.clock.advance(1_000);
    await worker().drain();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(receiver.received[1]!.headers["webhook-id"]).toBe(receiver.received[0]!.headers["webhook-id"]);
    [row] = await deliveriesOf(endpointId);
    expect(row).toMatchObject({ status: "succeeded", attempts: 2, last_status_code: 200 });
    const after = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("webhook_endpoints").select("failing_since").where("id", "=", endpointId).executeTakeFirstOrThrow());
    expect(after.failing_since).toBeNull();
  });

  it("never sends one delivery twice when several workers drain the same queue at once (leased claims)", async () => {
    const receiver = await startReceiver();
    await addEndpoint(HAPPY, owner, receiver, ["client.account_blocked"]);
    const clientId = await idOf(happyPaws, "clients", "last_name", "Lopez");
    await withPractice(db.app.db, happyPaws, async (trx) => {
      for (let i = 0; i < 12; i++) await recordEvent(trx, happyPaws.id, { type: "client.account_blocked", data: { client: { id: clientId, externalId: null } } }, server.clock.now());
    });
    const handled = await Promise.all([worker({ concurrency: 3 }).drain(), worker({ concurrency: 3 }).drain(), worker({ concurrency: 3 }).drain()]);
    expect(handled.reduce((sum, n) => sum + n, 0)).toBe(12);
    const ids = receiver.received.map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
  });

  it("follows the backoff schedule, with jitter on top, never below it", async () => {
    const { webhookRetryDelayMs, RETRY_SCHEDULE_MS } = await import("../../server/webhooks/webhook-worker.server");
    expect(RETRY_SCHEDULE_MS.slice(0, 4)).toEqual([5_000, 30_000, 120_000, 600_000]);
    const total = RETRY_SCHEDULE_MS.reduce((sum, step) => sum + step, 0);
    expect(total).toBeGreaterThan(72 * HOUR);
    expect(total).toBeLessThan(96 * HOUR);
    expect(webhookRetryDelayMs(1, () => 0)).toBe(5_000);
    expect(webhookRetryDelayMs(1, () => 0.999)).toBeLessThanOrEqual(6_000);
    expect(webhookRetryDelayMs(RETRY_SCHEDULE_MS.length + 1, () => 0)).toBeUndefined();
  });
});

describe("account and photo events", () => {
  const riversideClient = (lastName: string) => idOf(riverside, "clients", "last_name", lastName);

  async function latestLinkTo(to: string): Promise<string> {
    await server.settled();
    const mail = await db.owner.db.selectFrom("mail.outbox").select("text").where("recipient", "=", to).orderBy("created_at", "desc").executeTakeFirstOrThrow();
    return /\/account\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
  }

  it("sends account created (invitation, by staff) and upgraded (access link, by staff), naming the account", async () => {
    const receiver = await startReceiver();
    const staff = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
    await addEndpoint(RIVERSIDE, staff, receiver, ["client.account_created", "client.account_upgraded"]);

    const novak = await riversideClient("Novak");
    await postForm(server, RIVERSIDE, `/admin/clients/${novak}`, [["intent", "invite"]], staff);
    const invitation = await latestLinkTo("daniel.novak@example.com");
    expect((await postForm(server, RIVERSIDE, `/account/${invitation}`, [["password", "river-stones-4471"], ["confirm", "river-stones-4471"]])).headers.location).toBe("/home");

    const grant = await riversideClient("Grant");
    await postForm(server, RIVERSIDE, `/admin/clients/${grant}`, [["intent", "access-link"]], staff);
    const accessLink = await latestLinkTo("leo.grant@example.com");
    expect((await postForm(server, RIVERSIDE, `/account/${accessLink}`, [["password", "leo-verified-7781"], ["confirm", "leo-verified-7781"]])).headers.location).toBe("/home");

    const other = await withPractice(db.owner.db, riverside, (trx) =>
      trx.selectFrom("clients as c").select("c.id").where("c.status", "=", "active").where("c.id", "not in", [novak, grant]).where((eb) => eb.not(eb.exists(eb.selectFrom("client_accounts as a").select("a.id").whereRef("a.client_id", "=", "c.id")))).executeTakeFirstOrThrow(),
    );
    const manual = await postForm(server, RIVERSIDE, `/admin/clients/${other.id}`, [["intent", "manual-account"], ["login", "webhook-test-login"], ["password", "temporary-pass-5521"], ["accessLevel", "limited"]], staff);
    expect(manual.status).toBe(200);
    expect((await postForm(server, RIVERSIDE, `/admin/clients/${other.id}`, [["intent", "access-level"], ["accessLevel", "full"]], staff)).status).toBe(200);

    await worker().drain();
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const events = receiver.received.map((r) => r.payload!).sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    expect(events.map((e) => [e.type, (e.data.client as { id: string }).id])).toEqual([
      ["client.account_created", novak],
      ["client.account_upgraded", grant],
      ["client.account_created", other.id],
      ["client.account_upgraded", other.id],
    ]);
    expect(events[0]!.data.account).toMatchObject({ accessLevel: "full", createdVia: "invitation" });
    expect(events[1]!.data).toMatchObject({ via: "access_link", account: { accessLevel: "full" } });
    expect(events[2]!.data.account).toMatchObject({ accessLevel: "limited", createdVia: "manual" });
    expect(events[3]!.data).toMatchObject({ via: "staff" });
    // No login names, passwords or addresses travel.
    for (const r of receiver.received) expect(r.body).not.toMatch(/webhook-test-login|@example\.com|temporary-pass/);
  });

  it("sends client.photo_removed when staff remove a photo in the photo review", async () => {
    const receiver = await startReceiver();
    await addEndpoint(HAPPY, owner, receiver, ["client.photo_removed"]);
    const biscuit = await idOf(happyPaws, "patients", "name", "Biscuit");
    const maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    expect((await uploadPhoto(maria, biscuit)).body).toContain("The photo of Biscuit was updated.");
    expect((await postForm(server, HAPPY, "/admin/portal-settings", [["intent", "remove-photo"], ["patientId", biscuit]], owner)).status).toBeLessThan(400);
    await server.settled();
    await worker().drain();
    expect(receiver.received.map((r) => [r.verified, r.payload?.type, (r.payload?.data.patient as { id: string }).id, r.payload?.data.removedBy])).toEqual([[true, "client.photo_removed", biscuit, "staff"]]);
  });
});

describe("portal use", () => {
  it("sends client.signed_in for an email link and for a password, with the method and no address", async () => {
    const atHappy = await startReceiver();
    await addEndpoint(HAPPY, owner, atHappy, ["client.signed_in"]);
    await postForm(server, HAPPY, "/?index", [["email", "james.okafor@example.com"]]);
    await server.settled();
    const mail = await db.owner.db.selectFrom("mail.outbox").select("text").where("recipient", "=", "james.okafor@example.com").orderBy("created_at", "desc").executeTakeFirstOrThrow();
    const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0]);
    expect((await postForm(server, HAPPY, link.pathname, [["intent", "sign-in"]])).status).toBe(302);

    const atRiverside = await startReceiver();
    await addEndpoint(RIVERSIDE, await staffCookieFor(db, riverside, "owner@riversidephysio.example.com"), atRiverside, ["client.signed_in"]);
    const password = await postForm(server, RIVERSIDE, "/?index", [["intent", "password"], ["login", "sarah.chen@example.com"], ["password", "portico-demo-client"]]);
    expect(password.status).toBe(302);

    await worker().drain();
    expect(atHappy.received.map((r) => [r.verified, r.payload?.type, r.payload?.data.method])).toEqual([[true, "client.signed_in", "email_link"]]);
    expect(atRiverside.received.map((r) => [r.verified, r.payload?.type, r.payload?.data.method])).toEqual([[true, "client.signed_in", "password"]]);
    expect(atHappy.received[0]!.body).not.toContain("james.okafor");
  });
});

describe("persistent failure, and replay", () => {
  it("turns an endpoint off after 3 days without a success, emails its integration staff, and replays from the admin page once it is back", async () => {
    const receiver = await startReceiver();
    const endpointId = await addEndpoint(HAPPY, owner, receiver, ["client.account_unblocked"]);
    receiver.answer(...Array<number>(40).fill(503));
    const clientId = await idOf(happyPaws, "clients", "last_name", "Lopez");
    await withPractice(db.app.db, happyPaws, (trx) => recordEvent(trx, happyPaws.id, { type: "client.account_unblocked", data: { client: { id: clientId, externalId: null } } }, server.clock.now()));

    let enabled = true;
    for (let round = 0; round < 30 && enabled; round++) {
      await worker().drain();
      enabled = (await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("webhook_endpoints").select("enabled").where("id", "=", endpointId).executeTakeFirstOrThrow())).enabled;
      server.clock.advance(15 * HOUR);
    }
    expect(enabled).toBe(false);
    const endpoint = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("webhook_endpoints").selectAll().where("id", "=", endpointId).executeTakeFirstOrThrow());
    expect(endpoint.disabled_reason).toContain("3 days");
    const [dead] = await deliveriesOf(endpointId);
    expect(dead!.status).toBe("dead");
    expect(dead!.attempts).toBe(receiver.received.length);
    expect(dead!.attempts).toBeGreaterThan(5);

    // The practice's staff with manage_integrations are told, through the outbox; others are not.
    const mail = await db.owner.db.selectFrom("mail.outbox").select(["recipient", "subject", "text"]).where("kind", "=", "webhook_endpoint_disabled").where("practice_id", "=", happyPaws.id).execute();
    const recipients = mail.map((m) => m.recipient).sort();
    expect(recipients).toContain("owner@happypaws.example.com");
    expect(recipients).toContain("jordan.lee@happypaws.example.com");
    expect(recipients).not.toContain("sam.rivera@happypaws.example.com");
    expect(mail[0]!.text).toContain(receiver.url);
    expect(mail[0]!.text).toContain("http://happy-paws.localhost:3000/admin/webhooks");
    const audit = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select(["actor_type", "action"]).where("subject_id", "=", endpointId).where("action", "=", "system.webhook_endpoint_disabled").execute());
    expect(audit).toEqual([{ actor_type: "system", action: "system.webhook_endpoint_disabled" }]);

    // Back in working order: staff turn the endpoint on and replay what it missed.
    server.clock.reset();
    const staff = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
    const page = await server.request(HAPPY, "/admin/webhooks", { headers: { cookie: staff } });
    expect(page.body).toContain("Gave up");
    expect(page.body).toContain("HTTP 503");
    expect(page.body).toContain("it has not accepted a delivery for 3 days");
    const refused = await postForm(server, HAPPY, "/admin/webhooks", [["intent", "replay"], ["deliveryId", dead!.id]], staff);
    expect(refused.status).toBe(400);
    expect((await postForm(server, HAPPY, "/admin/webhooks", [["intent", "enable"], ["endpointId", endpointId]], staff)).status).toBe(200);
    receiver.answer(200);
    receiver.received.length = 0;
    expect((await postForm(server, HAPPY, "/admin/webhooks", [["intent", "replay"], ["deliveryId", dead!.id]], staff)).status).toBe(200);
    await worker().drain();
    expect(receiver.received.map((r) => [r.verified, r.payload?.type])).toEqual([[true, "client.account_unblocked"]]);
    const rows = await deliveriesOf(endpointId);
    expect(rows.map((r) => [r.status, r.replay_of])).toEqual([
      ["dead", null],
      ["succeeded", dead!.id],
    ]);
    const actions = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("action").where("action", "like", "staff.webhook%").orderBy("seq").execute());
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["staff.webhook_endpoint_created", "staff.webhook_endpoint_enabled", "staff.webhook_delivery_replayed"]));
  });

  it("stops sending to an endpoint staff turn off, and forgets a deleted one", async () => {
    const receiver = await startReceiver();
    const endpointId = await addEndpoint(HAPPY, owner, receiver, ["client.account_blocked"]);
    const clientId = await idOf(happyPaws, "clients", "last_name", "Lopez");
    const record = () => withPractice(db.app.db, happyPaws, (trx) => recordEvent(trx, happyPaws.id, { type: "client.account_blocked", data: { client: { id: clientId, externalId: null } } }, server.clock.now()));
    await record();
    expect((await postForm(server, HAPPY, "/admin/webhooks", [["intent", "disable"], ["endpointId", endpointId]], owner)).status).toBe(200);
    await record();
    await worker().drain();
    expect(receiver.received).toEqual([]);
    expect((await deliveriesOf(endpointId)).map((d) => d.status)).toEqual(["cancelled"]);

    const rotated = await postForm(server, HAPPY, "/admin/webhooks", [["intent", "rotate"], ["endpointId", endpointId]], owner);
    expect(rotated.body).toMatch(/data-testid="webhook-secret">whsec_/);
    expect((await postForm(server, HAPPY, "/admin/webhooks", [["intent", "delete"], ["endpointId", endpointId]], owner)).status).toBe(200);
    expect(await deliveriesOf(endpointId)).toEqual([]);
  });
});

describe("the operator CLI", () => {
  it("lists a practice's deliveries and queues one again (npm run webhooks)", async () => {
    const receiver = await startReceiver();
    const endpointId = await addEndpoint(HAPPY, owner, receiver, ["client.account_blocked"]);
    receiver.answer(500);
    const clientId = await idOf(happyPaws, "clients", "last_name", "Lopez");
    await withPractice(db.app.db, happyPaws, (trx) => recordEvent(trx, happyPaws.id, { type: "client.account_blocked", data: { client: { id: clientId, externalId: null } } }, server.clock.now()));
    await worker().drain();
    const [failed] = await deliveriesOf(endpointId);

    const env = { DATABASE_URL: db.ownerUrl, DATABASE_APP_PASSWORD: TEST_PASSWORDS.app, PLATFORM_ENCRYPTION_KEY: testKeys().current.toString("base64") };
    const listed = await runScript("server/cli/webhooks.ts", ["list", "--subdomain", "happy-paws", "--status", "pending"], env);
    expect(listed.stderr).toBe("");
    expect(listed.stdout).toContain(`${failed!.id}  `);
    expect(listed.stdout).toContain("HTTP 500");
    const retried = await runScript("server/cli/webhooks.ts", ["retry", failed!.id, "--subdomain", "happy-paws"], env);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/^queued again as [0-9a-f-]{36} \(to http:\/\/127\.0\.0\.1:\d+\/portico-hooks\)\n$/);
    const wrongPractice = await runScript("server/cli/webhooks.ts", ["retry", failed!.id, "--subdomain", "riverside-physio"], env);
    expect(wrongPractice.code).toBe(2);
    expect(wrongPractice.stderr).toContain("no delivery");
    expect((await deliveriesOf(endpointId)).map((d) => d.replay_of)).toEqual([null, failed!.id]);
  });
});

describe("platform key rotation", () => {
  it("reseals signing secrets under the new key (shared and dedicated), and deliveries keep verifying", async () => {
    const happyReceiver = await startReceiver();
    const northReceiver = await startReceiver();
    await addEndpoint(HAPPY, owner, happyReceiver, ["client.account_blocked"]);
    await addEndpoint(NORTHSIDE, await staffCookieFor({ app: north.app }, northside, "owner@northsidevet.example.com"), northReceiver, ["client.account_blocked"]);
    const newKey = Buffer.alloc(32, 9);
    expect(await resealWebhookSecrets(db.owner.db, { current: newKey, previous: testKeys().current })).toBe(2);
    expect(await resealWebhookSecrets(db.owner.db, { current: newKey, previous: testKeys().current })).toBe(0);

    const clientId = await idOf(happyPaws, "clients", "last_name", "Lopez");
    await withPractice(db.app.db, happyPaws, (trx) => recordEvent(trx, happyPaws.id, { type: "client.account_blocked", data: { client: { id: clientId, externalId: null } } }, server.clock.now()));
    // Only the new key from here on: the old one is gone.
    await worker({ keys: { current: newKey } }).drain();
    expect(happyReceiver.received.map((r) => r.verified)).toEqual([true]);
  });
});

describe("transactions and isolation", () => {
  it("writes the event and its deliveries in the change's transaction: a change that rolls back leaves neither", async () => {
    const receiver = await startReceiver();
    const endpointId = await addEndpoint(HAPPY, owner, receiver, ["client.account_blocked"]);
    const clientId = await idOf(happyPaws, "clients", "last_name", "Lopez");
    const countEvents = () => withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("domain_events").select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow()).n);
    const before = await countEvents();

    const failing = withPractice(db.app.db, happyPaws, async (trx) => {
      await trx.updateTable("clients").set({ portal_blocked: true }).where("id", "=", clientId).execute();
      await recordEvent(trx, happyPaws.id, { type: "client.account_blocked", data: { client: { id: clientId, externalId: null } } }, server.clock.now());
      // Inside the transaction the delivery is already there...
      const inside = await trx.selectFrom("webhook_deliveries").select("id").where("endpoint_id", "=", endpointId).execute();
      expect(inside).toHaveLength(1);
      throw new Error("the change failed");
    });
    await expect(failing).rejects.toThrow("the change failed");
    // ...and with the rollback, gone with the change.
    expect(await countEvents()).toBe(before);
    expect(await deliveriesOf(endpointId)).toEqual([]);
    expect(await db.owner.db.selectFrom("webhook_queue.due").selectAll().execute()).toEqual([]);
    await worker().drain();
    expect(receiver.received).toEqual([]);
  });

  it("lets request traffic add to the queue but never read it, and refuses data the catalogue does not describe", async () => {
    await expect(sql`select * from webhook_queue.due`.execute(db.app.db)).rejects.toThrow(/permission denied/);
    const bad = withPractice(db.app.db, happyPaws, (trx) => recordEvent(trx, happyPaws.id, { type: "client.account_blocked", data: { client: { id: "not-a-uuid", externalId: null } } }, new Date()));
    await expect(bad).rejects.toThrow();
  });

  it("never sends one practice's events to another practice's endpoint, nor shows or replays them in its admin", async () => {
    const happyReceiver = await startReceiver();
    const riversideReceiver = await startReceiver();
    const everything = ["client.account_blocked", "client.account_unblocked", "appointment.confirmed", "client.photo_uploaded", "client.account_created", "client.account_upgraded", "client.photo_removed"];
    await addEndpoint(HAPPY, owner, happyReceiver, everything);
    const riversideOwner = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
    const riversideEndpoint = await addEndpoint(RIVERSIDE, riversideOwner, riversideReceiver, everything);

    const alexId = await idOf(riverside, "clients", "last_name", "Morgan");
    expect((await postForm(server, RIVERSIDE, `/admin/clients/${alexId}`, [["intent", "block"]], riversideOwner)).status).toBeLessThan(400);
    await worker().drain();
    expect(happyReceiver.received).toEqual([]);
    expect(riversideReceiver.received.map((r) => [r.verified, r.payload?.type, (r.payload?.data.client as { id: string }).id])).toEqual([[true, "client.account_blocked", alexId]]);

    const [riversideDelivery] = await deliveriesOf(riversideEndpoint, riverside);
    const happyPage = await server.request(HAPPY, "/admin/webhooks", { headers: { cookie: owner } });
    expect(happyPage.body).not.toContain(riversideReceiver.url);
    expect((await postForm(server, HAPPY, "/admin/webhooks", [["intent", "replay"], ["deliveryId", riversideDelivery!.id]], owner)).status).toBe(404);
    expect((await postForm(server, HAPPY, "/admin/webhooks", [["intent", "delete"], ["endpointId", riversideEndpoint]], owner)).status).toBe(404);
  });

  it("delivers from a dedicated practice's own database (Northside Vet)", async () => {
    const receiver = await startReceiver();
    const northOwner = await staffCookieFor({ app: north.app }, northside, "owner@northsidevet.example.com");
    const endpointId = await addEndpoint(NORTHSIDE, northOwner, receiver, ["client.account_blocked"]);
    const helen = await withPractice(north.owner.db, northside, (trx) => trx.selectFrom("client_emails").select("client_id").where("email_key", "=", "helen.okafor@example.com").executeTakeFirstOrThrow());
    expect((await postForm(server, NORTHSIDE, `/admin/clients/${helen.client_id}`, [["intent", "block"]], northOwner)).status).toBeLessThan(400);
    // Nothing of Northside's is in the main database's queue.
    expect(await db.owner.db.selectFrom("webhook_queue.due").selectAll().execute()).toEqual([]);

    const dedicated = new DedicatedWebhooks({ registry: db.owner.db, keys: testKeys(), logger: silent, allowPrivateNetworks: true, practices: practices(), now: server.clock.now });
    try {
      await dedicated.sweep();
    } finally {
      await dedicated.stop();
    }
    expect(receiver.received.map((r) => [r.verified, r.payload?.type])).toEqual([[true, "client.account_blocked"]]);
    expect((await deliveriesOf(endpointId, northside, north.owner.db)).map((d) => d.status)).toEqual(["succeeded"]);
  });
});

describe("no delivery to private networks in production", () => {
  it("refuses a loopback address and a name that resolves to loopback, checked after DNS", async () => {
    const receiver = await startReceiver();
    const byName = { ...receiver, url: receiver.url.replace("127.0.0.1", "localhost") };
    const literal = await addEndpoint(HAPPY, owner, receiver, ["client.account_blocked"]);
    const named = await addEndpoint(HAPPY, owner, byName, ["client.account_blocked"]);
    const clientId = await idOf(happyPaws, "clients", "last_name", "Lopez");
    await withPractice(db.app.db, happyPaws, (trx) => recordEvent(trx, happyPaws.id, { type: "client.account_blocked", data: { client: { id: clientId, externalId: null } } }, server.clock.now()));

    await worker({ allowPrivateNetworks: false }).drain();
    expect(receiver.received).toEqual([]);
    const [viaLiteral] = await deliveriesOf(literal);
    const [viaName] = await deliveriesOf(named);
    expect(viaLiteral).toMatchObject({ status: "pending", attempts: 1, last_status_code: null });
    expect(viaLiteral!.last_error).toMatch(/^refused: 127\.0\.0\.1 is a loopback address/);
    expect(viaName).toMatchObject({ status: "pending", attempts: 1, last_status_code: null });
    expect(viaName!.last_error).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
  });

  it("refuses redirects: the address they name was never checked", async () => {
    const target = await startReceiver();
    const redirecting = http.createServer((_req, res) => {
      res.writeHead(307, { location: target.url });
      res.end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", () => resolve()));
    try {
      const receiver: Receiver = { ...target, url: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hook` };
      const endpointId = await addEndpoint(HAPPY, owner, receiver, ["client.account_blocked"]);
      const clientId = await idOf(happyPaws, "clients", "last_name", "Lopez");
      await withPractice(db.app.db, happyPaws, (trx) => recordEvent(trx, happyPaws.id, { type: "client.account_blocked", data: { client: { id: clientId, externalId: null } } }, server.clock.now()));
      await worker().drain();
      expect(target.received).toEqual([]);
      expect((await deliveriesOf(endpointId))[0]).toMatchObject({ status: "pending", last_status_code: 307, last_error: "redirects are not followed" });
    } finally {
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
    }
  });

  it("checks endpoint addresses on the admin page, and only staff with manage_integrations reach it", async () => {
    const bad = await postForm(server, HAPPY, "/admin/webhooks", [["intent", "create"], ["url", "ftp://files.example.com/"], ["eventTypes", "client.account_blocked"]], owner);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("must start with https://");
    const unknownEvent = await postForm(server, HAPPY, "/admin/webhooks", [["intent", "create"], ["url", "https://pims.example.com/hooks"], ["eventTypes", "client.deleted"]], owner);
    expect(unknownEvent.status).toBe(400);
    const credentials = await postForm(server, HAPPY, "/admin/webhooks", [["intent", "create"], ["url", "https://user:pw@pims.example.com/hooks"], ["eventTypes", "client.account_blocked"]], owner);
    expect(credentials.status).toBe(400);
    const reception = await staffCookieFor(db, happyPaws, "sam.rivera@happypaws.example.com");
    const refused: TestResponse = await server.request(HAPPY, "/admin/webhooks", { headers: { cookie: reception } });
    expect(refused.status).toBe(403);
    expect((await server.request(HAPPY, "/admin", { headers: { cookie: owner } })).body).toContain('href="/admin/webhooks"');
  });
});
