import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  // How to reach the practice when its portal cannot answer (suspended, or its own database down): kept beside the
  // registry entry, because the practice's own database may be the thing that is unavailable.
  await sql`alter table platform.practices add column contact_phone text, add column contact_email text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table platform.practices drop column contact_phone, drop column contact_email`.execute(db);
}
