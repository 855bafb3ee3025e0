import { type Kysely, sql } from "kysely";
import { connect, type Connection } from "../db/connection.server";
import { PRACTICE_SCHEMA_VERSION } from "../db/migrate.server";
import type { Database } from "../db/schema";
import { type PracticeScope, withPractice } from "../db/with-practice.server";
import { openPlacementUrl, placementsWithPractices } from "./dedicated-databases.server";
import type { Practice } from "./practice";
import type { PlatformKeys } from "./sealed-secrets.server";

export type UnavailableReason = "down" | "behind" | "misconfigured";

/** A practice whose database cannot serve right now; every other practice is unaffected. */
export class PracticeUnavailableError extends Error {
  override readonly name = "PracticeUnavailableError";
  constructor(
    readonly reason: UnavailableReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * By name, not `instanceof`: the server and the Remix build each load their own copy of this module, and the error
 * is thrown by the server's pools and caught by use cases in the build.
 */
export function isPracticeUnavailable(error: unknown): error is PracticeUnavailableError {
  return error instanceof Error && error.name === "PracticeUnavailableError";
}

export type DatabaseHealth = { placementId: string; location: string; practices: string[]; state: "ok" | "down" | "behind" | "misconfigured" | "not_connected"; detail?: string };

type Entry = {
  placementId: string;
  location: string;
  /** Set once the placement is read and its credentials opened; the entry holds its slot from the start. */
  connection: Connection | undefined;
  opening: Promise<void>;
  state: "ok" | UnavailableReason;
  detail?: string;
  /** When a failed database is tried again (down), or its schema version checked again (behind). */
  recheckAt: number;
  checking?: Promise<void>;
  active: number;
};

// postgres.js reports socket trouble with these codes; Postgres itself with SQLSTATE class 08 and the ones listed.
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED"]);
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "3D000", "53300", "55000", "28P01", "28000"]);

export function isConnectionFailure(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  const code = String(error.code);
  return CONNECTION_CODES.has(code) || code.startsWith("08") || UNAVAILABLE_SQLSTATES.has(code);
}

const HEALTH_TIMEOUT_MS = 2_000;

/** Rejects with a connection-timeout error when `work` takes longer than `ms` (the work itself runs on). */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: "CONNECT_TIMEOUT" })), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function isAuthenticationFailure(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && String(error.code).startsWith("28");
}

export type PracticeDatabasesOptions = {
  /** The shared database (runtime role): shared practices' scope. */
  shared: Kysely<Database>;
  keys: PlatformKeys | undefined;
  maxConnections: number;
  maxDatabases: number;
  idleTimeoutSeconds?: number;
  connectTimeoutSeconds?: number;
  /** How long a database that failed is answered 503 without trying it again. */
  retryAfterMs?: number;
  /** How often a database found behind the code's schema is checked again (it serves once migrated). */
  recheckBehindMs?: number;
  /** How long a request waits for a pool when every pool is busy, before its practice answers 503. */
  acquireTimeoutMs?: number;
  /** The longest a statement may run on a dedicated database. */
  statementTimeoutMs?: number;
  onStateChange?: (placement: { location: string; state: string; detail?: string }) => void;
};

/**
 * Gives each practice the right database handle. Shared practices use the shared pool; each dedicated database gets
 * a pool of its own, at most `maxConnections` wide, and at most `maxDatabases` such pools are open at once (the least
 * recently used idle one closes to make room; when all are busy, a request waits for one). Idle connections close on
 * their own after `idleTimeoutSeconds`.
 *
 * A dedicated database that is down or behind the code's schema makes its own practice unavailable, and nothing
 * else: the failure is remembered for a few seconds (so a dead database costs no connect attempt per request), then
 * the next request tries again, which is how the practice recovers by itself.
 */
export class PracticeDatabases {
  readonly #options: Required<Omit<PracticeDatabasesOptions, "keys" | "onStateChange">> & Pick<PracticeDatabasesOptions, "keys" | "onStateChange">;
  readonly #entries = new Map<string, Entry>();
  readonly #waiting: (() => void)[] = [];
  readonly #registry: Kysely<Database>;

  /** `registry` reads placements from the control plane (the runtime role may read them, sealed). */
  constructor(registry: Kysely<Database>, options: PracticeDatabasesOptions) {
    this.#registry = registry;
    this.#options = { idleTimeoutSeconds: 30, connectTimeoutSeconds: 5, retryAfterMs: 2_000, recheckBehindMs: 30_000, acquireTimeoutMs: 10_000, statementTimeoutMs: 30_000, ...options };
  }

