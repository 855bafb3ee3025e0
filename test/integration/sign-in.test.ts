import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedDemo } from "../../db/seed/seed-demo.server";
import { withPractice } from "../../db/with-practice.server";
import { hitRateLimits, SIGN_IN_LIMITS } from "../../server/auth/rate-limit.server";
import { hashToken } from "../../server/auth/tokens.server";
import type { OutboxWorker } from "../../server/email/outbox-worker.server";
import type { Practice } from "../../tenants/practice";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { FakeResend, linkIn } from "../support/fake-resend";
import { startTestServer, type TestResponse, type TestServer } from "../support/http";
import { outboxWorker } from "../support/mail";

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";
const origin = (host: string) => `http://${host}`;

let db: TestDatabase;
let server: TestServer;
let fake: FakeResend;
let worker: OutboxWorker;
let happyPaws: Practice;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo(db.owner.db);
  fake = await new FakeResend().start();
  server = await startTestServer(db);
  worker = outboxWorker(db, fake, server.clock);
  happyPaws = (await server.registry.resolve("happy-paws"))!;
});

afterAll(async () => {
  await server.close();
  await fake.stop();
});

beforeEach(async () => {
  await server.settled();
  await db.owner.db.deleteFrom("mail.outbox").execute();
  fake.reset();
  server.clock.reset();
  // Every test starts without rate-limit history, outstanding links or sessions.
  await db.owner.db.deleteFrom("platform.ip_rate_limit_counters").execute();
  for (const practice of [happyPaws, (await server.registry.resolve("riverside-physio"))!]) {
    await withPractice(db.owner.db, practice, async (trx) => {
      await trx.deleteFrom("rate_limit_counters").execute();
      await trx.deleteFrom("client_sign_in_links").execute();
      await trx.deleteFrom("client_sessions").execute();
    });
  }
});

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function post(host: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<TestResponse> {
  const body = form(fields);
  return server.request(host, path, {
    method: "POST",
    headers: { origin: origin(host), "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)), ...headers },
    body,
  });
}

const requestLink = (email: string, host = HAPPY, headers: Record<string, string> = {}) => post(host, "/?index", { email }, headers);

/** Lets the after-response work run, then delivers the outbox to the fake Resend. */
async function deliverMail(): Promise<void> {
  await server.settled();
  await worker.drain();
}

function pathOf(link: string): string {
  return new URL(link).pathname;
}

function sessionCookie(res: TestResponse): string {
  const cookie = [res.headers["set-cookie"] ?? []].flat().find((c) => c.startsWith("portico_session=") && !c.startsWith("portico_session=;"));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(res.headers)}`);
  return cookie.split(";")[0]!;
}

async function signIn(link: string, host = HAPPY): Promise<TestResponse> {
  return post(host, pathOf(link), { intent: "sign-in" });
}

async function signInAs(email: string): Promise<string> {
  await requestLink(email);
  await deliverMail();
  const res = await signIn(linkIn(fake.deliveries.at(-1)));
  expect(res.status).toBe(302);
  return sessionCookie(res);
}

const home = (cookie: string, host = HAPPY) => server.request(host, "/home", { headers: { cookie } });

function normalise(body: string, email: string): string {
  return body.replaceAll(email, "EMAIL").replace(/nonce="[^"]+"/g, 'nonce=""');
}

describe("the whole flow", () => {
  it("request → email → open link (nothing used) → sign in → home page with the client's active pets", async () => {
    const request = await requestLink("maria.lopez@example.com");
    expect(request.status).toBe(200);
    expect(request.body).toContain("Check your email");
    await deliverMail();

    expect(fake.deliveries).toHaveLength(1);
    const email = fake.deliveries[0]!;
    expect(email.to).toBe("maria.lopez@example.com");
    expect(email.from).toBe('"Happy Paws Animal Hospital" <portal@mail.portico.test>');
    expect(email.replyTo).toBe("frontdesk@happypaws.example.com");
    expect(email.subject).toContain("Happy Paws Animal Hospital");
    expect(email.html).toContain("Sign in to Happy Paws Animal Hospital");
    expect(email.html).not.toMatch(/<img|<script|https?:\/\/(?!happy-paws\.localhost)/);
    const link = linkIn(email);
    expect(link).toMatch(/^http:\/\/happy-paws\.localhost:3000\/sign-in\/[A-Za-z0-9_-]{43}$/);
    // Only the token's SHA-256 is stored.
    const token = link.split("/").at(-1)!;
    const stored = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("client_sign_in_links").select("token_hash").execute());
    expect(stored.map((row) => row.token_hash.toString("hex"))).toEqual([hashToken(token).toString("hex")]);

    // Opening the link, twice, as a mail scanner would, uses nothing up.
    for (let i = 0; i < 2; i++) {
      const opened = await server.request(HAPPY, pathOf(link));
      expect(opened.status).toBe(200);
      expect(opened.body).toContain("Sign in to <!-- -->Happy Paws Animal Hospital");
    }

    const signedIn = await signIn(link);
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.location).toBe("/home");
    const cookieHeader = [signedIn.headers["set-cookie"]].flat().join("\n");
    expect(cookieHeader).toMatch(/HttpOnly/i);
    expect(cookieHeader).toMatch(/SameSite=Lax/i);
    expect(cookieHeader).toMatch(/Path=\//);
    expect(cookieHeader).not.toMatch(/Domain=/i);

    const page = await home(sessionCookie(signedIn));
    expect(page.status).toBe(200);
    expect(page.body).toContain("Maria");
    expect(page.body).toContain("Biscuit");
    expect(page.body).toContain("Mochi");
    expect(page.body).not.toContain("Pepper"); // deceased
    expect(page.body).not.toContain("Shadow"); // inactive
    expect(page.body).not.toContain("Luna"); // another client's
  });
});

describe("the answer never tells whether an address is known", () => {
  it("is identical for a known email, an unknown one, an alternative contact's, a blocked and an inactive client's", async () => {
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("clients").set({ portal_blocked: true }).where("last_name", "=", "Shah").execute());
    try {
      const cases = ["maria.lopez@example.com", "nobody@example.com", "carlos.lopez@example.com", "priya.shah@example.com", "tom.becker@example.com"];
      const responses = [];
      for (const email of cases) responses.push(await requestLink(email));
      await deliverMail();
      const [first, ...rest] = responses.map((res, i) => ({ status: res.status, type: res.headers["content-type"], body: normalise(res.body, cases[i]!) }));
      for (const other of rest) expect(other).toEqual(first);
      expect(fake.deliveries.map((d) => d.to)).toEqual(["maria.lopez@example.com"]);
    } finally {
      await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("clients").set({ portal_blocked: false }).where("last_name", "=", "Shah").execute());
    }
  });

  it("answers a malformed address with a field error, not a 500", async () => {
    const res = await requestLink("not-an-email");
    expect(res.status).toBe(200);
    expect(res.body).toContain("Enter an email address such as name@example.com.");
  });
});

describe("which addresses sign in", () => {
  it.each(["maria.lopez@example.com", "maria@lopez-family.example.com", "  MARIA.LOPEZ@EXAMPLE.COM  ", "Maria@Lopez-Family.Example.com"])("%j signs Maria in", async (email) => {
    const cookie = await signInAs(email);
    expect(fake.deliveries[0]!.to).toBe(email.trim().toLowerCase());
    expect((await home(cookie)).body).toContain("Maria Lopez");
  });
});

describe("links", () => {
  async function linkFor(email = "james.okafor@example.com"): Promise<string> {
    const before = fake.deliveries.length;
    await requestLink(email);
    await deliverMail();
    expect(fake.deliveries.length).toBe(before + 1);
    return linkIn(fake.deliveries.at(-1));
  }

  it("expire after one hour", async () => {
    const link = await linkFor();
    server.clock.advance(61 * 60_000);
    expect((await server.request(HAPPY, pathOf(link))).body).toContain("This sign-in link has expired");
    const res = await signIn(link);
    expect(res.status).toBe(200);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.body).toContain("Send me a new link");
  });

  it("work once", async () => {
    const link = await linkFor();
    expect((await signIn(link)).status).toBe(302);
    const again = await signIn(link);
    expect(again.status).toBe(200);
    expect(again.body).toContain("This sign-in link has already been used");
  });

  it("belong to their practice: a Happy Paws link on Riverside's host is simply invalid", async () => {
    const link = await linkFor();
    const res = await signIn(link, RIVERSIDE);
    expect(res.body).toContain("This sign-in link does not work");
    expect(res.headers["set-cookie"]).toBeUndefined();
    // …and it still works where it belongs.
    expect((await signIn(link)).status).toBe(302);
  });

  it("are refused when tampered with", async () => {
    const link = await linkFor();
    const tampered = link.slice(0, -1) + (link.endsWith("A") ? "B" : "A");
    expect((await signIn(tampered)).body).toContain("This sign-in link does not work");
    expect((await signIn(`${link}x`)).body).toContain("This sign-in link does not work");
  });

  it("stay valid when a newer one is sent, and the others are revoked by signing in", async () => {
    const older = await linkFor();
    const newer = await linkFor();
    const newest = await linkFor();
    expect((await signIn(older)).status).toBe(302);
    expect((await signIn(newer)).body).toContain("This sign-in link has already been used");
    expect((await signIn(newest)).body).toContain("This sign-in link has already been used");
  });

  it("stop working when the address they were mailed to is corrected by staff", async () => {
    const link = await linkFor();
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("client_emails").set({ email: "james.new@example.com" }).where("email", "=", "james.okafor@example.com").execute());
    try {
      const res = await signIn(link);
      expect(res.headers["set-cookie"]).toBeUndefined();
      expect(res.body).toContain("This sign-in link does not work");
    } finally {
      await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("client_emails").set({ email: "james.okafor@example.com" }).where("email", "=", "james.new@example.com").execute());
    }
  });

  it("say which account they sign in, masked", async () => {
    const link = await linkFor();
    expect((await server.request(HAPPY, pathOf(link))).body).toContain("j••••••••@example.com");
  });

  it("are built from configuration, never from request headers", async () => {
    await requestLink("james.okafor@example.com", "happy-paws.localhost:1234", {
      origin: "http://happy-paws.localhost:3000",
      "x-forwarded-proto": "https://evil.example/?",
      "x-forwarded-host": "evil.example",
    });
    await deliverMail();
    expect(linkIn(fake.deliveries.at(-1))).toMatch(/^http:\/\/happy-paws\.localhost:3000\/sign-in\//);
  });

  it("can be renewed from the expired page, to the same address", async () => {
    const link = await linkFor();
    server.clock.advance(2 * 3_600_000);
    const res = await post(HAPPY, pathOf(link), { intent: "resend" });
    expect(res.body).toContain("a new sign-in link is on its way");
    await deliverMail();
    expect(fake.deliveries.at(-1)!.to).toBe("james.okafor@example.com");
    expect((await signIn(linkIn(fake.deliveries.at(-1)))).status).toBe(302);
  });
});

describe("sessions", () => {
  it("are bound to their practice: Happy Paws' cookie on Riverside's host signs nobody in", async () => {
    const cookie = await signInAs("maria.lopez@example.com");
    const res = await home(cookie, RIVERSIDE);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/");
    expect((await home(cookie)).status).toBe(200);
  });

  it("end 24 hours after sign-in", async () => {
    const cookie = await signInAs("maria.lopez@example.com");
    server.clock.advance(23 * 3_600_000);
    expect((await home(cookie)).status).toBe(200);
    server.clock.advance(1 * 3_600_000 + 1_000);
    const res = await home(cookie);
    expect(res.status).toBe(302);
    expect([res.headers["set-cookie"]].flat().join()).toMatch(/portico_session=;/);
  });

  const revocations: [string, (trx: Parameters<Parameters<typeof withPractice>[2]>[0]) => Promise<unknown>, (trx: Parameters<Parameters<typeof withPractice>[2]>[0]) => Promise<unknown>][] = [
    [
      "the portal is disabled",
      (trx) => trx.updateTable("practice_settings").set({ portal_enabled: false }).execute(),
      (trx) => trx.updateTable("practice_settings").set({ portal_enabled: true }).execute(),
    ],
    [
      "the client is blocked",
      (trx) => trx.updateTable("clients").set({ portal_blocked: true }).where("last_name", "=", "Lopez").execute(),
      (trx) => trx.updateTable("clients").set({ portal_blocked: false }).where("last_name", "=", "Lopez").execute(),
    ],
    [
      "the email used to sign in is changed",
      (trx) => trx.updateTable("client_emails").set({ email: "maria.new@example.com" }).where("email", "=", "maria@lopez-family.example.com").execute(),
      (trx) => trx.updateTable("client_emails").set({ email: "maria@lopez-family.example.com" }).where("email", "=", "maria.new@example.com").execute(),
    ],
  ];

  it.each(revocations)("end on the next request when %s", async (_what, revoke, restore) => {
    const cookie = await signInAs("maria@lopez-family.example.com");
    expect((await home(cookie)).status).toBe(200);
    await withPractice(db.owner.db, happyPaws, revoke);
    try {
      const res = await home(cookie);
      expect(res.status).toBe(302);
      const left = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("client_sessions").select("id").execute());
      expect(left).toEqual([]);
    } finally {
      await withPractice(db.owner.db, happyPaws, restore);
    }
  });

  it("end on the next request when the address used to sign in is moved to another client", async () => {
    const cookie = await signInAs("maria@lopez-family.example.com");
    const james = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("clients").select("id").where("last_name", "=", "Okafor").executeTakeFirstOrThrow());
    const maria = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("clients").select("id").where("last_name", "=", "Lopez").executeTakeFirstOrThrow());
    const move = (to: string) => withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("client_emails").set({ client_id: to }).where("email", "=", "maria@lopez-family.example.com").execute());
    await move(james.id);
    try {
      expect((await home(cookie)).status).toBe(302);
      expect(await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("client_sessions").select("id").execute())).toEqual([]);
    } finally {
      await move(maria.id);
    }
  });

  it("end on the next request when the email used to sign in is removed", async () => {
    const cookie = await signInAs("maria@lopez-family.example.com");
    const removed = await withPractice(db.owner.db, happyPaws, (trx) =>
      trx.deleteFrom("client_emails").where("email", "=", "maria@lopez-family.example.com").returningAll().executeTakeFirstOrThrow(),
    );
    try {
      expect((await home(cookie)).status).toBe(302);
    } finally {
      const { email_key: _generated, ...restorable } = removed;
      await withPractice(db.owner.db, happyPaws, (trx) => trx.insertInto("client_emails").values(restorable).execute());
    }
  });

  it("end with sign-out (a POST), which is audited", async () => {
    const cookie = await signInAs("maria.lopez@example.com");
    const res = await post(HAPPY, "/sign-out", {}, { cookie });
    expect(res.status).toBe(302);
    expect([res.headers["set-cookie"]].flat().join()).toMatch(/portico_session=;/);
    expect((await home(cookie)).status).toBe(302);
    const events = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select(["actor_type", "ip"]).where("action", "=", "client.sign_out").execute());
    expect(events).toEqual([{ actor_type: "client", ip: "127.0.0.1" }]);
  });
});

describe("forgery and abuse", () => {
  it("refuses a POST whose Origin is a sibling practice with 403", async () => {
    const res = await requestLink("maria.lopez@example.com", HAPPY, { origin: origin(RIVERSIDE) });
    expect(res.status).toBe(403);
    expect(res.body).toContain("sent from another website");
    await deliverMail();
    expect(fake.deliveries).toEqual([]);
  });

  it("refuses a POST with neither Origin nor Sec-Fetch-Site, and accepts Sec-Fetch-Site: same-origin", async () => {
    const body = form({ email: "maria.lopez@example.com" });
    const headers = { "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) };
    expect((await server.request(HAPPY, "/?index", { method: "POST", headers, body })).status).toBe(403);
    expect((await server.request(HAPPY, "/?index", { method: "POST", headers: { ...headers, "sec-fetch-site": "same-origin" }, body })).status).toBe(200);
  });

  it("sends at most 5 links per address per 15 minutes, answering the same way throughout", async () => {
    const bodies = new Set<string>();
    for (let i = 0; i < 7; i++) bodies.add(normalise((await requestLink("maria.lopez@example.com")).body, "x"));
    await deliverMail();
    expect(bodies.size).toBe(1);
    expect(fake.deliveries).toHaveLength(5);
    const limited = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("audit_events").select("id").where("action", "=", "client.sign_in_link_rate_limited").execute());
    expect(limited.length).toBeGreaterThanOrEqual(2);
    server.clock.advance(16 * 60_000);
    await requestLink("maria.lopez@example.com");
    await deliverMail();
    expect(fake.deliveries).toHaveLength(6);
  });

  it("sends at most 30 links per IP per 15 minutes, whatever the addresses", async () => {
    const emails = ["maria.lopez@example.com", "james.okafor@example.com", "priya.shah@example.com", "maria@lopez-family.example.com"];
    for (let i = 0; i < 32; i++) await requestLink(emails[i % 4]!, HAPPY);
    await deliverMail();
    // 4 addresses × 5 per address = 20 allowed by the address limit; the IP limit is the tighter one only past 30.
    expect(fake.deliveries).toHaveLength(20);
    fake.reset();
    for (let i = 0; i < 12; i++) await requestLink(`someone-${i}@example.com`, HAPPY);
    await requestLink("alex.morgan@example.com", RIVERSIDE);
    await server.settled();
    const limited = await withPractice(db.owner.db, happyPaws, (trx) =>
      trx.selectFrom("audit_events").select("details").where("action", "=", "client.sign_in_link_rate_limited").execute(),
    );
    expect(limited.some((row) => row.details.limit === "ip")).toBe(true);
  });

  it("keeps about a day of counters: now and then a hit deletes its practice's windows long over, and no other practice's", async () => {
    const riverside = (await server.registry.resolve("riverside-physio"))!;
    const now = server.clock.now();
    const twoDaysAgo = new Date(now.getTime() - 48 * 3_600_000);
    const old = (practice: Practice) => ({ practice_id: practice.id, bucket: "link-email:old@example.com", window_start: twoDaysAgo, hits: 3 });
    for (const practice of [happyPaws, riverside]) await withPractice(db.owner.db, practice, (trx) => trx.insertInto("rate_limit_counters").values(old(practice)).execute());
    const rule = SIGN_IN_LIMITS.linkPerEmail("new@example.com");
    const buckets = (practice: Practice) => withPractice(db.owner.db, practice, (trx) => trx.selectFrom("rate_limit_counters").select("bucket").orderBy("bucket").execute());

    await withPractice(db.app.db, happyPaws, (trx) => hitRateLimits(trx, happyPaws.id, [rule], now, false));
    expect(await buckets(happyPaws)).toEqual([{ bucket: "link-email:new@example.com" }, { bucket: "link-email:old@example.com" }]);
    await withPractice(db.app.db, happyPaws, (trx) => hitRateLimits(trx, happyPaws.id, [rule], now, true));
    expect(await buckets(happyPaws)).toEqual([{ bucket: "link-email:new@example.com" }]);
    expect(await buckets(riverside)).toEqual([{ bucket: "link-email:old@example.com" }]);
  });

  it("limits redemptions per address", async () => {
    for (let i = 0; i < 30; i++) await signIn(`http://${HAPPY}/sign-in/${"A".repeat(43)}`);
    const res = await signIn(`http://${HAPPY}/sign-in/${"B".repeat(43)}`);
    expect(res.status).toBe(429);
    expect(res.body).toContain("Too many attempts");
  });

  it("counts an address across practices: used up on one, it is refused on every other", async () => {
    for (let i = 0; i < 30; i++) expect((await signIn(`http://${HAPPY}/sign-in/${"A".repeat(43)}`)).status).toBe(200);
    const elsewhere = await signIn(`http://${RIVERSIDE}/sign-in/${"B".repeat(43)}`, RIVERSIDE);
    expect(elsewhere.status).toBe(429);
    expect(elsewhere.body).toContain("Too many attempts");

    // Link requests too: Riverside never saw this address ask, yet sends nothing once Happy Paws has had 30.
    const riverside = (await server.registry.resolve("riverside-physio"))!;
    const ipLimited = async () =>
      (await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("audit_events").select("details").where("action", "=", "client.sign_in_link_rate_limited").execute())).filter((row) => row.details.limit === "ip").length;
    const before = await ipLimited();
    for (let i = 0; i < 30; i++) await requestLink(`someone-${i}@example.com`, HAPPY);
    await requestLink("alex.morgan@example.com", RIVERSIDE);
    await deliverMail();
    expect(fake.deliveries).toHaveLength(0);
    expect(await ipLimited()).toBe(before + 1);
    // Each practice's own counters hold only what is its own (per address); the per-IP counts are the platform's.
    const ipBuckets = await db.owner.db.selectFrom("platform.ip_rate_limit_counters").select(["bucket", "hits"]).orderBy("bucket").execute();
    expect(ipBuckets).toEqual([
      { bucket: "link-ip:127.0.0.1", hits: 31 },
      { bucket: "redeem-ip:127.0.0.1", hits: 31 },
    ]);
  });
});

