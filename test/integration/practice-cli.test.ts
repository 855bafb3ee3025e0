import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_PASSWORDS } from "../support/global-setup";
import { startTestServer, type TestServer } from "../support/http";
import { runScript, waitFor } from "../support/processes";

let db: TestDatabase;
let server: TestServer;
let env: Record<string, string>;

const practiceCli = (...args: string[]) => runScript("server/cli/practice.ts", args, env);

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  env = { DATABASE_URL: db.ownerUrl, DATABASE_APP_PASSWORD: TEST_PASSWORDS.app };
});

afterAll(async () => {
  await server.close();
});

function expectOneLineError(result: { code: number | null; stderr: string }, message: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split("\n")[0]).toMatch(/^error: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("npm run practice", () => {
  it("creates a practice that a running server resolves within a second", async () => {
    const created = await practiceCli("create", "--subdomain", "acme-vet", "--name", "Acme Vet", "--kind", "veterinary", "--yes");
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created acme-vet \(Acme Vet, shared\)/);
    const { value, elapsedMs } = await waitFor(() => server.request("acme-vet.localhost:3000", "/"), (res) => res.status === 200, 1_000);
    expect(value.status).toBe(200);
    expect(value.body).toContain("<h1>Acme Vet</h1>");
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it("refuses a taken subdomain with exit code 2 and one clear line", async () => {
    expectOneLineError(await practiceCli("create", "--subdomain", "acme-vet", "--name", "Acme Again", "--kind", "veterinary", "--yes"), /already taken/);
  });

  // Independent processes: run them side by side.
  it.concurrent.each([
    [["create", "--subdomain", "support", "--name", "Support", "--kind", "human", "--yes"], /reserved/],
    [["create", "--subdomain", "Bad_Name", "--name", "Bad", "--kind", "human", "--yes"], /lower-case letters/],
    [["create", "--subdomain", "ok-name", "--name", "Fine", "--kind", "dental", "--yes"], /kind must be/],
    [["create", "--subdomain", "ok-name", "--kind", "human", "--yes"], /needs --subdomain, --name and --kind/],
    [["create", "--subdomain", "ok-name", "--name", "Fine", "--kind", "human"], /add --yes/],
    [["create", "--subdomain", "ok-name", "--colour", "red"], /Unknown option/],
    [["show", "nobody-here"], /No practice has the subdomain/],
    [["suspend"], /needs a subdomain/],
    [["frobnicate"], /unknown command/],
  ])("answers bad input %j with exit code 2", async (args, message) => {
    expectOneLineError(await practiceCli(...args), message);
  });

  it("lists, shows, suspends and resumes", async () => {
    const list = await practiceCli("list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^acme-vet\s+active\s+veterinary\s+shared\s+Acme Vet$/m);

    const show = await practiceCli("show", "acme-vet");
    expect(show.stdout).toMatch(/^name\s+Acme Vet$/m);

    expect((await practiceCli("suspend", "acme-vet")).stdout).toBe("acme-vet is now suspended; every session has ended\n");
    const suspended = await waitFor(() => server.request("acme-vet.localhost:3000", "/"), (res) => res.status === 503, 1_000);
    expect(suspended.value.status).toBe(503);

    expect((await practiceCli("resume", "acme-vet")).stdout).toBe("acme-vet is now active\n");
    const resumed = await waitFor(() => server.request("acme-vet.localhost:3000", "/"), (res) => res.status === 200, 1_000);
    expect(resumed.value.status).toBe(200);
  });
});

describe("npm run support-user", () => {
  const supportCli = (...args: string[]) => runScript("server/cli/support-user.ts", args, env);

  it("creates a support user and prints a setup link that opens on the support host", async () => {
    const created = await supportCli("create", "--email", "Ops@Portico.example.com", "--name", "Ops Person");
    expect(created.code).toBe(0);
    const link = created.stdout.match(/http:\/\/support\.localhost:3000\/support\/setup\/[A-Za-z0-9_-]{43}/)?.[0];
    expect(link).toBeDefined();
    const page = await server.request("support.localhost:3000", new URL(link!).pathname);
    expect(page.status).toBe(200);
    expect(page.body).toContain("ops@portico.example.com");

    expectOneLineError(await supportCli("create", "--email", "ops@portico.example.com", "--name", "Again"), /already exists/);
    expectOneLineError(await supportCli("create", "--email", "not-an-email", "--name", "X"), /email/);
    const list = await supportCli("list");
    expect(list.stdout).toMatch(/^ops@portico\.example\.com\s+awaiting setup\s+Ops Person$/m);
    expect((await supportCli("deactivate", "--email", "ops@portico.example.com")).code).toBe(0);
    expect((await server.request("support.localhost:3000", new URL(link!).pathname)).body).toContain("does not work");
  });
});
