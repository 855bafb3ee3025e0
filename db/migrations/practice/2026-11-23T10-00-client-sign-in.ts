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
  // Only a SHA-256 of each token is stored: a copy of this table signs nobody in. `email` is the address the link
  // was mailed to: if staff correct that address, the link stops working.
  await sql`
    create table client_sign_in_links (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      client_id uuid not null,
      client_email_id uuid not null,
      email text not null,
      token_hash bytea not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      revoked_at timestamptz,
      primary key (practice_id, id),
      foreign key (practice_id, client_id) references clients (practice_id, id) on delete cascade,
      foreign key (practice_id, client_email_id) references client_emails (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index client_sign_in_links_token_idx on client_sign_in_links (practice_id, token_hash)`.execute(db);
  await sql`create index client_sign_in_links_client_idx on client_sign_in_links (practice_id, client_id) where used_at is null and revoked_at is null`.execute(db);

  // The session id is the SHA-256 of the cookie's secret. Removing the email used to sign in removes its sessions;
  // `email` keeps the address as it was, so editing that address ends them too.
  await sql`
    create table client_sessions (
      practice_id uuid not null,
      id text not null,
      client_id uuid not null,
      client_email_id uuid not null,
      email text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      ip text,
      user_agent text,
      primary key (practice_id, id),
      foreign key (practice_id, client_id) references clients (practice_id, id) on delete cascade,
      foreign key (practice_id, client_email_id) references client_emails (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index client_sessions_client_idx on client_sessions (practice_id, client_id)`.execute(db);

  // Fixed-window counters, shared by every server instance.
  await sql`
    create table rate_limit_counters (
      practice_id uuid not null,
      bucket text not null,
      window_start timestamptz not null,
      hits integer not null,
      primary key (practice_id, bucket, window_start)
    )`.execute(db);

  // Append-only for the runtime role: it may add and read events, never change or remove one.
  await sql`
    create table audit_events (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      -- Events of one millisecond still have an order.
      seq bigint generated always as identity,
      occurred_at timestamptz not null default now(),
      actor_type text not null check (actor_type in ('client', 'staff', 'support', 'system', 'anonymous')),
      actor_id uuid,
      action text not null,
      subject_type text,
      subject_id uuid,
      ip text,
      user_agent text,
      details jsonb not null default '{}',
      primary key (practice_id, id)
    )`.execute(db);
  await sql`create index audit_events_time_idx on audit_events (practice_id, occurred_at desc, seq desc)`.execute(db);

  await isolate(db, "client_sign_in_links", "select, insert, update");
  await isolate(db, "client_sessions", "select, insert, update, delete");
  await isolate(db, "rate_limit_counters", "select, insert, update, delete");
  await isolate(db, "audit_events", "select, insert");

  // The outbox is delivery infrastructure, not practice data: the worker must see every practice's mail, so it has
  // no row-level security. Request traffic may only add to it (no select: it cannot read other practices' mail
  // back); the worker uses the owner role. practice_id records whose mail it is.
  await sql`create schema mail`.execute(db);
  await sql`
    create table mail.outbox (
      id uuid primary key,
      practice_id uuid,
      created_at timestamptz not null default now(),
      kind text not null,
      from_name text not null,
      reply_to text,
      recipient text not null,
      subject text not null,
      html text not null,
      text text not null,
      status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'dead')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      last_error text,
      sent_at timestamptz,
      provider_message_id text
    )`.execute(db);
  await sql`create index outbox_due_idx on mail.outbox (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index outbox_status_idx on mail.outbox (status, created_at)`.execute(db);
  // Wakes the delivery worker when the inserting transaction commits; one notice per statement is enough.
  await sql`
    create function mail.notify_outbox() returns trigger language plpgsql as $$
    begin
      perform pg_notify('portico_outbox', '');
      return null;
    end $$`.execute(db);
  await sql`create trigger outbox_notify after insert on mail.outbox for each statement execute function mail.notify_outbox()`.execute(db);
  // Request traffic may add mail only for the practice it is scoped to. Enabled, not forced: the owner-role worker
  // reads every practice's mail.
  await sql`alter table mail.outbox enable row level security`.execute(db);
  await sql`
    create policy outbox_insert_own_practice on mail.outbox for insert to portico_app
      with check (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))`.execute(db);
  await sql`grant usage on schema mail to portico_app`.execute(db);
  await sql`grant insert on mail.outbox to portico_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema mail cascade`.execute(db);
  for (const table of ["audit_events", "rate_limit_counters", "client_sessions", "client_sign_in_links"]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
