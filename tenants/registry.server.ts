import type { Kysely } from "kysely";
import type postgres from "postgres";
import type { Database } from "../db/schema";
import { PRACTICE_COLUMNS, type Practice } from "./practice";

export const PRACTICE_CHANGED_CHANNEL = "portico_practice_changed";

type Entry<T> = { value: T; expiresAt: number };

/**
 * Resolves subdomains to practices for request handling. Answers are cached briefly (including "no such practice",
 * so unknown hosts cost no query each), and every server process drops an entry the moment the database announces
 * a change to that practice, so creation, suspension and resumption take effect at once everywhere. Misses live in
 * their own, smaller map: a flood of made-up subdomains fills and clears that one, never the real practices'.
 */
export class PracticeRegistry {
  readonly #practices = new Map<string, Entry<Practice>>();
  readonly #misses = new Map<string, Entry<undefined>>();
  readonly #db: Kysely<Database>;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #maxMisses: number;

  constructor(db: Kysely<Database>, options: { ttlMs?: number; maxEntries?: number; maxMisses?: number } = {}) {
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxMisses = options.maxMisses ?? 1_000;
  }

  async resolve(subdomain: string): Promise<Practice | undefined> {
    const cached = this.#practices.get(subdomain) ?? this.#misses.get(subdomain);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const practice = await this.#db.selectFrom("platform.practices").select(PRACTICE_COLUMNS).where("subdomain", "=", subdomain).executeTakeFirst();
    const expiresAt = Date.now() + this.#ttlMs;
    if (practice) remember(this.#practices, this.#maxEntries, subdomain, { value: practice, expiresAt });
    else remember(this.#misses, this.#maxMisses, subdomain, { value: undefined, expiresAt });
    return practice;
  }

  /** How many answers are held, for the bound's test. */
  get size(): { practices: number; misses: number } {
    return { practices: this.#practices.size, misses: this.#misses.size };
  }

  invalidate(subdomain?: string): void {
    if (subdomain === undefined) {
      this.#practices.clear();
      this.#misses.clear();
    } else {
      this.#practices.delete(subdomain);
      this.#misses.delete(subdomain);
    }
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

function remember<T>(map: Map<string, Entry<T>>, max: number, key: string, entry: Entry<T>): void {
  if (map.size >= max) map.clear();
  map.set(key, entry);
}
