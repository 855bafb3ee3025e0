import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";
import { connect, type Connection, withCredentials, withDatabase } from "../../db/connection.server";
import { OWNER_ROLE, RUNTIME_ROLE } from "../../db/roles.server";
import { TEMPLATE_DATABASE, TEST_PASSWORDS } from "./global-setup";

export type TestDatabase = {
  name: string;
  ownerUrl: string;
  appUrl: string;
  /** Owns the tables: migrations, the registry, fixtures. Still subject to the forced policies. */
  owner: Connection;
  /** The runtime role, exactly as the server uses it. */
  app: Connection;
};

/** A fresh copy of the migrated template for the calling test file, dropped after its tests. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name} template ${TEMPLATE_DATABASE} owner ${OWNER_ROLE}`);
  await admin.unsafe(`grant connect on database ${name} to ${RUNTIME_ROLE}`);
  // Database privileges are not copied from the template: repeat what setup does for real databases.
  await admin.unsafe(`revoke temporary on database ${name} from public`);
  const ownerUrl = withCredentials(withDatabase(adminUrl, name), OWNER_ROLE, TEST_PASSWORDS.owner);
  const appUrl = withCredentials(withDatabase(adminUrl, name), RUNTIME_ROLE, TEST_PASSWORDS.app);
  const database = { name, ownerUrl, appUrl, owner: connect(ownerUrl, { max: 3 }), app: connect(appUrl, { max: 5 }) };
  afterAll(async () => {
    await database.owner.close();
    await database.app.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  return database;
}

export function adminUrl(): string {
  return inject("postgresAdminUrl");
}

/**
 * An empty database on the test server, owned by the owner role, as an operator would hand over for a dedicated
 * practice; dropped after the file's tests. Returns its owner-role URL.
 */
export async function createEmptyDatabase(): Promise<{ name: string; ownerUrl: string }> {
  const name = `dedicated_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name} owner ${OWNER_ROLE}`);
  await admin.unsafe(`grant connect on database ${name} to ${RUNTIME_ROLE}`);
  await admin.unsafe(`revoke temporary on database ${name} from public`);
  await admin.end();
  afterAll(async () => {
    const cleanup = postgres(adminUrl(), { max: 1, onnotice: () => undefined });
    await cleanup.unsafe(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  });
  return { name, ownerUrl: withCredentials(withDatabase(adminUrl(), name), OWNER_ROLE, TEST_PASSWORDS.owner) };
}
