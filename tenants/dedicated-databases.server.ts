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

const FRIENDLY_CODES: Record<string, string> = {
  ECONNREFUSED: "the connection was refused",
  ENOTFOUND: "the host name does not resolve",
  EHOSTUNREACH: "the host cannot be reached",
  ETIMEDOUT: "there was no answer",
  CONNECT_TIMEOUT: "there was no answer",
  "28P01": "the credentials were refused",
  "28000": "the credentials were refused",
  "3D000": "the database does not exist",
  "42501": "the role lacks a privilege it needs",
};

/**
 * What a person at the console is told: a short reason, never the driver's message (which may carry the URL or
 * describe the network in detail).
 */
function describe(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  return FRIENDLY_CODES[code] ?? (code ? `the database answered with error ${code}` : "the connection failed");
}

/** host:port of a database URL: the server, whichever database on it. */
export function serverOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "5432"}`;
}

async function probe(url: string): Promise<Connection> {
  const connection = connect(url, { max: 1, applicationName: "portico-provision", connectTimeoutSeconds: 5 });
  try {
    await sql`select 1`.execute(connection.db);
    return connection;
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new PlacementError(`Could not connect to the database at ${placementLocation(url)}: ${describe(error)}.`, { cause: error });
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

/** The placement ids a dedicated database says it belongs to (its claim, written when it was provisioned). */
export async function placementClaims(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ placement_id: string }>`select placement_id from migrations.portico_placement`.execute(db);
  return rows.map((row) => row.placement_id);
}

/**
 * Each dedicated database records which placement it belongs to. A database that already belongs to a placement
 * with a practice is refused, whatever host name reaches it: a second name for the same server must not put two
 * practices in one database.
 */
async function claimDatabase(db: Kysely<Database>, platformDb: Kysely<Database>, placementId: string): Promise<void> {
  await sql`create table if not exists migrations.portico_placement (placement_id uuid primary key, claimed_at timestamptz not null default now())`.execute(db);
  const claims = await placementClaims(db);
  if (claims.length > 0) {
    const inUse = await platformDb.selectFrom("platform.practices").select("subdomain").where("placement_id", "in", claims).executeTakeFirst();
    if (inUse) throw new PlacementError("That database already holds a practice.");
    await sql`delete from migrations.portico_placement`.execute(db);
  }
  await sql`insert into migrations.portico_placement (placement_id) values (${placementId})`.execute(db);
}

/**
 * On another server than the main database, Portico creates no role and sends no password of its own: the runtime
 * role must already be there (created by whoever runs that server) and must not be able to bypass row-level
 * security. It is then allowed to connect to this database.
 */
async function checkForeignRuntimeRole(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; database: string }>`
    select rolsuper, rolbypassrls, current_database() as database from pg_roles where rolname = ${RUNTIME_ROLE}`.execute(db);
  const role = rows[0];
  if (!role) throw new PlacementError(`The role ${RUNTIME_ROLE} does not exist on that server: create it (LOGIN NOSUPERUSER NOBYPASSRLS) and give its password.`);
  if (role.rolsuper || role.rolbypassrls) throw new PlacementError(`The role ${RUNTIME_ROLE} on that server may bypass row-level security; Portico refuses to use it.`);
  await sql`grant connect on database ${sql.id(role.database)} to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

const ALLOWED_PARAMETERS = new Set(["sslmode"]);

export type ProvisionInput = {
  ownerUrl: string;
  /** host:port of the main database, and its runtime role's password: reused only on that same server. */
  mainServer: string;
  mainAppPassword: string;
  /** The runtime role's password on another server (required there). */
  runtimePassword?: string;
};

/**
 * Validates a database (reachable, empty or already ours and unclaimed), migrates it, makes sure the runtime role
 * may use it, and records it as a placement with its credentials sealed. Returns the placement's id.
 */
