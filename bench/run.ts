/**
 * `npm run bench`: portal pages at scale, against baselines measured in the same run. See bench/README.md.
 *
 * 1. Data: 2,000 practices in one database and 10 of the same shape in another, on an embedded Postgres kept in
 *    bench/.data (`--reuse` keeps both databases between runs).
 * 2. Load: autocannon in this process; every server in its own process; 50 connections; sessions spread over every
 *    practice (one signed-in client each, created directly in the database).
 * 3. Baselines: a fixed string (the machine's ceiling); the pets page's queries without Remix, transaction or RLS
 *    (the data ceiling); and the same inside a withPractice-style transaction as the runtime role (isolation cost).
 * Output: a table, one summary line per figure, and bench/results/<date>.json.
 */
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import autocannon from "autocannon";
import postgres from "postgres";
import { connect, withCredentials, withDatabase } from "../db/connection.server";
import { startEmbeddedPostgres } from "../db/embedded-postgres.server";
import { migrateMainDatabase } from "../db/migrate.server";
import { ensureEmbeddedDatabase } from "../db/roles.server";
import { ensureBuild, ROOT } from "../server/build.server";
import { sessionKey } from "../server/auth/client-session.server";
import { freePort, startScript, stopScript, TSX } from "../test/support/processes";
import { type PlanNode, seqScans } from "../test/support/query-plans";
import { FULL_SHAPE, generateData, ids, type Shape, uuidSql } from "./generate-data";
import { inPracticeTransaction, PETS_QUERIES, type PetsQuery } from "./pets-queries";

const REUSE = process.argv.includes("--reuse");
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = 50;
const PASSWORDS = { owner: "bench-owner-password", app: "bench-runtime-password" };
/** BENCH_PRACTICES shrinks the large database for a quick trial run of the benchmark itself. */
const LARGE_SHAPE: Shape = { ...FULL_SHAPE, practices: Number(process.env.BENCH_PRACTICES ?? FULL_SHAPE.practices) };
const PAGE_KEYS = ["pets", "records", "record", "prescriptions", "signIn"] as const;
type PageKey = (typeof PAGE_KEYS)[number];
/** `small` is every page again, against the 10-practice database. */
const TARGET_KEYS = ["fixed", "data", "dataRls", ...PAGE_KEYS, "small", "petsTwoProcesses", "email"] as const;
type TargetKey = Exclude<(typeof TARGET_KEYS)[number], "email" | "small">;
/** BENCH_ONLY=pets,data measures just those targets (quicker runs while working on one page); BENCH_SKIP_EMAIL=1 drops email. */
const ONLY = new Set<string>(
  (process.env.BENCH_ONLY?.split(",").map((key) => key.trim()) ?? [...TARGET_KEYS]).filter((key) => key !== "email" || process.env.BENCH_SKIP_EMAIL !== "1"),
);
const unknownTargets = [...ONLY].filter((key) => !(TARGET_KEYS as readonly string[]).includes(key));
if (unknownTargets.length) throw new Error(`BENCH_ONLY: unknown ${unknownTargets.join(", ")}; the targets are ${TARGET_KEYS.join(", ")}`);
const DATABASES = { large: { name: "portico_bench_large", shape: LARGE_SHAPE }, small: { name: "portico_bench_small", shape: { ...FULL_SHAPE, practices: 10 } } };

const log = (message: string) => process.stdout.write(`${message}\n`);

