import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connection, connect } from "../../db/connection.server";
import type { Database } from "../../db/schema";
import { type PracticeTransaction, withPractice } from "../../db/with-practice.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { errorCode } from "../support/errors";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";
import { proxied } from "../support/tcp-proxy";

let db: TestDatabase;
let a: PracticeFixture;
let b: PracticeFixture;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createPracticeFixture(db.owner.db, "practice-a");
  b = await createPracticeFixture(db.owner.db, "practice-b");
});

describe("as the runtime role, with practice A's setting", () => {
  it("sees A's rows and none of B's", async () => {
    const clients = await withPractice(db.app.db, a.practice, (trx) => trx.selectFrom("clients").select(["id", "practice_id"]).execute());
    expect(clients).toEqual([{ id: a.clientId, practice_id: a.practice.id }]);
    const byB = await withPractice(db.app.db, a.practice, (trx) => trx.selectFrom("patients").selectAll().where("practice_id", "=", b.practice.id).execute());
    expect(byB).toEqual([]);
    const byId = await withPractice(db.app.db, a.practice, (trx) => trx.selectFrom("patients").selectAll().where("id", "=", b.patientId).execute());
    expect(byId).toEqual([]);
  });

  it("cannot insert a row for B", async () => {
    const attempt = withPractice(db.app.db, a.practice, (trx) =>
      trx.insertInto("clients").values({ practice_id: b.practice.id, first_name: "Intruder", last_name: "X" }).execute(),
    );
    await expect(attempt).rejects.toSatisfy((error) => errorCode(error) === "42501");
  });

  it("cannot point A's row at B's parent (composite foreign key)", async () => {
    const attempt = withPractice(db.app.db, a.practice, (trx) =>
      trx.insertInto("client_emails").values({ practice_id: a.practice.id, client_id: b.clientId, email: "x@example.com" }).execute(),
    );
    await expect(attempt).rejects.toSatisfy((error) => errorCode(error) === "23503");
  });

  it("cannot update or delete B's rows, nor move A's rows to B", async () => {
    const updated = await withPractice(db.app.db, a.practice, (trx) =>
      trx.updateTable("clients").set({ first_name: "Changed" }).where("practice_id", "=", b.practice.id).executeTakeFirst(),
    );
    expect(updated.numUpdatedRows).toBe(0n);
    const deleted = await withPractice(db.app.db, a.practice, (trx) => trx.deleteFrom("patients").where("id", "=", b.patientId).executeTakeFirst());
    expect(deleted.numDeletedRows).toBe(0n);
    const moved = withPractice(db.app.db, a.practice, (trx) => trx.updateTable("patients").set({ practice_id: b.practice.id }).where("id", "=", a.patientId).execute());
    await expect(moved).rejects.toSatisfy((error) => errorCode(error) === "42501");

    const bRows = await withPractice(db.app.db, b.practice, (trx) => trx.selectFrom("clients").select("first_name").execute());
    expect(bRows).toEqual([{ first_name: "Client" }]);
    const bPatients = await withPractice(db.app.db, b.practice, (trx) => trx.selectFrom("patients").select("id").execute());
    expect(bPatients).toEqual([{ id: b.patientId }]);
  });
});

describe("as the runtime role, with no setting", () => {
  it("sees no rows at all (fail closed)", async () => {
    for (const table of ["clients", "client_emails", "patients", "practice_settings", "locations", "staff_members"] as const) {
      const rows = await db.app.db.selectFrom(table).selectAll().execute();
      expect(rows, table).toEqual([]);
    }
  });

  it("cannot insert", async () => {
    const attempt = db.app.db.insertInto("clients").values({ practice_id: a.practice.id, first_name: "No", last_name: "Scope" }).execute();
    await expect(attempt).rejects.toSatisfy((error) => errorCode(error) === "42501");
  });
});

