import { type Kysely, type Transaction, sql } from "kysely";
import type { Database } from "./schema";

export type PracticeTransaction = Transaction<Database>;

/**
 * The one door into practice data. Everything inside runs in one transaction whose first statement scopes row-level
 * security to the practice; `set_config(…, true)` is transaction-local, so the setting never outlives it on a pooled
 * connection. Without it the policies match no row at all.
 *
 * Kysely's own transaction is kept on purpose, although BEGIN costs a round trip of its own: its handle refuses every
 * query once the transaction has ended, so a handle kept past this call can never run on the pooled connection under
 * the next practice's scope (docs/decisions/011-request-round-trips.md).
 */
export async function withPractice<T>(db: Kysely<Database>, practice: { id: string }, work: (trx: PracticeTransaction) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.practice_id', ${practice.id}, true)`.execute(trx);
    return work(trx);
  });
}

/** A practice's scope, bound once per request: route code receives this, never a raw database handle. */
export type PracticeScope = <T>(work: (trx: PracticeTransaction) => Promise<T>) => Promise<T>;

export function practiceScope(db: Kysely<Database>, practice: { id: string }): PracticeScope {
  return (work) => withPractice(db, practice, work);
}
