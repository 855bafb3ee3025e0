import http from "node:http";
import type { AddressInfo } from "node:net";
import { loadBuild } from "../../server/build.server";
import { createServer } from "../../server/app.server";
import { type Config, loadConfig } from "../../server/config.server";
import { createLogger } from "../../server/logger.server";
import { PracticeRegistry } from "../../tenants/registry.server";
import type { TestDatabase } from "./database";

export type TestResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };
export type RequestOptions = { method?: string; headers?: Record<string, string>; body?: string };

export type TestServer = {
  port: number;
  registry: PracticeRegistry;
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

/** The real server (same middleware, same Remix build) on an ephemeral port, over the test database's runtime role. */
export async function startTestServer(database: TestDatabase, overrides: Partial<Config> = {}): Promise<TestServer> {
  const config: Config = { ...loadConfig({ NODE_ENV: "test" }), ...overrides };
  const registry = new PracticeRegistry(database.app.db);
  const unlisten = await registry.listen(database.app.sql);
  const app = createServer({ config, logger: createLogger(config), appDb: database.app.db, registry, build: await loadBuild() });
  const server = await new Promise<http.Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    registry,
    request: (host, path, options) => requestTo(port, host, path, options),
    close: async () => {
      await unlisten();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
