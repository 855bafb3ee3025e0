import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../../db/schema";
import type { PlatformKeys } from "../../tenants/sealed-secrets.server";
import { DedicatedSweep } from "../dedicated-sweep.server";
import { type PracticeDirectory, WebhookWorker } from "./webhook-worker.server";

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

/** Every dedicated database's webhook queue, swept like its mail outbox (dedicated-sweep.server.ts). */
export class DedicatedWebhooks extends DedicatedSweep<WebhookWorker> {
  constructor(options: DedicatedWebhooksOptions) {
    const { keys, logger, allowPrivateNetworks, practices, now } = options;
    super({
      ...options,
      queue: "webhook queue",
      waiting: "its deliveries wait",
      applicationName: "portico-webhooks",
      drainTimeoutMs: 60_000,
      worker: (db) => new WebhookWorker({ db, keys, logger, allowPrivateNetworks, practices, now, concurrency: 1 }),
    });
  }
}