async function prepareDatabase(superUrl: string, name: string, shape: Shape): Promise<void> {
  const admin = postgres(superUrl, { max: 1, onnotice: () => undefined });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (REUSE && exists) {
      const db = postgres(withDatabase(superUrl, name), { max: 1, onnotice: () => undefined });
      const [count] = await db<{ n: number }[]>`select count(*)::int as n from platform.practices`.catch(() => [{ n: -1 }]);
      await db.end();
      if (count?.n === shape.practices) {
        log(`${name}: reusing ${shape.practices} practices`);
        return;
      }
    }
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
  await ensureEmbeddedDatabase(superUrl, name, PASSWORDS);
  const owner = connect(withCredentials(withDatabase(superUrl, name), "portico_owner", PASSWORDS.owner), { max: 2 });
  await migrateMainDatabase(owner.db);
  await owner.close();
  const started = Date.now();
  log(`${name}: generating ${shape.practices} practices (${shape.practices * shape.clients * shape.patientsPerClient * shape.documents} documents)`);
  const sql = postgres(withDatabase(superUrl, name), { max: 1, onnotice: () => undefined });
  await generateData(sql, shape, log);
  await sql.end();
  log(`${name}: loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** One signed-in client per practice, sessions written straight into the table (cookie = `bench-session-<p>`). */
async function createSessions(superUrl: string, name: string, practices: number): Promise<void> {
  const sql = postgres(withDatabase(superUrl, name), { max: 1, onnotice: () => undefined });
  await sql`delete from client_sessions`;
  await sql.unsafe(`
    insert into client_sessions (practice_id, id, client_id, client_email_id, email, created_at, expires_at)
    select e.practice_id, encode(sha256(convert_to('bench-session-' || s.p, 'utf8')), 'hex'), e.client_id, e.id, e.email, now(), now() + interval '23 hours'
    from generate_series(1, ${practices}) s(p)
    join client_emails e on e.client_id = ${uuidSql("'client-' || s.p || '-' || (1 + (s.p * 7) % 50)")}`);
  await sql.end();
}

const clientOf = (p: number) => 1 + ((p * 7) % 50);

type Target = { name: string; port: number; alsoOnPorts?: number[]; practices: number; method?: "GET" | "POST"; path: (p: number) => string; body?: (p: number, turn: number) => string; signedOut?: boolean };

type Figures = { name: string; requestsPerSecond: number; p50: number; p99: number; non2xx: number; errors: number; codes: string };

async function load(target: Target, seconds: number, connections = CONNECTIONS): Promise<Figures> {
  let turn = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${target.port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: target.method ?? "GET",
        setupRequest: (request) => {
          const p = 1 + (turn++ % target.practices);
          const host = `bench-${p}.localhost:${target.port}`;
          const headers: Record<string, string> = { host, "x-forwarded-for": `10.1.${(turn >> 8) & 255}.${turn & 255}` };
          // A signed-in visitor posting the sign-in form is sent on to their portal: the sign-in target signs nobody in.
          if (!target.signedOut) headers.cookie = `__Host-portico_session=bench-session-${p}`;
          const body = target.body?.(p, turn);
          // autocannon sets Content-Length from the body itself.
          if (body !== undefined) Object.assign(headers, { "content-type": "application/x-www-form-urlencoded", origin: `http://${host}` });
          return { ...request, path: target.path(p), headers, ...(body !== undefined ? { body } : {}) };
        },
      },
    ],
  });
  const codes = Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith("2"))
    .map(([code, stats]) => `${code}×${stats.count}`)
    .join(" ");
  return { name: target.name, requestsPerSecond: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, codes };
}

/**
 * Several server processes behind one address would need a balancer in front; the load is split over their ports
 * instead, connections shared equally. Throughput adds up; each latency figure is the worst process's.
 */
async function loadSplit(target: Target, seconds: number): Promise<Figures> {
  const ports = [target.port, ...(target.alsoOnPorts ?? [])];
  if (ports.length === 1) return load(target, seconds);
  const parts = await Promise.all(ports.map((port) => load({ ...target, port }, seconds, Math.round(CONNECTIONS / ports.length))));
  const sum = (pick: (figures: Figures) => number) => parts.reduce((total, part) => total + pick(part), 0);
  return {
    name: target.name,
    requestsPerSecond: sum((part) => part.requestsPerSecond),
    p50: Math.max(...parts.map((part) => part.p50)),
    p99: Math.max(...parts.map((part) => part.p99)),
    non2xx: sum((part) => part.non2xx),
    errors: sum((part) => part.errors),
    codes: parts.map((part) => part.codes).filter(Boolean).join(" "),
  };
}

async function measure(target: Target): Promise<Figures> {
  if (WARMUP > 0) await loadSplit(target, WARMUP);
  const figures = await loadSplit(target, DURATION);
  log(`  ${figures.name.padEnd(46)} ${String(figures.requestsPerSecond).padStart(6)} req/s  p50 ${String(figures.p50).padStart(4)} ms  p99 ${String(figures.p99).padStart(4)} ms${figures.non2xx || figures.errors ? `  (${figures.non2xx} non-2xx: ${figures.codes}; ${figures.errors} errors)` : ""}`);
  return figures;
}

