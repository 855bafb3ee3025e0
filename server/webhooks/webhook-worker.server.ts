import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { Logger } from "pino";
import type postgres from "postgres";
import type { Database } from "../../db/schema";
import { type PracticeTransaction, withPractice } from "../../db/with-practice.server";
import type { PlatformKeys } from "../../tenants/sealed-secrets.server";
import { recordAudit } from "../audit.server";
import { sendEmail } from "../email/send-email.server";
import { webhookEndpointDisabledEmail } from "../email/templates/webhook-endpoint-disabled";
import { WEBHOOK_CHANNEL } from "../events/record-event.server";
import { openSigningSecret, type SendOptions, sendWebhook, type WebhookResult } from "./send-webhook.server";
import { QueueDrainer } from "../queue-drainer.server";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Waits after the first, second, … failed attempt: about three and a half days in all, then the delivery is dead. */
export const RETRY_SCHEDULE_MS = [5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, ...Array<number>(6).fill(12 * HOUR)];
/** An endpoint that has not accepted a single delivery for this long is turned off (and its staff are told). */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * HOUR;
/** How long a claimed delivery is reserved for the worker that claimed it: well beyond one attempt's timeout. */
const LEASE_MS = 2 * MINUTE;

/** The wait before the next attempt, with up to 20% jitter so failures of many deliveries do not retry in step. */
export function webhookRetryDelayMs(failedAttempts: number, random: () => number = Math.random): number | undefined {
  const step = RETRY_SCHEDULE_MS[failedAttempts - 1];
  return step === undefined ? undefined : Math.round(step * (1 + random() / 5));
}

/** How the worker names a practice and links to its webhooks page in the email to staff. */
export type PracticeDirectory = (practiceId: string) => Promise<{ name: string; webhooksUrl: string } | undefined>;

/** The practice registry (main database, owner role) as the worker's directory. */
export function registryDirectory(registry: Kysely<Database>, practiceOrigin: (subdomain: string) => string): PracticeDirectory {
  return async (practiceId) => {
    const practice = await registry.selectFrom("platform.practices").select(["name", "subdomain"]).where("id", "=", practiceId).executeTakeFirst();
    return practice && { name: practice.name, webhooksUrl: `${practiceOrigin(practice.subdomain)}/admin/webhooks` };
  };
}

export type WebhookWorkerOptions = {
  /** The owner role of one database (shared or dedicated): it reads the queue; practice rows only in their scope. */
  db: Kysely<Database>;
  keys: PlatformKeys | undefined;
  logger: Logger;
  allowPrivateNetworks: boolean;
  practices: PracticeDirectory;
  now?: () => Date;
  random?: () => number;
  timeoutMs?: number;
  pollIntervalMs?: number;
  concurrency?: number;
};

type Job = { practiceId: string; deliveryId: string; endpointId: string; url: string; secretSealed: string; eventId: string; body: string; attempts: number; failingSince: Date | null };

/**
 * Delivers webhooks from one database's queue. A due entry is claimed with `FOR UPDATE SKIP LOCKED` and leased (its
 * due time pushed past the lease, with a token), so two workers never send the same delivery at once and a worker
 * that dies mid-send hands it back when the lease ends. The send happens outside any transaction. Everything about
 * the delivery (endpoint, secret, event) is read and written inside the practice's own scope (`withPractice`):
 * the queue holds ids and due times only.
 */
export class WebhookWorker {
  readonly #o: Required<Omit<WebhookWorkerOptions, "keys">> & { keys: PlatformKeys | undefined };
  readonly #drainer: QueueDrainer;

  constructor(options: WebhookWorkerOptions) {
    this.#o = { timeoutMs: 10 * SECOND, pollIntervalMs: SECOND, concurrency: 4, now: () => new Date(), random: Math.random, ...options };
    const { pollIntervalMs, concurrency, logger } = this.#o;
    this.#drainer = new QueueDrainer({ channel: WEBHOOK_CHANNEL, pollIntervalMs, concurrency, logger, failure: "webhook delivery failed", takeOne: () => this.deliverOne() });
  }

  start(listener: postgres.Sql): Promise<void> {
    return this.#drainer.start(listener);
  }

  /** Stops taking new work and waits for the deliveries in hand. */
  stop(): Promise<void> {
    return this.#drainer.stop();
  }

