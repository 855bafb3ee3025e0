/**
 * `npm run bench:soak`: does the server's memory level off under a long mixed workload of good and bad requests?
 * See bench/README.md (`npm run bench:soak`).
 *
 * The real server (`server/main.ts` through bench/soak-server.ts, which adds a memory report over IPC) runs in its
 * own process on a throwaway embedded Postgres holding the demo practices, in production mode (as the image runs
 * it: 512 MB heap ceiling) or, with SOAK_MODE=development, as `npm start` runs it without NODE_ENV (debug logging
 * through pino-pretty, development Remix, no heap ceiling). Each round sends the same bounded mix from loopback:
 * signed-in client and staff pages, anonymous pages, and bad input, every bad request unique (random paths, broken
 * percent-encoding, random query strings, unknown methods, garbage cookies, oversized and garbage form posts,
 * random practice subdomains, lazy-route-discovery and data requests for random paths). After each round it prints
 * the server's RSS (/proc/<pid>/status), its V8 heap, and the heap still reachable after a full collection.
 *
 * Knobs: SOAK_MODE (production | development), SOAK_ROUNDS (8), SOAK_REQUESTS per round (900), SOAK_RATE (70/s; 0
 * unpaced), SOAK_ROUND_SECONDS
 * (cap per round, 15), SOAK_LANES (concurrent requests, 16), SOAK_IDLE_SECONDS (quiet time after the last round, 15),
 * MALLOC_ARENA_MAX (passed to the server), SOAK_SNAPSHOTS=<dir> (heap snapshots after round 2 and after the last, and their difference; writing a snapshot
 * takes a few hundred MB outside the heap, which RSS keeps afterwards: read the RSS of such a run accordingly).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { connect, withCredentials, withDatabase } from "../db/connection.server";
import { startEmbeddedPostgres } from "../db/embedded-postgres.server";
import { migrateMainDatabase } from "../db/migrate.server";
import { ensureEmbeddedDatabase } from "../db/roles.server";
import { seedDemo } from "../db/seed/seed-demo.server";
import { withPractice } from "../db/with-practice.server";
import { clientSessions } from "../server/auth/client-session.server";
import { staffSessions } from "../server/auth/staff-session.server";
import { ensureBuild, ROOT } from "../server/build.server";
import { PRACTICE_COLUMNS, type Practice } from "../tenants/practice";
import { freePort } from "../test/support/processes";
import { compareSnapshots } from "./heap-diff";
import type { SoakReply, SoakRequest } from "./soak-server";

const MODE = (["production", "development"] as const).find((mode) => mode === (process.env.SOAK_MODE ?? "production")) ?? fail("SOAK_MODE is production or development");
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 8);
const REQUESTS_PER_ROUND = Number(process.env.SOAK_REQUESTS ?? 900);
const ROUND_SECONDS = Number(process.env.SOAK_ROUND_SECONDS ?? 15);
/**
 * Requests per second (SOAK_RATE; 0: each lane sends its next request as soon as the last is answered). V8 sizes
 * its heap by the allocation rate, so an unpaced load on a shared machine makes RSS follow whatever else runs there;
 * at a steady rate, rounds compare with each other.
 */
const RATE = Number(process.env.SOAK_RATE ?? 70);
const SNAPSHOTS = process.env.SOAK_SNAPSHOTS ? path.resolve(process.env.SOAK_SNAPSHOTS) : undefined;
/** Concurrent requests (SOAK_LANES): enough to keep the server's one thread busy, few enough to leave a core to Postgres. */
const LANES = Number(process.env.SOAK_LANES ?? 16);
/** After the last round: does memory come back once the requests stop? */
const IDLE_SECONDS = Number(process.env.SOAK_IDLE_SECONDS ?? 15);
const REQUEST_TIMEOUT_MS = 15_000;
/** Plateau margin for RSS (see the verdict). */
const PLATEAU_SPREAD = 0.05;
/** Live-heap growth that counts as a leak: 2 kB kept per request. */
const LEAK_MB_PER_THOUSAND = 2;
const PASSWORDS = { owner: "soak-owner-password", app: "soak-runtime-password" };
const DATABASE = "portico_soak";
/** Every request-derived token carries this, so a heap snapshot shows how many of them the server still holds. */
const MARKER = "fuzz";
/** The first kinds of the mix are ordinary traffic; the rest is bad input. */
const GOOD_KINDS = 5;

