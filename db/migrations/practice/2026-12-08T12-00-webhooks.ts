import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here. Event type names are not constrained in SQL: the catalogue
// in server/events grows with each feature, and old rows keep the names they were recorded with.

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
  // Every change the practice's own system needs, recorded in the transaction of the change. Ids only, and the few
  // facts a practice system needs to act; never more health information than that.
  await sql`
    create table domain_events (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      type text not null check (type ~ '^[a-z_]+(\\.[a-z_]+)+$'),
      data jsonb not null,
      occurred_at timestamptz not null,
      primary key (practice_id, id)
    )`.execute(db);
  await sql`create index domain_events_recent_idx on domain_events (practice_id, occurred_at desc)`.execute(db);
  await isolate(db, "domain_events", "select, insert");

  // The signing secret (whsec_…) is sealed with the platform key, bound to its row; shown once when made.
  await sql`
    create table webhook_endpoints (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      url text not null check (length(url) <= 2000),
      description text not null default '' check (length(description) <= 200),
      event_types text[] not null check (cardinality(event_types) > 0),
      secret_sealed text not null,
      enabled boolean not null default true,
      disabled_reason text,
      disabled_at timestamptz,
      failing_since timestamptz,
      created_by uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (practice_id, id)
    )`.execute(db);
  await isolate(db, "webhook_endpoints", "select, insert, update, delete");

  // One row per (event, endpoint) send; a replay is a new row pointing at the one it replays. The last attempt's
  // outcome is kept on the row: that is the delivery log.
  await sql`
    create table webhook_deliveries (
      practice_id uuid not null,
      id uuid not null default gen_random_uuid(),
      event_id uuid not null,
      endpoint_id uuid not null,
      status text not null default 'pending' check (status in ('pending', 'succeeded', 'dead', 'cancelled')),
      attempts integer not null default 0,
      next_attempt_at timestamptz,
      last_attempt_at timestamptz,
      last_status_code integer,
      last_error text,
      last_duration_ms integer,
      replay_of uuid,
      created_at timestamptz not null,
      primary key (practice_id, id),
      foreign key (practice_id, event_id) references domain_events (practice_id, id) on delete cascade,
      foreign key (practice_id, endpoint_id) references webhook_endpoints (practice_id, id) on delete cascade
    )`.execute(db);
  await sql`create index webhook_deliveries_endpoint_idx on webhook_deliveries (practice_id, endpoint_id, created_at desc)`.execute(db);
  await sql`create index webhook_deliveries_event_idx on webhook_deliveries (practice_id, event_id)`.execute(db);
  await isolate(db, "webhook_deliveries", "select, insert, update");

  // The worker's queue: ids and due times only, no practice data, so the worker can find what is due across
  // practices without reading past row-level security; it then opens each delivery inside that practice's scope.
  // Like mail.outbox: request traffic may only insert (for its own practice); the owner-role worker reads it.
  await sql`create schema webhook_queue`.execute(db);
  await sql`
    create table webhook_queue.due (
      delivery_id uuid primary key,
      practice_id uuid not null,
      due_at timestamptz not null,
      lease_token uuid
    )`.execute(db);
  await sql`create index due_at_idx on webhook_queue.due (due_at)`.execute(db);
  await sql`
    create function webhook_queue.notify_due() returns trigger language plpgsql as $$
    begin
      perform pg_notify('portico_webhooks', '');
      return null;
    end $$`.execute(db);
  await sql`create trigger due_notify after insert on webhook_queue.due for each statement execute function webhook_queue.notify_due()`.execute(db);
  await sql`alter table webhook_queue.due enable row level security`.execute(db);
  await sql`
    create policy due_insert_own_practice on webhook_queue.due for insert to portico_app
      with check (practice_id = (select nullif(current_setting('app.practice_id', true), '')::uuid))`.execute(db);
  await sql`grant usage on schema webhook_queue to portico_app`.execute(db);
  await sql`grant insert on webhook_queue.due to portico_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema webhook_queue cascade`.execute(db);
  await sql`drop table webhook_deliveries`.execute(db);
  await sql`drop table webhook_endpoints`.execute(db);
  await sql`drop table domain_events`.execute(db);
}
