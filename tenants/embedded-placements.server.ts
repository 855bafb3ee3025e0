import type { Kysely } from "kysely";
import { connect } from "../db/connection.server";
import type { Database } from "../db/schema";
import { openPlacementUrl, placementClaims, placementLocation, serverOf, storePlacementUrls } from "./dedicated-databases.server";
import type { PlatformKeys } from "./sealed-secrets.server";

// The embedded server listens on loopback only, so only placements stored with a loopback host can be on it.
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The same user, password and database as `url`, on `server` (host:port). */
function onServer(url: string, server: string): string {
  const parsed = new URL(url);
  parsed.host = server;
  return parsed.toString();
}

/** Whether the database `url` names, on the embedded server, is the one that placement `id` was provisioned on. */
async function claimedBy(url: string, placementId: string): Promise<boolean> {
  const probe = connect(url, { max: 1, applicationName: "portico-embedded-placements", connectTimeoutSeconds: 5 });
  try {
    return (await placementClaims(probe.db)).includes(placementId);
  } catch {
    // No such database here, other credentials, no claim table: not this placement's database.
    return false;
  } finally {
    await probe.close();
  }
}

/**
 * Dedicated databases on the embedded server (the demo's Northside Vet, placements made in development) are stored
 * with the address the embedded server had when they were provisioned. Once EMBEDDED_PG_PORT changes, or a reused
 * server runs on another port, that address is stale, and the practice would sign in to whatever listens there now.
 *
 * Called at start in embedded mode, before anything connects to a dedicated database: every placement stored on a
 * loopback address other than the embedded server's is looked for on the embedded server, and moved there when the
 * database found carries that placement's own claim (a random id, so a database of the same name elsewhere never
 * matches). Placements on other servers are never touched. Returns the locations moved, old → new.
 */
export async function followEmbeddedServer(platformDb: Kysely<Database>, keys: PlatformKeys | undefined, embeddedOwnerUrl: string): Promise<{ from: string; to: string }[]> {
  if (!keys) return [];
  const server = serverOf(embeddedOwnerUrl);
  const placements = await platformDb.selectFrom("platform.database_placements").select(["id", "location", "owner_url_sealed", "app_url_sealed"]).execute();
  const moved: { from: string; to: string }[] = [];
  for (const placement of placements) {
    const ownerUrl = openPlacementUrl(keys, placement, "owner");
    if (serverOf(ownerUrl) === server || !LOOPBACK_HOSTS.has(new URL(ownerUrl).hostname)) continue;
    const owner = onServer(ownerUrl, server);
    if (!(await claimedBy(owner, placement.id))) continue;
    await storePlacementUrls(platformDb, keys, placement.id, { owner, app: onServer(openPlacementUrl(keys, placement, "app"), server) });
    moved.push({ from: placement.location, to: placementLocation(owner) });
  }
  return moved;
}
