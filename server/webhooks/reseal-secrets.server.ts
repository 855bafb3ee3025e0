import type { Kysely } from "kysely";
import { connect } from "../../db/connection.server";
import type { Database } from "../../db/schema";
import { withPractice } from "../../db/with-practice.server";
import { openPlacementUrl } from "../../tenants/dedicated-databases.server";
import { keyId, type PlatformKeys, sealedKeyId } from "../../tenants/sealed-secrets.server";
import { openSigningSecret, sealSigningSecret } from "./send-webhook.server";

/**
 * After a platform key rotation (`npm run db -- rotate-key`): reseals every webhook signing secret still sealed
 * with the previous key, practice by practice inside each practice's own scope (shared database and dedicated ones).
 * Returns how many were resealed.
 */
export async function resealWebhookSecrets(registry: Kysely<Database>, keys: PlatformKeys): Promise<number> {
  const current = keyId(keys.current);
  const practices = await registry
    .selectFrom("platform.practices as p")
    .leftJoin("platform.database_placements as d", "d.id", "p.placement_id")
    .select(["p.id", "d.id as placement_id", "d.owner_url_sealed"])
    .execute();
  let resealed = 0;
  for (const practice of practices) {
    const dedicated = practice.placement_id
      ? connect(openPlacementUrl(keys, { id: practice.placement_id, owner_url_sealed: practice.owner_url_sealed ?? undefined }, "owner"), { max: 1, applicationName: "portico-cli" })
      : undefined;
    try {
      resealed += await withPractice(dedicated?.db ?? registry, practice, async (trx) => {
        const endpoints = await trx.selectFrom("webhook_endpoints").select(["id", "secret_sealed"]).execute();
        let count = 0;
        for (const endpoint of endpoints.filter((e) => sealedKeyId(e.secret_sealed) !== current)) {
          const secret = openSigningSecret(keys, practice.id, endpoint.id, endpoint.secret_sealed);
          await trx.updateTable("webhook_endpoints").set({ secret_sealed: sealSigningSecret(keys, practice.id, endpoint.id, secret) }).where("id", "=", endpoint.id).execute();
          count++;
        }
        return count;
      });
    } finally {
      await dedicated?.close();
    }
  }
  return resealed;
}
