import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here. The permission names are copied from
// app/admin/permissions.ts as they were on this date.
const PERMISSIONS = [
  "admin_manage_pet_owner_portal",
  "admin_view_pet_owner_portal",
  "chart_access",
  "manage_booking",
  "manage_client_portal_access",
  "manage_forms",
  "manage_integrations",
  "manage_staff",
  "view_audit_log",
];

async function isolate(db: Kysely<any>, table: string, grants: string): Promise<void> {
  await sql.raw(`alter table ${table} enable row level security`).execute(db);
  await sql.raw(`alter table ${table} force row level security`).execute(db);
  await sql
    .raw(
      `create policy practice_isolation on ${table}
        using (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))
        with check (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))`,
    )
    .execute(db);
  await sql.raw(`grant ${grants} on ${table} to portico_app`).execute(db);
}

/**
 * SmartForms (docs/decisions/022-smart-forms.md): forms staff build (a draft definition), versions frozen when
 * published, and form requests: one version sent to one client (about one patient, perhaps for one appointment),
 * its answers saved as the client goes, then submitted and reviewed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table forms (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200 and name !~ '[[:cntrl:]]'),
      draft jsonb not null check (jsonb_typeof(draft) = 'object'),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (practice_id, id)
    )`.execute(db);
  await isolate(db, "forms", "select, insert, update");

  await sql`
    create table form_versions (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      form_id uuid not null,
      version integer not null check (version >= 1),
      definition jsonb not null check (jsonb_typeof(definition) = 'object'),
      published_at timestamptz not null,
      published_by uuid,
      primary key (practice_id, id),
      unique (practice_id, form_id, version),
      foreign key (practice_id, form_id) references forms (practice_id, id)
    )`.execute(db);
  // Published versions are never changed: a submission is read against the version it answered.
  await isolate(db, "form_versions", "select, insert");

  await sql`
    create table form_requests (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      form_version_id uuid not null,
      client_id uuid not null,
      patient_id uuid,
      appointment_id uuid,
      status text not null default 'sent' check (status in ('sent', 'started', 'submitted', 'reviewed')),
      answers jsonb not null default '{}' check (jsonb_typeof(answers) = 'object'),
      sent_via text not null check (sent_via in ('staff', 'appointment', 'kiosk')),
      sent_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      started_at timestamptz,
      submitted_at timestamptz,
      submitted_ip text,
      reviewed_at timestamptz,
      reviewed_by uuid,
      primary key (practice_id, id),
      check ((status in ('submitted', 'reviewed')) = (submitted_at is not null)),
      check ((status = 'reviewed') = (reviewed_at is not null)),
      foreign key (practice_id, form_version_id) references form_versions (practice_id, id),
      foreign key (practice_id, client_id) references clients (practice_id, id),
      foreign key (practice_id, patient_id) references patients (practice_id, id),
      foreign key (practice_id, appointment_id) references appointments (practice_id, id)
    )`.execute(db);
  await sql`create index form_requests_client_idx on form_requests (practice_id, client_id, status)`.execute(db);
  await sql`create index form_requests_status_idx on form_requests (practice_id, status, updated_at)`.execute(db);
  await isolate(db, "form_requests", "select, insert, update");

  // Forms sent with each booking's confirmation of an appointment type.
  await sql`
    create table appointment_type_forms (
      practice_id uuid not null,
      appointment_type_id uuid not null,
      form_id uuid not null,
      primary key (practice_id, appointment_type_id, form_id),
      foreign key (practice_id, appointment_type_id) references appointment_types (practice_id, id) on delete cascade,
      foreign key (practice_id, form_id) references forms (practice_id, id) on delete cascade
    )`.execute(db);
  await isolate(db, "appointment_type_forms", "select, insert, delete");

  await sql`alter table staff_roles drop constraint staff_roles_permissions_check`.execute(db);
  const known = PERMISSIONS.map((p) => `'${p}'`).join(", ");
  await sql.raw(`alter table staff_roles add constraint staff_roles_permissions_check check (permissions <@ array[${known}])`).execute(db);
  await sql`alter table staff_roles no force row level security`.execute(db);
  await sql`
    update staff_roles set permissions = array_append(permissions, 'manage_forms')
    where name in ('Owner', 'Practice manager') and not ('manage_forms' = any(permissions))`.execute(db);
  await sql`alter table staff_roles force row level security`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table staff_roles no force row level security`.execute(db);
  await sql`update staff_roles set permissions = array_remove(permissions, 'manage_forms')`.execute(db);
  await sql`alter table staff_roles force row level security`.execute(db);
  const known = PERMISSIONS.filter((p) => p !== "manage_forms").map((p) => `'${p}'`).join(", ");
  await sql`alter table staff_roles drop constraint staff_roles_permissions_check`.execute(db);
  await sql.raw(`alter table staff_roles add constraint staff_roles_permissions_check check (permissions <@ array[${known}])`).execute(db);
  for (const table of ["appointment_type_forms", "form_requests", "form_versions", "forms"]) await sql.raw(`drop table ${table}`).execute(db);
}
