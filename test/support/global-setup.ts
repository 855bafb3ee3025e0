import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { connect, withCredentials, withDatabase } from "../../db/connection.server";
import { migrateMainDatabase } from "../../db/migrate.server";
import { ensureEmbeddedDatabase } from "../../db/roles.server";
import { ensureBuild } from "../../server/build.server";
import { startTestPostgres } from "./postgres-server";

export const TEMPLATE_DATABASE = "portico_template";
export const TEST_PASSWORDS = { owner: "owner-password-for-tests", app: "runtime-password-for-tests" };

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

/**
 * Once per run: one Postgres server, the two roles, and a template database migrated once. Each test file then
 * gets its own copy of the template (test/support/database.ts), which takes milliseconds instead of a migration.
 */
export default async function setup(project: TestProject) {
  const [server] = await Promise.all([startTestPostgres(), ensureBuild(() => undefined)]);
  process.stdout.write(`[tests] database: ${server.kind}\n`);

  const admin = postgres(server.adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
  await admin.end();
  await ensureEmbeddedDatabase(server.adminUrl, TEMPLATE_DATABASE, TEST_PASSWORDS);

  const owner = connect(withCredentials(withDatabase(server.adminUrl, TEMPLATE_DATABASE), "portico_owner", TEST_PASSWORDS.owner), { max: 1 });
  await migrateMainDatabase(owner.db);
  await owner.close();

  project.provide("postgresAdminUrl", server.adminUrl);
  return async () => {
    await server.stop();
  };
}
