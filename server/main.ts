import type { Server } from "node:http";
import { connect } from "../db/connection.server";
import { PracticeRegistry } from "../tenants/registry.server";
import { createServer } from "./app.server";
import { BackgroundTasks } from "./background.server";
import { ensureBuild, loadBuild, watchedBuild } from "./build.server";
import { ConfigError, loadConfig, publicOrigin } from "./config.server";
import { OutboxWorker } from "./email/outbox-worker.server";
import { transportFor } from "./email/transports.server";
import { createLogger } from "./logger.server";
import { migrateAndSeed, openPlatformDatabase } from "./platform.server";

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
  await migrateAndSeed(config, platform, log);

  const app = connect(platform.targets.appUrl, { max: 10, applicationName: "portico-app" });
  const registry = new PracticeRegistry(app.db);
  const unlisten = await registry.listen(app.sql);
  const build = config.env === "development" ? watchedBuild() : await loadBuild();
  const background = new BackgroundTasks(logger);
  // The outbox spans every practice and has no row-level security: only the owner connection reads it.
  const worker = new OutboxWorker({ db: platform.owner.db, transport: transportFor(config, logger), fromAddress: config.email.from, logger });
  await worker.start(platform.owner.sql);
  worker.wake();

  const mailboxDb = config.email.transport === "dev" ? platform.owner.db : undefined;
  const server: Server = createServer({ config, logger, appDb: app.db, registry, build, background, mailboxDb }).listen(config.port, config.host, () => {
    const base = (sub?: string) => publicOrigin(config, `${sub ? `${sub}.` : ""}${config.portalDomain}`);
    logger.info(`Portico is running (${platform.targets.mode} database)`);
    const demo = config.env === "production" ? [] : [`    Happy Paws         ${base("happy-paws")}`, `    Riverside Physio   ${base("riverside-physio")}`];
    const mailbox = mailboxDb ? [`    dev mailbox        ${base()}/__dev/mailbox`] : [];
    process.stdout.write(["", "  Portico is ready:", `    landing page       ${base()}`, ...demo, ...mailbox, "", ""].join("\n"));
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
    await worker.stop();
    await unlisten();
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
