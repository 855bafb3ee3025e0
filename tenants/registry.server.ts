import type { Kysely } from "kysely";
import type postgres from "postgres";
import type { Database } from "../db/schema";
import { PRACTICE_COLUMNS, type Practice } from "./practice";

export const PRACTICE_CHANGED_CHANNEL = "portico_practice_changed";

type Entry = { practice: Practice | undefined; expiresAt: number };

/**
 * Resolves subdomains to practices for request handling. Answers are cached briefly (including "no such practice",
 * so unknown hosts cost no query each), and every server process drops an entry the moment the database announces
 * a change to that practice, so creation, suspension and resumption take effect at once everywhere.
 */
export class PracticeRegistry {
  readonly #cache = new Map<string, Entry>();
  readonly #db: Kysely<Database>;
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(db: Kysely<Database>, options: { ttlMs?: number; maxEntries?: number } = {}) {
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  async resolve(subdomain: string): Promise<Practice | undefined> {
    const cached = this.#cache.get(subdomain);
    if (cached && cached.expiresAt > Date.now()) return cached.practice;
    const practice = await this.#db.selectFrom("platform.practices").select(PRACTICE_COLUMNS).where("subdomain", "=", subdomain).executeTakeFirst();
    if (this.#cache.size >= this.#maxEntries) this.#cache.clear();
    this.#cache.set(subdomain, { practice, expiresAt: Date.now() + this.#ttlMs });
    return practice;
  }

  invalidate(subdomain?: string): void {
    if (subdomain === undefined) this.#cache.clear();
    else this.#cache.delete(subdomain);
  }

  /** Subscribes to change notifications; on every (re)connect the whole cache is dropped, since notices may have been missed. */
  async listen(sql: postgres.Sql): Promise<() => Promise<void>> {
    const subscription = await sql.listen(
      PRACTICE_CHANGED_CHANNEL,
      (subdomain) => this.invalidate(subdomain),
      () => this.invalidate(),
    );
    return () => subscription.unlisten();
  }
}
