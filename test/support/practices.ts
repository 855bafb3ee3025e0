import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import type { Practice } from "../../tenants/practice";
import { createPractice, type PracticePlacement } from "../../tenants/practices.server";

export type PracticeFixture = { practice: Practice; clientId: string; patientId: string; email: string };

/** A practice with one client (one email) and one active patient, created as the owner role. */
export async function createPracticeFixture(db: Kysely<Database>, subdomain: string, kind: "veterinary" | "human" = "veterinary", placement?: PracticePlacement): Promise<PracticeFixture> {
  let ids = { clientId: "", patientId: "" };
  const email = `client@${subdomain}.example.com`;
  const practice = await createPractice(db, { subdomain, name: `Practice ${subdomain}`, kind }, async (trx, created) => {
    const practice_id = created.id;
    const client = await trx.insertInto("clients").values({ practice_id, first_name: "Client", last_name: subdomain }).returning("id").executeTakeFirstOrThrow();
    await trx.insertInto("client_emails").values({ practice_id, client_id: client.id, email, is_primary: true }).execute();
    const patient = await trx.insertInto("patients").values({ practice_id, client_id: client.id, name: `Patient of ${subdomain}` }).returning("id").executeTakeFirstOrThrow();
    ids = { clientId: client.id, patientId: patient.id };
  }, placement);
  return { practice, ...ids, email };
}