describe("a practice whose portal is disabled", () => {
  it("says the portal is not available, shows its contact details, and sends nothing", async () => {
    await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ portal_enabled: false }).execute());
    try {
      const page = await server.request(HAPPY, "/");
      expect(page.body).toContain("is not available at the moment");
      expect(page.body).toContain("(555) 010-4400");
      expect(page.body).not.toContain('name="email"');
      const res = await requestLink("maria.lopez@example.com");
      expect(res.body).toContain("is not available at the moment");
      await deliverMail();
      expect(fake.deliveries).toEqual([]);
    } finally {
      await withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ portal_enabled: true }).execute());
    }
  });
});

describe("in production", () => {
  it("uses a Secure __Host- cookie and has no dev mailbox", async () => {
    const production = await startTestServer(db, { env: "production" });
    try {
      const body = form({ email: "james.okafor@example.com" });
      await production.request(HAPPY, "/?index", {
        method: "POST",
        headers: { origin: origin(HAPPY), "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) },
        body,
      });
      await production.settled();
      await worker.drain();
      const path = pathOf(linkIn(fake.deliveries.at(-1)));
      const signIn = form({ intent: "sign-in" });
      const res = await production.request(HAPPY, path, {
        method: "POST",
        headers: { origin: origin(HAPPY), "content-type": "application/x-www-form-urlencoded", "content-length": String(signIn.length) },
        body: signIn,
      });
      const cookie = [res.headers["set-cookie"]].flat().join("\n");
      expect(cookie).toMatch(/^__Host-portico_session=[a-z0-9]{40};/);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).not.toMatch(/Domain=/i);
      expect((await production.request("localhost:3000", "/__dev/mailbox")).status).toBe(404);
      expect((await production.request("localhost:3000", "/__dev/mailbox.json")).status).toBe(404);
    } finally {
      await production.close();
    }
  });
});

