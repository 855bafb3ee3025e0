import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table files drop constraint files_purpose_check`.execute(db);
  await sql`alter table files add constraint files_purpose_check check (purpose in ('patient_photo', 'document_file'))`.execute(db);

  // A document's attached files (PDF, JPEG, PNG) by the name the practice system gave them. A name has at most one
  // current row; replacing or withdrawing one marks the row withdrawn and keeps it (what the client could see, and
  // when), while its bytes leave the file store (file_id becomes null). content_type, byte_size and sha256 describe
  // that version's stored bytes and survive them; received_sha256 is of the bytes as sent (images are re-encoded),
  // which is what makes sending the same file again a no-op.
  await sql`
    create table document_files (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      document_id uuid not null,
      file_id uuid,
      name text not null check (length(name) between 1 and 120),
      position integer not null check (position >= 0),
      content_type text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
      byte_size bigint not null check (byte_size >= 0),
      sha256 bytea not null check (length(sha256) = 32),
      received_sha256 bytea not null check (length(received_sha256) = 32),
      created_at timestamptz not null default now(),
      created_by_type text not null check (created_by_type in ('api_key', 'staff', 'system')),
      created_by_id uuid,
      withdrawn_at timestamptz,
      primary key (practice_id, id),
      foreign key (practice_id, document_id) references documents (practice_id, id),
      foreign key (practice_id, file_id) references files (practice_id, id),
      constraint document_files_bytes_while_current check (withdrawn_at is not null or file_id is not null)
    )`.execute(db);
  await sql`create unique index document_files_current_name on document_files (practice_id, document_id, name) where withdrawn_at is null`.execute(db);
  await sql`create index document_files_document_idx on document_files (practice_id, document_id, position)`.execute(db);
  await sql`create index document_files_file_idx on document_files (practice_id, file_id)`.execute(db);

  await sql`alter table document_files enable row level security`.execute(db);
  await sql`alter table document_files force row level security`.execute(db);
  await sql`
    create policy practice_isolation on document_files
      using (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))
      with check (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))`.execute(db);
  await sql`grant select, insert, update on document_files to portico_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table document_files`.execute(db);
  await sql`alter table files drop constraint files_purpose_check`.execute(db);
  await sql`alter table files add constraint files_purpose_check check (purpose in ('patient_photo'))`.execute(db);
}
