import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestTo } from "../support/http";
import { freePort, runScript, startScript, stopScript, waitFor } from "../support/processes";

// What a newcomer does: `npm start` (server/main.ts) on an empty data directory, with nothing else configured.
let dataDir: string;
let env: Record<string, string>;
let port: number;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-start-"));
  await fs.chmod(dataDir, 0o755);
  port = await freePort();
  env = { DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()), NODE_ENV: "development", LOG_LEVEL: "warn" };
});

afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("npm start on a fresh machine", () => {
  it("starts embedded Postgres, migrates, loads the demo practices and serves them; the CLI works beside it; data persists", async () => {
    const first = await startScript("server/main.ts", env, "Portico is ready");
    try {
      expect(first.output()).toContain(`http://happy-paws.localhost:${port}`);
      const happy = await requestTo(port, `happy-paws.localhost:${port}`, "/");
      expect(happy.status).toBe(200);
      expect(happy.body).toContain("Happy Paws Animal Hospital");
      expect(happy.body).toContain("(555) 010-4400");
      expect((await requestTo(port, `nope.localhost:${port}`, "/")).status).toBe(404);
      expect((await requestTo(port, `localhost:${port}`, "/")).body).toContain("Find your practice");
      const ready = await requestTo(port, `localhost:${port}`, "/readyz");
      expect(ready.status).toBe(200);

      // The third demo practice lives in a database of its own on the same embedded server.
      const northside = await requestTo(port, `northside-vet.localhost:${port}`, "/");
      expect(northside.status).toBe(200);
      expect(northside.body).toContain("Northside Veterinary Clinic");
      const afterVisit = JSON.parse((await requestTo(port, `localhost:${port}`, "/readyz")).body) as { dedicated: { practices: string[]; state: string }[] };
      expect(afterVisit.dedicated).toEqual([expect.objectContaining({ practices: ["northside-vet"], state: "ok" })]);
      const migrate = await runScript("server/cli/db.ts", ["migrate"], env);
      expect(migrate.stdout).toMatch(/dedicated 127\.0\.0\.1:\d+\/portico_northside_vet \(northside-vet\): ok, already up to date/);
      expect(migrate.stdout).toContain("2 database(s), 0 failed");
      expect(migrate.code).toBe(0);

      // The operator CLI finds the server's embedded Postgres through the same DATA_DIR.
      const created = await runScript("server/cli/practice.ts", ["create", "--subdomain", "acme-vet", "--name", "Acme Vet", "--kind", "veterinary", "--yes"], env);
      expect(created.code).toBe(0);
      const acme = await waitFor(() => requestTo(port, `acme-vet.localhost:${port}`, "/"), (res) => res.status === 200, 1_000);
      expect(acme.value.body).toContain("Acme Vet");
      expect(acme.elapsedMs).toBeLessThan(1_000);
    } finally {
      expect(await stopScript(first.child)).toBe(0);
    }
    // Graceful shutdown stopped the embedded server it had started.
    await expect(fs.access(path.join(dataDir, "postgres", "postmaster.pid"))).rejects.toThrow();

    // With no server running, the CLI starts the embedded Postgres itself, and stops it again.
    const listed = await runScript("server/cli/practice.ts", ["list"], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^acme-vet\s+active/m);
    await expect(fs.access(path.join(dataDir, "postgres", "postmaster.pid"))).rejects.toThrow();

    const second = await startScript("server/main.ts", env, "Portico is ready");
    try {
      expect(second.output()).not.toContain("loaded demo practices");
      const acme = await requestTo(port, `acme-vet.localhost:${port}`, "/");
      expect(acme.status).toBe(200);
    } finally {
      expect(await stopScript(second.child)).toBe(0);
    }
  }, 120_000);
});
