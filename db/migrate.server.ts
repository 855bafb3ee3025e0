import { type Kysely, type MigrationResultSet, Migrator } from "kysely";
import { platformMigrations, practiceMigrations } from "./migrations/index";

export type MigrationSet = "platform" | "practice";

const sets = { platform: platformMigrations, practice: practiceMigrations };

function migrator(db: Kysely<any>, set: MigrationSet): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => sets[set] },
    // Bookkeeping lives outside the practice schema so the isolation catalogue test sees only practice tables.
    migrationTableSchema: "migrations",
    migrationTableName: `${set}_migration`,
    migrationLockTableName: `${set}_migration_lock`,
  });
}

export class MigrationError extends Error {}

async function migrateSet(db: Kysely<any>, set: MigrationSet): Promise<string[]> {
  const result: MigrationResultSet = await migrator(db, set).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new MigrationError(`migration ${set}/${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => `${set}/${r.migrationName}`);
}

/** The main database holds the control plane and the shared practice data. Runs as the owner role. */
export async function migrateMainDatabase(db: Kysely<any>): Promise<string[]> {
  return [...(await migrateSet(db, "platform")), ...(await migrateSet(db, "practice"))];
}

/** A dedicated practice database holds practice data only: the same migrations and policies as the shared database. */
export async function migratePracticeDatabase(db: Kysely<any>): Promise<string[]> {
  return migrateSet(db, "practice");
}

/** The practice schema version this code needs: the last practice migration's name. */
export const PRACTICE_SCHEMA_VERSION = Object.keys(practiceMigrations).sort().at(-1) ?? "";
