import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  // Per-IP counters shared by every practice (sign-in links, link uses, passwords): an address that exhausts its
  // allowance on one practice is refused on all of them. The runtime role counts here whichever database the
  // practice lives in; the support console's own counters stay in platform.rate_limit_counters, out of its reach.
  await sql`
    create table platform.ip_rate_limit_counters (
      bucket text not null,
      window_start timestamptz not null,
      hits integer not null,
      primary key (bucket, window_start)
    )`.execute(db);
  await sql`grant select, insert, update, delete on platform.ip_rate_limit_counters to portico_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table platform.ip_rate_limit_counters`.execute(db);
}
