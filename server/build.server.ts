import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { ServerBuild } from "@remix-run/node";

const run = promisify(execFile);

export const ROOT = path.resolve(import.meta.dirname, "..");
export const BUILD_FILE = path.join(ROOT, "build", "index.js");
// Route modules import use cases, which import server/ and db/ modules: all of them end up in the build.
const SOURCES = ["app", "server", "db", "tenants", "public/css", "remix.config.js", "package.json"];

async function newestMtime(entry: string): Promise<number> {
  const stat = await fs.stat(entry).catch(() => undefined);
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  const children = await fs.readdir(entry);
  const times = await Promise.all(children.map((child) => newestMtime(path.join(entry, child))));
  return Math.max(stat.mtimeMs, ...times);
}

/** Written after a production build: `remix watch` (npm run dev) writes a development build to the same place. */
const PRODUCTION_MARKER = path.join(ROOT, "build", ".production-build");

export async function isBuildStale(): Promise<boolean> {
  const built = await fs.stat(BUILD_FILE).catch(() => undefined);
  if (!built) return true;
  const marker = await fs.stat(PRODUCTION_MARKER).catch(() => undefined);
  if (!marker || marker.mtimeMs < built.mtimeMs) return true;
  const sources = await Promise.all(SOURCES.map((entry) => newestMtime(path.join(ROOT, entry))));
  return Math.max(...sources) > built.mtimeMs;
}

/**
 * `npm start` must work straight after `npm install`: build when the build is missing, older than its sources, or
 * a development build left by `npm run dev`.
 */
export async function ensureBuild(log: (message: string) => void): Promise<void> {
  if (!(await isBuildStale())) return;
  log("building the app (missing or older than its sources)…");
  const remix = path.join(ROOT, "node_modules", ".bin", "remix");
  await run(remix, ["build"], { cwd: ROOT, env: { ...process.env, NODE_ENV: "production" } });
  await fs.writeFile(PRODUCTION_MARKER, new Date().toISOString());
  log("build ready");
}

export async function loadBuild(): Promise<ServerBuild> {
  return (await import(BUILD_FILE)) as ServerBuild;
}

/** Development: re-import the build whenever `remix watch` rewrites it, so a browser refresh shows the change. */
export function watchedBuild(): () => Promise<ServerBuild> {
  let loaded: { mtimeMs: number; build: ServerBuild } | undefined;
  return async () => {
    const { mtimeMs } = await fs.stat(BUILD_FILE);
    if (!loaded || loaded.mtimeMs !== mtimeMs) {
      loaded = { mtimeMs, build: (await import(`${BUILD_FILE}?t=${mtimeMs}`)) as ServerBuild };
    }
    return loaded.build;
  };
}
