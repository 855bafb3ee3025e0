import { sql } from "kysely";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Connection } from "../../db/connection.server";
import { PRACTICE_SCHEMA_VERSION } from "../../db/migrate.server";
import { RUNTIME_ROLE } from "../../db/roles.server";
import { migrateDedicatedDatabases, PlacementError, placementLocation, provisionDedicatedDatabase, serverOf, replacePlacementCredentials, resealPlacements } from "../../tenants/dedicated-databases.server";
import { PracticeDatabases } from "../../tenants/practice-databases.server";
import { seal } from "../../tenants/sealed-secrets.server";
import { adminUrl, createEmptyDatabase, createTestDatabase, type TestDatabase } from "../support/database";
import { postForm, startTestServer, type TestServer, testKeys } from "../support/http";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";
import { sessionCookieFor } from "../support/sessions";
import { TcpProxy } from "../support/tcp-proxy";

type Dedicated = { fixture: PracticeFixture; app: Connection; owner: Connection; ownerUrl: string };

let db: TestDatabase;
const keys = testKeys();
let appPassword: string;
/** Provisioning as the platform does it: the main server's runtime password only on the main server. */
const provisionInput = (ownerUrl: string) => ({ ownerUrl, mainServer: serverOf(db.ownerUrl), mainAppPassword: appPassword, runtimePassword: appPassword });
const opened: Connection[] = [];
const proxy = new TcpProxy(new URL(adminUrl()).hostname, Number(new URL(adminUrl()).port));

/** An empty database provisioned as a placement (optionally reached through the proxy), with one practice in it. */
async function dedicatedPractice(subdomain: string, options: { viaProxy?: boolean } = {}): Promise<Dedicated> {
  const empty = await createEmptyDatabase();
  let ownerUrl = empty.ownerUrl;
  if (options.viaProxy) {
    const url = new URL(ownerUrl);
    url.hostname = "127.0.0.1";
    url.port = String(proxy.port);
    ownerUrl = url.toString();
  }
  const placement = await provisionDedicatedDatabase(db.owner.db, keys, provisionInput(ownerUrl));
  const owner = connect(empty.ownerUrl, { max: 2 });
  const app = connect(new URL(db.appUrl).toString().replace(`/${db.name}`, `/${empty.name}`), { max: 2 });
  opened.push(owner, app);
  const fixture = await createPracticeFixture(db.owner.db, subdomain, "veterinary", { id: placement.id, db: owner.db });
  return { fixture, app, owner, ownerUrl: empty.ownerUrl };
}

let sharedA: PracticeFixture;
let sharedB: PracticeFixture;
let north: Dedicated;
let south: Dedicated;

beforeAll(async () => {
  db = await createTestDatabase();
  appPassword = decodeURIComponent(new URL(db.appUrl).password);
  await proxy.start();
  sharedA = await createPracticeFixture(db.owner.db, "shared-alpha");
  sharedB = await createPracticeFixture(db.owner.db, "shared-beta", "human");
  north = await dedicatedPractice("north-dedicated", { viaProxy: true });
  south = await dedicatedPractice("south-dedicated");
});

afterAll(async () => {
  await proxy.stop();
  await Promise.all(opened.map((connection) => connection.close()));
});

