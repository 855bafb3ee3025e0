import { connect, type Connection } from "../db/connection.server";
import { type DatabaseTargets, prepareDatabase } from "../db/database.server";
import { migrateMainDatabase } from "../db/migrate.server";
import { isRegistryEmpty, seedDemo } from "../db/seed/seed-demo.server";
import type { Config } from "./config.server";

/**
 * What every entry point (server, operator CLIs) needs first: a ready database and an owner connection.
 * `release` closes the connection and stops the embedded server if this process started it.
 */
export type PlatformDatabase = { targets: DatabaseTargets; owner: Connection; release(): Promise<void> };

export async function openPlatformDatabase(config: Config, log: (message: string) => void): Promise<PlatformDatabase> {
  const targets = await prepareDatabase(config, log);
  // Migrations at start, then the outbox worker's lanes (one connection each while a message is in hand).
  const owner = connect(targets.ownerUrl, { max: 6, applicationName: "portico-owner" });
  return {
    targets,
    owner,
    release: async () => {
      await owner.close();
      await targets.release();
    },
  };
}

/** Migrations, then demo practices on an empty registry (never in production: real registries start empty). */
export async function migrateAndSeed(config: Config, platform: PlatformDatabase, log: (message: string) => void): Promise<void> {
  const applied = await migrateMainDatabase(platform.owner.db);
  for (const name of applied) log(`migrated ${name}`);
  if (config.env !== "production" && (await isRegistryEmpty(platform.owner.db))) {
    const created = await seedDemo(platform.owner.db);
    log(`loaded demo practices: ${created.join(", ")}`);
  }
}