function fail(message: string): never {
  throw new Error(message);
}

const log = (message: string) => process.stdout.write(`${message}\n`);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

type Spec = { method: string; host: string; path: string; headers?: Record<string, string>; body?: string | Buffer; fresh?: boolean };
type Kind = [name: string, make: (i: number) => Spec];
type Sessions = { client: string; otherClient: string; staff: string };

/** Signs people in directly (no email round trip), as test/support/sessions.ts does, with the mode's cookie names. */
async function createSessions(appUrl: string, ownerUrl: string, secure: boolean): Promise<Sessions> {
  const owner = connect(ownerUrl, { max: 1 });
  const app = connect(appUrl, { max: 1 });
  try {
    const practice = (subdomain: string) => owner.db.selectFrom("platform.practices").select(PRACTICE_COLUMNS).where("subdomain", "=", subdomain).executeTakeFirstOrThrow() as Promise<Practice>;
    const clientCookie = async (subdomain: string, email: string) => {
      const p = await practice(subdomain);
      return withPractice(app.db, p, async (trx) => {
        const row = await trx.selectFrom("client_emails").select(["id", "client_id", "email"]).where("email_key", "=", email).executeTakeFirstOrThrow();
        const setCookie = await clientSessions(trx, p.id, { secure, now: () => new Date() }).create({ clientId: row.client_id, clientEmailId: row.id, email: row.email, ip: "127.0.0.1", userAgent: "soak" });
        return setCookie.split(";")[0]!;
      });
    };
    const happyPaws = await practice("happy-paws");
    const staff = await withPractice(app.db, happyPaws, async (trx) => {
      const member = await trx.selectFrom("staff_members").select("id").where("email_key", "=", "owner@happypaws.example.com").executeTakeFirstOrThrow();
      const setCookie = await staffSessions(trx, happyPaws.id, { secure, now: () => new Date() }).create({ staffId: member.id, ip: "127.0.0.1", userAgent: "soak" });
      return setCookie.split(";")[0]!;
    });
    return { client: await clientCookie("happy-paws", "maria.lopez@example.com"), otherClient: await clientCookie("riverside-physio", "sarah.chen@example.com"), staff };
  } finally {
    await app.close();
    await owner.close();
  }
}

type Server = { child: ChildProcess; port: number; tail: () => string; loggedBytes: () => number; ask: (request: SoakRequest) => Promise<SoakReply> };

