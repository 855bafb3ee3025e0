import { spawn } from "node:child_process";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { icsAttachment } from "../../app/calendar/ics";
import { withPractice } from "../../db/with-practice.server";
import { OutboxWorker, retryDelayMs } from "../../server/email/outbox-worker.server";
import { sendEmail } from "../../server/email/send-email.server";
import { resendTransport } from "../../server/email/transports.server";
import { createLogger } from "../../server/logger.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { errorCode } from "../support/errors";
import { FakeResend } from "../support/fake-resend";
import { TEST_PASSWORDS } from "../support/global-setup";
import { testClock } from "../support/http";
import { outboxWorker } from "../support/mail";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";
import { freePort, runScript, waitFor } from "../support/processes";

let db: TestDatabase;
let fake: FakeResend;
let fixture: PracticeFixture;
const clock = testClock();

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await new FakeResend().start();
  fixture = await createPracticeFixture(db.owner.db, "mail-vet");
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(async () => {
  fake.reset();
  clock.reset();
  await db.owner.db.deleteFrom("mail.outbox").execute();
});

/** Enqueued exactly as request code does: by the runtime role, inside the practice's transaction. */
async function enqueue(subject = "Hello"): Promise<string> {
  return withPractice(db.app.db, fixture.practice, (trx) =>
    sendEmail(trx, { kind: "test", practiceId: fixture.practice.id, fromName: "Mail Vet", replyTo: "desk@mail-vet.example.com", to: fixture.email, subject, html: "<p>Hi</p>", text: "Hi" }),
  );
}

