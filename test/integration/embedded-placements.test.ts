import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../db/connection.server";
import { openPlacementUrl, provisionDedicatedDatabase, serverOf } from "../../tenants/dedicated-databases.server";
import { followEmbeddedServer } from "../../tenants/embedded-placements.server";
import { PracticeDatabases } from "../../tenants/practice-databases.server";
import { keyId, seal } from "../../tenants/sealed-secrets.server";
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from "../support/database";
import { testKeys } from "../support/http";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";
import { freePort, runScript } from "../support/processes";
import { proxied, type TcpProxy } from "../support/tcp-proxy";

// The test server plays the embedded server. A placement provisioned through a TCP proxy is one provisioned while the
// embedded server listened on another port (the proxy's): stopping the proxy is changing EMBEDDED_PG_PORT.
let db: TestDatabase;
const keys = testKeys();
let oldPort: TcpProxy;
let moved: PracticeFixture;
let movedPlacementId: string;
let databases: PracticeDatabases;

const placementUrls = async (id: string) => {
  const placement = await db.owner.db.selectFrom("platform.database_placements").select(["id", "location", "owner_url_sealed", "app_url_sealed"]).where("id", "=", id).executeTakeFirstOrThrow();
  return { location: placement.location, owner: openPlacementUrl(keys, placement, "owner"), app: openPlacementUrl(keys, placement, "app") };
};

beforeAll(async () => {
  db = await createTestDatabase();
  const appPassword = decodeURIComponent(new URL(db.appUrl).password);
  const empty = await createEmptyDatabase();
  const old = await proxied(empty.ownerUrl);
  oldPort = old.proxy;
  // Provisioned as embeddedDemoPlacer does it: the embedded server (then on the old port) is the main server.
  const placement = await provisionDedicatedDatabase(db.owner.db, keys, { ownerUrl: old.url, mainServer: serverOf(old.url), mainAppPassword: appPassword });
  movedPlacementId = placement.id;
  const owner = connect(empty.ownerUrl, { max: 1 });
  moved = await createPracticeFixture(db.owner.db, "moved-vet", "veterinary", { id: placement.id, db: owner.db });
  await owner.close();
  databases = new PracticeDatabases(db.app.db, { shared: db.app.db, keys, maxConnections: 2, maxDatabases: 4, connectTimeoutSeconds: 2 });
});

afterAll(async () => {
  await databases.close();
  await oldPort.stop();
});

describe("dedicated databases on the embedded server", () => {
  it("follow the embedded server to its new port; placements elsewhere, or whose database is not theirs, stay as they are", async () => {
    await oldPort.stop();
    const before = await placementUrls(movedPlacementId);
    expect(serverOf(before.owner)).toBe(`127.0.0.1:${oldPort.port}`);

    // A placement stored at the same old address whose database, found on the embedded server, claims another
    // placement (the one above): never moved.
    const strangerId = randomUUID();
    await db.owner.db
      .insertInto("platform.database_placements")
      .values({
        id: strangerId,
        location: `127.0.0.1:${oldPort.port}/stranger`,
        owner_url_sealed: seal(keys, before.owner, `placement:${strangerId}:owner`),
        app_url_sealed: seal(keys, before.app, `placement:${strangerId}:app`),
        key_id: keyId(keys.current),
      })
      .execute();

    const result = await followEmbeddedServer(db.owner.db, keys, db.ownerUrl);
    const embedded = serverOf(db.ownerUrl);
    expect(result).toEqual([{ from: before.location, to: before.location.replace(`127.0.0.1:${oldPort.port}`, embedded) }]);
    const after = await placementUrls(movedPlacementId);
    expect(serverOf(after.owner)).toBe(embedded);
    expect(serverOf(after.app)).toBe(embedded);
    // Only the address changed: the same database, signed in as the same roles.
    expect(new URL(after.app).username).toBe(new URL(before.app).username);
    expect(new URL(after.owner).pathname).toBe(new URL(before.owner).pathname);
    expect((await placementUrls(strangerId)).location).toBe(`127.0.0.1:${oldPort.port}/stranger`);

    // The practice serves from its database on the new port, with nothing listening on the old one.
    const clients = await databases.scope(moved.practice)((trx) => trx.selectFrom("clients").select("id").execute());
    expect(clients.map((c) => c.id)).toEqual([moved.clientId]);

    // Nothing left to move on the next start.
    expect(await followEmbeddedServer(db.owner.db, keys, db.ownerUrl)).toEqual([]);
  });
});

describe("an embedded port that is taken", () => {
  it("stops the start with a message naming EMBEDDED_PG_PORT", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-port-taken-"));
    const taken = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, "127.0.0.1", resolve));
    try {
      const run = await runScript("server/main.ts", [], { DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(port), NODE_ENV: "development", LOG_LEVEL: "warn" });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Portico could not start: embedded Postgres cannot start: port ${port} on 127.0.0.1 is already in use by another program. Set EMBEDDED_PG_PORT to a free port`);
      // Refused before initialising: no half-made cluster is left in the data directory.
      await expect(fs.access(path.join(dataDir, "postgres", "PG_VERSION"))).rejects.toThrow();
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