describe("provisioning a dedicated database", () => {
  it("migrates it to the code's schema, with the same forced row-level security, and seals its credentials", async () => {
    const { rows } = await sql<{ name: string }>`select name from migrations.practice_migration order by name desc limit 1`.execute(south.owner.db);
    expect(rows[0]?.name).toBe(PRACTICE_SCHEMA_VERSION);
    const { rows: unprotected } = await sql<{ relname: string }>`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and not (c.relrowsecurity and c.relforcerowsecurity)`.execute(south.owner.db);
    expect(unprotected).toEqual([]);
    const placement = await db.owner.db.selectFrom("platform.database_placements").selectAll().where("id", "=", south.fixture.practice.placementId!).executeTakeFirstOrThrow();
    expect(placement.location).toBe(placementLocation(south.ownerUrl));
    expect(placement.owner_url_sealed).not.toContain("postgres://");
    expect(placement.app_url_sealed).not.toContain(appPassword);
  });

  it("refuses a database that is not empty and not ours, the main database, and one already in use", async () => {
    const foreign = await createEmptyDatabase();
    const sqlForeign = postgres(foreign.ownerUrl, { max: 1, onnotice: () => undefined });
    await sqlForeign`create table invoices (id int)`;
    await sqlForeign.end();
    await expect(provisionDedicatedDatabase(db.owner.db, keys, provisionInput(foreign.ownerUrl))).rejects.toThrow(/not empty/);
    await expect(provisionDedicatedDatabase(db.owner.db, keys, provisionInput(db.ownerUrl))).rejects.toThrow(/main database/);
    await expect(provisionDedicatedDatabase(db.owner.db, keys, provisionInput(south.ownerUrl))).rejects.toThrow(/already holds a practice/);
    // Another name for the same server passes the location check; the database's own claim still refuses it.
    const alias = new URL(south.ownerUrl);
    alias.hostname = alias.hostname === "localhost" ? "127.0.0.1" : "localhost";
    await expect(provisionDedicatedDatabase(db.owner.db, keys, provisionInput(alias.toString()))).rejects.toThrow(/already holds a practice/);
    // On another server, the main runtime password is never used: the caller must give that server's.
    await expect(provisionDedicatedDatabase(db.owner.db, keys, { ...provisionInput(alias.toString()), runtimePassword: undefined })).rejects.toThrow(/another server/);
    await expect(provisionDedicatedDatabase(db.owner.db, keys, provisionInput(`${foreign.ownerUrl}?options=-c%20role%3Dpostgres`))).rejects.toThrow(/only sslmode/);
    await expect(provisionDedicatedDatabase(db.owner.db, keys, provisionInput("mysql://x"))).rejects.toBeInstanceOf(PlacementError);
    const unreachable = await provisionDedicatedDatabase(db.owner.db, keys, provisionInput("postgres://portico_owner:secret@127.0.0.1:1/nowhere")).catch((error: Error) => error);
    expect(unreachable).toBeInstanceOf(PlacementError);
    expect((unreachable as Error).message).toMatch(/Could not connect/);
    expect((unreachable as Error).message).not.toContain("secret");
  });

  it("keeps a dedicated practice's rows in its own database only", async () => {
    const inMain = await db.owner.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.practice_id', ${north.fixture.practice.id}, true)`.execute(trx);
      return trx.selectFrom("clients").select("id").execute();
    });
    expect(inMain).toEqual([]);
    const inSouth = await south.owner.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.practice_id', ${sharedA.practice.id}, true)`.execute(trx);
      return trx.selectFrom("clients").select("id").execute();
    });
    expect(inSouth).toEqual([]);
  });
});

