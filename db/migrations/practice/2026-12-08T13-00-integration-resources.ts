import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here.
//
// The integration API's other resources (#15): the practice system's own ids on locations, document templates,
// documents, prescriptions, appointments and reminders, and two tables the practice system keeps that Portico did
// not: practitioners (the people who see patients, sign documents and prescribe — not staff accounts, which sign
// in) and appointment types. Nothing is ever deleted through the API: `active` flags and statuses say a record is
// gone, so the history that names it stays whole.

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

const WITH_UPDATED_AT = ["locations", "document_templates", "prescriptions", "appointments", "reminders"];
const WITH_EXTERNAL_ID = [...WITH_UPDATED_AT, "documents"];
const NEW_TABLES = ["practitioners", "appointment_types"];

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    create table practitioners (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      external_id text not null check (${EXTERNAL_ID}),
      name text not null check (length(btrim(name)) between 1 and 120),
      title text check (length(title) <= 100),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (practice_id, id)
    )`).execute(db);
  await isolate(db, "practitioners", "select, insert, update");

  await sql.raw(`
    create table appointment_types (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      external_id text not null check (${EXTERNAL_ID}),
      name text not null check (length(btrim(name)) between 1 and 120),
      duration_minutes integer check (duration_minutes between 1 and 1440),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (practice_id, id)
    )`).execute(db);
  await isolate(db, "appointment_types", "select, insert, update");

  // Existing rows take the migration's time as their last change; only rows with an external id are listed by the API.
  for (const table of WITH_UPDATED_AT) {
    await sql.raw(`alter table ${table} add column updated_at timestamptz not null default now()`).execute(db);
  }
  for (const table of WITH_EXTERNAL_ID) {
    await sql.raw(`alter table ${table} add column external_id text check (${EXTERNAL_ID})`).execute(db);
  }
  await sql`alter table locations add column active boolean not null default true`.execute(db);
  await sql`alter table document_templates add column active boolean not null default true`.execute(db);

  // The names stay in their text columns (what the portal shows, and what seeded rows have); the ids say which
  // practitioner or type the practice system meant, so that a renamed practitioner is renamed everywhere.
  await sql`
    alter table appointments
      add column practitioner_id uuid,
      add column appointment_type_id uuid,
      add constraint appointments_practitioner_fk foreign key (practice_id, practitioner_id) references practitioners (practice_id, id),
      add constraint appointments_type_fk foreign key (practice_id, appointment_type_id) references appointment_types (practice_id, id)`.execute(db);
  await sql`
    alter table prescriptions
      add column prescriber_id uuid,
      add constraint prescriptions_prescriber_fk foreign key (practice_id, prescriber_id) references practitioners (practice_id, id)`.execute(db);
  await sql`
    alter table documents
      add column author_id uuid,
      add constraint documents_author_fk foreign key (practice_id, author_id) references practitioners (practice_id, id)`.execute(db);
  for (const [table, column] of [
    ["appointments", "practitioner_id"],
    ["appointments", "appointment_type_id"],
    ["prescriptions", "prescriber_id"],
    ["documents", "author_id"],
  ]) {
    await sql.raw(`create index ${table}_${column}_idx on ${table} (practice_id, ${column}) where ${column} is not null`).execute(db);
  }

  for (const table of [...NEW_TABLES, ...WITH_EXTERNAL_ID]) {
    // Rows made in Portico have no external id: a plain unique index allows any number of nulls.
    await sql.raw(`create unique index ${table}_external_id_unique on ${table} (practice_id, external_id)`).execute(db);
    // The API's list order: changed since, then stable by id.
    await sql.raw(`create index ${table}_updated_idx on ${table} (practice_id, updated_at, id)`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...NEW_TABLES, ...WITH_EXTERNAL_ID]) {
    await sql.raw(`drop index ${table}_updated_idx`).execute(db);
    await sql.raw(`drop index ${table}_external_id_unique`).execute(db);
  }
  await sql`alter table documents drop column author_id`.execute(db);
  await sql`alter table prescriptions drop column prescriber_id`.execute(db);
  await sql`alter table appointments drop column practitioner_id, drop column appointment_type_id`.execute(db);
  await sql`alter table document_templates drop column active`.execute(db);
  await sql`alter table locations drop column active`.execute(db);
  for (const table of WITH_EXTERNAL_ID) await sql.raw(`alter table ${table} drop column external_id`).execute(db);
  for (const table of WITH_UPDATED_AT) await sql.raw(`alter table ${table} drop column updated_at`).execute(db);
  await sql`drop table appointment_types`.execute(db);
  await sql`drop table practitioners`.execute(db);
}