describe("the audit log", () => {
  it("records sign-ins and failed redemptions with time, client, IP and user agent", async () => {
    await requestLink("james.okafor@example.com");
    await deliverMail();
    const link = linkIn(fake.deliveries.at(-1));
    await post(HAPPY, pathOf(link), { intent: "sign-in" }, { "user-agent": "PorticoTest/1.0" });
    await post(HAPPY, pathOf(link), { intent: "sign-in" }, { "user-agent": "PorticoTest/1.0" });
    const events = await withPractice(db.owner.db, happyPaws, (trx) =>
      trx.selectFrom("audit_events").select(["action", "actor_type", "actor_id", "ip", "user_agent", "details", "occurred_at"]).where("action", "in", ["client.sign_in", "client.sign_in_failed"]).where("user_agent", "=", "PorticoTest/1.0").orderBy("seq").execute(),
    );
    const james = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("clients").select("id").where("last_name", "=", "Okafor").executeTakeFirstOrThrow());
    expect(events.map((e) => [e.action, e.actor_type, e.actor_id, e.ip, e.user_agent, e.details])).toEqual([
      ["client.sign_in", "client", james.id, "127.0.0.1", "PorticoTest/1.0", { method: "email_link" }],
      // Holding a used link proves nothing about who you are: the failure is anonymous.
      ["client.sign_in_failed", "anonymous", null, "127.0.0.1", "PorticoTest/1.0", { reason: "used" }],
    ]);
    expect(events.every((e) => e.occurred_at instanceof Date)).toBe(true);
  });
});

