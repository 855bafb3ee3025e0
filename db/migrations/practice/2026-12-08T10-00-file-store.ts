import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here.

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
  // The practice's data key for its files: 32 random bytes sealed with the platform key (never stored in the clear).
  // One per practice for now; the files that use a key name it, so a new key can be added later without rewriting.
  await sql`
    create table file_keys (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      sealed_key text not null,
      created_at timestamptz not null default now(),
      primary key (practice_id, id)
    )`.execute(db);
  await sql`create unique index file_keys_one_per_practice on file_keys (practice_id)`.execute(db);

  // What a stored file is and whose it is; its bytes are in the file store under storage_key, encrypted.
  // sha256 and byte_size describe the plaintext. The id is chosen before the bytes are written (they are bound to it).
  await sql`
    create table files (
      practice_id uuid not null,
      id uuid not null,
      purpose text not null check (purpose in ('patient_photo')),
      content_type text not null check (length(content_type) between 1 and 255),
      byte_size bigint not null check (byte_size >= 0),
      sha256 bytea not null check (length(sha256) = 32),
      storage_key text not null,
      key_id uuid not null,
      created_at timestamptz not null default now(),
      created_by_type text not null check (created_by_type in ('client', 'staff', 'system')),
      created_by_id uuid,
      primary key (practice_id, id),
      foreign key (practice_id, key_id) references file_keys (practice_id, id)
    )`.execute(db);
  await sql`create index files_key_idx on files (practice_id, key_id)`.execute(db);

  // Photos move out of the row: a new photo names its file; an old one keeps its bytes in content until the
  // start-up step moves them (server/files/move-photos.server.ts). While instances of the previous version still
  // run, they may write content into a row that has a file; content, when present, is the newer photo.
  await sql`
    alter table patient_photos
      alter column content drop not null,
      add column file_id uuid,
      add constraint patient_photos_bytes_somewhere check (content is not null or file_id is not null),
      add constraint patient_photos_file_fk foreign key (practice_id, file_id) references files (practice_id, id)`.execute(db);
  await sql`create index patient_photos_file_idx on patient_photos (practice_id, file_id)`.execute(db);

  await isolate(db, "file_keys", "select, insert");
  await isolate(db, "files", "select, insert, delete");
}

export async function down(db: Kysely<any>): Promise<void> {
  // Photos already moved to the store cannot come back into the row here: down only works before any has moved.
  await sql`
    alter table patient_photos
      drop constraint patient_photos_file_fk,
      drop constraint patient_photos_bytes_somewhere,
      drop column file_id,
      alter column content set not null`.execute(db);
  await sql`drop table files`.execute(db);
  await sql`drop table file_keys`.execute(db);
}
