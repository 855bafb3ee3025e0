import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { connect, type Connection } from "../../db/connection.server";
import type { Database } from "../../db/schema";
import { openPlacementUrl, runLimited } from "../../tenants/dedicated-databases.server";
import { withTimeout } from "../../tenants/practice-databases.server";
import type { PlatformKeys } from "../../tenants/sealed-secrets.server";
import { OutboxWorker } from "./outbox-worker.server";
import type { Transport } from "./transports.server";

const DRAIN_TIMEOUT_MS = 30_000;

type Outbox = { location: string; connection: Connection; worker: OutboxWorker; failing: boolean };

/**
 * Each dedicated database keeps its own outbox, written in the same transaction as the practice's other writes.
 * This sweeps them all every few seconds, a few databases at a time, each through a one-connection owner pool whose
 * connection closes when idle, so hundreds of dedicated databases hold no connections between sweeps.
 */
export class DedicatedOutboxes {
  readonly #outboxes = new Map<string, Outbox>();
  readonly #options: { registry: Kysely<Database>; keys: PlatformKeys | undefined; transport: Transport; fromAddress: string; logger: Logger; intervalMs: number; concurrency: number };
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #stopped = false;

  constructor(options: { registry: Kysely<Database>; keys: PlatformKeys | undefined; transport: Transport; fromAddress: string; logger: Logger; intervalMs?: number; concurrency?: number }) {
    this.#options = { intervalMs: 3_000, concurrency: 4, ...options };
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), this.#options.intervalMs);
    this.#timer.unref();
    void this.sweep();
  }

  /** The owner-role handles of every dedicated outbox seen so far (the development mailbox reads them). */
  databases(): Kysely<Database>[] {
    return [...this.#outboxes.values()].map((outbox) => outbox.connection.db);
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
    await Promise.all([...this.#outboxes.values()].map(async (outbox) => {
      await outbox.worker.stop();
      await outbox.connection.close();
    }));
  }

  async #sweepOnce(): Promise<void> {
    const placements = await this.#options.registry.selectFrom("platform.database_placements").select(["id", "location", "owner_url_sealed", "app_url_sealed"]).execute();
    await runLimited(placements, this.#options.concurrency, async (placement) => {
      if (this.#stopped) return;
      const outbox = this.#outboxFor(placement);
      if (!outbox) return;
      try {
        // A database that hangs must not stop the sweep for the others; its drain carries on in the background.
        await withTimeout(outbox.worker.drain(), DRAIN_TIMEOUT_MS);
        if (outbox.failing) this.#options.logger.info({ database: outbox.location }, "dedicated outbox reachable again");
        outbox.failing = false;
      } catch (error) {
        if (!outbox.failing) this.#options.logger.warn({ database: outbox.location, err: error }, "dedicated outbox unreachable; its mail waits until the database returns");
        outbox.failing = true;
        // Its credentials may have been replaced: read the placement afresh next time.
        if (typeof error === "object" && error !== null && "code" in error && String(error.code).startsWith("28")) {
          this.#outboxes.delete(placement.id);
          void outbox.connection.close().catch(() => undefined);
        }
      }
    });
  }

  #outboxFor(placement: { id: string; location: string; owner_url_sealed: string; app_url_sealed: string }): Outbox | undefined {
    const known = this.#outboxes.get(placement.id);
    if (known) return known;
    let url: string;
    try {
      url = openPlacementUrl(this.#options.keys, placement, "owner");
    } catch (error) {
      this.#options.logger.error({ database: placement.location, err: error }, "cannot open a dedicated database's credentials");
      return undefined;
    }
    const connection = connect(url, { max: 1, idleTimeoutSeconds: 1, connectTimeoutSeconds: 5, applicationName: "portico-outbox" });
    const { transport, fromAddress, logger } = this.#options;
    const outbox = { location: placement.location, connection, worker: new OutboxWorker({ db: connection.db, transport, fromAddress, logger, concurrency: 1 }), failing: false };
    this.#outboxes.set(placement.id, outbox);
    return outbox;
  }
}