const row = (id: string) => db.owner.db.selectFrom("mail.outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

describe("the outbox", () => {
  it("accepts mail from the runtime role but never shows it back to it", async () => {
    await enqueue();
    await expect(db.app.db.selectFrom("mail.outbox").select("id").execute()).rejects.toSatisfy((error) => errorCode(error) === "42501");
  });

  it("accepts mail only for the practice the transaction is scoped to", async () => {
    const other = await createPracticeFixture(db.owner.db, "other-mail-vet");
    const attempt = withPractice(db.app.db, fixture.practice, (trx) =>
      sendEmail(trx, { kind: "test", practiceId: other.practice.id, fromName: "X", replyTo: null, to: "a@example.com", subject: "Forged", html: "", text: "" }),
    );
    await expect(attempt).rejects.toSatisfy((error) => errorCode(error) === "42501");
  });

  it("is written in the caller's transaction: a rolled-back transaction leaves no email", async () => {
    await expect(
      withPractice(db.app.db, fixture.practice, async (trx) => {
        await sendEmail(trx, { kind: "test", practiceId: fixture.practice.id, fromName: "X", replyTo: null, to: "a@example.com", subject: "Lost", html: "", text: "" });
        throw new Error("the thing the email was about failed");
      }),
    ).rejects.toThrow();
    expect(await db.owner.db.selectFrom("mail.outbox").select("id").execute()).toEqual([]);
  });
});

describe("delivery through Resend", () => {
  it("retries 500s with backoff and delivers exactly once, with the same idempotency key every time", async () => {
    const id = await enqueue();
    fake.script({ status: 500 }, { status: 500 }, { status: 500 });
    const worker = outboxWorker(db, fake, clock);
    for (let attempt = 1; attempt <= 4; attempt++) {
      await worker.drain();
      const current = await row(id);
      if (attempt < 4) {
        expect(current).toMatchObject({ status: "pending", attempts: attempt });
        expect(current.next_attempt_at.getTime()).toBeGreaterThan(clock.now().getTime());
        // Not due yet: nothing is sent before the backoff has passed.
        await worker.drain();
        expect(fake.requests).toHaveLength(attempt);
        clock.advance(60 * 60_000);
      }
    }
    expect(fake.requests).toHaveLength(4);
    expect(new Set(fake.requests.map((r) => r.idempotencyKey))).toEqual(new Set([id]));
    expect(fake.deliveries).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 4, last_error: null, provider_message_id: fake.deliveries[0]!.id });
    // The body (a sign-in link, often) does not outlive its delivery.
    expect(await row(id)).toMatchObject({ html: "", text: "[removed after delivery]" });
  });

  it("carries an attachment to Resend and removes it from the outbox once delivered", async () => {
    const calendar = "BEGIN:VCALENDAR\r\nSUMMARY:Vaccination — Rex\r\nEND:VCALENDAR\r\n";
    const id = await withPractice(db.app.db, fixture.practice, (trx) =>
      sendEmail(trx, {
        kind: "test",
        practiceId: fixture.practice.id,
        fromName: "Mail Vet",
        replyTo: null,
        to: fixture.email,
        subject: "Booked",
        html: "<p>Booked</p>",
        text: "Booked",
        attachments: [icsAttachment("appointment-2026-12-10.ics", calendar)],
      }),
    );
    expect((await row(id)).attachments).toEqual([{ filename: "appointment-2026-12-10.ics", contentType: "text/calendar; charset=utf-8; method=PUBLISH", content: expect.any(String) }]);

    await outboxWorker(db, fake, clock).drain();
    const attachment = fake.deliveries[0]?.attachments?.[0];
    expect(attachment?.filename).toBe("appointment-2026-12-10.ics");
    expect(attachment?.content_type).toBe("text/calendar; charset=utf-8; method=PUBLISH");
    expect(Buffer.from(attachment?.content ?? "", "base64").toString("utf8")).toBe(calendar);
    expect(await row(id)).toMatchObject({ status: "sent", attachments: null });
  });

  it("sends no attachments field when the email has none", async () => {
    const id = await enqueue();
    expect((await row(id)).attachments).toBeNull();
    await outboxWorker(db, fake, clock).drain();
    expect(fake.requests[0]?.body).not.toHaveProperty("attachments");
  });

  it("honours Retry-After on 429", async () => {
    const id = await enqueue();
    fake.script({ status: 429, headers: { "retry-after": "120" }, body: { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" } });
    const worker = outboxWorker(db, fake, clock);
    const before = clock.now().getTime();
    await worker.drain();
    const waiting = await row(id);
    expect(waiting.next_attempt_at.getTime() - before).toBeGreaterThanOrEqual(120_000);
    clock.advance(90_000);
    await worker.drain();
    expect(fake.requests).toHaveLength(1);
    clock.advance(40_000);
    await worker.drain();
    expect(fake.deliveries).toHaveLength(1);
    expect((await row(id)).status).toBe("sent");
  });

  it("marks a permanent refusal (422) failed with the reason, and does not retry it", async () => {
    const id = await enqueue();
    fake.script({ status: 422, body: { statusCode: 422, name: "validation_error", message: "Invalid `to` field." } });
    const worker = outboxWorker(db, fake, clock);
    await worker.drain();
    clock.advance(24 * 3_600_000);
    await worker.drain();
    expect(fake.requests).toHaveLength(1);
    const failed = await row(id);
    expect(failed.status).toBe("failed");
    expect(failed.last_error).toContain("422");
    expect(failed.last_error).toContain("Invalid `to` field.");
  });

  it("retries network errors", async () => {
    const id = await enqueue();
    const unreachable = new OutboxWorker({
      db: db.owner.db,
      transport: resendTransport({ apiKey: "re_test_key", baseUrl: `http://127.0.0.1:${await freePort()}` }),
      fromAddress: "portal@mail.portico.test",
      logger: createLogger({ env: "test", logLevel: "silent" }),
      now: clock.now,
    });
    await unreachable.drain();
    expect(await row(id)).toMatchObject({ status: "pending", attempts: 1 });
    expect((await row(id)).last_error).toContain("network");
  });

  it("gives up after 8 attempts, shows the message to operators, and sends it when they retry", async () => {
    const id = await enqueue();
    fake.script(...Array.from({ length: 8 }, () => ({ status: 503 })));
    const worker = outboxWorker(db, fake, clock);
    for (let i = 0; i < 8; i++) {
      await worker.drain();
      clock.advance(60 * 60_000);
    }
    expect(await row(id)).toMatchObject({ status: "dead", attempts: 8 });

    const env = { DATABASE_URL: db.ownerUrl, DATABASE_APP_PASSWORD: TEST_PASSWORDS.app };
    const listed = await runScript("server/cli/outbox.ts", ["list", "--status", "dead"], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain("attempts=8");
    expect(listed.stdout).not.toContain("Hi"); // bodies can hold sign-in links: never listed
    const badStatus = await runScript("server/cli/outbox.ts", ["list", "--status", "lost"], env);
    expect(badStatus.code).toBe(2);

    const retried = await runScript("server/cli/outbox.ts", ["retry", id], env);
    expect(retried.stdout).toBe("1 message(s) queued again\n");
    await worker.drain();
    expect(fake.deliveries).toHaveLength(1);
    expect((await row(id)).status).toBe("sent");
  });

  it("is woken by the enqueue itself, without polling", async () => {
    const worker = new OutboxWorker({
      db: db.owner.db,
      transport: resendTransport({ apiKey: "re_test_key", baseUrl: fake.url }),
      fromAddress: "portal@mail.portico.test",
      logger: createLogger({ env: "test", logLevel: "silent" }),
      pollIntervalMs: 60_000,
    });
    await worker.start(db.owner.sql);
    try {
      const started = Date.now();
      await enqueue("Woken");
      const { elapsedMs } = await waitFor(async () => fake.deliveries.length, (n) => n === 1, 2_000);
      expect(fake.deliveries.map((d) => d.subject)).toEqual(["Woken"]);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(elapsedMs).toBeLessThan(1_000);
    } finally {
      await worker.stop();
    }
  });

  it("delivers exactly once when the worker process is killed mid-send", async () => {
    const id = await enqueue("Survives a crash");
    // Resend accepts the message but the reply never reaches the worker: it is killed while waiting.
    fake.script({ status: 200, delayMs: 3_000 });
    // `node --import tsx`, not the tsx binary: one process, so SIGKILL really kills the worker.
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/outbox-worker-child.ts"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NODE_ENV: "test", OWNER_URL: db.ownerUrl, RESEND_BASE_URL: fake.url },
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    await fake.waitForRequests(1);
    child.kill("SIGKILL");
    await exited;

    // The killed worker's transaction never committed: the message is still pending, and the next worker sends it
    // again with the same idempotency key, which Resend answers without delivering twice.
    const { value } = await waitFor(() => row(id), (r) => r.status === "pending", 5_000);
    expect(value.attempts).toBe(0);
    const { elapsedMs } = await waitFor(() => outboxWorker(db, fake).drain(), (delivered) => delivered === 1, 2_500);
    expect(elapsedMs).toBeLessThan(2_500);
    expect(fake.requests.map((r) => r.idempotencyKey)).toEqual([id, id]);
    expect(fake.deliveries).toHaveLength(1);
    expect((await row(id)).status).toBe("sent");
  });
});

describe("retryDelayMs", () => {
  it("doubles per attempt with jitter, caps at 15 minutes and never undercuts Retry-After", () => {
    expect(retryDelayMs(1, undefined, () => 0)).toBe(1_000);
    expect(retryDelayMs(1, undefined, () => 1)).toBe(2_000);
    expect(retryDelayMs(3, undefined, () => 1)).toBe(8_000);
    expect(retryDelayMs(20, undefined, () => 1)).toBe(15 * 60_000);
    expect(retryDelayMs(1, 120_000, () => 1)).toBe(120_000);
  });
});
