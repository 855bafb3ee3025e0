import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here. The reserved labels are copied from tenants/subdomain.ts as
// they were on this date; a later migration replaces the constraint when that list grows.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create schema platform`.execute(db);

  await sql`
    create table platform.practices (
      id uuid primary key default gen_random_uuid(),
      subdomain text not null,
      -- The name goes into email subjects and headers: no control characters.
      name text not null check (length(btrim(name)) between 2 and 120 and name !~ '[[:cntrl:]]'),
      kind text not null check (kind in ('veterinary', 'human')),
      status text not null default 'active' check (status in ('active', 'suspended')),
      deployment text not null default 'shared' check (deployment in ('shared', 'dedicated')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint practices_subdomain_key unique (subdomain),
      constraint practices_subdomain_format check (
        subdomain ~ '^[a-z0-9]([a-z0-9-]{1,61})[a-z0-9]$' and subdomain !~ '^xn--'
      ),
      constraint practices_subdomain_not_reserved check (subdomain not in (
        'www', 'support', 'admin', 'api', 'app', 'apps', 'mail', 'email', 'smtp', 'imap', 'pop', 'ftp', 'static',
        'assets', 'cdn', 'media', 'files', 'status', 'help', 'docs', 'portal', 'login', 'logout', 'auth', 'sso',
        'oauth', 'account', 'accounts', 'billing', 'dashboard', 'dev', 'staging', 'test', 'demo', 'blog', 'news',
        'ns1', 'ns2', 'dns', 'mx', 'vpn', 'internal', 'localhost', 'root', 'system', 'security', 'abuse',
        'postmaster', 'hostmaster', 'webmaster', 'info', 'contact', 'portico'
      ))
    )`.execute(db);

  await sql`create index practices_name_lower_idx on platform.practices (lower(name))`.execute(db);

  // A practice's address is printed on letters, reminders and email signatures: once issued it can never move.
  await sql`
    create function platform.practices_subdomain_is_permanent() returns trigger language plpgsql as $$
    begin
      if new.subdomain is distinct from old.subdomain then
        raise exception 'the subdomain of a practice cannot be changed (practice %)', old.id
          using errcode = 'check_violation';
      end if;
      new.updated_at := now();
      return new;
    end $$`.execute(db);
  await sql`
    create trigger practices_subdomain_is_permanent before update on platform.practices
    for each row execute function platform.practices_subdomain_is_permanent()`.execute(db);

  // Every running server caches resolutions; this tells them all at once that one changed.
  await sql`
    create function platform.notify_practice_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('portico_practice_changed', coalesce(new.subdomain, old.subdomain));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger practices_notify_changed after insert or update or delete on platform.practices
    for each row execute function platform.notify_practice_changed()`.execute(db);

  await sql`grant usage on schema platform to portico_app`.execute(db);
  await sql`grant select on platform.practices to portico_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema platform cascade`.execute(db);
}
