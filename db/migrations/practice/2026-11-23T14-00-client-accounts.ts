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
  // Which ways in the portal offers; the platform sets it by kind when a practice is created.
  await sql`
    alter table practice_settings add column sign_in_methods text not null default 'magic_link'
      check (sign_in_methods in ('magic_link', 'password', 'both'))`.execute(db);

  // A portal login with a password, for one client record. `login_key` is what people type (normally an email).
  // Limited accounts see only what the client made or was asked to do; full ones what the sharing rules allow.
  await sql`
    create table client_accounts (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      client_id uuid not null,
      login text not null check (login = btrim(login) and length(login) between 3 and 254 and login !~ '[[:space:][:cntrl:]]'),
      login_key text generated always as (lower(login)) stored,
      password_hash text,
      password_temporary boolean not null default false,
      access_level text not null check (access_level in ('limited', 'full')),
      created_via text not null check (created_via in ('invitation', 'access_link', 'manual', 'self_registration')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      last_sign_in_at timestamptz,
      primary key (practice_id, id),
      foreign key (practice_id, client_id) references clients (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index client_accounts_one_per_client on client_accounts (practice_id, client_id)`.execute(db);
  await sql`create unique index client_accounts_login on client_accounts (practice_id, login_key)`.execute(db);

  // Invitations (3 days, create a password), access links (create or upgrade to full) and password resets (1 hour).
  // Kept after use, so staff can see each one's state.
  await sql`
    create table client_account_links (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      client_id uuid not null,
      kind text not null check (kind in ('invitation', 'access_link', 'password_reset')),
      email text not null,
      token_hash bytea not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_by uuid,
      primary key (practice_id, id),
      foreign key (practice_id, client_id) references clients (practice_id, id) on delete cascade,
      foreign key (practice_id, created_by) references staff_members (practice_id, id)
    )`.execute(db);
  await sql`create unique index client_account_links_token on client_account_links (practice_id, token_hash)`.execute(db);
  await sql`create index client_account_links_client_idx on client_account_links (practice_id, client_id, created_at)`.execute(db);

  // A session comes from an email on the client's record (magic link) or from an account (password).
  await sql`alter table client_sessions alter column client_email_id drop not null`.execute(db);
  await sql`alter table client_sessions add column account_id uuid`.execute(db);
  await sql`
    alter table client_sessions add constraint client_sessions_account_fk
      foreign key (practice_id, account_id) references client_accounts (practice_id, id) on delete cascade`.execute(db);
  // A temporary password must be replaced before anything else opens; a kiosk session opens the intake form only.
  await sql`
    alter table client_sessions add column stage text not null default 'full' check (stage in ('full', 'password_change_required', 'kiosk'))`.execute(db);
  await sql`
    alter table client_sessions add constraint client_sessions_has_origin
      check (client_email_id is not null or account_id is not null or stage = 'kiosk')`.execute(db);
  // Kiosk sessions end after 15 minutes without a request.
  await sql`alter table client_sessions add column last_seen_at timestamptz`.execute(db);
  // The family member whose records the session shows (null: the account holder's own).
  await sql`alter table client_sessions add column acting_client_id uuid`.execute(db);
  await sql`
    alter table client_sessions add constraint client_sessions_acting_fk
      foreign key (practice_id, acting_client_id) references clients (practice_id, id) on delete cascade`.execute(db);

  // One login, several client records: family members, and proxies with a subset of rights and an optional end.
  await sql`
    create table client_account_members (
      practice_id uuid not null,
      account_id uuid not null,
      client_id uuid not null,
      relationship text not null check (length(btrim(relationship)) between 1 and 60 and relationship !~ '[[:cntrl:]]'),
      permissions text[] not null check (permissions <@ array['view_records', 'view_appointments', 'book', 'fill_forms']::text[] and cardinality(permissions) > 0),
      ends_on date,
      created_at timestamptz not null default now(),
      created_by uuid,
      primary key (practice_id, account_id, client_id),
      foreign key (practice_id, account_id) references client_accounts (practice_id, id) on delete cascade,
      foreign key (practice_id, client_id) references clients (practice_id, id) on delete cascade,
      foreign key (practice_id, created_by) references staff_members (practice_id, id)
    )`.execute(db);
  await sql`create index client_account_members_client_idx on client_account_members (practice_id, client_id)`.execute(db);

  // Intake forms filled in the portal or on the practice's tablet (kiosk).
  await sql`
    create table intake_submissions (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      client_id uuid not null,
      submitted_at timestamptz not null,
      via text not null check (via in ('kiosk', 'portal')),
      answers jsonb not null,
      primary key (practice_id, id),
      foreign key (practice_id, client_id) references clients (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index intake_submissions_client_idx on intake_submissions (practice_id, client_id, submitted_at)`.execute(db);

  // Who put an appointment in the book: limited accounts see only the ones they booked themselves.
  await sql`alter table appointments add column booked_by text not null default 'practice' check (booked_by in ('practice', 'client'))`.execute(db);

  await isolate(db, "client_accounts", "select, insert, update, delete");
  await isolate(db, "client_account_links", "select, insert, update");
  await isolate(db, "client_account_members", "select, insert, update, delete");
  await isolate(db, "intake_submissions", "select, insert");
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table intake_submissions`.execute(db);
  await sql`drop table client_account_members`.execute(db);
  await sql`alter table appointments drop column booked_by`.execute(db);
  await sql`alter table client_sessions drop constraint client_sessions_has_origin`.execute(db);
  await sql`delete from client_sessions where stage = 'kiosk'`.execute(db);
  await sql`alter table client_sessions drop column acting_client_id`.execute(db);
  await sql`alter table client_sessions drop column last_seen_at`.execute(db);
  await sql`alter table client_sessions drop column stage`.execute(db);
  await sql`alter table client_sessions drop column account_id`.execute(db);
  await sql`delete from client_sessions where client_email_id is null`.execute(db);
  await sql`alter table client_sessions alter column client_email_id set not null`.execute(db);
  await sql`drop table client_account_links`.execute(db);
  await sql`drop table client_accounts`.execute(db);
  await sql`alter table practice_settings drop column sign_in_methods`.execute(db);
}
