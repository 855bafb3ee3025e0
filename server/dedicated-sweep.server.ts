import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { connect, type Connection } from "../db/connection.server";
import type { Database } from "../db/schema";
import { openPlacementUrl, runLimited } from "../tenants/dedicated-databases.server";
import { withTimeout } from "../tenants/practice-databases.server";
import type { PlatformKeys } from "../tenants/sealed-secrets.server";

/** A queue worker of one database: what the sweep drains and, on shutdown, stops. */
export type DrainingWorker = { drain(): Promise<unknown>; stop(): Promise<void> };

export type DedicatedSweepOptions<W extends DrainingWorker> = {
  registry: Kysely<Database>;
  keys: PlatformKeys | undefined;
  logger: Logger;
  /** Names the queue in logs ("outbox") and says what waits while its database is down ("its mail waits"). */
  queue: string;
  waiting: string;
  applicationName: string;
  drainTimeoutMs: number;
  worker: (db: Kysely<Database>) => W;
  intervalMs?: number;
  concurrency?: number;
};

type Entry<W> = { location: string; connection: Connection; worker: W; failing: boolean };

type PlacementRow = { id: string; location: string; owner_url_sealed: string; app_url_sealed: string };

/**
 * Each dedicated database keeps its own queues (mail, webhooks), written in the same transaction as the practice's
 * change. A sweep drains one kind of queue in all of them every few seconds, a few databases at a time, each through
 * a one-connection owner pool whose connection closes when idle, so hundreds of dedicated databases hold no
 * connections between sweeps, and a database that is down delays only its own queue.
 */
export class DedicatedSweep<W extends DrainingWorker> {
  readonly #entries = new Map<string, Entry<W>>();
  readonly #o: DedicatedSweepOptions<W> & { intervalMs: number; concurrency: number };
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #stopped = false;

  constructor(options: DedicatedSweepOptions<W>) {
    this.#o = { intervalMs: 3_000, concurrency: 4, ...options };
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), this.#o.intervalMs);
    this.#timer.unref();
    void this.sweep();
  }

  /** The owner-role handles of every dedicated database seen so far. */
  databases(): Kysely<Database>[] {
    return [...this.#entries.values()].map((entry) => entry.connection.db);
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
    await Promise.all([...this.#entries.values()].map(async (entry) => {
      await entry.worker.stop();
      await entry.connection.close();
    }));
  }

  async #sweepOnce(): Promise<void> {
    const placements = await this.#o.registry.selectFrom("platform.database_placements").select(["id", "location", "owner_url_sealed", "app_url_sealed"]).execute();
    await runLimited(placements, this.#o.concurrency, async (placement) => {
      if (this.#stopped) return;
      const entry = this.#entryFor(placement);
      if (!entry) return;
      try {
        // A database that hangs must not stop the sweep for the others; its drain carries on in the background.
        await withTimeout(entry.worker.drain(), this.#o.drainTimeoutMs);
        if (entry.failing) this.#o.logger.info({ database: entry.location }, `dedicated ${this.#o.queue} reachable again`);
        entry.failing = false;
      } catch (error) {
        if (!entry.failing) this.#o.logger.warn({ database: entry.location, err: error }, `dedicated ${this.#o.queue} unreachable; ${this.#o.waiting} until the database returns`);
        entry.failing = true;
        // Its credentials may have been replaced: read the placement afresh next time.
        if (typeof error === "object" && error !== null && "code" in error && String(error.code).startsWith("28")) {
          this.#entries.delete(placement.id);
          void entry.connection.close().catch(() => undefined);
        }
      }
    });
  }

  #entryFor(placement: PlacementRow): Entry<W> | undefined {
    const known = this.#entries.get(placement.id);
    if (known) return known;
    let url: string;
    try {
      url = openPlacementUrl(this.#o.keys, placement, "owner");
    } catch (error) {
      this.#o.logger.error({ database: placement.location, err: error }, "cannot open a dedicated database's credentials");
      return undefined;
    }
    const connection = connect(url, { max: 1, idleTimeoutSeconds: 1, connectTimeoutSeconds: 5, applicationName: this.#o.applicationName });
    const entry = { location: placement.location, connection, worker: this.#o.worker(connection.db), failing: false };
    this.#entries.set(placement.id, entry);
    return entry;
  }
}
