import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { loadBuild } from "../../server/build.server";
import { createServer } from "../../server/app.server";
import { BackgroundTasks } from "../../server/background.server";
import { type Config, loadConfig, publicOrigin } from "../../server/config.server";
import { localFileStore } from "../../server/files/local-file-store.server";
import { type PracticeFiles, practiceFiles } from "../../server/files/practice-files.server";
import { createLogger } from "../../server/logger.server";
import { serverOf } from "../../tenants/dedicated-databases.server";
import type { PlatformControl } from "../../tenants/platform-control.server";
import { PracticeDatabases } from "../../tenants/practice-databases.server";
import { PracticeRegistry } from "../../tenants/registry.server";
import type { PlatformKeys } from "../../tenants/sealed-secrets.server";
import type { TestDatabase } from "./database";
import { freePort } from "./processes";

export type TestResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };
export type RequestOptions = { method?: string; headers?: Record<string, string>; body?: string };

export type TestServer = {
  port: number;
  registry: PracticeRegistry;
  /** Waits for the work requests left to run after their responses (sign-in links are issued there). */
  settled(): Promise<void>;
  /** Every log line the server wrote (at `logLevel`, `silent` unless overridden), as JSON text. */
  logs(): string[];
  /** Moves this server's clock: every rule reads time through it. */
  clock: TestClock;
  /** The server's files: a local store in a temporary directory of its own, unless the test gave one. */
  files: PracticeFiles;
  /** A request as a browser on `host` would send it; the Host header is set explicitly, the socket is loopback. */
  request(host: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
};

export function requestTo(port: number, host: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: { host, ...options.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A fixed key for tests: sealed values in test databases never leave them. */
export function testKeys(): PlatformKeys {
  return { current: Buffer.alloc(32, 7) };
}

/** The real server (same middleware, same Remix build) on an ephemeral port, over the test database's runtime role. */
export type TestClock = { now(): Date; advance(ms: number): void; reset(): void };

export function testClock(): TestClock {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms), reset: () => void (offset = 0) };
}

/**
 * The real server on a free port. Links and the expected Origin use port 3000 (what HTTP tests send as Host), or,
 * with `publicPortIsListenPort` (browser tests), the port the browser really talks to.
 */
export async function startTestServer(database: TestDatabase, overrides: Partial<Config> = {}, options: { publicPortIsListenPort?: boolean; databases?: PracticeDatabases; control?: PlatformControl; files?: PracticeFiles } = {}): Promise<TestServer> {
  const listenPort = await freePort();
  const base = loadConfig({ NODE_ENV: "test" });
  const config: Config = { ...base, ...(options.publicPortIsListenPort ? { publicUrl: { ...base.publicUrl, port: listenPort } } : {}), ...overrides };
  const logLines: string[] = [];
  const logger = createLogger(config, { write: (line: string) => void logLines.push(line) });
  const registry = new PracticeRegistry(database.app.db);
  const unlisten = await registry.listen(database.app.sql);
  const background = new BackgroundTasks(logger);
  const clock = testClock();
  const databases = options.databases ?? new PracticeDatabases(database.app.db, { shared: database.app.db, keys: testKeys(), maxConnections: 2, maxDatabases: 4 });
  const control: PlatformControl = options.control ?? {
    db: database.owner.db,
    databases,
    keys: testKeys(),
    appPassword: decodeURIComponent(new URL(database.appUrl).password),
    mainServer: serverOf(database.ownerUrl),
    practiceOrigin: (subdomain) => publicOrigin(config, `${subdomain}.${config.portalDomain}`),
  };
  const filesDirectory = options.files ? undefined : await fs.mkdtemp(path.join(os.tmpdir(), "portico-files-"));
  const files = options.files ?? practiceFiles(localFileStore(filesDirectory!), testKeys());
  const app = createServer({ config, logger, appDb: database.app.db, databases, control, registry, build: await loadBuild(), background, files, mailboxDbs: () => [database.owner.db], now: clock.now });
  const server = await new Promise<http.Server>((resolve) => {
    const listening = app.listen(listenPort, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    registry,
    clock,
    files,
    logs: () => logLines,
    settled: () => background.settled(),
    request: (host, path, options) => requestTo(port, host, path, options),
    close: async () => {
      await background.settled();
      await unlisten();
      if (!options.databases) await databases.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (filesDirectory) await fs.rm(filesDirectory, { recursive: true, force: true });
    },
  };
}

/** A form post as the browser on `host` sends it: same origin, URL-encoded, with a length. */
export function postForm(server: Pick<TestServer, "request">, host: string, path: string, fields: [string, string][], cookie = ""): Promise<TestResponse> {
  const body = new URLSearchParams(fields).toString();
  return server.request(host, path, {
    method: "POST",
    headers: { cookie, origin: `http://${host}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) },
    body,
  });
}

/** The `name=value` of the first cookie a response sets. */
export function cookieOf(res: TestResponse): string {
  return [res.headers["set-cookie"]].flat().join().split(";")[0]!;
}
