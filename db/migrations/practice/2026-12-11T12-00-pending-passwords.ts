import { type Kysely, sql } from "kysely";

/**
 * A password chosen on the public booking page waits until the address is confirmed: it takes effect when the
 * emailed sign-in link is used, so nobody can give themselves an account on someone else's address.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table client_accounts add column pending_password_hash text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table client_accounts drop column pending_password_hash`.execute(db);
}
