import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../../db/schema";
import type { PlatformKeys } from "../../tenants/sealed-secrets.server";
import { DedicatedSweep } from "../dedicated-sweep.server";
import { OutboxWorker } from "./outbox-worker.server";
import type { Transport } from "./transports.server";

/** Every dedicated database's mail outbox, swept like its other queues (dedicated-sweep.server.ts). */
export class DedicatedOutboxes extends DedicatedSweep<OutboxWorker> {
  constructor(options: { registry: Kysely<Database>; keys: PlatformKeys | undefined; transport: Transport; fromAddress: string; logger: Logger; intervalMs?: number; concurrency?: number }) {
    const { transport, fromAddress, logger } = options;
    super({
      ...options,
      queue: "outbox",
      waiting: "its mail waits",
      applicationName: "portico-outbox",
      drainTimeoutMs: 30_000,
      worker: (db) => new OutboxWorker({ db, transport, fromAddress, logger, concurrency: 1 }),
    });
  }
}
