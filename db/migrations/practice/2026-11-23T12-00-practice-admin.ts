import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here. The permission names are copied from
// app/admin/permissions.ts as they were on this date.

async function isolate(db: Kysely<any>, table: string, grants: string): Promise<void> {
  await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
  await sql`alter table ${sql.table(table)} force row level security`.execute(db);
  await sql`
    create policy practice_isolation on ${sql.table(table)}
      using (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))
      with check (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))`.execute(db);
  await sql.raw(`grant ${grants} on ${table} to portico_app`).execute(db);
}

const PERMISSIONS = [
  "admin_manage_pet_owner_portal",
  "admin_view_pet_owner_portal",
  "chart_access",
  "manage_client_portal_access",
  "manage_staff",
  "view_audit_log",
];

export async function up(db: Kysely<any>): Promise<void> {
  const known = PERMISSIONS.map((p) => `'${p}'`).join(", ");
  await sql.raw(`
    create table staff_roles (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      name text not null check (length(btrim(name)) between 1 and 60),
      permissions text[] not null default '{}' check (permissions <@ array[${known}]),
      created_at timestamptz not null default now(),
      primary key (practice_id, id)
    )`).execute(db);
  await sql`create unique index staff_roles_name_unique on staff_roles (practice_id, lower(name))`.execute(db);

  await sql`
    alter table staff_members
      add column role_id uuid,
      add column password_hash text,
      add column last_sign_in_at timestamptz,
      add column totp_secret bytea,
      add column totp_enabled_at timestamptz,
      add column totp_last_step bigint,
      add constraint staff_members_role_fk foreign key (practice_id, role_id) references staff_roles (practice_id, id)`.execute(db);
  await sql`create index staff_members_role_idx on staff_members (practice_id, role_id)`.execute(db);

  // Staff sessions: 12 hours at most, 30 minutes idle. The id is a SHA-256 of the cookie's secret. A session that
  // still owes its second factor (a code, or enrolling one) opens nothing but that step.
  await sql`
    create table staff_sessions (
      practice_id uuid not null,
      id text not null,
      staff_id uuid not null,
      stage text not null default 'full' check (stage in ('full', 'awaiting_code', 'enrollment_required')),
      code_attempts integer not null default 0,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      last_seen_at timestamptz not null,
      ip text,
      user_agent text,
      primary key (practice_id, id),
      foreign key (practice_id, staff_id) references staff_members (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index staff_sessions_staff_idx on staff_sessions (practice_id, staff_id)`.execute(db);

  // Invitations: a 3-day, single-use link to set one's own password. Only a SHA-256 of the token is stored.
  await sql`
    create table staff_invitations (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      staff_id uuid not null,
      token_hash bytea not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      invited_by uuid,
      primary key (practice_id, id),
      foreign key (practice_id, staff_id) references staff_members (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index staff_invitations_token_idx on staff_invitations (practice_id, token_hash)`.execute(db);
  await sql`create index staff_invitations_staff_idx on staff_invitations (practice_id, staff_id)`.execute(db);

  await sql`
    alter table practice_settings
      add column direct_booking_enabled boolean not null default false,
      add column staff_totp_required boolean not null default false`.execute(db);

  // Someone must always be able to manage staff: checked at commit, whatever changed the staff or their roles.
  await sql`
    create function keep_a_staff_manager() returns trigger language plpgsql set search_path = public, pg_catalog as $$
    declare
      practice uuid := coalesce(new.practice_id, old.practice_id);
    begin
      -- Serialise the check per practice: without the lock, two transactions that each remove the other manager
      -- both see the other still in place and both commit.
      perform pg_advisory_xact_lock(hashtext('portico.staff-managers:' || practice::text));
      if exists (select 1 from staff_members where practice_id = practice and active)
         and not exists (
           select 1 from staff_members m join staff_roles r on r.practice_id = m.practice_id and r.id = m.role_id
           where m.practice_id = practice and m.active and 'manage_staff' = any(r.permissions)) then
        raise exception 'at least one active staff member must be able to manage staff' using errcode = 'check_violation';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger staff_members_keep_a_manager after update or delete on staff_members
    deferrable initially deferred for each row execute function keep_a_staff_manager()`.execute(db);
  await sql`
    create constraint trigger staff_roles_keep_a_manager after update or delete on staff_roles
    deferrable initially deferred for each row execute function keep_a_staff_manager()`.execute(db);

  // Prefix search in the client directory, on the stored lower-case keys (leakproof comparisons under RLS).
  await sql`create index clients_last_name_prefix_idx on clients (practice_id, last_name_key text_pattern_ops)`.execute(db);
  await sql`create index clients_first_name_prefix_idx on clients (practice_id, first_name_key text_pattern_ops)`.execute(db);
  await sql`create index patients_name_prefix_idx on patients (practice_id, name_key text_pattern_ops)`.execute(db);
  // Staff type the end of a number ("2231", "010-2231"): its digits, reversed, make that a prefix search.
  await sql`
    alter table clients add column phone_digits_reversed text
      generated always as (reverse(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'))) stored`.execute(db);
  await sql`create index clients_phone_suffix_idx on clients (practice_id, phone_digits_reversed text_pattern_ops)`.execute(db);
  await sql`create index audit_events_actor_idx on audit_events (practice_id, actor_id, occurred_at desc)`.execute(db);

  await isolate(db, "staff_roles", "select, insert, update");
  // Staff are deactivated, never deleted, so their history keeps its names: the runtime role may not delete them.
  await sql`revoke delete on staff_members from portico_app`.execute(db);
  await isolate(db, "staff_sessions", "select, insert, update, delete");
  await isolate(db, "staff_invitations", "select, insert, update");

  // Practitioners a client may book with online (used by direct booking).
  await sql`
    create table client_available_practitioners (
      practice_id uuid not null,
      client_id uuid not null,
      staff_id uuid not null,
      primary key (practice_id, client_id, staff_id),
      foreign key (practice_id, client_id) references clients (practice_id, id) on delete cascade,
      foreign key (practice_id, staff_id) references staff_members (practice_id, id) on delete cascade
    )`.execute(db);
  await isolate(db, "client_available_practitioners", "select, insert, delete");
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger staff_roles_keep_a_manager on staff_roles`.execute(db);
  await sql`drop trigger staff_members_keep_a_manager on staff_members`.execute(db);
  await sql`drop function keep_a_staff_manager()`.execute(db);
  await sql`alter table practice_settings drop column direct_booking_enabled, drop column staff_totp_required`.execute(db);
  await sql`drop table client_available_practitioners`.execute(db);
  await sql`drop table staff_invitations`.execute(db);
  await sql`drop table staff_sessions`.execute(db);
  await sql`alter table staff_members drop constraint staff_members_role_fk, drop column role_id, drop column password_hash, drop column last_sign_in_at, drop column totp_secret, drop column totp_enabled_at, drop column totp_last_step`.execute(db);
  await sql`drop table staff_roles`.execute(db);
}
