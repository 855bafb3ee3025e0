import { type Kysely, sql } from "kysely";
import type { Database } from "./schema";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One practice's transaction: a single pooled connection between BEGIN and COMMIT, scoped to the practice.
 * Nesting (`transaction`, `connection`) and closing the pool are not offered from inside it.
 */
export type PracticeTransaction = Omit<Kysely<Database>, "transaction" | "connection" | "destroy">;

/**
 * The one door into practice data. Everything inside runs in one transaction whose first statement scopes row-level
 * security to the practice; `set_config(…, true)` is transaction-local, so the setting never outlives it on a pooled
 * connection. Without it the policies match no row at all.
 *
 * BEGIN and the setting travel as one simple-protocol message, so the scope costs one round trip and COMMIT one more
 * (`docs/decisions/011-request-round-trips.md`). A simple query cannot carry parameters, so the id is written into
 * the text, and only once it has been checked to be a UUID.
 */
export async function withPractice<T>(db: Kysely<Database>, practice: { id: string }, work: (trx: PracticeTransaction) => Promise<T>): Promise<T> {
  if (!UUID.test(practice.id)) throw new Error("withPractice needs a practice id that is a UUID");
  return db.connection().execute(async (connection) => {
    try {
      await sql.raw(`begin; select set_config('app.practice_id', '${practice.id}', true)`).execute(connection);
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await rollback(connection);
      throw error;
    }
  });
}

/**
 * Ends a failed transaction before its connection goes back to the pool (after a failed COMMIT there is none left to
 * end, and this is a no-op). If even this fails the connection itself is broken, which postgres.js replaces rather
 * than reuse; the original error is the one worth reporting.
 */
async function rollback(connection: Kysely<Database>): Promise<void> {
  await sql`rollback`.execute(connection).catch(() => undefined);
}

/** A practice's scope, bound once per request: route code receives this, never a raw database handle. */
export type PracticeScope = <T>(work: (trx: PracticeTransaction) => Promise<T>) => Promise<T>;

export function practiceScope(db: Kysely<Database>, practice: { id: string }): PracticeScope {
  return (work) => withPractice(db, practice, work);
}
