import { type Compilable, CompiledQuery } from "kysely";
import postgres from "postgres";
import { beforeAll, describe, expect, it } from "vitest";
import { petsQuery } from "../../app/use-cases/portal/get-pets.server";
import { prescriptionsQuery } from "../../app/use-cases/portal/prescriptions.server";
import { visibleDocuments } from "../../app/visibility/portal-queries.server";
import { withPractice } from "../../db/with-practice.server";
import { generateData, ids } from "../../bench/generate-data";
import { withDatabase } from "../../db/connection.server";
import { adminUrl, createTestDatabase, type TestDatabase } from "../support/database";
import { type PlanNode, seqScans } from "../support/query-plans";

// Enough practices that a sequential scan would be the wrong plan, small enough to load in a few seconds.
const SHAPE = { practices: 300, clients: 20, patientsPerClient: 2, documents: 10, prescriptions: 3, appointments: 4, reminders: 3 };

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const admin = postgres(withDatabase(adminUrl(), db.name), { max: 1, onnotice: () => undefined });
  try {
    await generateData(admin, SHAPE);
  } finally {
    await admin.end();
  }
}, 120_000);


const practice = { id: ids.practice(150) };
const clientId = ids.client(150, 7);

/** Sequential scans in the query's plan, run as the runtime role under the practice's row-level security. */
async function seqScansOf(query: Compilable): Promise<string[]> {
  const compiled = query.compile();
  return withPractice(db.app.db, practice, async (trx) => {
    const result = await trx.executeQuery<{ "QUERY PLAN": { Plan: PlanNode }[] }>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]));
    return seqScans(result.rows[0]!["QUERY PLAN"][0]!.Plan);
  });
}

// The pets and prescriptions queries are the pages' own (exported by their use cases), so the check cannot drift from them.
describe("the main portal queries at scale", () => {
  it(`use index scans, never a sequential scan of practice data (${SHAPE.practices} practices, ${SHAPE.practices * SHAPE.clients * SHAPE.patientsPerClient * SHAPE.documents} documents)`, async () => {
    const now = new Date();
    const queries = await withPractice(db.app.db, practice, async (trx) => ({
      records: visibleDocuments(trx, { clientId, access: "full" }).select(["d.id", "d.title"]).orderBy("d.visit_date", "desc"),
      pets: petsQuery(trx, { clientId, access: "full", now, today: now.toISOString().slice(0, 10) }),
      prescriptions: prescriptionsQuery(trx, { clientId, access: "full" }),
      record: visibleDocuments(trx, { clientId, access: "full" }).select("d.id").where("d.id", "=", ids.document(150, 7, 1, 3)),
    }));
    for (const [name, query] of Object.entries(queries)) {
      expect(await seqScansOf(query), name).toEqual([]);
    }
    // The check is not vacuous: a query with no usable index is reported.
    expect(await seqScansOf(db.app.db.selectFrom("platform.practices").select("id").where("name", "=", "Bench Practice 7"))).toEqual(["practices"]);
  });
});
