import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here.
//
// Case-insensitive keys are stored generated columns, not lower(...) expressions: under row-level security a
// predicate calling a function that is not leakproof (lower, LIKE) cannot be an index condition, while comparisons
// of plain text columns can (docs/decisions/003-row-level-security.md).

async function isolate(db: Kysely<any>, table: string): Promise<void> {
  await sql`alter table ${sql.table(table)} enable row level security`.execute(db);
  await sql`alter table ${sql.table(table)} force row level security`.execute(db);
  await sql`
    create policy practice_isolation on ${sql.table(table)}
      using (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))
      with check (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))`.execute(db);
  await sql`grant select, insert, update, delete on ${sql.table(table)} to portico_app`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table practice_settings (
      practice_id uuid primary key,
      portal_enabled boolean not null default true,
      phone text check (phone !~ '[[:cntrl:]]'),
      -- These reach emails (Reply-To) and links: only well-formed values, never a javascript: URL.
      email text check (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
      website text check (website ~ '^https?://[^[:space:]]+$'),
      time_zone text not null default 'UTC',
      wording jsonb not null default '{}',
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table locations (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      name text not null,
      address text not null,
      phone text,
      email text,
      time_zone text not null,
      opening_hours jsonb not null default '[]',
      position integer not null default 0,
      created_at timestamptz not null default now(),
      primary key (practice_id, id)
    )`.execute(db);

  await sql`
    create table clients (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      first_name text not null,
      last_name text not null,
      phone text,
      status text not null default 'active' check (status in ('active', 'inactive')),
      portal_blocked boolean not null default false,
      last_name_key text generated always as (lower(last_name)) stored,
      first_name_key text generated always as (lower(first_name)) stored,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (practice_id, id)
    )`.execute(db);
  await sql`create index clients_name_idx on clients (practice_id, last_name_key, first_name_key, id)`.execute(db);

  // Emails are compared trimmed and case-insensitively; the check keeps stored values trimmed so the index matches.
  await sql`
    create table client_emails (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      client_id uuid not null,
      email text not null check (email = btrim(email) and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
      email_key text generated always as (lower(email)) stored,
      is_primary boolean not null default false,
      created_at timestamptz not null default now(),
      primary key (practice_id, id),
      foreign key (practice_id, client_id) references clients (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index client_emails_unique_per_client on client_emails (practice_id, client_id, email_key)`.execute(db);
  await sql`create unique index client_emails_one_primary on client_emails (practice_id, client_id) where is_primary`.execute(db);
  await sql`create index client_emails_lookup_idx on client_emails (practice_id, email_key text_pattern_ops)`.execute(db);

  await sql`
    create table alternative_contacts (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      client_id uuid not null,
      name text not null,
      relationship text,
      phone text,
      created_at timestamptz not null default now(),
      primary key (practice_id, id),
      foreign key (practice_id, client_id) references clients (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index alternative_contacts_client_idx on alternative_contacts (practice_id, client_id)`.execute(db);

  await sql`
    create table alternative_contact_emails (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      contact_id uuid not null,
      email text not null check (email = btrim(email) and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
      primary key (practice_id, id),
      foreign key (practice_id, contact_id) references alternative_contacts (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index alternative_contact_emails_contact_idx on alternative_contact_emails (practice_id, contact_id)`.execute(db);

  await sql`
    create table patients (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      client_id uuid not null,
      name text not null,
      name_key text generated always as (lower(name)) stored,
      species text,
      breed text,
      sex text,
      date_of_birth date,
      status text not null default 'active' check (status in ('active', 'inactive', 'deceased')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (practice_id, id),
      foreign key (practice_id, client_id) references clients (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index patients_client_idx on patients (practice_id, client_id)`.execute(db);

  await sql`
    create table staff_members (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      name text not null,
      email text not null check (email = btrim(email) and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
      email_key text generated always as (lower(email)) stored,
      job_title text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      primary key (practice_id, id)
    )`.execute(db);
  await sql`create unique index staff_members_email_unique on staff_members (practice_id, email_key)`.execute(db);

  for (const table of [
    "practice_settings",
    "locations",
    "clients",
    "client_emails",
    "alternative_contacts",
    "alternative_contact_emails",
    "patients",
    "staff_members",
  ]) {
    await isolate(db, table);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["staff_members", "patients", "alternative_contact_emails", "alternative_contacts", "client_emails", "clients", "locations", "practice_settings"]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
