import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here.
//
// The integration API (#15): practice API keys, and the practice system's own ids on the rows it sends, so that a
// PUT by that id is an upsert. Also the client fields the API carries that the portal did not keep yet.

async function isolate(db: Kysely<any>, table: string, grants: string): Promise<void> {
  await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
  await sql`alter table ${sql.table(table)} force row level security`.execute(db);
  await sql`
    create policy practice_isolation on ${sql.table(table)}
      using (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))
      with check (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))`.execute(db);
  await sql.raw(`grant ${grants} on ${table} to portico_app`).execute(db);
}

const EXTERNAL_ID = `external_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$'`;

export async function up(db: Kysely<any>): Promise<void> {
  // Only the SHA-256 of the secret is kept; the visible prefix finds the row, the hash proves the secret. A key is
  // never deleted (the audit log names it); it stops working when revoked or past expires_at (rotation overlap).
  await sql`
    create table api_keys (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      name text not null check (length(btrim(name)) between 1 and 80 and name !~ '[[:cntrl:]]'),
      prefix text not null check (prefix ~ '^[0-9a-f]{10}$'),
      secret_hash bytea not null check (length(secret_hash) = 32),
      scopes text[] not null check (scopes <@ array['read', 'write']::text[] and cardinality(scopes) > 0),
      created_by uuid,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      expires_at timestamptz,
      rotated_from uuid,
      primary key (practice_id, id),
      foreign key (practice_id, rotated_from) references api_keys (practice_id, id)
    )`.execute(db);
  await sql`create unique index api_keys_prefix_unique on api_keys (practice_id, prefix)`.execute(db);
  await isolate(db, "api_keys", "select, insert, update");

  await sql`alter table audit_events drop constraint audit_events_actor_type_check`.execute(db);
  await sql`alter table audit_events add constraint audit_events_actor_type_check check (actor_type in ('client', 'staff', 'support', 'system', 'anonymous', 'api_key'))`.execute(db);

  await sql.raw(`
    alter table clients
      add column external_id text check (${EXTERNAL_ID}),
      add column address jsonb,
      add column other_phones text[] not null default '{}' check (cardinality(other_phones) <= 4)`).execute(db);
  await sql.raw(`alter table patients add column external_id text check (${EXTERNAL_ID})`).execute(db);
  for (const table of ["clients", "patients"]) {
    // Seeded and hand-made rows have no external id: a plain unique index allows any number of nulls.
    await sql.raw(`create unique index ${table}_external_id_unique on ${table} (practice_id, external_id)`).execute(db);
    // The API's list order: changed since, then stable by id.
    await sql.raw(`create index ${table}_updated_idx on ${table} (practice_id, updated_at, id)`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["clients", "patients"]) {
    await sql.raw(`drop index ${table}_updated_idx`).execute(db);
    await sql.raw(`drop index ${table}_external_id_unique`).execute(db);
  }
  await sql`alter table patients drop column external_id`.execute(db);
  await sql`alter table clients drop column external_id, drop column address, drop column other_phones`.execute(db);
  await sql`alter table audit_events drop constraint audit_events_actor_type_check`.execute(db);
  await sql`alter table audit_events add constraint audit_events_actor_type_check check (actor_type in ('client', 'staff', 'support', 'system', 'anonymous'))`.execute(db);
  await sql`drop table api_keys`.execute(db);
}
