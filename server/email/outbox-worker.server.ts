import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type postgres from "postgres";
import type { Database } from "../../db/schema";
import { OUTBOX_CHANNEL } from "./send-email.server";
import type { SendResult, Transport } from "./transports.server";
import { QueueDrainer } from "../queue-drainer.server";

export type OutboxWorkerOptions = {
  /** The owner role: the outbox holds every practice's mail and has no row-level security. */
  db: Kysely<Database>;
  transport: Transport;
  fromAddress: string;
  logger: Logger;
  now?: () => Date;
  maxAttempts?: number;
  pollIntervalMs?: number;
  concurrency?: number;
};

const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 15 * 60_000;

/** Exponential backoff with jitter (half to full of the step), never shorter than the provider's Retry-After. */
export function retryDelayMs(attempts: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const step = Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
  const jittered = step * (0.5 + random() / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

// A display name goes into a header: keep it to one line without quotes.
function fromHeader(name: string, address: string): string {
  const safe = name.replace(/[\r\n"<>\\]/g, " ").replace(/\s+/g, " ").trim();
  return `"${safe}" <${address}>`;
}

/**
 * Delivers the outbox. Each message is claimed with `FOR UPDATE SKIP LOCKED` in its own transaction, which stays
 * open while the transport is called: if the process dies mid-send the lock is released and the message is sent
 * again with the same idempotency key, so it is delivered exactly once. Woken by NOTIFY on enqueue; a slow poll
 * catches retries that come due and anything enqueued while no worker listened.
 */
export class OutboxWorker {
  readonly #options: Required<Omit<OutboxWorkerOptions, "now">> & { now: () => Date };
  readonly #drainer: QueueDrainer;

  constructor(options: OutboxWorkerOptions) {
    this.#options = { maxAttempts: 8, pollIntervalMs: 1_000, concurrency: 4, ...options, now: options.now ?? (() => new Date()) };
    const { pollIntervalMs, concurrency, logger } = this.#options;
    this.#drainer = new QueueDrainer({ channel: OUTBOX_CHANNEL, pollIntervalMs, concurrency, logger, failure: "outbox delivery failed", takeOne: () => this.deliverOne() });
  }

  start(listener: postgres.Sql): Promise<void> {
    return this.#drainer.start(listener);
  }

  /** Stops taking new work and waits for the message in hand. */
  stop(): Promise<void> {
    return this.#drainer.stop();
  }

  wake(): void {
    this.#drainer.wake();
  }

  /** Delivers everything due now; resolves when nothing due is left. */
  drain(): Promise<number> {
    return this.#drainer.drain();
  }

  /** Claims and handles one due message; false when none is due. */
  async deliverOne(): Promise<boolean> {
    const { db, transport, logger, now, maxAttempts, fromAddress } = this.#options;
    return db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("mail.outbox")
        .selectAll()
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", now())
        .orderBy("next_attempt_at")
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return false;

      const attempts = row.attempts + 1;
      let result: SendResult;
      try {
        result = await transport.send({
          id: row.id,
          from: fromHeader(row.from_name, fromAddress),
          replyTo: row.reply_to,
          to: row.recipient,
          subject: row.subject,
          html: row.html,
          text: row.text,
          attachments: row.attachments ?? [],
        });
      } catch (error) {
        result = { outcome: "retry", error: error instanceof Error ? error.message : String(error) };
      }

      const update = trx.updateTable("mail.outbox").where("id", "=", row.id);
      if (result.outcome === "sent") {
        // Once delivered, the body (which may hold a sign-in link) and its attachments have no reason to stay. The dev
        // mailbox is the exception: showing them is its purpose, and it only exists in development.
        const scrub = transport.name === "dev" ? {} : { html: "", text: "[removed after delivery]", attachments: null };
        await update.set({ status: "sent", attempts, sent_at: now(), provider_message_id: result.providerMessageId, last_error: null, ...scrub }).execute();
        logger.info({ emailId: row.id, kind: row.kind, attempts, transport: transport.name }, "email handed to transport");
      } else if (result.outcome === "failed") {
        await update.set({ status: "failed", attempts, last_error: result.error }).execute();
        logger.error({ emailId: row.id, kind: row.kind, error: result.error }, "email refused permanently");
      } else if (attempts >= maxAttempts) {
        await update.set({ status: "dead", attempts, last_error: result.error }).execute();
        logger.error({ emailId: row.id, kind: row.kind, attempts, error: result.error }, "email gave up after retries");
      } else {
        const next = new Date(now().getTime() + retryDelayMs(attempts, result.retryAfterMs));
        await update.set({ attempts, last_error: result.error, next_attempt_at: next }).execute();
        logger.warn({ emailId: row.id, kind: row.kind, attempts, next, error: result.error }, "email delivery will be retried");
      }
      return true;
    });
  }
}