type QueryCost = { executionMs: number; planningMs: number; sharedBuffers: number; seqScans: string[] };

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the pets page's reads for one signed-in client, as the runtime role under row-level
 * security: what each costs inside Postgres, and whether the practice count changes it. Each runs twice; the second
 * (warm) run is reported.
 */
async function explainPets(url: string, p: number): Promise<Record<PetsQuery, QueryCost>> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const practiceId = ids.practice(p);
    const parameters: Record<PetsQuery, string[]> = {
      session: [practiceId, sessionKey(`bench-session-${p}`)],
      settings: [practiceId],
      pets: [practiceId, ids.client(p, clientOf(p))],
    };
    const costs = {} as Record<PetsQuery, QueryCost>;
    for (const name of Object.keys(PETS_QUERIES) as PetsQuery[]) {
      const explain = async () => {
        const [row] = await inPracticeTransaction(sql, practiceId, (trx) => trx.unsafe(`explain (analyze, buffers, format json) ${PETS_QUERIES[name]}`, parameters[name]));
        return (row as unknown as { "QUERY PLAN": { Plan: PlanNode; "Execution Time": number; "Planning Time": number }[] })["QUERY PLAN"][0]!;
      };
      await explain();
      const plan = await explain();
      costs[name] = {
        executionMs: +plan["Execution Time"].toFixed(3),
        planningMs: +plan["Planning Time"].toFixed(3),
        sharedBuffers: (plan.Plan["Shared Hit Blocks"] ?? 0) + (plan.Plan["Shared Read Blocks"] ?? 0),
        seqScans: seqScans(plan.Plan),
      };
    }
    return costs;
  } finally {
    await sql.end();
  }
}

const describeCosts = (costs: Record<PetsQuery, QueryCost>) =>
  Object.entries(costs)
    .map(([name, cost]) => `${name} ${cost.executionMs} ms, ${cost.sharedBuffers} buffers${cost.seqScans.length ? `, seq scan of ${cost.seqScans.join(", ")}` : ""}`)
    .join(" · ");

const OUTBOX_DRAIN_LIMIT_MS = 120_000;

type SignInOutcomes = { sent: number; rateLimited: number; rateLimitedShare: number; walBytesPerRequest: number };

/**
 * A sign-in request answers the same page whether a link went out or a limit held it back (no enumeration), so the
 * outcome is read from the audit log: with 10 practices there are too few addresses to stay under the per-address
 * limit for long, and a limited request does less work than a sent one. Counters are cleared first.
 */
async function signInOutcomesOf(superUrl: string, run: () => Promise<Figures>): Promise<{ figures: Figures; outcomes: SignInOutcomes }> {
  const sql = postgres(superUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql`delete from rate_limit_counters`;
    const [started] = await sql<{ since: Date; lsn: string }[]>`select clock_timestamp() as since, pg_current_wal_lsn()::text as lsn`;
    const since = started!.since;
    const figures = await run();
    const rows = await sql<{ action: string; n: number }[]>`
      select action, count(*)::int as n from audit_events
      where occurred_at >= ${since} and action in ('client.sign_in_link_sent', 'client.sign_in_link_rate_limited') group by action`;
    // The outbox delivers what the target queued in the background; the next target should not compete with it.
    const draining = Date.now();
    for (;;) {
      const [pending] = await sql<{ n: number }[]>`select count(*)::int as n from mail.outbox where status = 'pending'`;
      if (!pending?.n || Date.now() - draining > OUTBOX_DRAIN_LIMIT_MS) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    log(`    outbox drained ${((Date.now() - draining) / 1000).toFixed(1)} s after the load stopped`);
    const count = (action: string) => rows.find((row) => row.action === action)?.n ?? 0;
    const sent = count("client.sign_in_link_sent");
    const rateLimited = count("client.sign_in_link_rate_limited");
    // Write-ahead log per request: every index leads with practice_id, so requests spread over more practices dirty
    // more distinct pages, and the first change to a page after a checkpoint logs the whole page.
    const [wal] = await sql<{ bytes: string }[]>`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${started!.lsn}::pg_lsn)::bigint::text as bytes`;
    const walBytesPerRequest = sent + rateLimited ? Math.round(Number(wal?.bytes ?? 0) / (sent + rateLimited)) : 0;
    return { figures, outcomes: { sent, rateLimited, rateLimitedShare: sent + rateLimited ? +(rateLimited / (sent + rateLimited)).toFixed(2) : 0, walBytesPerRequest } };
  } finally {
    await sql.end();
  }
}

async function rssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function startPortico(superUrl: string, database: string) {
  const port = await freePort();
  const server = await startScript(
    "server/main.ts",
    {
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: withCredentials(withDatabase(superUrl, database), "portico_owner", PASSWORDS.owner),
      DATABASE_APP_PASSWORD: PASSWORDS.app,
      EMAIL_TRANSPORT: "log",
      TRUST_PROXY: "loopback",
      PUBLIC_SCHEME: "http",
      PUBLIC_PORT: String(port),
      LOG_LEVEL: "warn",
      // As the production image runs it (Dockerfile).
      NODE_OPTIONS: "--max-old-space-size=512",
    },
    "Portico is ready",
    // One process (node --import tsx): the pid whose memory is measured is the server itself.
    { nodeArgs: process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE] : [] },
  );
  return { port, server };
}

