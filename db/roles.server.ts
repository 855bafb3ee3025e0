import postgres from "postgres";

/** Owns the schema and runs migrations (embedded mode; with DATABASE_URL, that URL's role plays this part). */
export const OWNER_ROLE = "portico_owner";
/** The only role the server's request traffic uses: owns nothing, cannot bypass row-level security. */
export const RUNTIME_ROLE = "portico_app";

// Role passwords cannot be bound as parameters in CREATE/ALTER ROLE; quote them as SQL literals.
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function identifier(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

async function ensureLoginRole(sql: postgres.Sql, role: string, password: string, attributes: string): Promise<void> {
  const [existing] = await sql`select 1 from pg_roles where rolname = ${role}`;
  const verb = existing ? "alter" : "create";
  await sql.unsafe(`${verb} role ${identifier(role)} with login ${attributes} password ${literal(password)}`);
}

const RUNTIME_ATTRIBUTES = "nosuperuser nobypassrls nocreatedb nocreaterole noreplication";

/**
 * Idempotent: creates or re-asserts the runtime role and lets it connect to the current database. Runs as a role
 * that may create roles (the embedded superuser, or the DATABASE_URL role).
 */
export async function ensureRuntimeRole(adminUrl: string, password: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await ensureLoginRole(sql, RUNTIME_ROLE, password, RUNTIME_ATTRIBUTES);
    const [{ database }] = (await sql`select current_database() as database`) as unknown as [{ database: string }];
    await sql.unsafe(`grant connect on database ${identifier(database)} to ${identifier(RUNTIME_ROLE)}`);
  } finally {
    await sql.end();
  }
}

/** Embedded mode: the superuser creates the owner role, the runtime role and the database the owner owns. */
export async function ensureEmbeddedDatabase(superuserUrl: string, database: string, passwords: { owner: string; app: string }): Promise<void> {
  const sql = postgres(superuserUrl, { max: 1, onnotice: () => undefined });
  try {
    await ensureLoginRole(sql, OWNER_ROLE, passwords.owner, "nosuperuser nobypassrls nocreatedb nocreaterole");
    await ensureLoginRole(sql, RUNTIME_ROLE, passwords.app, RUNTIME_ATTRIBUTES);
    const [existing] = await sql`select 1 from pg_database where datname = ${database}`;
    if (!existing) await sql.unsafe(`create database ${identifier(database)} owner ${identifier(OWNER_ROLE)}`);
    await sql.unsafe(`grant connect on database ${identifier(database)} to ${identifier(RUNTIME_ROLE)}`);
  } finally {
    await sql.end();
  }
}
