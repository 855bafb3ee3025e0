import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  // Where a dedicated practice's data lives. The URLs carry credentials: they are stored sealed (AES-256-GCM under
  // PLATFORM_ENCRYPTION_KEY, bound to the row and field) and never shown back; `location` is the part safe to show.
  await sql`
    create table platform.database_placements (
      id uuid primary key default gen_random_uuid(),
      location text not null unique check (length(location) between 1 and 300 and location !~ '[[:cntrl:]@]'),
      owner_url_sealed text not null,
      app_url_sealed text not null,
      key_id text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`alter table platform.practices add column placement_id uuid references platform.database_placements (id)`.execute(db);
  await sql`
    alter table platform.practices add constraint practices_placement_matches_deployment
      check ((deployment = 'dedicated') = (placement_id is not null))`.execute(db);
  // One database per practice: two practices in one dedicated database would share its pool and its outages.
  await sql`create unique index practices_one_per_placement on platform.practices (placement_id) where placement_id is not null`.execute(db);
  // The runtime role opens pools with the runtime URL; the owner URL (migrations, outboxes) is not for it.
  await sql`grant select (id, location, app_url_sealed, key_id) on platform.database_placements to portico_app`.execute(db);

  await sql`
    create table platform.support_users (
      id uuid primary key default gen_random_uuid(),
      email text not null check (email = btrim(email) and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
      email_key text generated always as (lower(email)) stored,
      name text not null check (length(btrim(name)) between 1 and 120 and name !~ '[[:cntrl:]]'),
      password_hash text,
      totp_key bytea,
      totp_last_step bigint,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      constraint support_users_email_key unique (email_key)
    )`.execute(db);
  // Break-glass validation on practice hosts runs as the runtime role: it may learn who a support user is, never
  // their secrets.
  await sql`grant select (id, name, email, active) on platform.support_users to portico_app`.execute(db);

  await sql`
    create table platform.support_setup_tokens (
      token_hash bytea primary key,
      support_user_id uuid not null references platform.support_users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db);

  await sql`
    create table platform.support_sessions (
      id text primary key,
      support_user_id uuid not null references platform.support_users (id) on delete cascade,
      stage text not null check (stage in ('awaiting_code', 'enrollment_required', 'full')),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      ip text,
      user_agent text
    )`.execute(db);
  await sql`create index support_sessions_user_idx on platform.support_sessions (support_user_id)`.execute(db);

  await sql`
    create table platform.rate_limit_counters (
      bucket text not null,
      window_start timestamptz not null,
      hits integer not null,
      primary key (bucket, window_start)
    )`.execute(db);

  // Break-glass: a support user's time-limited look into one practice's admin. The one-time token carries the
  // support user from the support host to the practice host; the session key is the cookie there.
  await sql`
    create table platform.support_access_grants (
      id uuid primary key default gen_random_uuid(),
      support_user_id uuid not null references platform.support_users (id),
      practice_id uuid not null references platform.practices (id),
      reason text not null check (length(btrim(reason)) between 10 and 500),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      token_hash bytea not null unique,
      redeemed_at timestamptz,
      session_key text unique,
      ended_at timestamptz
    )`.execute(db);
  await sql`create index support_access_grants_practice_idx on platform.support_access_grants (practice_id, created_at)`.execute(db);
  await sql`grant select on platform.support_access_grants to portico_app`.execute(db);
  await sql`grant update (redeemed_at, session_key, ended_at) on platform.support_access_grants to portico_app`.execute(db);

  // The platform's own audit log: what support did, to which practice. Append-only for everyone.
  await sql`
    create table platform.audit_events (
      seq bigint generated always as identity primary key,
      occurred_at timestamptz not null default now(),
      support_user_id uuid references platform.support_users (id),
      action text not null,
      practice_id uuid references platform.practices (id),
      details jsonb not null default '{}',
      ip text,
      user_agent text
    )`.execute(db);
  await sql`create index platform_audit_events_practice_idx on platform.audit_events (practice_id, seq)`.execute(db);
  await sql`grant insert on platform.audit_events to portico_app`.execute(db);
  await sql`
    create function platform.audit_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the platform audit log is append-only' using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger audit_events_append_only before update or delete on platform.audit_events
    for each statement execute function platform.audit_events_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["audit_events", "support_access_grants", "rate_limit_counters", "support_sessions", "support_setup_tokens", "support_users"]) {
    await sql`drop table ${sql.table(`platform.${table}`)}`.execute(db);
  }
  await sql`drop function platform.audit_events_append_only()`.execute(db);
  await sql`alter table platform.practices drop column placement_id`.execute(db);
  await sql`drop table platform.database_placements`.execute(db);
}
