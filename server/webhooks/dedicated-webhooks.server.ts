import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { connect, type Connection } from "../../db/connection.server";
import type { Database } from "../../db/schema";
import { openPlacementUrl, runLimited } from "../../tenants/dedicated-databases.server";
import { withTimeout } from "../../tenants/practice-databases.server";
import type { PlatformKeys } from "../../tenants/sealed-secrets.server";
import { type PracticeDirectory, WebhookWorker } from "./webhook-worker.server";

const DRAIN_TIMEOUT_MS = 60_000;

type Queue = { location: string; connection: Connection; worker: WebhookWorker; failing: boolean };

export type DedicatedWebhooksOptions = {
  registry: Kysely<Database>;
  keys: PlatformKeys | undefined;
  logger: Logger;
  allowPrivateNetworks: boolean;
  practices: PracticeDirectory;
  now?: () => Date;
  intervalMs?: number;
  concurrency?: number;
};

/**
 * Each dedicated database keeps its own webhook queue, written in the same transaction as the practice's change
 * (like its mail outbox, see dedicated-outboxes.server.ts). This sweeps them every few seconds, a few databases at a
 * time, each through a one-connection owner pool that closes when idle.
 */
export class DedicatedWebhooks {
  readonly #queues = new Map<string, Queue>();
  readonly #o: DedicatedWebhooksOptions & { intervalMs: number; concurrency: number };
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #stopped = false;

  constructor(options: DedicatedWebhooksOptions) {
    this.#o = { intervalMs: 3_000, concurrency: 4, ...options };
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), this.#o.intervalMs);
    this.#timer.unref();
    void this.sweep();
  }

  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweepOnce().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#sweeping;
    await Promise.all([...this.#queues.values()].map(async (queue) => {
      await queue.worker.stop();
      await queue.connection.close();
    }));
  }

  async #sweepOnce(): Promise<void> {
    const placements = await this.#o.registry.selectFrom("platform.database_placements").select(["id", "location", "owner_url_sealed", "app_url_sealed"]).execute();
    await runLimited(placements, this.#o.concurrency, async (placement) => {
      if (this.#stopped) return;
      const queue = this.#queueFor(placement);
      if (!queue) return;
      try {
        // A database that hangs must not stop the sweep for the others; its drain carries on in the background.
        await withTimeout(queue.worker.drain(), DRAIN_TIMEOUT_MS);
        if (queue.failing) this.#o.logger.info({ database: queue.location }, "dedicated webhook queue reachable again");
        queue.failing = false;
      } catch (error) {
        if (!queue.failing) this.#o.logger.warn({ database: queue.location, err: error }, "dedicated webhook queue unreachable; its deliveries wait until the database returns");
        queue.failing = true;
        if (typeof error === "object" && error !== null && "code" in error && String(error.code).startsWith("28")) {
          this.#queues.delete(placement.id);
          void queue.connection.close().catch(() => undefined);
        }
      }
    });
  }

  #queueFor(placement: { id: string; location: string; owner_url_sealed: string; app_url_sealed: string }): Queue | undefined {
    const known = this.#queues.get(placement.id);
    if (known) return known;
    let url: string;
    try {
      url = openPlacementUrl(this.#o.keys, placement, "owner");
    } catch (error) {
      this.#o.logger.error({ database: placement.location, err: error }, "cannot open a dedicated database's credentials");
      return undefined;
    }
    const connection = connect(url, { max: 1, idleTimeoutSeconds: 1, connectTimeoutSeconds: 5, applicationName: "portico-webhooks" });
    const { keys, logger, allowPrivateNetworks, practices, now } = this.#o;
    const worker = new WebhookWorker({ db: connection.db, keys, logger, allowPrivateNetworks, practices, now, concurrency: 1 });
    const queue = { location: placement.location, connection, worker, failing: false };
    this.#queues.set(placement.id, queue);
    return queue;
  }
}
