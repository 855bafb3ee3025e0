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

const CATEGORY_NAMES = ["visit_notes", "vaccination_certificates", "diagnostics", "imaging", "discharge_instructions", "treatment_plans", "referral_letters", "consent_forms"];
const QUOTED = CATEGORY_NAMES.map((name) => `'${name}'`).join(", ");
const CATEGORIES = `(${QUOTED})`;

export async function up(db: Kysely<any>): Promise<void> {
  // What the practice shares with clients. Diagnostics and imaging become visible at the chosen status.
  await sql.raw(`
    alter table practice_settings
      add column shared_categories text[] not null default array['visit_notes', 'vaccination_certificates', 'discharge_instructions', 'treatment_plans', 'referral_letters', 'diagnostics', 'imaging'],
      add column diagnostics_share_status text not null default 'completed' check (diagnostics_share_status in ('to_review', 'to_share', 'completed')),
      add constraint practice_settings_categories_known check (shared_categories <@ array[${QUOTED}])`).execute(db);

  await sql.raw(`
    create table document_templates (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      name text not null,
      category text not null check (category in ${CATEGORIES}),
      shared_with_portal boolean not null default false,
      created_at timestamptz not null default now(),
      primary key (practice_id, id)
    )`).execute(db);

  await sql.raw(`
    create table documents (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      patient_id uuid not null,
      template_id uuid,
      visit_date date not null,
      title text not null,
      category text not null check (category in ${CATEGORIES}),
      status text not null default 'draft' check (status in ('draft', 'to_review', 'to_share', 'completed', 'voided')),
      portal_shared boolean not null,
      content text not null default '',
      author_name text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (practice_id, id),
      foreign key (practice_id, patient_id) references patients (practice_id, id) on delete cascade,
      foreign key (practice_id, template_id) references document_templates (practice_id, id)
    )`).execute(db);
  await sql`create index documents_patient_idx on documents (practice_id, patient_id, visit_date desc)`.execute(db);

  await sql`
    create table prescriptions (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      patient_id uuid not null,
      medication text not null,
      strength text,
      directions text not null,
      quantity text,
      refills_remaining integer not null default 0 check (refills_remaining >= 0),
      prescriber_name text not null,
      prescribed_on date not null,
      status text not null default 'draft' check (status in ('draft', 'active', 'completed', 'voided')),
      created_at timestamptz not null default now(),
      primary key (practice_id, id),
      foreign key (practice_id, patient_id) references patients (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index prescriptions_patient_idx on prescriptions (practice_id, patient_id, prescribed_on desc)`.execute(db);

  await sql`
    create table appointments (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      patient_id uuid not null,
      location_id uuid not null,
      practitioner_name text not null,
      reason text not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      status text not null default 'scheduled' check (status in ('scheduled', 'confirmed', 'cancelled', 'completed', 'no_show')),
      confirmed_at timestamptz,
      confirmed_by_client_id uuid,
      created_at timestamptz not null default now(),
      primary key (practice_id, id),
      check (ends_at > starts_at),
      foreign key (practice_id, patient_id) references patients (practice_id, id) on delete cascade,
      foreign key (practice_id, location_id) references locations (practice_id, id),
      foreign key (practice_id, confirmed_by_client_id) references clients (practice_id, id)
    )`.execute(db);
  await sql`create index appointments_patient_idx on appointments (practice_id, patient_id, starts_at)`.execute(db);

  await sql`
    create table reminders (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      patient_id uuid not null,
      description text not null,
      due_on date not null,
      status text not null default 'pending' check (status in ('pending', 'completed', 'cancelled')),
      created_at timestamptz not null default now(),
      primary key (practice_id, id),
      foreign key (practice_id, patient_id) references patients (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index reminders_patient_idx on reminders (practice_id, patient_id, due_on)`.execute(db);

  // One current photo per patient, shared both ways with the practice. Always a re-encoded image.
  await sql`
    create table patient_photos (
      practice_id uuid not null,
      patient_id uuid not null,
      content bytea not null,
      content_type text not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
      width integer not null,
      height integer not null,
      uploaded_by text not null check (uploaded_by in ('client', 'staff')),
      uploaded_at timestamptz not null default now(),
      primary key (practice_id, patient_id),
      foreign key (practice_id, patient_id) references patients (practice_id, id) on delete cascade
    )`.execute(db);

  await isolate(db, "document_templates", "select, insert, update, delete");
  await isolate(db, "documents", "select, insert, update, delete");
  await isolate(db, "prescriptions", "select, insert, update, delete");
  await isolate(db, "appointments", "select, insert, update, delete");
  await isolate(db, "reminders", "select, insert, update, delete");
  await isolate(db, "patient_photos", "select, insert, update, delete");
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["patient_photos", "reminders", "appointments", "prescriptions", "documents", "document_templates"]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
  await sql`alter table practice_settings drop constraint practice_settings_categories_known, drop column shared_categories, drop column diagnostics_share_status`.execute(db);
}