describe("serving shared and dedicated practices side by side", () => {
  let server: TestServer;
  let databases: PracticeDatabases;
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    databases = new PracticeDatabases(db.app.db, { shared: db.app.db, keys, maxConnections: 2, maxDatabases: 4, retryAfterMs: 300 });
    server = await startTestServer(db, {}, { databases });
    cookies.set("shared-alpha", await sessionCookieFor(db, sharedA.practice, sharedA.email));
    cookies.set("shared-beta", await sessionCookieFor(db, sharedB.practice, sharedB.email));
    cookies.set("north-dedicated", await sessionCookieFor(north, north.fixture.practice, north.fixture.email));
    cookies.set("south-dedicated", await sessionCookieFor(south, south.fixture.practice, south.fixture.email));
  });
  afterAll(async () => {
    await server.close();
    await databases.close();
  });

  const home = (subdomain: string, cookie = cookies.get(subdomain)!) => server.request(`${subdomain}.localhost:3000`, "/home", { headers: { cookie } });
  const all = ["shared-alpha", "shared-beta", "north-dedicated", "south-dedicated"];

  it("shows each practice only its own data, and no session works on another practice", async () => {
    for (const subdomain of all) {
      const response = await home(subdomain);
      expect(response.status, subdomain).toBe(200);
      expect(response.body).toContain(`Patient of ${subdomain}`);
      for (const other of all.filter((name) => name !== subdomain)) {
        expect(response.body).not.toContain(`Patient of ${other}`);
        const crossed = await home(other, cookies.get(subdomain));
        expect(crossed.status, `${subdomain}'s cookie on ${other}`).toBe(302);
      }
    }
  });

  it("counts an address's sign-in attempts once for the platform, whichever database each practice lives in", async () => {
    const redeem = (subdomain: string) => postForm(server, `${subdomain}.localhost:3000`, `/sign-in/${"A".repeat(43)}`, [["intent", "sign-in"]]);
    await db.owner.db.deleteFrom("platform.ip_rate_limit_counters").execute();
    for (let i = 0; i < 15; i++) expect((await redeem("shared-alpha")).status).toBe(200);
    for (let i = 0; i < 15; i++) expect((await redeem("south-dedicated")).status).toBe(200);
    expect((await redeem("shared-beta")).status).toBe(429);
    expect((await redeem("south-dedicated")).status).toBe(429);
  });

  it("answers 503 for a practice whose database is down, keeps serving the others, and recovers by itself", async () => {
    expect((await home("north-dedicated")).status).toBe(200);
    await proxy.stop();
    const down = await home("north-dedicated");
    expect(down.status).toBe(503);
    expect(down.body).toContain("temporarily unavailable");
    // Thrown from inside the page's loader: the Retry-After survives Remix's rendering of the error page.
    expect(down.headers["retry-after"]).toBe("30");
    for (const subdomain of ["shared-alpha", "shared-beta", "south-dedicated"]) expect((await home(subdomain)).status, subdomain).toBe(200);
    // Known down: answered at once, without a connection attempt.
    expect((await home("north-dedicated")).status).toBe(503);
    const ready = await server.request("localhost:3000", "/readyz");
    expect(ready.status).toBe(200);
    const report = JSON.parse(ready.body) as { status: string; dedicated: { practices: string[]; state: string }[] };
    expect(report.status).toBe("ready");
    expect(report.dedicated.find((entry) => entry.practices.includes("north-dedicated"))?.state).toBe("down");
    expect(report.dedicated.find((entry) => entry.practices.includes("south-dedicated"))?.state).toBe("ok");

    await proxy.start();
    await expect.poll(async () => (await home("north-dedicated")).status, { timeout: 10_000, interval: 200 }).toBe(200);
  });
});

describe("migrating every database", () => {
  it("migrates each dedicated database, reports the one that fails, and the code refuses to serve a database behind it", async () => {
    const fresh = await createEmptyDatabase();
    const placementId = crypto.randomUUID();
    const appUrl = fresh.ownerUrl.replace(/\/\/[^@]+@/, `//${RUNTIME_ROLE}:${encodeURIComponent(appPassword)}@`);
    const broken = crypto.randomUUID();
    await db.owner.db
      .insertInto("platform.database_placements")
      .values([
        { id: placementId, location: placementLocation(fresh.ownerUrl), owner_url_sealed: seal(keys, fresh.ownerUrl, `placement:${placementId}:owner`), app_url_sealed: seal(keys, appUrl, `placement:${placementId}:app`), key_id: "test" },
        {
          id: broken,
          location: "127.0.0.1:1/gone",
          owner_url_sealed: seal(keys, "postgres://portico_owner:x@127.0.0.1:1/gone", `placement:${broken}:owner`),
          app_url_sealed: seal(keys, "postgres://portico_app:x@127.0.0.1:1/gone", `placement:${broken}:app`),
          key_id: "test",
        },
      ])
      .execute();
    // A practice registered on a database nobody migrated yet: behind the code, so unavailable.
    await db.owner.db
      .insertInto("platform.practices")
      .values({ subdomain: "behind-vet", name: "Behind Vet", kind: "veterinary", deployment: "dedicated", placement_id: placementId })
      .execute();
    const databases = new PracticeDatabases(db.app.db, { shared: db.app.db, keys, maxConnections: 1, maxDatabases: 4, recheckBehindMs: 0 });
    const server = await startTestServer(db, {}, { databases });
    try {
      const behind = await server.request("behind-vet.localhost:3000", "/");
      expect(behind.status).toBe(503);

      const reports = await migrateDedicatedDatabases(db.owner.db, keys, { concurrency: 2 });
      expect(reports).toHaveLength(4);
      const failed = reports.filter((report) => !report.ok);
      expect(failed.map((report) => report.location)).toEqual(["127.0.0.1:1/gone"]);
      expect(failed[0]?.error).not.toContain("postgres://");
      const migrated = reports.find((report) => report.location === placementLocation(fresh.ownerUrl));
      expect(migrated?.ok).toBe(true);
      expect(migrated?.applied.at(-1)).toBe(`practice/${PRACTICE_SCHEMA_VERSION}`);
      expect(migrated?.practices).toEqual(["behind-vet"]);
      expect(reports.filter((report) => report.ok && report.location !== migrated?.location).every((report) => report.applied.length === 0)).toBe(true);

      // Migrated: the same server now gets past the schema check (the practice has no settings row yet: a 404 page, not a 503).
      await expect.poll(async () => (await server.request("behind-vet.localhost:3000", "/")).status, { timeout: 5_000 }).not.toBe(503);
    } finally {
      await server.close();
      await databases.close();
      await db.owner.db.deleteFrom("platform.practices").where("subdomain", "=", "behind-vet").execute();
      await db.owner.db.deleteFrom("platform.database_placements").where("id", "in", [placementId, broken]).execute();
    }
  });
});

