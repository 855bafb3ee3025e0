import { type Kysely, sql } from "kysely";

/**
 * A form's email can invite a client with no portal account yet to register a limited one (password practices):
 * a link kind of its own, since it makes a limited account where an invitation makes a full one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table client_account_links drop constraint client_account_links_kind_check`.execute(db);
  await sql`alter table client_account_links add constraint client_account_links_kind_check check (kind in ('invitation', 'access_link', 'password_reset', 'form_registration'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from client_account_links where kind = 'form_registration'`.execute(db);
  await sql`alter table client_account_links drop constraint client_account_links_kind_check`.execute(db);
  await sql`alter table client_account_links add constraint client_account_links_kind_check check (kind in ('invitation', 'access_link', 'password_reset'))`.execute(db);
}
