import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { directoryQuery } from "../../app/use-cases/admin/clients.server";
import { withPractice } from "../../db/with-practice.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";

// Plans, not timings: at 50,000 clients every directory query must find its rows through an index.
let db: TestDatabase;
let fixture: PracticeFixture;

beforeAll(async () => {
  db = await createTestDatabase();
  fixture = await createPracticeFixture(db.owner.db, "big-vet");
  await withPractice(db.owner.db, fixture.practice, async (trx) => {
    await sql`
      insert into clients (practice_id, id, first_name, last_name, phone)
      select ${fixture.practice.id}::uuid, gen_random_uuid(), 'First' || n, 'Last' || lpad(n::text, 6, '0'), '(555) ' || lpad((n % 10000)::text, 4, '0') || '-' || lpad(n::text, 5, '0')
      from generate_series(1, 50000) n`.execute(trx);
    await sql`
      insert into client_emails (practice_id, client_id, email, is_primary)
      select practice_id, id, lower(first_name) || '@example.com', true from clients where first_name like 'First%'`.execute(trx);
    await sql`
      insert into patients (practice_id, client_id, name)
      select practice_id, id, 'Pet' || substr(last_name, 5) from clients where first_name like 'First%'`.execute(trx);
  }, );
  // Statistics from every row, not ANALYZE's random sample of 30,000: the plans must not depend on the draw.
  await db.owner.db.transaction().execute(async (trx) => {
    await sql`set local default_statistics_target = 1000`.execute(trx);
    for (const table of ["clients", "client_emails", "patients"]) await sql`analyze ${sql.table(table)}`.execute(trx);
  });
}, 120_000);

async function plan(q: string, cursor?: [string, string, string]): Promise<string> {
  return withPractice(db.app.db, fixture.practice, async (trx) => {
    const rows = await directoryQuery(trx, q, cursor).explain();
    return rows.map((row) => String(Object.values(row)[0])).join("\n");
  });
}

async function results(q: string): Promise<number> {
  return withPractice(db.app.db, fixture.practice, async (trx) => (await directoryQuery(trx, q, undefined).execute()).length);
}

describe("the client directory at 50,000 clients", () => {
  it.each([
    ["the first page, unfiltered", ""],
    ["a last-name prefix", "last0421"],
    ["a first-name prefix", "first4211"],
    ["first and last name", "first4211 last004211"],
    ["an email prefix", "first4211@"],
    ["a patient name", "pet004211"],
    ["the end of a phone number", "04211"],
  ])("finds %s through indexes, never a sequential scan of clients", async (_what, q) => {
    const text = await plan(q);
    expect(text, text).not.toMatch(/Seq Scan on (clients|client_emails|patients)/);
    expect(await results(q)).toBeGreaterThan(0);
  });

  it("pages on with a keyset cursor, through the index", async () => {
    const text = await plan("", ["last025000", "first25000", "00000000-0000-4000-8000-000000000000"]);
    expect(text, text).not.toMatch(/Seq Scan on clients/);
    expect(text).toMatch(/Index (Only )?Scan using clients_name_idx/);
  });
});