  wake(): void {
    this.#drainer.wake();
  }

  /** Handles everything due now; resolves with the number of queue entries handled when nothing due is left. */
  drain(): Promise<number> {
    return this.#drainer.drain();
  }

  /** Claims one due queue entry and handles it; false when none is due. */
  async deliverOne(): Promise<boolean> {
    const { db, now } = this.#o;
    const token = randomUUID();
    const claimedAt = now();
    const claimed = await sql<{ delivery_id: string; practice_id: string }>`
      update webhook_queue.due set due_at = ${new Date(claimedAt.getTime() + LEASE_MS)}, lease_token = ${token}
      where delivery_id = (
        select delivery_id from webhook_queue.due where due_at <= ${claimedAt} order by due_at limit 1 for update skip locked
      )
      returning delivery_id, practice_id`.execute(db);
    const entry = claimed.rows[0];
    if (!entry) return false;
    const job = await withPractice(db, { id: entry.practice_id }, (trx) => this.#prepare(trx, entry.practice_id, entry.delivery_id, token));
    if (!job) return true;

    const result = await this.#send(job);
    const directory = result.ok ? undefined : await this.#o.practices(job.practiceId).catch(() => undefined);
    await withPractice(db, { id: job.practiceId }, (trx) => this.#record(trx, job, token, result, directory));
    return true;
  }

  /** One attempt; a secret that cannot be opened (no key, or a key since removed) is a failed attempt like any other. */
  async #send(job: Job): Promise<WebhookResult> {
    let secret: string;
    try {
      if (!this.#o.keys) throw new Error("PLATFORM_ENCRYPTION_KEY is not configured");
      secret = openSigningSecret(this.#o.keys, job.practiceId, job.endpointId, job.secretSealed);
    } catch (error) {
      return { ok: false, status: null, error: `the signing secret cannot be opened: ${error instanceof Error ? error.message : String(error)}`, durationMs: 0 };
    }
    const options: SendOptions = { timeoutMs: this.#o.timeoutMs, allowPrivateNetworks: this.#o.allowPrivateNetworks };
    return sendWebhook({ url: job.url, secret, messageId: job.eventId, timestamp: this.#o.now(), body: job.body }, options);
  }

  async #prepare(trx: PracticeTransaction, practiceId: string, deliveryId: string, token: string): Promise<Job | undefined> {
    const row = await trx
      .selectFrom("webhook_deliveries as d")
      .innerJoin("webhook_endpoints as e", (join) => join.onRef("e.practice_id", "=", "d.practice_id").onRef("e.id", "=", "d.endpoint_id"))
      .innerJoin("domain_events as ev", (join) => join.onRef("ev.practice_id", "=", "d.practice_id").onRef("ev.id", "=", "d.event_id"))
      .select(["d.status", "d.attempts", "d.endpoint_id", "d.event_id", "e.url", "e.enabled", "e.secret_sealed", "e.failing_since", "ev.type", "ev.data", "ev.occurred_at"])
      .where("d.id", "=", deliveryId)
      .executeTakeFirst();
    // Gone (its endpoint was deleted), already settled, or its endpoint turned off: nothing to send.
    if (!row || row.status !== "pending" || !row.enabled) {
      if (row?.status === "pending") await trx.updateTable("webhook_deliveries").set({ status: "cancelled", next_attempt_at: null }).where("id", "=", deliveryId).execute();
      await trx.deleteFrom("webhook_queue.due").where("delivery_id", "=", deliveryId).where("lease_token", "=", token).execute();
      return undefined;
    }
    const body = JSON.stringify({ type: row.type, timestamp: new Date(row.occurred_at).toISOString(), data: row.data });
    return { practiceId, deliveryId, endpointId: row.endpoint_id, url: row.url, secretSealed: row.secret_sealed, eventId: row.event_id, body, attempts: row.attempts, failingSince: row.failing_since };
  }

  async #record(trx: PracticeTransaction, job: Job, token: string, result: WebhookResult, directory: { name: string; webhooksUrl: string } | undefined): Promise<void> {
    const { logger, now, random } = this.#o;
    const at = now();
    const attempts = job.attempts + 1;
    const outcome = { attempts, last_attempt_at: at, last_status_code: result.status, last_duration_ms: result.durationMs, last_error: result.ok ? null : result.error };
    const queue = trx.deleteFrom("webhook_queue.due").where("delivery_id", "=", job.deliveryId).where("lease_token", "=", token);

    if (result.ok) {
      const held = await queue.executeTakeFirst();
      if (held.numDeletedRows === 0n) return;
      await trx.updateTable("webhook_deliveries").set({ ...outcome, status: "succeeded", next_attempt_at: null }).where("id", "=", job.deliveryId).execute();
      if (job.failingSince) await trx.updateTable("webhook_endpoints").set({ failing_since: null }).where("id", "=", job.endpointId).execute();
      logger.info({ practiceId: job.practiceId, deliveryId: job.deliveryId, attempts, status: result.status }, "webhook delivered");
      return;
    }

    const failingSince = job.failingSince ?? at;
    const disable = at.getTime() - new Date(failingSince).getTime() >= DISABLE_AFTER_FAILING_MS;
    const delay = disable ? undefined : webhookRetryDelayMs(attempts, random);
    if (delay === undefined) {
      const held = await queue.executeTakeFirst();
      if (held.numDeletedRows === 0n) return;
      await trx.updateTable("webhook_deliveries").set({ ...outcome, status: "dead", next_attempt_at: null }).where("id", "=", job.deliveryId).execute();
      logger.error({ practiceId: job.practiceId, deliveryId: job.deliveryId, attempts, error: result.error }, "webhook delivery gave up");
    } else {
      const next = new Date(at.getTime() + delay);
      const held = await trx.updateTable("webhook_queue.due").set({ due_at: next, lease_token: null }).where("delivery_id", "=", job.deliveryId).where("lease_token", "=", token).executeTakeFirst();
      if (held.numUpdatedRows === 0n) return;
      await trx.updateTable("webhook_deliveries").set({ ...outcome, next_attempt_at: next }).where("id", "=", job.deliveryId).execute();
      logger.warn({ practiceId: job.practiceId, deliveryId: job.deliveryId, attempts, next, error: result.error }, "webhook delivery will be retried");
    }
    if (!job.failingSince) await trx.updateTable("webhook_endpoints").set({ failing_since: at }).where("id", "=", job.endpointId).execute();
    if (disable) await this.#disable(trx, job, at, directory);
  }

  /** Turns an endpoint off after days of failure, settles its pending deliveries, audits it and tells its staff. */
  async #disable(trx: PracticeTransaction, job: Job, at: Date, directory: { name: string; webhooksUrl: string } | undefined): Promise<void> {
    const reason = "it has not accepted a delivery for 3 days";
    const turnedOff = await trx.updateTable("webhook_endpoints").set({ enabled: false, disabled_reason: reason, disabled_at: at, updated_at: at }).where("id", "=", job.endpointId).where("enabled", "=", true).executeTakeFirst();
    if (turnedOff.numUpdatedRows === 0n) return;
    // Their queue entries are dropped when they come due (the worker sees they are no longer pending).
    await trx.updateTable("webhook_deliveries").set({ status: "cancelled", next_attempt_at: null }).where("endpoint_id", "=", job.endpointId).where("status", "=", "pending").execute();
    await recordAudit(trx, job.practiceId, { actorType: "system", action: "system.webhook_endpoint_disabled", subjectType: "webhook_endpoint", subjectId: job.endpointId, details: { url: job.url, reason }, at });
    const staff = await trx
      .selectFrom("staff_members as s")
      .innerJoin("staff_roles as r", (join) => join.onRef("r.practice_id", "=", "s.practice_id").onRef("r.id", "=", "s.role_id"))
      .select(["s.name", "s.email"])
      .where("s.active", "=", true)
      .where(sql<boolean>`'manage_integrations' = any(r.permissions)`)
      .execute();
    const practiceName = directory?.name ?? "Your practice";
    for (const member of staff) {
      const email = webhookEndpointDisabledEmail({ practiceName, staffName: member.name, endpointUrl: job.url, reason, link: directory?.webhooksUrl ?? "/admin/webhooks" });
      await sendEmail(trx, { kind: "webhook_endpoint_disabled", practiceId: job.practiceId, fromName: practiceName, replyTo: null, to: member.email, ...email });
    }
    this.#o.logger.warn({ practiceId: job.practiceId, endpointId: job.endpointId, notified: staff.length }, "webhook endpoint turned off after persistent failure");
  }
}