  scope(practice: Practice): PracticeScope {
    const placementId = practice.placementId;
    if (practice.deployment === "shared" || !placementId) return (work) => withPractice(this.#options.shared, practice, work);
    return async (work) => {
      const entry = await this.#acquire(placementId);
      try {
        await entry.opening;
        await this.#check(entry);
        if (entry.state !== "ok" || !entry.connection) throw new PracticeUnavailableError(entry.state === "ok" ? "misconfigured" : entry.state, entry.detail ?? "unavailable");
        return await withPractice(entry.connection.db, practice, work);
      } catch (error) {
        if (isConnectionFailure(error)) {
          this.#fail(entry, error);
          throw new PracticeUnavailableError("down", entry.detail ?? "unavailable");
        }
        throw error;
      } finally {
        this.#release(entry);
      }
    };
  }

  /** What is already known, without connecting: lets a request for a failed database be answered at once. */
  knownUnavailable(practice: Practice): PracticeUnavailableError | undefined {
    const entry = practice.placementId ? this.#entries.get(practice.placementId) : undefined;
    if (!entry || entry.state === "ok" || Date.now() >= entry.recheckAt) return undefined;
    return new PracticeUnavailableError(entry.state, entry.detail ?? "unavailable");
  }

  get openPools(): number {
    return this.#entries.size;
  }

  /** Every placement, with a live check of those that have an open pool. */
  async health(): Promise<DatabaseHealth[]> {
    const placements = await placementsWithPractices(this.#registry).execute();
    return Promise.all(
      placements.map(async (placement): Promise<DatabaseHealth> => {
        const base = { placementId: placement.id, location: placement.location, practices: placement.practices };
        const entry = this.#entries.get(placement.id);
        if (!entry?.connection) return { ...base, state: "not_connected" };
        if (entry.state === "ok") {
          try {
            await withTimeout(sql`select 1`.execute(entry.connection.db), HEALTH_TIMEOUT_MS);
          } catch (error) {
            if (isConnectionFailure(error)) this.#fail(entry, error);
          }
        }
        return { ...base, state: entry.state, ...(entry.detail ? { detail: entry.detail } : {}) };
      }),
    );
  }

  async close(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => this.#closeEntry(entry)));
  }

  async #acquire(placementId: string): Promise<Entry> {
    for (;;) {
      const existing = this.#entries.get(placementId);
      if (existing) {
        // Map order is recency order: move to the back.
        this.#entries.delete(placementId);
        this.#entries.set(placementId, existing);
        existing.active++;
        return existing;
      }
      if (this.#entries.size < this.#options.maxDatabases) {
        // The slot is taken synchronously, before any await, so concurrent requests cannot overshoot the bound.
        const entry: Entry = { placementId, location: placementId, connection: undefined, opening: Promise.resolve(), state: "ok", recheckAt: 0, active: 1 };
        entry.opening = this.#load(entry);
        this.#entries.set(placementId, entry);
        return entry;
      }
      const idle = [...this.#entries.values()].find((entry) => entry.active === 0);
      if (idle) {
        this.#entries.delete(idle.placementId);
        void this.#closeEntry(idle);
        continue;
      }
      // Every pool is busy: wait for one to free, but not for ever (a stuck database must not hold others hostage).
      const freed = await new Promise<boolean>((resolve) => {
        const waiter = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
          resolve(false);
        }, this.#options.acquireTimeoutMs);
        this.#waiting.push(waiter);
      });
      if (!freed) throw new PracticeUnavailableError("down", "every dedicated database pool is busy");
    }
  }

  #release(entry: Entry): void {
    entry.active--;
    this.#waiting.shift()?.();
  }

  async #closeEntry(entry: Entry): Promise<void> {
    await entry.opening.catch(() => undefined);
    await entry.connection?.close().catch(() => undefined);
  }

  async #load(entry: Entry): Promise<void> {
    try {
      const placement = await this.#registry
        .selectFrom("platform.database_placements")
        .select(["id", "location", "app_url_sealed"])
        .where("id", "=", entry.placementId)
        .executeTakeFirst();
      if (!placement) throw new Error("the practice's database placement is missing");
      entry.location = placement.location;
      const url = openPlacementUrl(this.#options.keys, placement, "app");
      const { maxConnections: max, idleTimeoutSeconds, connectTimeoutSeconds, statementTimeoutMs } = this.#options;
      entry.connection = connect(url, { max, idleTimeoutSeconds, connectTimeoutSeconds, statementTimeoutMs, applicationName: "portico-dedicated" });
    } catch (error) {
      // Nothing to retry against: drop the entry so a fixed placement is read afresh by the next request.
      this.#mark(entry, "misconfigured", error instanceof Error ? error.message : String(error));
      if (this.#entries.get(entry.placementId) === entry) this.#entries.delete(entry.placementId);
    }
  }

  /** The first use, and every use after a recheck is due: is the database there, and at the code's schema version? */
  async #check(entry: Entry): Promise<void> {
    const connection = entry.connection;
    if (!connection || Date.now() < entry.recheckAt) return;
    entry.checking ??= (async () => {
      try {
        const { rows } = await sql<{ name: string }>`select name from migrations.practice_migration order by name desc limit 1`.execute(connection.db);
        const version = rows[0]?.name ?? "none";
        if (version < PRACTICE_SCHEMA_VERSION) {
          this.#mark(entry, "behind", `the database is at schema ${version}, the code needs ${PRACTICE_SCHEMA_VERSION}: run npm run db:migrate`, this.#options.recheckBehindMs);
        } else {
          this.#mark(entry, "ok", undefined, 60_000);
        }
      } catch (error) {
        if (isConnectionFailure(error)) this.#fail(entry, error);
        else this.#mark(entry, "misconfigured", error instanceof Error ? error.message : String(error));
      } finally {
        entry.checking = undefined;
      }
    })();
    await entry.checking;
  }

  /**
   * A connection-level failure: down for a moment. Refused credentials may have been replaced meanwhile, so then the
   * entry is dropped and the next request reads the placement afresh.
   */
  #fail(entry: Entry, error: unknown): void {
    this.#mark(entry, "down", error instanceof Error ? error.message : String(error));
    if (isAuthenticationFailure(error) && this.#entries.get(entry.placementId) === entry && entry.active <= 1) {
      this.#entries.delete(entry.placementId);
      void this.#closeEntry(entry);
    }
  }

  #mark(entry: Entry, state: Entry["state"], detail: string | undefined, recheckInMs = this.#options.retryAfterMs): void {
    const changed = entry.state !== state;
    entry.state = state;
    entry.detail = detail;
    entry.recheckAt = Date.now() + recheckInMs;
    if (changed) this.#options.onStateChange?.({ location: entry.location, state, ...(detail ? { detail } : {}) });
  }
}
