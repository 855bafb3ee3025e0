import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";

// Schemas that are not practice data: the control plane, migration bookkeeping, the mail outbox and the webhook
// queue (delivery infrastructure the runtime role may only insert into; see their own tests) and Postgres' own.
const NOT_PRACTICE_DATA = ["platform", "migrations", "mail", "webhook_queue", "pg_catalog", "information_schema", "pg_toast"];

type TableFacts = {
  table: string;
  rls: boolean;
  forced: boolean;
  practiceIdType: string | null;
  practiceIdNotNull: boolean | null;
  policies: { name: string; command: string; permissive: boolean; using: string | null; check: string | null }[];
  indexes: { name: string; firstColumn: string | null }[];
};

let db: TestDatabase;
let tables: TableFacts[];

async function readCatalogue(): Promise<TableFacts[]> {
  const rows = await sql<{ table: string; rls: boolean; forced: boolean; practice_id_type: string | null; practice_id_not_null: boolean | null; oid: number }>`
    select c.oid::int as oid, n.nspname || '.' || c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
           format_type(a.atttypid, a.atttypmod) as practice_id_type, a.attnotnull as practice_id_not_null
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attribute a on a.attrelid = c.oid and a.attname = 'practice_id' and not a.attisdropped
    where c.relkind in ('r', 'p') and n.nspname <> all(${NOT_PRACTICE_DATA}::text[])
    order by 2`.execute(db.owner.db);
  return Promise.all(
    rows.rows.map(async (row) => {
      const policies = await sql<TableFacts["policies"][number]>`
        select polname as name, polcmd::text as command, polpermissive as permissive,
               pg_get_expr(polqual, polrelid) as using, pg_get_expr(polwithcheck, polrelid) as check
        from pg_policy where polrelid = ${row.oid}`.execute(db.owner.db);
      const indexes = await sql<TableFacts["indexes"][number]>`
        select ic.relname as name, a.attname as "firstColumn"
        from pg_index i
        join pg_class ic on ic.oid = i.indexrelid
        left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
        where i.indrelid = ${row.oid}`.execute(db.owner.db);
      return {
        table: row.table,
        rls: row.rls,
        forced: row.forced,
        practiceIdType: row.practice_id_type,
        practiceIdNotNull: row.practice_id_not_null,
        policies: policies.rows,
        indexes: indexes.rows,
      };
    }),
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  tables = await readCatalogue();
});

// The policy expression exactly as Postgres deparses the architecture's rule; anything looser is a leak waiting.
const POLICY_EXPRESSION = `(practice_id = ( SELECT (NULLIF(current_setting('app.practice_id'::text, true), ''::text))::uuid AS "nullif"))`;

describe("every table outside the control plane is isolated by practice", () => {
  it("finds the practice tables (the check is not vacuous)", () => {
    expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining(["public.clients", "public.client_emails", "public.patients", "public.practice_settings"]));
  });

  it("has a non-null uuid practice_id", () => {
    const broken = tables.filter((t) => t.practiceIdType !== "uuid" || t.practiceIdNotNull !== true).map((t) => t.table);
    expect(broken).toEqual([]);
  });

  it("enables and forces row-level security", () => {
    expect(tables.filter((t) => !t.rls).map((t) => t.table)).toEqual([]);
    expect(tables.filter((t) => !t.forced).map((t) => t.table)).toEqual([]);
  });

  it("has exactly one permissive policy for all commands on the per-transaction setting, using and checking", () => {
    const broken = tables
      .filter((t) => {
        if (t.policies.length !== 1) return true;
        const [policy] = t.policies;
        return (
          !policy ||
          policy.command !== "*" ||
          !policy.permissive ||
          policy.using !== POLICY_EXPRESSION ||
          policy.check !== POLICY_EXPRESSION
        );
      })
      .map((t) => `${t.table}: ${JSON.stringify(t.policies)}`);
    expect(broken).toEqual([]);
  });

  it("leads every index with practice_id", () => {
    const broken = tables.flatMap((t) => t.indexes.filter((i) => i.firstColumn !== "practice_id").map((i) => `${t.table}.${i.name}`));
    expect(broken).toEqual([]);
  });

  it("notices a table created without isolation (the guard itself works)", async () => {
    await sql`create table unprotected_notes (id integer primary key, body text)`.execute(db.owner.db);
    const facts = (await readCatalogue()).find((t) => t.table === "public.unprotected_notes");
    await sql`drop table unprotected_notes`.execute(db.owner.db);
    expect(facts).toMatchObject({ rls: false, forced: false, practiceIdType: null, policies: [], indexes: [{ firstColumn: "id" }] });
  });
});
