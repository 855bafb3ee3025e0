import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import { connect, type Connection, withCredentials } from "../db/connection.server";
import { migratePracticeDatabase } from "../db/migrate.server";
import { ensureRuntimeRole, RUNTIME_ROLE } from "../db/roles.server";
import type { Database } from "../db/schema";
import { keyId, open, type PlatformKeys, seal, sealedKeyId } from "./sealed-secrets.server";

/**
 * Dedicated databases: provisioning one from a URL, migrating every one, and rotating the key their credentials are
 * sealed with. These run as the owner role of the main database (the registry) and of each dedicated database.
 */

export class PlacementError extends Error {}

const databaseUrl = z.url({ protocol: /^postgres(ql)?$/, error: "The database URL must be a postgres:// URL." });

/** host:port/database: what the console shows of a placement. Never the credentials. */
export function placementLocation(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}

function binding(placementId: string, field: "owner" | "app"): string {
  return `placement:${placementId}:${field}`;
}

// A connection error message may carry the URL; never echo credentials back.
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/postgres(ql)?:\/\/[^\s]+/g, "[database url]");
}

async function probe(url: string): Promise<Connection> {
  const connection = connect(url, { max: 1, applicationName: "portico-provision" });
  try {
    await sql`select 1`.execute(connection.db);
    return connection;
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new PlacementError(`Could not connect to the database: ${describe(error)}`);
  }
}

/** Empty, or already prepared by Portico for practice data; never the platform's main database. */
async function checkContents(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ tables: number; ours: boolean; platform: boolean }>`
    select
      (select count(*)::int from pg_tables where schemaname not in ('pg_catalog', 'information_schema')) as tables,
      to_regclass('migrations.practice_migration') is not null as ours,
      to_regnamespace('platform') is not null as platform`.execute(db);
  const found = rows[0];
  if (found?.platform) throw new PlacementError("That is the platform's main database; a dedicated practice needs a database of its own.");
  if (found && found.tables > 0 && !found.ours) throw new PlacementError("The database is not empty and was not prepared by Portico. Use an empty database.");
}