async function main(): Promise<void> {
  const dataDir = path.join(ROOT, "bench", ".data");
  if (!REUSE) await fs.rm(dataDir, { recursive: true, force: true });
  await fs.mkdir(dataDir, { recursive: true, mode: 0o755 });
  const [cluster] = await Promise.all([startEmbeddedPostgres({ dataDir, port: await freePort(), log }), ensureBuild(log)]);
  const superUrl = withCredentials(`postgres://127.0.0.1:${cluster.port}/postgres`, "postgres", cluster.superuserPassword);
  const stops: (() => Promise<unknown>)[] = [];
  const stopEverything = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await cluster.stop();
  };
  // An interrupted run must not leave servers and Postgres behind to skew the next one.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stopEverything().finally(() => process.exit(130)));
  try {
    for (const { name, shape } of Object.values(DATABASES)) {
      await prepareDatabase(superUrl, name, shape);
      await createSessions(superUrl, name, shape.practices);
    }
    const large = await startPortico(superUrl, DATABASES.large.name);
    const small = await startPortico(superUrl, DATABASES.small.name);
    stops.push(() => stopScript(large.server.child), () => stopScript(small.server.child));
    // One process is one core; the machine has more. A second process on the same database shows what scaling out buys.
    const second = ONLY.has("petsTwoProcesses") ? await startPortico(superUrl, DATABASES.large.name) : undefined;
    if (second) stops.push(() => stopScript(second.server.child));
    const baselines = await Promise.all(
      [
        ["fixed", undefined],
        ["data", withDatabase(superUrl, DATABASES.large.name)],
        ["data-rls", withCredentials(withDatabase(superUrl, DATABASES.large.name), "portico_app", PASSWORDS.app)],
      ].map(async ([mode, url]) => {
        const port = await freePort();
        const child = spawn(process.execPath, ["--import", "tsx", "bench/baseline-server.ts", mode!, String(port), ...(url ? [url] : [])], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
        await new Promise<void>((resolve, reject) => {
          child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
          child.on("exit", (code) => reject(new Error(`baseline ${mode} exited with ${code}`)));
        });
        stops.push(async () => child.kill("SIGTERM"));
        return [mode!, port] as const;
      }),
    );
    const port = Object.fromEntries(baselines);
    const P = DATABASES.large.shape.practices;
    const pid = large.server.child.pid!;
    const rss: number[] = [];
    const sampler = setInterval(() => void rssMb(pid).then((mb) => rss.push(mb), () => undefined), 500);

    log(`\nload: autocannon, ${CONNECTIONS} connections, ${DURATION} s per target after ${WARMUP} s of warm-up`);
    const pagesOn = (port: number, practices: number, label: string): Record<PageKey, Target> => ({
      pets: { name: `portico: pets page${label}`, port, practices, path: () => "/home" },
      records: { name: `portico: records list${label}`, port, practices, path: () => "/records" },
      record: { name: `portico: one record${label}`, port, practices, path: (p) => `/records/${ids.document(p, clientOf(p), 1, 1)}` },
      prescriptions: { name: `portico: prescriptions${label}`, port, practices, path: () => "/prescriptions" },
      // Each round over the practices asks for the next client, so an address is asked for as rarely as the data allows.
      signIn: { name: `portico: sign-in link request${label}`, port, practices, method: "POST", signedOut: true, path: () => "/?index", body: (p, turn) => `email=${encodeURIComponent(ids.email(p, 1 + (Math.floor(turn / practices) % FULL_SHAPE.clients)))}` },
    });
    const targets: Record<TargetKey, Target> = {
      fixed: { name: "baseline: fixed string", port: port.fixed!, practices: P, path: () => "/" },
      data: { name: "baseline: pets queries, no RLS", port: port.data!, practices: P, path: () => "/" },
      dataRls: { name: "baseline: pets queries, withPractice", port: port["data-rls"]!, practices: P, path: () => "/" },
      ...pagesOn(large.port, P, ` (${P} practices)`),
      petsTwoProcesses: { name: "portico: pets page, 2 processes", port: large.port, alsoOnPorts: second ? [second.port] : [], practices: P, path: () => "/home" },
    };
    const measured: Partial<Record<TargetKey, Figures>> = {};
    const measuredSmall: Partial<Record<PageKey, Figures>> = {};
    const signInOutcomes: Partial<Record<"large" | "small", SignInOutcomes>> = {};
    const measurePage = async (target: Target, page: TargetKey, database: "large" | "small") => {
      if (page !== "signIn") return measure(target);
      const outcomes = await signInOutcomesOf(withDatabase(superUrl, DATABASES[database].name), () => measure(target));
      signInOutcomes[database] = outcomes.outcomes;
      log(`    ${outcomes.outcomes.sent} links sent, ${outcomes.outcomes.rateLimited} requests rate-limited (${Math.round(100 * outcomes.outcomes.rateLimitedShare)}%), ${(outcomes.outcomes.walBytesPerRequest / 1024).toFixed(1)} kB of WAL per request`);
      return outcomes.figures;
    };
    for (const key of TARGET_KEYS.filter((key): key is TargetKey | "small" => key !== "email" && ONLY.has(key))) {
      if (key !== "small") {
        measured[key] = await measurePage(targets[key], key, "large");
        continue;
      }
      // Memory is sampled while the 2,000-practice server is under load, not while the small one is.
      clearInterval(sampler);
      const small10 = pagesOn(small.port, DATABASES.small.shape.practices, ` (${DATABASES.small.shape.practices} practices)`);
      for (const page of PAGE_KEYS) measuredSmall[page] = await measurePage(small10[page], page, "small");
    }
    clearInterval(sampler);

    if (ONLY.has("email")) {
      log("\nemail: 1,000 sign-in link requests against a fake Resend API (npm run bench:email)");
      await new Promise<void>((resolve, reject) => {
        const child = spawn(TSX, ["bench/email-latency.ts"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`email benchmark exited with ${code}`))));
      });
    }
    const emailFile = path.join(ROOT, "bench", "results", `${new Date().toISOString().slice(0, 10)}-email-latency.json`);
    const email = JSON.parse(await fs.readFile(emailFile, "utf8").catch(() => '{"scenarios":[]}')) as { scenarios: { name: string; handedToTransportMs: { p50: number; p99: number } }[] };
    const paced = email.scenarios.find((s) => s.name === "paced") ?? { handedToTransportMs: { p50: NaN, p99: NaN } };

    const runtimeUrl = (name: string) => withCredentials(withDatabase(superUrl, name), "portico_app", PASSWORDS.app);
    const explained = { large: await explainPets(runtimeUrl(DATABASES.large.name), Math.ceil(P / 2)), small: await explainPets(runtimeUrl(DATABASES.small.name), 5) };

    const ratio = (a: number, b: number | undefined) => (b ? +(a / b).toFixed(2) : NaN);
    const { fixed, data, dataRls, pets, petsTwoProcesses } = measured;
    const pages = PAGE_KEYS.flatMap((key) => (measured[key] ? [measured[key]] : []));
    const tenancyRatios = Object.fromEntries(PAGE_KEYS.flatMap((key) => (measured[key] && measuredSmall[key] ? [[key, ratio(measured[key].requestsPerSecond, measuredSmall[key].requestsPerSecond)]] : [])));
    const sortedRss = [...rss].sort((a, b) => a - b);
    const summary = {
      date: new Date().toISOString(),
      machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
      settings: { connections: CONNECTIONS, durationSeconds: DURATION, warmupSeconds: WARMUP, shape: LARGE_SHAPE, targets: [...ONLY] },
      baselines: { fixed, data, dataRls },
      pages: pages.map((page) => ({ ...page, ratioToData: ratio(page.requestsPerSecond, data?.requestsPerSecond) })),
      tenancy: {
        small: measuredSmall,
        signInOutcomes,
        ratio2000to10: tenancyRatios,
        isolationRatio: dataRls ? ratio(dataRls.requestsPerSecond, data?.requestsPerSecond) : NaN,
      },
      scaling: { petsTwoProcesses, ratioToOneProcess: pets && petsTwoProcesses ? ratio(petsTwoProcesses.requestsPerSecond, pets.requestsPerSecond) : NaN },
      queryCosts: explained,
      memory: { rssMedianMb: sortedRss[Math.floor(sortedRss.length / 2)] ?? 0, rssMaxMb: sortedRss.at(-1) ?? 0 },
      email: { p50: paced.handedToTransportMs.p50, p99: paced.handedToTransportMs.p99 },
    };
    const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
    log("\nsummary");
    if (pets && data) log(`  pets page: ${pets.requestsPerSecond} req/s = ${ratio(pets.requestsPerSecond, data.requestsPerSecond)} × the data baseline (budget ≥ 0.40: ${verdict(pets.requestsPerSecond >= 0.4 * data.requestsPerSecond)}); p99 ${pets.p99} ms (budget < 100 ms: ${verdict(pets.p99 < 100)})`);
    for (const page of pages.filter((page) => page !== pets)) log(`  ${page.name.replace("portico: ", "")}: ${page.requestsPerSecond} req/s${data ? ` = ${ratio(page.requestsPerSecond, data.requestsPerSecond)} × data baseline` : ""}, p50 ${page.p50} ms, p99 ${page.p99} ms`);
    const tenancy = Object.entries(tenancyRatios).filter(([page]) => page !== "signIn");
    if (tenancy.length) log(`  ${P} vs ${DATABASES.small.shape.practices} practices: ${tenancy.map(([page, value]) => `${page} ${value}`).join(", ")} (budget ≥ 0.9 for every page: ${verdict(tenancy.every(([, value]) => value >= 0.9))})`);
    if (tenancyRatios.signIn !== undefined && signInOutcomes.large && signInOutcomes.small) {
      log(`  sign-in link request, ${P} vs ${DATABASES.small.shape.practices} practices: ratio ${tenancyRatios.signIn}, with ${Math.round(100 * signInOutcomes.large.rateLimitedShare)}% and ${Math.round(100 * signInOutcomes.small.rateLimitedShare)}% of requests rate-limited (a limited request does less work)`);
    }
    if (petsTwoProcesses) log(`  pets page on 2 server processes: ${petsTwoProcesses.requestsPerSecond} req/s${data ? ` = ${ratio(petsTwoProcesses.requestsPerSecond, data.requestsPerSecond)} × data baseline` : ""}${pets ? `, ${summary.scaling.ratioToOneProcess} × one process` : ""}, p99 ${petsTwoProcesses.p99} ms`);
    if (dataRls && data) log(`  isolation (withPractice + RLS vs none, same queries): ratio ${summary.tenancy.isolationRatio}`);
    if (fixed && data) log(`  machine ceiling (fixed string): ${fixed.requestsPerSecond} req/s; data ceiling ${data.requestsPerSecond} req/s`);
    log(`  EXPLAIN (ANALYZE, BUFFERS) of one client's pets reads, runtime role under RLS — ${P} practices: ${describeCosts(explained.large)}`);
    log(`    ${DATABASES.small.shape.practices} practices: ${describeCosts(explained.small)}`);
    if (pages.length) log(`  server RSS under load: median ${summary.memory.rssMedianMb} MB, max ${summary.memory.rssMaxMb} MB (budget < 300 MB: ${verdict(summary.memory.rssMaxMb < 300)})`);
    if (ONLY.has("email")) log(`  magic-link email handed to transport: p50 ${summary.email.p50} ms, p99 ${summary.email.p99} ms (budget p99 < 2 s: ${verdict(summary.email.p99 < 2000)})`);
    const dir = path.join(ROOT, "bench", "results");
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${summary.date.slice(0, 10)}.json`);
    await fs.writeFile(file, JSON.stringify(summary, null, 2));
    log(`\nwritten ${path.relative(ROOT, file)}`);
  } finally {
    await stopEverything();
  }
}

await main();
