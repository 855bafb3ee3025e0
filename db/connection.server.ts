import { Kysely } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import type { Database } from "./schema";

export type Connection = {
  db: Kysely<Database>;
  sql: postgres.Sql;
  close(): Promise<void>;
};

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
  const db = new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: sql }) });
  return {
    db,
    sql,
    close: async () => {
      await db.destroy();
    },
  };
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