/** The runtime role reads the migration bookkeeping so the server can refuse a database behind the code. */
async function grantRuntimeRole(db: Kysely<Database>): Promise<void> {
  await sql`grant usage on schema migrations to ${sql.id(RUNTIME_ROLE)}`.execute(db);
  await sql`grant select on migrations.practice_migration to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

/**
 * Validates a database (reachable, empty or already ours), migrates it, makes sure the runtime role exists and may
 * use it, and records it as a placement with its credentials sealed. Returns the placement's id.
 */
export async function provisionDedicatedDatabase(
  platformDb: Kysely<Database>,
  keys: PlatformKeys | undefined,
  input: { ownerUrl: string; appPassword: string },
): Promise<{ id: string; location: string }> {
  if (!keys) throw new PlacementError("PLATFORM_ENCRYPTION_KEY is not set: dedicated databases need it to seal their credentials.");
  const parsed = databaseUrl.safeParse(input.ownerUrl);
  if (!parsed.success) throw new PlacementError(parsed.error.issues[0]?.message ?? "The database URL is not valid.");
  const location = placementLocation(parsed.data);
  const taken = await platformDb.selectFrom("platform.database_placements").select("id").where("location", "=", location).executeTakeFirst();
  if (taken) throw new PlacementError(`The database ${location} already holds a practice.`);

  const owner = await probe(parsed.data);
  try {
    await checkContents(owner.db);
    await migratePracticeDatabase(owner.db);
    await grantRuntimeRole(owner.db);
    await ensureRuntimeRole(parsed.data, input.appPassword);
  } catch (error) {
    throw error instanceof PlacementError ? error : new PlacementError(`Preparing the database failed: ${describe(error)}`);
  } finally {
    await owner.close();
  }
  const appUrl = withCredentials(parsed.data, RUNTIME_ROLE, input.appPassword);
  const app = await probe(appUrl);
  await app.close();

  const id = randomUUID();
  await platformDb
    .insertInto("platform.database_placements")
    .values({ id, location, owner_url_sealed: seal(keys, parsed.data, binding(id, "owner")), app_url_sealed: seal(keys, appUrl, binding(id, "app")), key_id: keyId(keys.current) })
    .execute();
  return { id, location };
}

export type SealedPlacement = { id: string; location: string; owner_url_sealed: string; app_url_sealed: string };

export function openPlacementUrl(keys: PlatformKeys | undefined, placement: SealedPlacement, field: "owner" | "app"): string {
  if (!keys) throw new PlacementError("PLATFORM_ENCRYPTION_KEY is not set: dedicated databases cannot be opened.");
  return open(keys, field === "owner" ? placement.owner_url_sealed : placement.app_url_sealed, binding(placement.id, field));
}

export type MigrationReport = { location: string; practices: string[]; ok: boolean; applied: string[]; error?: string };

async function runLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Migrates every dedicated database, `concurrency` at a time; one failure never stops the others. */
export async function migrateDedicatedDatabases(platformDb: Kysely<Database>, keys: PlatformKeys | undefined, options: { concurrency?: number } = {}): Promise<MigrationReport[]> {
  const placements = await platformDb
    .selectFrom("platform.database_placements as d")
    .leftJoin("platform.practices as p", "p.placement_id", "d.id")
    .select(["d.id", "d.location", "d.owner_url_sealed", "d.app_url_sealed", sql<string[]>`coalesce(array_agg(p.subdomain) filter (where p.id is not null), '{}')`.as("practices")])
    .groupBy("d.id")
    .orderBy("d.location")
    .execute();
  return runLimited(placements, options.concurrency ?? 4, async (placement): Promise<MigrationReport> => {
    const report = { location: placement.location, practices: placement.practices };
    try {
      const owner = await probe(openPlacementUrl(keys, placement, "owner"));
      try {
        const applied = await migratePracticeDatabase(owner.db);
        await grantRuntimeRole(owner.db);
        return { ...report, ok: true, applied };
      } finally {
        await owner.close();
      }
    } catch (error) {
      return { ...report, ok: false, applied: [], error: describe(error) };
    }
  });
}

/** Reseals every placement's credentials under the current key (after PLATFORM_ENCRYPTION_KEY changed). */
export async function resealPlacements(platformDb: Kysely<Database>, keys: PlatformKeys): Promise<number> {
  const placements = await platformDb.selectFrom("platform.database_placements").select(["id", "location", "owner_url_sealed", "app_url_sealed"]).execute();
  const currentId = keyId(keys.current);
  let resealed = 0;
  for (const placement of placements) {
    if (sealedKeyId(placement.owner_url_sealed) === currentId && sealedKeyId(placement.app_url_sealed) === currentId) continue;
    const ownerUrl = openPlacementUrl(keys, placement, "owner");
    const appUrl = openPlacementUrl(keys, placement, "app");
    await platformDb
      .updateTable("platform.database_placements")
      .set({ owner_url_sealed: seal(keys, ownerUrl, binding(placement.id, "owner")), app_url_sealed: seal(keys, appUrl, binding(placement.id, "app")), key_id: currentId, updated_at: new Date() })
      .where("id", "=", placement.id)
      .execute();
    resealed++;
  }
  return resealed;
}

/**
 * New credentials for an existing placement (a rotated owner password, or a new runtime password after
 * DATABASE_APP_PASSWORD changed): the URL must reach the same database, which must already be Portico's. Both URLs
 * are sealed again; nothing else changes.
 */
export async function replacePlacementCredentials(
  platformDb: Kysely<Database>,
  keys: PlatformKeys | undefined,
  placementId: string,
  input: { ownerUrl: string; appPassword: string },
): Promise<void> {
  if (!keys) throw new PlacementError("PLATFORM_ENCRYPTION_KEY is not set: dedicated databases need it to seal their credentials.");
  const parsed = databaseUrl.safeParse(input.ownerUrl);
  if (!parsed.success) throw new PlacementError(parsed.error.issues[0]?.message ?? "The database URL is not valid.");
  const placement = await platformDb.selectFrom("platform.database_placements").select(["id", "location"]).where("id", "=", placementId).executeTakeFirst();
  if (!placement) throw new PlacementError("The practice has no dedicated database.");
  if (placementLocation(parsed.data) !== placement.location) throw new PlacementError(`The URL points at ${placementLocation(parsed.data)}, not at the practice's database ${placement.location}.`);
  const owner = await probe(parsed.data);
  try {
    const { rows } = await sql<{ ours: boolean }>`select to_regclass('migrations.practice_migration') is not null as ours`.execute(owner.db);
    if (!rows[0]?.ours) throw new PlacementError("That database was not prepared by Portico.");
  } finally {
    await owner.close();
  }
  const appUrl = withCredentials(parsed.data, RUNTIME_ROLE, input.appPassword);
  await (await probe(appUrl)).close();
  await platformDb
    .updateTable("platform.database_placements")
    .set({ owner_url_sealed: seal(keys, parsed.data, binding(placementId, "owner")), app_url_sealed: seal(keys, appUrl, binding(placementId, "app")), key_id: keyId(keys.current), updated_at: new Date() })
    .where("id", "=", placementId)
    .execute();
}