describe("pool limits", () => {
  it("never holds more than maxDatabases pools of maxConnections each, however many dedicated practices are busy", async () => {
    const extra = [await dedicatedPractice("east-dedicated"), await dedicatedPractice("west-dedicated")];
    const practices = [north, south, ...extra];
    const cookies = await Promise.all(practices.map((p) => sessionCookieFor(p, p.fixture.practice, p.fixture.email)));
    const databases = new PracticeDatabases(db.app.db, { shared: db.app.db, keys, maxConnections: 1, maxDatabases: 2 });
    const server = await startTestServer(db, {}, { databases });
    const monitor = postgres(adminUrl(), { max: 1, onnotice: () => undefined });
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [row] = await monitor<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where application_name = 'portico-dedicated'`;
        peak = Math.max(peak, row?.n ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      const statuses = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const index = i % practices.length;
          const practice = practices[index]!;
          return server.request(`${practice.fixture.practice.subdomain}.localhost:3000`, "/home", { headers: { cookie: cookies[index]! } }).then((r) => r.status);
        }),
      );
      expect(statuses.every((status) => status === 200)).toBe(true);
      expect(databases.openPools).toBeLessThanOrEqual(2);
    } finally {
      sampling = false;
      await sampler;
      await server.close();
      await databases.close();
      await monitor.end();
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
  });
});

describe("replacing a dedicated database's credentials", () => {
  it("accepts new credentials for the same, already prepared database only", async () => {
    const placementId = south.fixture.practice.placementId!;
    const before = await db.owner.db.selectFrom("platform.database_placements").select("owner_url_sealed").where("id", "=", placementId).executeTakeFirstOrThrow();
    await expect(replacePlacementCredentials(db.owner.db, keys, placementId, provisionInput(north.ownerUrl))).rejects.toThrow(/not at the practice's database/);
    await replacePlacementCredentials(db.owner.db, keys, placementId, provisionInput(south.ownerUrl));
    const after = await db.owner.db.selectFrom("platform.database_placements").select("owner_url_sealed").where("id", "=", placementId).executeTakeFirstOrThrow();
    expect(after.owner_url_sealed).not.toBe(before.owner_url_sealed);
    const databases = new PracticeDatabases(db.app.db, { shared: db.app.db, keys, maxConnections: 1, maxDatabases: 1 });
    try {
      expect(await databases.scope(south.fixture.practice)((trx) => trx.selectFrom("clients").select("id").execute())).toHaveLength(1);
    } finally {
      await databases.close();
    }
  });
});

describe("rotating PLATFORM_ENCRYPTION_KEY", () => {
  it("reseals every placement under the new key, after which the old key is not needed", async () => {
    const rotated = { current: Buffer.alloc(32, 9), previous: keys.current };
    const count = await resealPlacements(db.owner.db, rotated);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(await resealPlacements(db.owner.db, rotated)).toBe(0);
    const databases = new PracticeDatabases(db.app.db, { shared: db.app.db, keys: { current: rotated.current }, maxConnections: 1, maxDatabases: 2 });
    try {
      const clients = await databases.scope(south.fixture.practice)((trx) => trx.selectFrom("clients").select("id").execute());
      expect(clients).toHaveLength(1);
    } finally {
      await databases.close();
    }
    const stale = new PracticeDatabases(db.app.db, { shared: db.app.db, keys, maxConnections: 1, maxDatabases: 2 });
    try {
      await expect(stale.scope(south.fixture.practice)(async () => 1)).rejects.toMatchObject({ name: "PracticeUnavailableError", reason: "misconfigured" });
    } finally {
      await stale.close();
    }
  });
});
