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
        const rows = await this.#trx
          .selectFrom(table)
          .select(["id", "external_id", ...REFERENCE_COLUMNS[table]] as never[])
          .where("external_id", "in", [...byId.keys()])
          .execute();
        const byExternalId = new Map((rows as Record<string, unknown>[]).map((row) => [row.external_id as string, row]));
        for (const [externalId, waiters] of byId) for (const waiter of waiters) waiter.resolve(byExternalId.get(externalId));
      } catch (error) {
        for (const waiters of byId.values()) for (const waiter of waiters) waiter.reject(error);
      }
    }
  }
}
