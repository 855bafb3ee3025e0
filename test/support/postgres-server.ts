import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { withCredentials } from "../../db/connection.server";
import { startEmbeddedPostgres } from "../../db/embedded-postgres.server";
import { freePort } from "./processes";

/** A Postgres server for one test run, reached as a role that may create roles and databases. */
export type TestPostgres = { kind: string; adminUrl: string; stop(): Promise<void> };

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** TEST_DATABASE_URL when set, else a Testcontainers Postgres when a Docker engine answers, else embedded Postgres. */
export async function startTestPostgres(): Promise<TestPostgres> {
  if (process.env.TEST_DATABASE_URL) {
    return { kind: "TEST_DATABASE_URL", adminUrl: process.env.TEST_DATABASE_URL, stop: async () => undefined };
  }
  if (await dockerAnswers()) {
    const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
    const container = await new PostgreSqlContainer("postgres:17-alpine").start();
    return { kind: "Testcontainers postgres:17-alpine", adminUrl: container.getConnectionUri(), stop: async () => void (await container.stop()) };
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-test-pg-"));
  await fs.chmod(dataDir, 0o755);
  const cluster = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  return {
    kind: `embedded Postgres on port ${cluster.port}`,
    adminUrl: withCredentials(`postgres://127.0.0.1:${cluster.port}/postgres`, "postgres", cluster.superuserPassword),
    stop: async () => {
      await cluster.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
