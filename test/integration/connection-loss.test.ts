import { sql } from "kysely";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../db/connection.server";
import { withPractice } from "../../db/with-practice.server";
import { adminUrl, createTestDatabase, type TestDatabase } from "../support/database";
import { errorCode } from "../support/errors";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";
import { proxied } from "../support/tcp-proxy";

// A database server that restarts, fails over or ends a backend must cost the requests it cut short, nothing more:
// no crash, no request left waiting forever, no statement landing in another request's session.

let db: TestDatabase;
let a: PracticeFixture;
let b: PracticeFixture;
let admin: postgres.Sql;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createPracticeFixture(db.owner.db, "practice-a");
  b = await createPracticeFixture(db.owner.db, "practice-b");
  admin = postgres(adminUrl(), { max: 1, onnotice: () => undefined });
});

afterAll(async () => {
  await admin.end();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function endBackend(pid: number): Promise<void> {
  await admin`select pg_terminate_backend(${pid})`;
  // The client learns of it when the socket closes.
  await pause(200);
}

describe("a database connection lost in the middle of a request", () => {
  it("fails that request's next statement, and the pool serves the next request", async () => {
    const pool = connect(db.appUrl, { max: 1 });
    try {
      const attempt = withPractice(pool.db, a.practice, async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await endBackend(rows[0]!.pid);
        return trx.selectFrom("clients").select("id").execute();
      });
      await expect(attempt).rejects.toSatisfy((error) => errorCode(error) === "CONNECTION_CLOSED");
      const clients = await withPractice(pool.db, a.practice, (trx) => trx.selectFrom("clients").select("id").execute());
      expect(clients).toEqual([{ id: a.clientId }]);
    } finally {
      await pool.close();
    }
  });

  it("hands the request that was waiting for a connection a new one, and the cut request's handle never runs in it", async () => {
    const pool = connect(db.appUrl, { max: 1 });
    try {
      let waiting: Promise<{ clients: { id: string }[]; scope: string }> | undefined;
      let waitingHasBegun: () => void = () => undefined;
      const begun = new Promise<void>((resolve) => (waitingHasBegun = resolve));
      const cut = withPractice(pool.db, a.practice, async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        // Practice B's request queues for the pool's only connection.
        waiting = withPractice(pool.db, b.practice, async (other) => {
          const clients = await other.selectFrom("clients").select("id").execute();
          waitingHasBegun();
          await pause(300);
          const scope = await sql<{ scope: string }>`select current_setting('app.practice_id') as scope`.execute(other);
          return { clients, scope: scope.rows[0]!.scope };
        });
        await endBackend(rows[0]!.pid);
        await begun;
        // The connection now serves B's transaction: this handle must not run there.
        return sql<{ scope: string }>`select current_setting('app.practice_id') as scope`.execute(trx);
      });
      await expect(cut).rejects.toSatisfy((error) => errorCode(error) === "CONNECTION_CLOSED");
      expect(await waiting).toEqual({ clients: [{ id: b.clientId }], scope: b.practice.id });
    } finally {
      await pool.close();
    }
  });

  it("serves requests again once the database is back, after the request waiting for a connection failed meanwhile", async () => {
    const { proxy, url } = await proxied(db.appUrl);
    const pool = connect(url, { max: 1 });
    try {
      let waiting: Promise<unknown> = Promise.resolve();
      const cut = withPractice(pool.db, a.practice, async (trx) => {
        await trx.selectFrom("clients").select("id").execute();
        waiting = withPractice(pool.db, b.practice, (other) => other.selectFrom("clients").select("id").execute());
        waiting.catch(() => undefined);
        await pause(50);
        // Unreachable: the connection is cut, and reconnecting for the waiting request is refused.
        await proxy.stop();
        await pause(300);
        return trx.selectFrom("clients").select("id").execute();
      });
      await expect(cut).rejects.toSatisfy((error) => errorCode(error) === "CONNECTION_CLOSED");
      await expect(waiting).rejects.toSatisfy((error) => errorCode(error) === "ECONNREFUSED");
      await proxy.start();
      const clients = await withPractice(pool.db, a.practice, (trx) => trx.selectFrom("clients").select("id").execute());
      expect(clients).toEqual([{ id: a.clientId }]);
    } finally {
      await pool.close();
      await proxy.stop();
    }
  });
});