export async function provisionDedicatedDatabase(platformDb: Kysely<Database>, keys: PlatformKeys | undefined, input: ProvisionInput): Promise<{ id: string; location: string }> {
  if (!keys) throw new PlacementError("PLATFORM_ENCRYPTION_KEY is not set: dedicated databases need it to seal their credentials.");
  const parsed = databaseUrl.safeParse(input.ownerUrl);
  if (!parsed.success) throw new PlacementError(parsed.error.issues[0]?.message ?? "The database URL is not valid.");
  const unexpected = [...new URL(parsed.data).searchParams.keys()].find((key) => !ALLOWED_PARAMETERS.has(key));
  if (unexpected) throw new PlacementError(`The database URL may carry only sslmode, not '${unexpected}'.`);
  const location = placementLocation(parsed.data);
  const sameServer = serverOf(parsed.data) === input.mainServer;
  const appPassword = sameServer ? input.mainAppPassword : input.runtimePassword;
  if (!appPassword) throw new PlacementError(`That database is on another server than the main one: give the password of the role ${RUNTIME_ROLE} there.`);
  const taken = await platformDb.selectFrom("platform.database_placements").select("id").where("location", "=", location).executeTakeFirst();
  if (taken) throw new PlacementError(`The database ${location} already holds a practice.`);

  const id = randomUUID();
  const owner = await probe(parsed.data);
  try {
    await checkContents(owner.db);
    if (sameServer) await ensureRuntimeRole(parsed.data, appPassword);
    else await checkForeignRuntimeRole(owner.db);
    await migratePracticeDatabase(owner.db);
    await grantRuntimeRole(owner.db);
    await claimDatabase(owner.db, platformDb, id);
  } catch (error) {
    throw error instanceof PlacementError ? error : new PlacementError(`Preparing the database failed: ${describe(error)}.`, { cause: error });
  } finally {
    await owner.close();
  }
  const appUrl = withCredentials(parsed.data, RUNTIME_ROLE, appPassword);
  await (await probe(appUrl)).close();

  await platformDb
    .insertInto("platform.database_placements")
    .values({ id, location, owner_url_sealed: seal(keys, parsed.data, binding(id, "owner")), app_url_sealed: seal(keys, appUrl, binding(id, "app")), key_id: keyId(keys.current) })
    .execute();
  return { id, location };
}

/**
 * Seals a placement's two URLs under the current key, and records where they now point (the location follows the
 * owner URL: the same server and database as the app URL).
 */
export async function storePlacementUrls(platformDb: Kysely<Database>, keys: PlatformKeys, placementId: string, urls: { owner: string; app: string }): Promise<void> {
  await platformDb
    .updateTable("platform.database_placements")
    .set({
      location: placementLocation(urls.owner),
      owner_url_sealed: seal(keys, urls.owner, binding(placementId, "owner")),
      app_url_sealed: seal(keys, urls.app, binding(placementId, "app")),
      key_id: keyId(keys.current),
      updated_at: new Date(),
    })
    .where("id", "=", placementId)
    .execute();
}

export type SealedPlacement = { id: string; owner_url_sealed?: string; app_url_sealed?: string };

export function openPlacementUrl(keys: PlatformKeys | undefined, placement: SealedPlacement, field: "owner" | "app"): string {
  if (!keys) throw new PlacementError("PLATFORM_ENCRYPTION_KEY is not set: dedicated databases cannot be opened.");
  const sealed = field === "owner" ? placement.owner_url_sealed : placement.app_url_sealed;
  if (!sealed) throw new PlacementError(`the ${field} URL of placement ${placement.id} was not read`);
  return open(keys, sealed, binding(placement.id, field));
}

/** Every placement (`d`) with the subdomains of the practices it holds, by location; callers add the columns they need. */
export function placementsWithPractices(db: Kysely<Database>) {
  return db
    .selectFrom("platform.database_placements as d")
    .leftJoin("platform.practices as p", "p.placement_id", "d.id")
    .select(["d.id", "d.location", sql<string[]>`coalesce(array_agg(p.subdomain) filter (where p.id is not null), '{}')`.as("practices")])
    .groupBy("d.id")
    .orderBy("d.location");
}

export type MigrationReport = { location: string; practices: string[]; ok: boolean; applied: string[]; error?: string };

/** Runs `work` over `items`, at most `limit` at a time, results in the items' order. */
export async function runLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
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
  const placements = await placementsWithPractices(platformDb).select(["d.owner_url_sealed", "d.app_url_sealed"]).execute();
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
    await storePlacementUrls(platformDb, keys, placement.id, { owner: openPlacementUrl(keys, placement, "owner"), app: openPlacementUrl(keys, placement, "app") });
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
  input: ProvisionInput,
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
  const appPassword = serverOf(parsed.data) === input.mainServer ? input.mainAppPassword : input.runtimePassword;
  if (!appPassword) throw new PlacementError(`That database is on another server than the main one: give the password of the role ${RUNTIME_ROLE} there.`);
  const appUrl = withCredentials(parsed.data, RUNTIME_ROLE, appPassword);
  await (await probe(appUrl)).close();
  await storePlacementUrls(platformDb, keys, placementId, { owner: parsed.data, app: appUrl });
}
