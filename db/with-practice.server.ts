import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import { PRACTICE_SCOPE_STATEMENT } from "./connection.server";
import type { Database } from "./schema";

export type PracticeTransaction = Transaction<Database>;

/**
 * The one door into practice data. Everything inside runs in one transaction whose first statement scopes row-level
 * security to the practice; `set_config(…, true)` is transaction-local, so the setting never outlives it on a pooled
 * connection. Without it the policies match no row at all.
 *
 * BEGIN and the scope travel in one socket write with the work's first statement (`db/connection.server.ts`), so
 * isolation costs a request one round trip, its COMMIT. Kysely's own transaction is kept: its handle refuses every
 * query once the transaction has ended, so a handle kept past this call can never run on the pooled connection
 * under the next practice's scope (docs/decisions/011-request-round-trips.md).
 */
export async function withPractice<T>(db: Kysely<Database>, practice: { id: string }, work: (trx: PracticeTransaction) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await scopeToPractice(trx, practice);
    return work(trx);
  });
}

/**
 * Scopes an open transaction to a practice. Only for a transaction that must also write the platform's own tables
 * (creating a practice); everything else goes through `withPractice`.
 */
export async function scopeToPractice(trx: Transaction<Database>, practice: { id: string }): Promise<void> {
  await trx.executeQuery(CompiledQuery.raw(PRACTICE_SCOPE_STATEMENT, [practice.id]));
}

/** A practice's scope, bound once per request: route code receives this, never a raw database handle. */
export type PracticeScope = <T>(work: (trx: PracticeTransaction) => Promise<T>) => Promise<T>;

export function practiceScope(db: Kysely<Database>, practice: { id: string }): PracticeScope {
  return (work) => withPractice(db, practice, work);
}