describe("a form's emailed link", () => {
  it("brings a signed-out client to sign in, and the emailed sign-in link lands on the form", async () => {
    const formId = await withPractice(db.owner.db, happyPaws, async (trx) => {
      const maria = await trx.selectFrom("client_emails").select("client_id").where("email_key", "=", "maria.lopez@example.com").executeTakeFirstOrThrow();
      return (await trx.selectFrom("form_requests").select("id").where("client_id", "=", maria.client_id).executeTakeFirstOrThrow()).id;
    });
    const formPath = `/forms/${formId}`;
    const opened = await server.request(HAPPY, formPath);
    expect(opened.status).toBe(302);
    expect(opened.headers.location).toBe(`/?next=${encodeURIComponent(formPath)}`);
    const home = await server.request(HAPPY, opened.headers.location!);
    expect(home.body).toMatch(new RegExp(`<input type="hidden" name="next" value="${formPath}"/>`));

    await post(HAPPY, "/?index", { email: "maria.lopez@example.com", next: formPath });
    await deliverMail();
    const text = fake.deliveries.at(-1)!.text;
    const link = /https?:\/\/\S+\/sign-in\/[A-Za-z0-9_-]+\?next=\S+/.exec(text)?.[0];
    expect(link, text).toContain(`?next=${encodeURIComponent(formPath)}`);
    const url = new URL(link!);
    const signedIn = await post(HAPPY, `${url.pathname}${url.search}`, { intent: "sign-in" });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.location).toBe(formPath);
    expect((await server.request(HAPPY, formPath, { headers: { cookie: sessionCookie(signedIn) } })).body).toContain("Dog intake form");
  });

  it("never leads anywhere but the portal's own pages", async () => {
    await post(HAPPY, "/?index", { email: "maria.lopez@example.com", next: "//evil.example/forms" });
    await deliverMail();
    expect(fake.deliveries.at(-1)!.text).not.toContain("next=");
    const link = linkIn(fake.deliveries.at(-1));
    const signedIn = await post(HAPPY, `${pathOf(link)}?next=${encodeURIComponent("https://evil.example/")}`, { intent: "sign-in" });
    expect(signedIn.headers.location).toBe("/home");
  });
});
