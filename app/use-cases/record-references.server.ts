import { sql } from "kysely";
import type { PracticeTransaction } from "../../db/with-practice.server";

/** What one record may name by external id, and what of the named row the naming record copies or checks. */
const REFERENCE_COLUMNS = {
  clients: [],
  patients: [],
  locations: [],
  appointment_types: [],
  practitioners: ["name"],
  document_templates: ["category"],
} as const;

export type ReferenceTable = keyof typeof REFERENCE_COLUMNS;
export type Reference<T extends ReferenceTable> = { id: string } & { [C in (typeof REFERENCE_COLUMNS)[T][number]]: string };

/**
 * Runs `work` (lookups by external id) with each statement planned for its own values. A table that grows from
 * nothing (a practice's first import) would otherwise keep the generic plan a connection cached while the table was
 * empty (a sequential scan) for every later batch. Planning costs a fraction of a millisecond a lookup; the writes
 * after `work` keep their cached plans (the foreign-key checks of 500 inserted rows are planned once, not 500 times).
 */
export async function plannedForTheirValues<T>(trx: PracticeTransaction, work: () => Promise<T>): Promise<T> {
  await sql`set local plan_cache_mode = force_custom_plan`.execute(trx);
  const result = await work();
  await sql`set local plan_cache_mode = auto`.execute(trx);
  return result;
}

/**
 * The rows of `table` with these external ids, one probe of the `(practice_id, external_id)` unique index each.
 * Not `external_id in (…)`: statistics that do not know a practice's rows yet (its first import, or any new
 * practice) make the practice look like a handful of rows, and an `in` list is then answered by reading every row of
 * the practice, batch after batch. One id at a time, the unique index is the cheapest plan whatever the statistics
 * say (`offset 0` keeps each lookup its own plan rather than a join the planner may reorder). Call it inside
 * `plannedForTheirValues`.
 */
export async function rowsByExternalId(
  trx: PracticeTransaction,
  table: string,
  externalIds: string[],
  options: { columns?: readonly string[]; forUpdate?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  if (!externalIds.length) return [];
  const columns = options.columns ? sql.join(options.columns.map((c) => sql.ref(`t.${c}`))) : sql`t.*`;
  const lock = options.forUpdate ? sql`for update` : sql``;
  const result = await sql<Record<string, unknown>>`
    select found.* from unnest(${externalIds}::text[]) as wanted(external_id)
    cross join lateral (select ${columns} from ${sql.table(table)} t where t.external_id = wanted.external_id offset 0 ${lock}) found`.execute(trx);
  return result.rows;
}

type Waiting = { resolve: (row: Record<string, unknown> | undefined) => void; reject: (error: unknown) => void };

/**
 * Finds records by the practice system's external ids, for the records that name them. Lookups asked for in the
 * same turn of the event loop are answered by one query per table, so a batch of 500 import lines resolving their
 * references together costs a few queries, not 500 × each, while a single API call reads exactly as before. One
 * loader serves one set of writes: it remembers what it found, so it must not outlive rows created after it.
 */
export class ReferenceLoader {
  readonly #trx: PracticeTransaction;
  readonly #found = new Map<string, Promise<Record<string, unknown> | undefined>>();
  #waiting = new Map<ReferenceTable, Map<string, Waiting[]>>();
  #scheduled = false;

  constructor(trx: PracticeTransaction) {
    this.#trx = trx;
  }

  /** The row named, `undefined` when it names nothing, `null` when no reference was given. */
  find<T extends ReferenceTable>(table: T, externalId: string | null): Promise<Reference<T> | undefined | null> {
    if (externalId === null) return Promise.resolve(null);
    const key = `${table}\u0000${externalId}`;
    let found = this.#found.get(key);
    if (!found) {
      found = new Promise((resolve, reject) => {
        const byId = this.#waiting.get(table) ?? new Map<string, Waiting[]>();
        this.#waiting.set(table, byId);
        byId.set(externalId, [...(byId.get(externalId) ?? []), { resolve, reject }]);
      });
      this.#found.set(key, found);
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After every lookup of this turn has been asked for: promises settle before `setImmediate` callbacks run.
        setImmediate(() => void this.#flush());
      }
    }
    return found as Promise<Reference<T> | undefined>;
  }

  async #flush(): Promise<void> {
    const waiting = this.#waiting;
    this.#waiting = new Map();
    this.#scheduled = false;
    for (const [table, byId] of waiting) {
      try {
        const rows = await rowsByExternalId(this.#trx, table, [...byId.keys()], { columns: ["id", "external_id", ...REFERENCE_COLUMNS[table]] });
        const byExternalId = new Map(rows.map((row) => [row.external_id as string, row]));
        for (const [externalId, waiters] of byId) for (const waiter of waiters) waiter.resolve(byExternalId.get(externalId));
      } catch (error) {
        for (const waiters of byId.values()) for (const waiter of waiters) waiter.reject(error);
      }
    }
  }
}
