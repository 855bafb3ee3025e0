import { seedDemo } from "../../db/seed/seed-demo.server";
import type { Config } from "../../server/config.server";
import { createTestDatabase, type TestDatabase } from "./database";
import { startTestServer, type TestServer } from "./http";

/** A fresh database with the demo practices and the real server over it: what most page-level tests start from. */
export async function startDemoServer(options: { publicPortIsListenPort?: boolean; config?: Partial<Config> } = {}): Promise<{ db: TestDatabase; server: TestServer }> {
  const db = await createTestDatabase();
  await seedDemo(db.owner.db);
  const server = await startTestServer(db, options.config ?? {}, options);
  return { db, server };
}