async function startServer(env: NodeJS.ProcessEnv, port: number): Promise<Server> {
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", "bench/soak-server.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  // Every line is read (an unread pipe would stall the server's logger), only the end is kept, for error reports.
  let tail = "";
  let logged = 0;
  const onData = (chunk: Buffer) => {
    logged += chunk.length;
    tail = (tail + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const replies: ((reply: SoakReply) => void)[] = [];
  child.on("message", (reply: SoakReply) => replies.shift()?.(reply));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after 120 s:\n${tail}`)), 120_000);
    const ready = () => {
      if (!tail.includes("Portico is ready")) return;
      clearTimeout(timer);
      child.stdout!.off("data", ready);
      resolve();
    };
    child.stdout!.on("data", ready);
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before ready:\n${tail}`)));
  });
  return {
    child,
    port,
    tail: () => tail,
    loggedBytes: () => logged,
    ask: (request) =>
      new Promise((resolve) => {
        replies.push(resolve);
        child.send(request);
      }),
  };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.removeAllListeners("exit");
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function rssBytes(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

const token = (bytes = 6) => `${MARKER}${randomBytes(bytes).toString("hex")}`;
const pick = <T>(items: readonly T[], i: number): T => items[i % items.length]!;

/**
 * The mix: one request in three is an ordinary page, two in three are bad input, and every bad one is unique, so
 * that anything keyed by request data (paths, hosts, query strings, cookies, SQL text) would grow round after round.
 */
function workload(port: number, sessions: Sessions): Kind[] {
  const practice = `happy-paws.localhost:${port}`;
  const other = `riverside-physio.localhost:${port}`;
  const landing = `localhost:${port}`;
  const form = (host: string) => ({ "content-type": "application/x-www-form-urlencoded", origin: `http://${host}` });
  const ip = (i: number) => ({ "x-forwarded-for": `10.9.${(i >> 8) & 255}.${i & 255}` });
  const clientPages = ["/home", "/records", "/prescriptions", "/appointments", "/reminders", "/settings"];
  return [
    // Good: signed-in pages in two practices, staff pages, anonymous pages.
    ["client pages", (i) => ({ method: "GET", host: practice, path: pick(clientPages, i), headers: { cookie: sessions.client } })],
    ["client pages, 2nd practice", (i) => ({ method: "GET", host: other, path: pick(clientPages, i), headers: { cookie: sessions.otherClient } })],
    ["staff pages", (i) => ({ method: "GET", host: practice, path: pick(["/admin", "/admin/clients", "/admin/audit"], i), headers: { cookie: sessions.staff } })],
    ["anonymous pages", (i) => ({ method: "GET", host: pick([practice, landing, other], i), path: "/" })],
    ["page data (.data)", (i) => ({ method: "GET", host: practice, path: `/home.data?_routes=${pick(["routes/home", "root"], i)}`, headers: { cookie: sessions.client } })],
    // Bad: unknown pages, signed in and not.
    ["unknown page", () => ({ method: "GET", host: practice, path: `/no-such-page-${token()}` })],
    ["unknown record", () => ({ method: "GET", host: practice, path: `/records/${token()}`, headers: { cookie: sessions.client } })],
    ["unknown deep path", () => ({ method: "GET", host: other, path: `/${token()}/${token()}/${token()}` })],
    // Invalid percent-encoding, in the path and in the query.
    ["broken %-encoding in path", () => ({ method: "GET", host: practice, path: `/%E0%A4%A${token()}%zz` })],
    ["broken %-encoding in query", () => ({ method: "GET", host: practice, path: `/records/%${token()}?q=%ff%fe%${token()}`, headers: { cookie: sessions.client } })],
    // Random query strings on real pages.
    ["random query on a page", () => ({ method: "GET", host: practice, path: `/home?${token()}=${token()}&index&_data=routes%2F${token()}`, headers: { cookie: sessions.client } })],
    ["random query on landing", () => ({ method: "GET", host: landing, path: `/?q=${token(12)}&${token()}` })],
    // Unknown methods (Node's parser refuses most of them outright) and methods no route handles.
    ["unknown methods", (i) => ({ method: pick(["PROPFIND", "PURGE", "MKCOL", "OPTIONS", "DELETE", "PATCH"], i), host: practice, path: `/${token()}` })],
    // Garbage cookies: a forged session, unknown names, a huge value.
    ["forged session cookies", () => ({ method: "GET", host: practice, path: "/home", headers: { cookie: `__Host-portico_session=${token(20)}; portico_session=${token(20)}; ${token()}=${token()}` } })],
    ["garbage staff cookie", () => ({ method: "GET", host: practice, path: "/admin", headers: { cookie: `__Host-portico_staff=${token(20)}; portico_staff=${token()}; x=${"%".repeat(200)}${token(400)}` } })],
    // Form posts: a body too large (refused on its Content-Length), garbage, a wrong type, a broken multipart.
    ["oversized form post", () => ({ method: "POST", host: practice, path: "/?index", headers: { ...form(practice), "content-length": String(4 * 1024 * 1024) }, body: token(), fresh: true })],
    ["garbage sign-in post", (i) => ({ method: "POST", host: practice, path: "/?index", headers: { ...form(practice), ...ip(i) }, body: `email=${token()}%40example.com&${token()}=%zz&${randomBytes(64).toString("base64url")}` })],
    ["garbage settings post", (i) => ({ method: "POST", host: practice, path: `/settings?${token()}`, headers: { ...form(practice), ...ip(i), cookie: sessions.client }, body: `intent=${token()}&${token(200)}=${token(200)}` })],
    ["JSON post", () => ({ method: "POST", host: practice, path: "/records", headers: { "content-type": "application/json", origin: `http://${practice}` }, body: JSON.stringify({ [token()]: token(100) }) })],
    ["broken multipart", (i) => ({ method: "POST", host: practice, path: "/settings", headers: { "content-type": `multipart/form-data; boundary=${token()}`, origin: `http://${practice}`, cookie: sessions.client, ...ip(i) }, body: `--${token()}\r\n${randomBytes(300).toString("latin1")}` })],
    // Random practice subdomains (each is a registry lookup that finds nothing) and malformed hosts.
    ["random practice subdomain", () => ({ method: "GET", host: `${token()}.localhost:${port}`, path: "/" })],
    ["nested random subdomain", () => ({ method: "GET", host: `${token()}.${token()}.localhost:${port}`, path: `/${token()}` })],
    // Lazy route discovery and single-fetch data for random paths: Remix matches these against its routes.
    ["__manifest for random paths", () => ({ method: "GET", host: practice, path: `/__manifest?p=%2F${token()}&p=%2Frecords%2F${token()}&version=${token()}` })],
    ["random .data request", () => ({ method: "GET", host: practice, path: `/${token()}.data?_routes=routes%2F${token()}`, headers: { cookie: sessions.client } })],
    // Sign-in links and invitations with tokens that do not exist.
    ["unknown sign-in token", () => ({ method: "GET", host: practice, path: `/sign-in/${token(16)}` })],
    // A long path.
    ["3 kB path", () => ({ method: "GET", host: practice, path: `/${token(1500)}` })],
  ];
}

type Outcome = "2xx" | "3xx" | "4xx" | "5xx" | "error";

function send(port: number, agent: http.Agent, spec: Spec): Promise<Outcome> {
  return new Promise((resolve) => {
    const request = http.request(
      { host: "127.0.0.1", port, method: spec.method, path: spec.path, headers: { host: spec.host, ...spec.headers }, agent: spec.fresh ? false : agent, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        response.resume();
        response.on("end", () => resolve(`${String(response.statusCode ?? 0)[0]}xx` as Outcome));
        response.on("error", () => resolve("error"));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    // A refused body is answered before it is read; the server may then close the socket under it.
    request.on("error", () => resolve("error"));
    if (spec.body !== undefined) {
      if (!spec.headers?.["content-length"]) request.setHeader("content-length", Buffer.byteLength(spec.body));
      request.write(spec.body);
    }
    request.end();
  });
}

type Round = { round: number; requests: number; seconds: number; outcomes: Record<Outcome, number>; byKind: Record<string, Partial<Record<Outcome, number>>>; rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; liveHeapMb: number; rssAfterGcMb: number; loggedMb: number };

async function runRound(server: Server, mix: Kind[], round: number): Promise<Round> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: LANES });
  const outcomes: Record<Outcome, number> = { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, error: 0 };
  const byKind: Record<string, Partial<Record<Outcome, number>>> = {};
  const started = Date.now();
  const deadline = started + ROUND_SECONDS * 1000;
  let next = 0;
  const lane = async () => {
    while (next < REQUESTS_PER_ROUND && Date.now() < deadline) {
      const i = next++;
      const due = started + (RATE > 0 ? (i * 1000) / RATE : 0);
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const [name, make] = pick(mix, i);
      const outcome = await send(server.port, agent, make(i));
      outcomes[outcome]++;
      const kind = (byKind[name] ??= {});
      kind[outcome] = (kind[outcome] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  agent.destroy();
  const seconds = (Date.now() - started) / 1000;
  const pid = server.child.pid!;
  const rss = await rssBytes(pid);
  const memory = await server.ask({ kind: "memory" });
  if (memory.kind !== "memory") throw new Error("unexpected reply");
  return {
    round,
    requests: next,
    seconds,
    outcomes,
    byKind,
    rssMb: mb(rss),
    heapUsedMb: mb(memory.now.heapUsed),
    heapTotalMb: mb(memory.now.heapTotal),
    externalMb: mb(memory.now.external),
    liveHeapMb: +(memory.afterGc.heapUsed / 1024 / 1024).toFixed(1),
    rssAfterGcMb: mb(await rssBytes(pid)),
    loggedMb: +(server.loggedBytes() / 1024 / 1024).toFixed(1),
  };
}

async function snapshot(server: Server, name: string): Promise<string> {
  const reply = await server.ask({ kind: "snapshot", file: path.join(SNAPSHOTS!, `soak-${MODE}-${name}.heapsnapshot`) });
  if (reply.kind !== "snapshot") throw new Error("unexpected reply");
  return reply.file;
}

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-soak-"));
  await fs.chmod(dataDir, 0o755);
  const [cluster] = await Promise.all([startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port: await freePort() }), ensureBuild(log)]);
  let server: Server | undefined;
  const stopEverything = async () => {
    if (server) await stopServer(server.child).catch(() => undefined);
    await cluster.stop().catch(() => undefined);
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  // An interrupted run must not leave a server and Postgres behind to skew the next one.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stopEverything().finally(() => process.exit(130)));
  try {
    const superUrl = withCredentials(`postgres://127.0.0.1:${cluster.port}/postgres`, "postgres", cluster.superuserPassword);
    await ensureEmbeddedDatabase(superUrl, DATABASE, PASSWORDS);
    const ownerUrl = withCredentials(withDatabase(superUrl, DATABASE), "portico_owner", PASSWORDS.owner);
    const owner = connect(ownerUrl, { max: 2 });
    await migrateMainDatabase(owner.db);
    // The shared demo practices; the dedicated one needs a database the server provisions itself, and adds nothing here.
    await seedDemo(owner.db);
    await owner.close();
    const sessions = await createSessions(withCredentials(withDatabase(superUrl, DATABASE), "portico_app", PASSWORDS.app), ownerUrl, MODE === "production");

    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: MODE,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: ownerUrl,
      DATABASE_APP_PASSWORD: PASSWORDS.app,
      TRUST_PROXY: "loopback",
      PUBLIC_SCHEME: "http",
      PUBLIC_PORT: String(port),
      // Log levels and the email transport are left at each mode's defaults: logging is part of what is measured.
      ...(MODE === "production" ? { EMAIL_TRANSPORT: "log", NODE_OPTIONS: "--max-old-space-size=512" } : {}),
      // glibc's allocator keeps up to 8 arenas per core; set to compare how much of RSS is memory it holds on to.
      ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
    };
    server = await startServer(env, port);
    const mix = workload(port, sessions);
    const idle = await rssBytes(server.child.pid!);
    log(`soak (${MODE}): ${ROUNDS} rounds of up to ${REQUESTS_PER_ROUND} requests (${ROUND_SECONDS} s cap) ${RATE > 0 ? `at ${RATE}/s` : "unpaced"}, up to ${LANES} concurrent; ${mix.length} kinds of request, ${GOOD_KINDS} good, ${mix.length - GOOD_KINDS} bad`);
    log(`  server idle after start: RSS ${mb(idle)} MB`);
    log("  round  requests   req/s   2xx  3xx   4xx  5xx  err │   RSS  heap used/total  external │ live heap  RSS after GC │ logged");
    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const r = await runRound(server, mix, round);
      rounds.push(r);
      const o = r.outcomes;
      log(
        `  ${String(round).padStart(5)}  ${String(r.requests).padStart(8)}  ${(r.requests / r.seconds).toFixed(0).padStart(6)}  ${String(o["2xx"]).padStart(4)} ${String(o["3xx"]).padStart(4)}  ${String(o["4xx"]).padStart(4)} ${String(o["5xx"]).padStart(4)} ${String(o.error).padStart(4)} │ ${String(r.rssMb).padStart(5)}  ${`${r.heapUsedMb} / ${r.heapTotalMb}`.padStart(15)}  ${String(r.externalMb).padStart(8)} │ ${String(r.liveHeapMb).padStart(9)}  ${String(r.rssAfterGcMb).padStart(12)} │ ${r.loggedMb} MB`,
      );
      // Once: how each kind of request was answered, so that a change in the app that turns a page into an error shows.
      if (round === 1) for (const [name] of mix) log(`         ${name.padEnd(30)} ${Object.entries(r.byKind[name] ?? {}).map(([outcome, n]) => `${outcome} ${n}`).join(", ")}`);
      if (SNAPSHOTS && (round === 2 || round === ROUNDS)) {
        await fs.mkdir(SNAPSHOTS, { recursive: true });
        log(`         heap snapshot ${path.relative(ROOT, await snapshot(server, `round-${round}`))}`);
      }
    }

    // Plateau: the last three rounds close together, or none of them above every earlier round by more than the
    // margin (RSS on a shared machine wobbles with the load around it; a leak only climbs).
    const last = rounds.slice(-3).map((r) => r.rssMb);
    const spread = (Math.max(...last) - Math.min(...last)) / Math.min(...last);
    const earlierMax = Math.max(...rounds.slice(0, -3).map((r) => r.rssMb));
    const plateau = spread <= PLATEAU_SPREAD || Math.max(...last) <= earlierMax * (1 + PLATEAU_SPREAD);
    // Live heap against requests served, least squares over every round after the first (which warms up).
    let served = 0;
    const points = rounds.map((r) => [(served += r.requests) / 1000, r.liveHeapMb] as const).slice(1);
    const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
    const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
    const livePerThousand = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0) / points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const quietRss = mb(await rssBytes(server.child.pid!));
    const quiet = await server.ask({ kind: "memory" });
    if (quiet.kind !== "memory") throw new Error("unexpected reply");
    const afterQuiet = { rssMb: quietRss, heapTotalMb: mb(quiet.now.heapTotal), liveHeapMb: +(quiet.afterGc.heapUsed / 1024 / 1024).toFixed(1) };
    log(`  ${IDLE_SECONDS} s without requests: RSS ${afterQuiet.rssMb} MB, heap total ${afterQuiet.heapTotalMb} MB, live heap ${afterQuiet.liveHeapMb} MB`);
    log(`\n  RSS: ${mb(idle)} MB idle → ${rounds.map((r) => r.rssMb).join(" → ")} MB → ${afterQuiet.rssMb} MB after ${IDLE_SECONDS} s quiet`);
    // Retaining each request's objects (a request, its headers, a response) costs several kB apiece; compiled code
    // and bounded caches still filling in a few minutes' run stay well under 2 kB per request.
    const growing = livePerThousand >= LEAK_MB_PER_THOUSAND;
    log(`  verdict: RSS ${plateau ? "plateaus" : "does NOT plateau"} (last 3 rounds ${last.join(", ")} MB, spread ${(100 * spread).toFixed(1)}%; earlier rounds at most ${earlierMax} MB; margin ${100 * PLATEAU_SPREAD}%)`);
    log(`  live heap: ${livePerThousand >= 0 ? "+" : ""}${livePerThousand.toFixed(2)} MB per 1,000 requests after round 1 (${growing ? "growing: something is retained per request" : `under ${LEAK_MB_PER_THOUSAND}: nothing retained per request`}); SOAK_SNAPSHOTS shows what any growth is`);
    const totals = rounds.reduce((sum, r) => sum + r.outcomes["5xx"] + r.outcomes.error, 0);
    if (totals) log(`  note: ${totals} requests answered 5xx or failed at the connection; the last server output:\n${server.tail().slice(-3000)}`);

    if (SNAPSHOTS) {
      log(`\n  heap snapshots, round 2 → round ${ROUNDS} (what grew):`);
      for (const line of await compareSnapshots(path.join(SNAPSHOTS, `soak-${MODE}-round-2.heapsnapshot`), path.join(SNAPSHOTS, `soak-${MODE}-round-${ROUNDS}.heapsnapshot`), MARKER)) log(`    ${line}`);
    }
    const dir = path.join(ROOT, "bench", "results");
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${new Date().toISOString().slice(0, 10)}-soak-${MODE}.json`);
    await fs.writeFile(file, JSON.stringify({ date: new Date().toISOString(), mode: MODE, settings: { rounds: ROUNDS, requestsPerRound: REQUESTS_PER_ROUND, rate: RATE, roundSeconds: ROUND_SECONDS, lanes: LANES, quietSeconds: IDLE_SECONDS }, idleRssMb: mb(idle), rounds, afterQuiet, plateau, spread, liveHeapMbPerThousandRequests: livePerThousand }, null, 2));
    log(`\n  written ${path.relative(ROOT, file)}`);
  } finally {
    await stopEverything();
  }
}

await main();
