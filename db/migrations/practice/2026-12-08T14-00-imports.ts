import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here. Resource type names are not constrained in SQL: the import
// accepts more types as their upsert use cases arrive, and old report rows keep the names they were recorded with.

async function isolate(db: Kysely<any>, table: string, grants: string): Promise<void> {
  await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
  await sql`alter table ${sql.table(table)} force row level security`.execute(db);
  await sql`
    create policy practice_isolation on ${sql.table(table)}
      using (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))
      with check (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))`.execute(db);
  await sql.raw(`grant ${grants} on ${table} to portico_app`).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  // One bulk import (NDJSON over the API or the CLI, CSV from admin). `lines_done` is written in the same transaction
  // as the batch it counts, so a resumed import starts exactly after the last committed batch.
  await sql`
    create table imports (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      source text not null check (source in ('api', 'cli', 'csv')),
      status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
      bytes bigint not null default 0,
      lines_total integer,
      lines_done integer not null default 0,
      created integer not null default 0,
      updated integer not null default 0,
      unchanged integer not null default 0,
      rejected integer not null default 0,
      failure text check (length(failure) <= 1000),
      created_by_type text not null check (created_by_type in ('api_key', 'staff', 'system')),
      created_by uuid,
      created_by_name text not null default '' check (length(created_by_name) <= 200),
      created_at timestamptz not null,
      started_at timestamptz,
      finished_at timestamptz,
      heartbeat_at timestamptz,
      primary key (practice_id, id),
      check (lines_done >= 0 and created >= 0 and updated >= 0 and unchanged >= 0 and rejected >= 0)
    )`.execute(db);
  await sql`create index imports_recent_idx on imports (practice_id, created_at desc)`.execute(db);
  await isolate(db, "imports", "select, insert, update");

  // The per-line report keeps rejected lines only (accepted ones are counted on the import): a clean import of a
  // whole practice adds no rows here.
  await sql`
    create table import_rejections (
      practice_id uuid not null,
      import_id uuid not null,
      line integer not null check (line > 0),
      type text check (length(type) <= 60),
      external_id text check (length(external_id) <= 100),
      reason text not null check (length(reason) <= 2000),
      primary key (practice_id, import_id, line),
      foreign key (practice_id, import_id) references imports (practice_id, id) on delete cascade
    )`.execute(db);
  await isolate(db, "import_rejections", "select, insert");
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table import_rejections`.execute(db);
  await sql`drop table imports`.execute(db);
}
