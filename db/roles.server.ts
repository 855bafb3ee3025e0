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

/**
 * A temporary table shadows a real one of the same name for the rest of that pooled connection's life: no role here
 * needs them, so nobody gets them. Only the database's owner may revoke; elsewhere this is left to the operator.
 */
async function revokeTemporaryTables(sql: postgres.Sql, database: string): Promise<void> {
  const [owner] = await sql<{ is_owner: boolean }[]>`
    select pg_has_role(current_user, datdba, 'member') as is_owner from pg_database where datname = ${database}`;
  if (owner?.is_owner) await sql.unsafe(`revoke temporary on database ${identifier(database)} from public`);
}

const RUNTIME_ATTRIBUTES = "nosuperuser nobypassrls nocreatedb nocreaterole noreplication";

/**
 * Idempotent: creates the runtime role when missing (the DATABASE_URL role must then be allowed to create roles) and
 * lets it connect. An existing role is checked, not altered: a role that could bypass row-level security is refused.
 */
export async function ensureRuntimeRole(adminUrl: string, password: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const [existing] = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owner_member: boolean }[]>`
      select rolsuper, rolbypassrls, pg_has_role(${RUNTIME_ROLE}, current_user, 'member') as owner_member from pg_roles where rolname = ${RUNTIME_ROLE}`;
    if (!existing) await ensureLoginRole(sql, RUNTIME_ROLE, password, RUNTIME_ATTRIBUTES);
    else if (existing.rolsuper || existing.rolbypassrls || existing.owner_member) {
      throw new Error(`the role ${RUNTIME_ROLE} is a superuser, may bypass row-level security or is a member of the owner role; the server refuses to use it`);
    }
    const [access] = await sql<{ database: string; allowed: boolean }[]>`
      select current_database() as database, has_database_privilege(${RUNTIME_ROLE}, current_database(), 'connect') as allowed`;
    if (access && !access.allowed) await sql.unsafe(`grant connect on database ${identifier(access.database)} to ${identifier(RUNTIME_ROLE)}`);
    if (access) await revokeTemporaryTables(sql, access.database);
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
    await revokeTemporaryTables(sql, database);
  } finally {
    await sql.end();
  }
}
