import { connect, type Connection } from "../db/connection.server";
import { type DatabaseTargets, prepareDatabase } from "../db/database.server";
import { migrateMainDatabase } from "../db/migrate.server";
import { type DedicatedDemoPlacer, isRegistryEmpty, seedDemo } from "../db/seed/seed-demo.server";
import { type MigrationReport, migrateDedicatedDatabases, provisionDedicatedDatabase, serverOf } from "../tenants/dedicated-databases.server";
import { followEmbeddedServer } from "../tenants/embedded-placements.server";
import type { PlatformKeys } from "../tenants/sealed-secrets.server";
import type { PlatformControl } from "../tenants/platform-control.server";
import type { PracticeDatabases } from "../tenants/practice-databases.server";
import { type Config, publicOrigin } from "./config.server";

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

/**
 * On the embedded server, dedicated databases follow it to whatever port it runs on now (EMBEDDED_PG_PORT may have
 * changed since they were provisioned); before anything connects to them.
 */
export async function followEmbeddedPlacements(platform: PlatformDatabase, keys: PlatformKeys | undefined, log: (message: string) => void): Promise<void> {
  if (platform.targets.mode !== "embedded") return;
  for (const { from, to } of await followEmbeddedServer(platform.owner.db, keys, platform.targets.ownerUrl)) log(`dedicated database ${from} is on the embedded server, now at ${to}`);
}

/**
 * Migrates the main database and every dedicated one. A dedicated database that fails to migrate does not stop the
 * start: its practice answers 503 until `npm run db:migrate` succeeds, and the log says so.
 */
export async function migrateAll(platform: PlatformDatabase, keys: PlatformKeys | undefined, log: (message: string) => void, warn: (message: string) => void): Promise<MigrationReport[]> {
  const applied = await migrateMainDatabase(platform.owner.db);
  for (const name of applied) log(`migrated ${name}`);
  await followEmbeddedPlacements(platform, keys, log);
  const reports = await migrateDedicatedDatabases(platform.owner.db, keys);
  for (const report of reports) {
    if (!report.ok) warn(`dedicated database ${report.location} (${report.practices.join(", ")}) could not be migrated: ${report.error}. Its practice stays unavailable until npm run db:migrate succeeds.`);
    for (const name of report.applied) log(`migrated ${report.location}: ${name}`);
  }
  return reports;
}

/** A fresh database on the embedded server, provisioned as a placement, for the demo's dedicated practice. */
export function embeddedDemoPlacer(platform: PlatformDatabase, keys: PlatformKeys | undefined): DedicatedDemoPlacer | undefined {
  const create = platform.targets.createDatabase;
  if (!create || !keys) return undefined;
  return async (subdomain) => {
    const ownerUrl = await create(`portico_${subdomain.replaceAll("-", "_")}`);
    const { id } = await provisionDedicatedDatabase(platform.owner.db, keys, { ownerUrl, mainServer: serverOf(platform.targets.ownerUrl), mainAppPassword: platform.targets.appPassword });
    const owner = connect(ownerUrl, { max: 1, applicationName: "portico-seed" });
    return { placement: { id, db: owner.db }, release: () => owner.close() };
  };
}

/** Migrations, then demo practices on an empty registry (never in production: real registries start empty). */
export async function migrateAndSeed(config: Config, platform: PlatformDatabase, keys: PlatformKeys | undefined, log: (message: string) => void, warn: (message: string) => void): Promise<void> {
  await migrateAll(platform, keys, log, warn);
  if (config.env !== "production" && (await isRegistryEmpty(platform.owner.db))) {
    const created = await seedDemo(platform.owner.db, embeddedDemoPlacer(platform, keys));
    log(`loaded demo practices: ${created.join(", ")}`);
  }
}

/** The platform use cases' means, for the server (support console) and the operator CLIs alike. */
export function platformControl(config: Config, platform: PlatformDatabase, keys: PlatformKeys | undefined, databases: PracticeDatabases): PlatformControl {
  return {
    db: platform.owner.db,
    databases,
    keys,
    appPassword: platform.targets.appPassword,
    mainServer: serverOf(platform.targets.ownerUrl),
    ...(platform.targets.createDatabase ? { createDatabase: platform.targets.createDatabase } : {}),
    practiceOrigin: (subdomain) => publicOrigin(config, `${subdomain}.${config.portalDomain}`),
  };
}
