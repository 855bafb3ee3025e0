import { Kysely } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import type { Database } from "./schema";

export type Connection = {
  db: Kysely<Database>;
  sql: postgres.Sql;
  close(): Promise<void>;
};

const CLOSE_TIMEOUT_SECONDS = 5;
/** `*`, `"table".*` or `returning *`, but not `count(*)`. */
const SELECTS_EVERY_COLUMN = /(?:^|[\s,])(?:"[^"]+"\.)?\*(?:\s|,|$)/;

/**
 * One bounded pool on one database. Calendar dates stay `YYYY-MM-DD` strings: turning them into JavaScript Dates
 * would shift a date of birth or a due date by the server's time zone.
 */
export function connect(
  url: string,
  options: { max?: number; applicationName?: string; idleTimeoutSeconds?: number; connectTimeoutSeconds?: number; statementTimeoutMs?: number } = {},
): Connection {
  const sql = postgres(url, {
    max: options.max ?? 10,
    idle_timeout: options.idleTimeoutSeconds ?? 60,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    onnotice: () => undefined,
    connection: { application_name: options.applicationName ?? "portico", ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}) },
    types: {
      calendarDate: { to: 1082, from: [1082], serialize: (value: string) => value, parse: (value: string) => value },
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: async () => poolForKysely(sql) }) });
  return {
    db,
    sql,
    close: async () => {
      // postgres.js can wait forever for a connection that was reserved and released while its client went away
      // (porsager/postgres#925: seen after load with aborted requests). The wait is bounded so that shutdown always
      // finishes; a transaction still open when it ends is rolled back by Postgres, never half applied.
      await sql.end({ timeout: CLOSE_TIMEOUT_SECONDS });
      await db.destroy();
    },
  };
}

/** The statement that scopes a transaction to one practice; `withPractice` sends it, and only it. */
export const PRACTICE_SCOPE_STATEMENT = "select set_config('app.practice_id', $1, true)";

/**
 * Statements whose answer nobody reads. They are sent at once, in the same socket write as the statement that
 * follows them, and that statement's caller receives their outcome: so BEGIN and the practice scope ride with a
 * request's first query instead of costing a round trip each. Postgres runs a connection's statements in the order
 * sent, so the scope is in force before that query runs; if BEGIN or the scope fails, the query fails with it and
 * the caller sees the first failure. Either way no row is read unscoped (the policies match nothing without a scope).
 */
const ANSWER_NOT_READ = new Set(["begin", PRACTICE_SCOPE_STATEMENT]);
const NO_ROWS = Object.freeze(Object.assign([], { command: "", count: 0 }));

/**
 * What Kysely's postgres.js dialect sees of the pool: the same pool, but statements with parameters are named
 * prepared statements, and BEGIN and the practice scope are pipelined with the statement after them.
 *
 * Prepared: the dialect sends through `unsafe()`, which postgres.js leaves unprepared, and an unprepared statement
 * with parameters costs two round trips (describe, then execute). Prepared, it is described once per connection and
 * costs one from then on. Statement texts come from code (values are always parameters), so each connection holds a
 * bounded set, and postgres.js retires connections after `max_lifetime`.
 *
 * Except `select *` and `returning *`: a migration that adds a column changes their result type, and a prepared one
 * would then fail ("cached plan must not change result type") inside a transaction, where postgres.js cannot retry
 * it, on every connection of every instance still serving. Statements that name their columns are not affected.
 */
function poolForKysely(sql: postgres.Sql): postgres.Sql {
  const pool = {
    reserve: async () => {
      const reserved = await sql.reserve();
      let unanswered: Promise<unknown>[] = [];
      return {
        unsafe: (text: string, parameters: postgres.ParameterOrJSON<never>[] = []) => {
          const query = reserved.unsafe(text, parameters, { prepare: !SELECTS_EVERY_COLUMN.test(text) });
          if (ANSWER_NOT_READ.has(text)) {
            // Attaching a handler sends the statement now and keeps a failure from going unhandled until it is read.
            query.catch(() => undefined);
            unanswered.push(query);
            return Promise.resolve(NO_ROWS);
          }
          if (unanswered.length === 0) return query;
          const before = unanswered;
          unanswered = [];
          // Lazy, like a postgres.js query: awaited, it reports the first failure; streamed, the cursor goes out
          // behind BEGIN and the scope (a failure among them aborts the transaction, so the cursor fails too).
          return { then: (...callbacks: Parameters<Promise<unknown>["then"]>) => firstFailureOrLast([...before, query]).then(...callbacks), cursor: (rows: number) => query.cursor(rows) };
        },
        release: () => reserved.release(),
      };
    },
    end: (options?: { timeout?: number }) => sql.end(options),
  };
  return pool as unknown as postgres.Sql;
}

async function firstFailureOrLast<T>(statements: Promise<T>[]): Promise<T> {
  const outcomes = await Promise.allSettled(statements);
  const failure = outcomes.find((outcome) => outcome.status === "rejected");
  if (failure) throw failure.reason;
  return (outcomes.at(-1) as PromiseFulfilledResult<T>).value;
}

/** The same server and database as `url`, signed in as another role. */
export function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