describe("the setting on a pooled connection", () => {
  const single = { pool: undefined as ReturnType<typeof connect> | undefined };
  beforeAll(() => {
    single.pool = connect(db.appUrl, { max: 1 });
  });
  afterAll(async () => {
    await single.pool?.close();
  });

  it("does not survive the transaction", async () => {
    const pool = single.pool!;
    const inside = await withPractice(pool.db, a.practice, (trx) => trx.selectFrom("clients").select("id").execute());
    expect(inside).toHaveLength(1);
    const { rows } = await sql<{ setting: string | null }>`select current_setting('app.practice_id', true) as setting`.execute(pool.db);
    expect(rows[0]?.setting ?? "").toBe("");
    expect(await pool.db.selectFrom("clients").select("id").execute()).toEqual([]);
  });

  it("does not survive a failed transaction either", async () => {
    const pool = single.pool!;
    await expect(withPractice(pool.db, a.practice, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await pool.db.selectFrom("patients").select("id").execute()).toEqual([]);
  });
});

describe("withPractice itself", () => {
  it("refuses a handle kept past its transaction, which would otherwise run under the next practice's scope", async () => {
    const pool = connect(db.appUrl, { max: 1 });
    try {
      let kept: PracticeTransaction | undefined;
      await withPractice(pool.db, a.practice, async (trx) => {
        kept = trx;
      });
      const attempt = withPractice(pool.db, b.practice, () => kept!.selectFrom("clients").select("id").execute());
      await expect(attempt).rejects.toThrow(/already committed/);
    } finally {
      await pool.close();
    }
  });

  it("prepares statements with parameters, so each costs one round trip after the first", async () => {
    const pool = connect(db.appUrl, { max: 1 });
    try {
      for (let i = 0; i < 2; i++) await withPractice(pool.db, a.practice, (trx) => trx.selectFrom("clients").select("id").where("id", "=", a.clientId).execute());
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(pool.db);
      expect(rows.filter((row) => row.statement.startsWith('select "id" from "clients" where "id" = $1'))).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });

  it("costs one round trip more than the same statements outside a transaction: its COMMIT", async () => {
    const { proxy, url } = await proxied(db.appUrl);
    const pool = connect(url, { max: 1 });
    const statements = async (handle: Kysely<Database>) => {
      await handle.selectFrom("clients").select("id").where("id", "=", a.clientId).execute();
      await handle.selectFrom("patients").select("id").where("client_id", "=", a.clientId).execute();
      await handle.selectFrom("client_emails").select("email").where("client_id", "=", a.clientId).execute();
    };
    const roundTrips = async (work: () => Promise<unknown>) => {
      const before = proxy.roundTrips;
      await work();
      return proxy.roundTrips - before;
    };
    try {
      // The first time on a connection, each statement is also described: a round trip counted apart.
      await withPractice(pool.db, a.practice, statements);
      await statements(pool.db);
      const outside = await roundTrips(() => statements(pool.db));
      const inside = await roundTrips(() => withPractice(pool.db, a.practice, statements));
      expect(outside).toBe(3);
      expect(inside).toBe(outside + 1);
    } finally {
      await pool.close();
      await proxy.stop();
    }
  });

  const clientsOfA = (pool: Connection) => withPractice(pool.db, a.practice, (trx) => trx.selectFrom("clients").select("id").execute());

  // On a warmed connection the scope is prepared, so BEGIN, the scope and the first statement go out together.
  async function onWarmedConnection(test: (pool: Connection) => Promise<void>): Promise<void> {
    const pool = connect(db.appUrl, { max: 1 });
    try {
      await clientsOfA(pool);
      await test(pool);
    } finally {
      await pool.close();
    }
  }

  it("fails the request when the scope fails, and leaves the connection clean for the next", () =>
    onWarmedConnection(async (pool) => {
      const attempt = withPractice(pool.db, { id: "not-a-practice\u0000" }, (trx) => trx.selectFrom("clients").select("id").execute());
      // The caller sees the scope's own failure (invalid text), not the aborted transaction that follows from it.
      await expect(attempt).rejects.toSatisfy((error) => errorCode(error) === "22021");
      expect(await clientsOfA(pool)).toEqual([{ id: a.clientId }]);
    }));

  it("fails a first statement that cannot be sent (an undefined value) without stalling the connection behind BEGIN", () =>
    onWarmedConnection(async (pool) => {
      const attempt = withPractice(pool.db, a.practice, (trx) => trx.selectFrom("clients").select("id").where("id", "=", undefined as unknown as string).execute());
      await expect(attempt).rejects.toSatisfy((error) => errorCode(error) === "UNDEFINED_VALUE");
      expect(await clientsOfA(pool)).toEqual([{ id: a.clientId }]);
    }));

  it("streams rows under the scope, as a transaction's first statement too", () =>
    onWarmedConnection(async (pool) => {
      const streamed = await withPractice(pool.db, a.practice, async (trx) => {
        const rows = [];
        for await (const row of trx.selectFrom("clients").select("id").stream(10)) rows.push(row);
        return rows;
      });
      expect(streamed).toEqual([{ id: a.clientId }]);
    }));

  it("keeps working on a running server when a migration adds a column (select * is never prepared)", async () => {
    const pool = connect(db.appUrl, { max: 1 });
    const everything = () => withPractice(pool.db, a.practice, (trx) => trx.selectFrom("clients").selectAll().where("id", "=", a.clientId).execute());
    const named = () => withPractice(pool.db, a.practice, (trx) => trx.selectFrom("clients").select(["id", "first_name"]).where("id", "=", a.clientId).execute());
    try {
      expect(await everything()).toHaveLength(1);
      expect(await named()).toHaveLength(1);
      await sql`alter table clients add column added_by_a_migration integer`.execute(db.owner.db);
      const [row] = await everything();
      expect(row).toHaveProperty("added_by_a_migration", null);
      expect(await named()).toHaveLength(1);
    } finally {
      await sql`alter table clients drop column if exists added_by_a_migration`.execute(db.owner.db);
      await pool.close();
    }
  });
});

describe("the runtime role itself", () => {
  it("is not a superuser and cannot bypass row-level security", async () => {
    const { rows } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>`
      select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user`.execute(db.app.db);
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false }]);
  });

  it("owns no table, schema or function", async () => {
    const { rows } = await sql<{ owned: number }>`
      select (select count(*) from pg_class where relowner = r.oid)::int
           + (select count(*) from pg_namespace where nspowner = r.oid)::int
           + (select count(*) from pg_proc where proowner = r.oid)::int as owned
      from pg_roles r where r.rolname = current_user`.execute(db.app.db);
    expect(rows).toEqual([{ owned: 0 }]);
  });

  it("may read the practice registry but not change it", async () => {
    const practices = await db.app.db.selectFrom("platform.practices").select("subdomain").orderBy("subdomain").execute();
    expect(practices.map((p) => p.subdomain)).toEqual(["practice-a", "practice-b"]);
    const attempt = db.app.db.updateTable("platform.practices").set({ status: "suspended" }).where("subdomain", "=", "practice-b").execute();
    await expect(attempt).rejects.toSatisfy((error) => errorCode(error) === "42501");
  });

  it("cannot create temporary tables (which could shadow practice tables on a pooled connection)", async () => {
    await expect(sql`create temporary table client_sessions (id text)`.execute(db.app.db)).rejects.toSatisfy((error) => errorCode(error) === "42501");
  });

  it("cannot switch off row-level security", async () => {
    await expect(sql`alter table clients no force row level security`.execute(db.app.db)).rejects.toSatisfy((error) => errorCode(error) === "42501");
  });
});
