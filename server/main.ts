import type { Server } from "node:http";
import path from "node:path";
import { connect } from "../db/connection.server";
import { PracticeDatabases } from "../tenants/practice-databases.server";
import { PracticeRegistry } from "../tenants/registry.server";
import { createServer } from "./app.server";
import { BackgroundTasks } from "./background.server";
import { ensureBuild, loadBuild, watchedBuild } from "./build.server";
import { ConfigError, loadConfig, publicOrigin } from "./config.server";
import { OutboxWorker } from "./email/outbox-worker.server";
import { transportFor } from "./email/transports.server";
import { DedicatedOutboxes } from "./email/dedicated-outboxes.server";
import { DedicatedWebhooks } from "./webhooks/dedicated-webhooks.server";
import { registryDirectory, WebhookWorker } from "./webhooks/webhook-worker.server";
import { movePhotosEverywhere } from "./files/move-photos.server";
import { openFileStore } from "./files/open-file-store.server";
import { practiceFiles } from "./files/practice-files.server";
import { ImportRunner } from "./imports/import-runner.server";
import { createLogger } from "./logger.server";
import { platformKeys } from "./platform-keys.server";
import { migrateAndSeed, openPlatformDatabase, platformControl } from "./platform.server";

const SHUTDOWN_GRACE_MS = 10_000;

function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config);
  const log = (message: string) => logger.info(message);

  // Production images are built ahead of time (Dockerfile) and ship without the build tools.
  if (config.env !== "production") await ensureBuild(log);
  const platform = await openPlatformDatabase(config, log);
  const keys = await platformKeys(config);
  await migrateAndSeed(config, platform, keys, log, (message) => logger.warn(message));

  const app = connect(platform.targets.appUrl, { max: 10, applicationName: "portico-app" });
  const registry = new PracticeRegistry(app.db);
  const unlisten = await registry.listen(app.sql);
  const databases = new PracticeDatabases(app.db, {
    shared: app.db,
    keys,
    maxConnections: config.pools.maxConnections,
    maxDatabases: config.pools.maxDatabases,
    onStateChange: ({ location, state, detail }) => logger[state === "ok" ? "info" : "warn"]({ database: location, state, detail }, `dedicated database ${location} is ${state}`),
  });
  const control = platformControl(config, platform, keys, databases);
  const build = config.env === "development" ? watchedBuild() : await loadBuild();
  const background = new BackgroundTasks(logger);
  const files = practiceFiles(await openFileStore(config, (message) => logger.warn(message)), keys);
  // Photos still in the database move to the file store behind the start; until then they are served from their rows.
  void background.run("move photos to the file store", async () => {
    for (const report of await movePhotosEverywhere(platform.owner.db, keys, files)) {
      if (report.skipped) logger.warn(`photos were not moved to the file store: ${report.skipped}`);
      else if (report.ok) logger[report.moved ? "info" : "debug"](`photos moved to the file store in ${report.database}: ${report.moved}`);
      else logger.warn(`photos could not be moved to the file store in ${report.database}: ${report.error}`);
    }
  });
  // The outbox spans every practice and has no row-level security: only the owner connection reads it.
  const transport = transportFor(config, logger);
  const worker = new OutboxWorker({ db: platform.owner.db, transport, fromAddress: config.email.from, logger });
  await worker.start(platform.owner.sql);
  worker.wake();
  const dedicatedOutboxes = new DedicatedOutboxes({ registry: platform.owner.db, keys, transport, fromAddress: config.email.from, logger });
  dedicatedOutboxes.start();
  // Webhooks follow the outbox: a worker on the main database's queue (woken by NOTIFY), a sweep over dedicated ones.
  const practices = registryDirectory(platform.owner.db, (subdomain) => publicOrigin(config, `${subdomain}.${config.portalDomain}`));
  const webhookOptions = { keys, logger, allowPrivateNetworks: config.webhooks.allowPrivateNetworks, practices };
  const webhooks = new WebhookWorker({ db: platform.owner.db, ...webhookOptions });
  await webhooks.start(platform.owner.sql);
  webhooks.wake();
  const dedicatedWebhooks = new DedicatedWebhooks({ registry: platform.owner.db, ...webhookOptions });
  dedicatedWebhooks.start();

  // Bulk imports this server accepted and had not finished resume after their last committed batch.
  const imports = new ImportRunner({ spoolDir: path.join(config.dataDir, "imports"), logger });
  const resumedImports = await imports.resume(async (subdomain) => {
    const practice = await registry.resolve(subdomain);
    return practice && { practice, scope: databases.scope(practice) };
  });
  if (resumedImports) logger.info(`resuming ${resumedImports} unfinished import(s)`);

  const mailboxDbs = config.email.transport === "dev" ? () => [platform.owner.db, ...dedicatedOutboxes.databases()] : undefined;
  const server: Server = createServer({ config, logger, appDb: app.db, databases, control, registry, build, background, files, imports, mailboxDbs }).listen(config.port, config.host, () => {
    const base = (sub?: string) => publicOrigin(config, `${sub ? `${sub}.` : ""}${config.portalDomain}`);
    logger.info(`Portico is running (${platform.targets.mode} database)`);
    const demo =
      config.env === "production"
        ? []
        : [`    Happy Paws         ${base("happy-paws")}`, `    Riverside Physio   ${base("riverside-physio")}`, `    Northside Vet      ${base("northside-vet")}   (dedicated database)`];
    const mailbox = mailboxDbs ? [`    dev mailbox        ${base()}/__dev/mailbox`] : [];
    process.stdout.write(["", "  Portico is ready:", `    landing page       ${base()}`, ...demo, `    support console    ${base("support")}/support`, ...mailbox, "", ""].join("\n"));
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing in-flight requests`);
    const forceClose = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(forceClose);
    await background.settled();
    // Stops after the batch in progress: an unfinished import resumes at the next start.
    await imports.stop();
    // Webhooks first: turning an endpoint off queues an email to its staff.
    await webhooks.stop();
    await dedicatedWebhooks.stop();
    await worker.stop();
    await dedicatedOutboxes.stop();
    await unlisten();
    await databases.close();
    await app.close();
    await platform.release();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`Portico could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
