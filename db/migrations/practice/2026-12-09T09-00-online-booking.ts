import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here. The permission names are copied from
// app/admin/permissions.ts as they were on this date.
const PERMISSIONS = [
  "admin_manage_pet_owner_portal",
  "admin_view_pet_owner_portal",
  "chart_access",
  "manage_booking",
  "manage_client_portal_access",
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
 * Online booking (docs/decisions/021-online-booking.md): the practice's booking settings, which appointment types
 * and practitioners clients may book, practitioners' weekly hours and dated exceptions, and `booked_time`, where
 * every hold and every appointment booked in Portico takes its practitioner's time under an exclusion constraint.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Trusted since PostgreSQL 13: the database owner may create it. Gives `=` on uuid to the GiST exclusion index.
  await sql`create extension if not exists btree_gist`.execute(db);

  await sql`
    alter table practice_settings
      add column booking_mode text not null default 'off' check (booking_mode in ('off', 'direct')),
      add column booking_min_notice_minutes integer not null default 120 check (booking_min_notice_minutes between 0 and 20160),
      add column booking_max_advance_days integer not null default 60 check (booking_max_advance_days between 1 and 365),
      add column booking_slot_step_minutes integer not null default 15 check (booking_slot_step_minutes in (5, 10, 15, 20, 30, 60)),
      add column booking_cancel_window_hours integer not null default 24 check (booking_cancel_window_hours between 0 and 720),
      add column booking_new_patients boolean not null default false`.execute(db);
  await sql`alter table practice_settings no force row level security`.execute(db);
  await sql`update practice_settings set booking_mode = 'direct' where direct_booking_enabled`.execute(db);
  await sql`alter table practice_settings force row level security`.execute(db);
  await sql`alter table practice_settings drop column direct_booking_enabled`.execute(db);

  // A practitioner who also signs in as staff: what the client's "available practitioners" list (staff) names.
  await sql`
    alter table practitioners
      add column staff_member_id uuid,
      add column bookable boolean not null default false,
      add foreign key (practice_id, staff_member_id) references staff_members (practice_id, id)`.execute(db);
  await sql`create unique index practitioners_staff_member_unique on practitioners (practice_id, staff_member_id)`.execute(db);

  await sql`
    alter table appointment_types
      add column buffer_minutes integer not null default 0 check (buffer_minutes between 0 and 240),
      add column bookable_online boolean not null default false,
      add column species text[] not null default '{}'`.execute(db);

  // What the client wrote when booking (why the visit): for the practice, beside the type as the appointment's title.
  await sql`alter table appointments add column client_note text check (length(client_note) between 1 and 500 and client_note !~ '[\\x01-\\x08\\x0b-\\x1f\\x7f]')`.execute(db);

  // The slot search reads each candidate practitioner's upcoming appointments: without this it read every
  // appointment of the practice (bench:booking, 16,000 appointments: 4.7 ms → 1.2 ms).
  await sql`create index appointments_practitioner_time_idx on appointments (practice_id, practitioner_id, starts_at) where status in ('scheduled', 'confirmed')`.execute(db);

  await sql`
    create table appointment_type_practitioners (
      practice_id uuid not null,
      appointment_type_id uuid not null,
      practitioner_id uuid not null,
      primary key (practice_id, appointment_type_id, practitioner_id),
      foreign key (practice_id, appointment_type_id) references appointment_types (practice_id, id) on delete cascade,
      foreign key (practice_id, practitioner_id) references practitioners (practice_id, id) on delete cascade
    )`.execute(db);
  await isolate(db, "appointment_type_practitioners", "select, insert, delete");

  await sql`
    create table appointment_type_locations (
      practice_id uuid not null,
      appointment_type_id uuid not null,
      location_id uuid not null,
      primary key (practice_id, appointment_type_id, location_id),
      foreign key (practice_id, appointment_type_id) references appointment_types (practice_id, id) on delete cascade,
      foreign key (practice_id, location_id) references locations (practice_id, id) on delete cascade
    )`.execute(db);
  await isolate(db, "appointment_type_locations", "select, insert, delete");

  // Weekly hours on the wall clock of the location's practice time zone: ISO weekdays, Monday = 1.
  await sql`
    create table practitioner_hours (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      practitioner_id uuid not null,
      location_id uuid not null,
      weekday smallint not null check (weekday between 1 and 7),
      starts time not null,
      ends time not null check (ends > starts),
      primary key (practice_id, id),
      foreign key (practice_id, practitioner_id) references practitioners (practice_id, id) on delete cascade,
      foreign key (practice_id, location_id) references locations (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index practitioner_hours_practitioner_idx on practitioner_hours (practice_id, practitioner_id, weekday)`.execute(db);
  await isolate(db, "practitioner_hours", "select, insert, delete");

  // Dated changes to the weekly hours, as instants: time off and extra hours of one practitioner, or a closure of
  // the whole practice (no practitioner).
  await sql`
    create table schedule_exceptions (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      kind text not null check (kind in ('time_off', 'extra_hours', 'closure')),
      practitioner_id uuid,
      location_id uuid,
      starts_at timestamptz not null,
      ends_at timestamptz not null check (ends_at > starts_at),
      note text check (length(note) <= 200 and note !~ '[[:cntrl:]]'),
      created_at timestamptz not null default now(),
      primary key (practice_id, id),
      check ((kind = 'closure') = (practitioner_id is null)),
      check (kind <> 'extra_hours' or location_id is not null),
      foreign key (practice_id, practitioner_id) references practitioners (practice_id, id) on delete cascade,
      foreign key (practice_id, location_id) references locations (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index schedule_exceptions_time_idx on schedule_exceptions (practice_id, starts_at)`.execute(db);
  await isolate(db, "schedule_exceptions", "select, insert, delete");

  // A hold (no appointment yet, expires) or an appointment booked in Portico. The exclusion constraint is what makes
  // double booking impossible: two rows of one practitioner never overlap, whichever transaction comes second fails.
  // An expired hold is deleted by the next booking that needs its time, so no background job is needed for that.
  await sql`
    create table booked_time (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      practitioner_id uuid not null,
      during tstzrange not null check (not isempty(during) and lower_inf(during) = false and upper_inf(during) = false),
      client_id uuid not null,
      patient_id uuid,
      location_id uuid not null,
      appointment_type_id uuid not null,
      appointment_id uuid,
      hold_expires_at timestamptz,
      -- A hold for moving this (online-booked) appointment: confirmed, the appointment keeps its id and history.
      reschedule_of uuid,
      created_at timestamptz not null default now(),
      primary key (practice_id, id),
      check ((appointment_id is null) = (hold_expires_at is not null)),
      check (reschedule_of is null or appointment_id is null),
      foreign key (practice_id, reschedule_of) references appointments (practice_id, id) on delete cascade,
      foreign key (practice_id, practitioner_id) references practitioners (practice_id, id),
      foreign key (practice_id, client_id) references clients (practice_id, id),
      foreign key (practice_id, patient_id) references patients (practice_id, id),
      foreign key (practice_id, location_id) references locations (practice_id, id),
      foreign key (practice_id, appointment_type_id) references appointment_types (practice_id, id),
      foreign key (practice_id, appointment_id) references appointments (practice_id, id) on delete cascade,
      exclude using gist (practice_id with =, practitioner_id with =, during with &&)
    )`.execute(db);
  await sql`create unique index booked_time_appointment_unique on booked_time (practice_id, appointment_id)`.execute(db);
  await sql`create index booked_time_client_idx on booked_time (practice_id, client_id)`.execute(db);
  await isolate(db, "booked_time", "select, insert, update, delete");

  await sql`alter table staff_roles drop constraint staff_roles_permissions_check`.execute(db);
  const known = PERMISSIONS.map((p) => `'${p}'`).join(", ");
  await sql.raw(`alter table staff_roles add constraint staff_roles_permissions_check check (permissions <@ array[${known}])`).execute(db);
  // As for manage_integrations: the roles every practice started with as having every permission get it too.
  await sql`alter table staff_roles no force row level security`.execute(db);
  await sql`
    update staff_roles set permissions = array_append(permissions, 'manage_booking')
    where name in ('Owner', 'Practice manager') and not ('manage_booking' = any(permissions))`.execute(db);
  await sql`alter table staff_roles force row level security`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table staff_roles no force row level security`.execute(db);
  await sql`update staff_roles set permissions = array_remove(permissions, 'manage_booking')`.execute(db);
  await sql`alter table staff_roles force row level security`.execute(db);
  const known = PERMISSIONS.filter((p) => p !== "manage_booking").map((p) => `'${p}'`).join(", ");
  await sql`alter table staff_roles drop constraint staff_roles_permissions_check`.execute(db);
  await sql.raw(`alter table staff_roles add constraint staff_roles_permissions_check check (permissions <@ array[${known}])`).execute(db);
  for (const table of ["booked_time", "schedule_exceptions", "practitioner_hours", "appointment_type_locations", "appointment_type_practitioners"]) {
    await sql.raw(`drop table ${table}`).execute(db);
  }
  await sql`drop index appointments_practitioner_time_idx`.execute(db);
  await sql`alter table appointments drop column client_note`.execute(db);
  await sql`alter table appointment_types drop column buffer_minutes, drop column bookable_online, drop column species`.execute(db);
  await sql`drop index practitioners_staff_member_unique`.execute(db);
  await sql`alter table practitioners drop column staff_member_id, drop column bookable`.execute(db);
  await sql`alter table practice_settings add column direct_booking_enabled boolean not null default false`.execute(db);
  await sql`alter table practice_settings no force row level security`.execute(db);
  await sql`update practice_settings set direct_booking_enabled = (booking_mode = 'direct')`.execute(db);
  await sql`alter table practice_settings force row level security`.execute(db);
  await sql`
    alter table practice_settings
      drop column booking_mode, drop column booking_min_notice_minutes, drop column booking_max_advance_days,
      drop column booking_slot_step_minutes, drop column booking_cancel_window_hours, drop column booking_new_patients`.execute(db);
}
