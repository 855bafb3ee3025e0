import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Config } from "../server/config.server";
import { withCredentials } from "./connection.server";
import { startEmbeddedPostgres } from "./embedded-postgres.server";
import { ensureEmbeddedDatabase, ensureRuntimeRole, OWNER_ROLE, RUNTIME_ROLE } from "./roles.server";

export const EMBEDDED_DATABASE = "portico";

/** Where the two roles connect: the owner for migrations and platform writes, the runtime role for requests. */
export type DatabaseTargets = {
  mode: "embedded" | "external";
  ownerUrl: string;
  appUrl: string;
  /** The runtime role's password: dedicated databases on the same cluster let it in with the same one. */
  appPassword: string;
  /**
   * Embedded only: a new, empty database on the same server, owned by the owner role; returns its owner-role URL.
   * This is how development and the demo get dedicated databases without any setup.
   */
  createDatabase?(name: string): Promise<string>;
  /** Stops what this process started (the embedded server), nothing else. */
  release(): Promise<void>;
};

type Credentials = { owner: string; app: string };

async function embeddedCredentials(dataDir: string): Promise<Credentials> {
  const file = path.join(dataDir, "credentials.json");
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as Credentials;
  } catch {
    const credentials = { owner: randomBytes(24).toString("base64url"), app: randomBytes(24).toString("base64url") };
    await fs.writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
    return credentials;
  }
}

/**
 * Makes the database ready to connect to: with DATABASE_URL, ensures the runtime role exists; otherwise starts (or
 * reuses) the embedded server of DATA_DIR and creates its roles and database. Idempotent.
 */
export async function prepareDatabase(config: Config, log: (message: string) => void): Promise<DatabaseTargets> {
  if (config.database.kind === "external") {
    await ensureRuntimeRole(config.database.ownerUrl, config.database.appPassword);
    return {
      mode: "external",
      ownerUrl: config.database.ownerUrl,
      appUrl: withCredentials(config.database.ownerUrl, RUNTIME_ROLE, config.database.appPassword),
      appPassword: config.database.appPassword,
      release: async () => undefined,
    };
  }
  const cluster = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.database.port, log });
  const credentials = await embeddedCredentials(config.dataDir);
  const server = `postgres://127.0.0.1:${cluster.port}`;
  const superuserUrl = withCredentials(`${server}/postgres`, "postgres", cluster.superuserPassword);
  await ensureEmbeddedDatabase(superuserUrl, EMBEDDED_DATABASE, credentials);
  return {
    mode: "embedded",
    ownerUrl: withCredentials(`${server}/${EMBEDDED_DATABASE}`, OWNER_ROLE, credentials.owner),
    appUrl: withCredentials(`${server}/${EMBEDDED_DATABASE}`, RUNTIME_ROLE, credentials.app),
    appPassword: credentials.app,
    createDatabase: async (name) => {
      await ensureEmbeddedDatabase(superuserUrl, name, credentials);
      return withCredentials(`${server}/${name}`, OWNER_ROLE, credentials.owner);
    },
    release: cluster.stop,
  };
}
