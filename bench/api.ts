/**
 * `npm run bench:api`: the integration API and webhooks under load (issue #15). See bench/README.md (`npm run bench:api`).
 *
 * The real server (`server/main.ts`, NODE_ENV=production, the image's 512 MB heap ceiling) runs in its own process on
 * a throwaway embedded Postgres holding the demo practices. Everything it needs is made the way staff make it: API
 * keys (KEYS, spread over the two shared demo practices) and a webhook endpoint are created by posting the admin
 * forms (/admin/integrations, /admin/webhooks) as each practice's owner, and the secrets are read from the page, as
 * staff copy them.
 *
 * 1. API: autocannon from loopback, CONNECTIONS connections, the keys taken in turn (so every key has about one
 *    request in flight), a bounded number of requests per phase: `PUT /api/v1/clients/{externalId}` creating new
 *    clients (varied bodies), the same PUT replacing each of them with a changed body (updates), and
 *    `GET /api/v1/clients?limit=50` (a list page). Each key makes at most PER_KEY × 3 + warm-up requests in the
 *    whole run, below its 600-a-minute limit, so no 429 is expected; any non-2xx counts as an error.
 * 2. Webhooks: a receiver in this process (https on `localhost`, a throwaway self-signed certificate the server is
 *    told to trust, since the admin page takes only https addresses in production) verifies every delivery with
 *    `standardwebhooks`. EVENTS appointments of a demo client are confirmed through the portal's own form
 *    (`POST /appointments/{id}/confirm` with her session), EVENT_RATE a second, open loop; each confirmation records
 *    `appointment.confirmed`. Latency: the event's time (`occurred_at`, the payload's `timestamp`) to the verified
 *    request at the receiver.
 *
 * Bounded: each phase has a count and a time cap; the run stops by itself and removes the server, Postgres and its
 * temporary directory, on Ctrl-C too. Results: printed, and bench/results/<date>-api.json (git-ignored).
 *
 * Knobs: BENCH_PER_KEY (requests per key per API phase, 50), BENCH_EVENTS (500), BENCH_EVENT_RATE (25/s),
 * BENCH_PHASE_SECONDS (cap per API phase, 30).
 */
import { type ChildProcess, execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import autocannon from "autocannon";
import { Webhook } from "standardwebhooks";
import { connect, withCredentials, withDatabase } from "../db/connection.server";
import { startEmbeddedPostgres } from "../db/embedded-postgres.server";
import { migrateMainDatabase } from "../db/migrate.server";
import { ensureEmbeddedDatabase } from "../db/roles.server";
import { seedDemo } from "../db/seed/seed-demo.server";
import { withPractice } from "../db/with-practice.server";
import { API_REQUESTS_PER_MINUTE } from "../server/api/limits.server";
import { clientSessions } from "../server/auth/client-session.server";
import { staffSessions } from "../server/auth/staff-session.server";
import { ensureBuild, ROOT } from "../server/build.server";
import { PRACTICE_COLUMNS, type Practice } from "../tenants/practice";
import { requestTo, type TestResponse } from "../test/support/http";
import { freePort } from "../test/support/processes";
import { percentile, startServer, stopServer } from "./server-process";

const KEYS = 20;
const CONNECTIONS = 20;
const PER_KEY = Number(process.env.BENCH_PER_KEY ?? 50);
const WARMUP_PER_KEY = 5;
const PHASE_SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 30);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 500);
const EVENT_RATE = Number(process.env.BENCH_EVENT_RATE ?? 25);
/** After the last confirmation: how long deliveries may still arrive. */
const DRAIN_SECONDS = 20;
const LIST_LIMIT = 50;
const PASSWORDS = { owner: "bench-owner-password", app: "bench-runtime-password" };
const DATABASE = "portico_bench_api";
/** The two shared demo practices, each with its owner (who has manage_integrations). */
const PRACTICES = [
  { subdomain: "happy-paws", tag: "hp", owner: "owner@happypaws.example.com" },
  { subdomain: "riverside-physio", tag: "rp", owner: "owner@riversidephysio.example.com" },
] as const;
/** The demo client whose appointments are confirmed, and her practice. */
const CONFIRMING = { subdomain: "happy-paws", email: "maria.lopez@example.com" };

if (PER_KEY * 3 + WARMUP_PER_KEY + 2 > API_REQUESTS_PER_MINUTE) throw new Error(`BENCH_PER_KEY: at most ${Math.floor((API_REQUESTS_PER_MINUTE - WARMUP_PER_KEY - 2) / 3)}, so that no key reaches its rate limit`);

const log = (message: string) => process.stdout.write(`${message}\n`);

/** Set on Ctrl-C: the load in progress stops at once and no further phase starts. */
const run: { aborted: boolean; load?: autocannon.Instance } = { aborted: false };

function checkAborted(): void {
  if (run.aborted) throw new Error("interrupted");
}

type Key = { secret: string; practice: (typeof PRACTICES)[number]; host: string };

/** An https receiver needs a certificate the server trusts: a throwaway self-signed one for `localhost`. */
async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string; certFile: string }> {
  const keyFile = path.join(dir, "receiver-key.pem");
  const certFile = path.join(dir, "receiver-cert.pem");
  await promisify(execFile)("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", keyFile, "-out", certFile,
  ]);
  return { key: await fs.readFile(keyFile, "utf8"), cert: await fs.readFile(certFile, "utf8"), certFile };
}

/** Signs people in directly (no email round trip), as test/support/sessions.ts does, with production's cookie names. */
async function sessions(appUrl: string, ownerUrl: string): Promise<{ staff: Map<string, string>; client: string; appointmentIds: string[] }> {
  const owner = connect(ownerUrl, { max: 1 });
  const app = connect(appUrl, { max: 1 });
  const now = () => new Date();
  try {
    const practice = (subdomain: string) => owner.db.selectFrom("platform.practices").select(PRACTICE_COLUMNS).where("subdomain", "=", subdomain).executeTakeFirstOrThrow() as Promise<Practice>;
    const staff = new Map<string, string>();
    for (const p of PRACTICES) {
      const row = await practice(p.subdomain);
      staff.set(
        p.subdomain,
        await withPractice(app.db, row, async (trx) => {
          const member = await trx.selectFrom("staff_members").select("id").where("email_key", "=", p.owner).executeTakeFirstOrThrow();
          return (await staffSessions(trx, row.id, { secure: true, now }).create({ staffId: member.id, ip: "127.0.0.1", userAgent: "bench" })).split(";")[0]!;
        }),
      );
    }
    // The confirming client's session, and EVENTS upcoming appointments of one of her pets to confirm.
    const home = await practice(CONFIRMING.subdomain);
    return await withPractice(app.db, home, async (trx) => {
      const email = await trx.selectFrom("client_emails").select(["id", "client_id", "email"]).where("email_key", "=", CONFIRMING.email).executeTakeFirstOrThrow();
      const client = (await clientSessions(trx, home.id, { secure: true, now }).create({ clientId: email.client_id, clientEmailId: email.id, email: email.email, ip: "127.0.0.1", userAgent: "bench" })).split(";")[0]!;
      // A pet the portal shows (she also has a deceased and an inactive one, whose appointments it hides).
      const patient = await trx.selectFrom("patients").select("id").where("client_id", "=", email.client_id).where("status", "=", "active").orderBy("name").limit(1).executeTakeFirstOrThrow();
      const location = await trx.selectFrom("locations").select("id").limit(1).executeTakeFirstOrThrow();
      const start = Date.now() + 7 * 86_400_000;
      const rows = await trx
        .insertInto("appointments")
        .values(
          Array.from({ length: EVENTS }, (_, i) => ({
            practice_id: home.id,
            patient_id: patient.id,
            location_id: location.id,
            practitioner_name: "Dr. Bench",
            reason: `Bench check-up ${i + 1}`,
            starts_at: new Date(start + i * 1_800_000),
            ends_at: new Date(start + i * 1_800_000 + 1_200_000),
          })),
        )
        .returning("id")
        .execute();
      return { staff, client, appointmentIds: rows.map((r) => r.id) };
    });
  } finally {
    await app.close();
    await owner.close();
  }
}

function postForm(port: number, host: string, pathname: string, fields: [string, string][], cookie: string): Promise<TestResponse> {
  const body = new URLSearchParams(fields).toString();
  return requestTo(port, host, pathname, {
    method: "POST",
    headers: { cookie, origin: `http://${host}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) },
    body,
  });
}

/** Keys made on the admin page, as a practice's owner makes them; the secret is read from the page that shows it once. */
async function createKeys(port: number, staff: Map<string, string>): Promise<Key[]> {
  const keys: Key[] = [];
  for (let i = 0; i < KEYS; i++) {
    const practice = PRACTICES[i % PRACTICES.length]!;
    const host = `${practice.subdomain}.localhost:${port}`;
    const res = await postForm(port, host, "/admin/integrations", [["intent", "create"], ["name", `Bench key ${i + 1}`], ["scope", "write"]], staff.get(practice.subdomain)!);
    const secret = /pk_live_[0-9a-f]{10}_[0-9a-f]{40}/.exec(res.body)?.[0];
    if (res.status !== 200 || !secret) throw new Error(`creating key ${i + 1} on /admin/integrations: HTTP ${res.status}, no key shown`);
    keys.push({ secret, practice, host });
  }
  return keys;
}

/** Varied client bodies: some with an address, an alternative contact, several emails or phones. */
function clientBody(externalId: string, n: number, version: number): string {
  const emails = [`${externalId}.v${version}@bench.example.com`, ...(n % 3 === 0 ? [`${externalId}.work@bench.example.com`] : [])];
  const phones = [`+1 555 ${String(1000 + ((n * 7 + version) % 9000)).padStart(4, "0")}`, ...(n % 4 === 0 ? ["+1 555 0199"] : [])];
  return JSON.stringify({
    first_name: ["Ada", "Ben", "Chloe", "Dev", "Elif", "Farah", "Gus"][n % 7],
    last_name: `Bench-${n}${version > 1 ? `-v${version}` : ""}`,
    emails,
    phones,
    address: n % 2 === 0 ? { line1: `${n} Load Street`, city: version > 1 ? "Lowtown" : "Hightown", postal_code: "12345", country: "US" } : null,
    alternative_contacts: n % 5 === 0 ? [{ name: `Contact ${n}`, relationship: "neighbour", phone: "+1 555 0142", emails: [] }] : [],
    status: version > 1 && n % 10 === 0 ? "inactive" : "active",
  });
}

type Phase = { name: string; requests: number; rps: number; p50: number; p99: number; max: number; errors: number; codes: Record<string, number>; seconds: number };

/** One phase: `count` requests over CONNECTIONS connections, keys taken in turn; stopped at PHASE_SECONDS whatever. */
function load(port: number, name: string, count: number, build: (turn: number) => { key: Key; method: string; path: string; body?: string }, onCreated?: (externalId: string) => void): Promise<Phase> {
  checkAborted();
  let turn = 0;
  return new Promise((resolve, reject) => {
    const instance = (run.load = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        amount: count,
        timeout: 20,
        requests: [
          {
            setupRequest: (request) => {
              const r = build(turn++);
              const headers: Record<string, string> = { host: r.key.host, authorization: `Bearer ${r.key.secret}` };
              if (r.body !== undefined) headers["content-type"] = "application/json";
              return { ...request, method: r.method as "GET", path: r.path, headers, ...(r.body !== undefined ? { body: r.body } : {}) };
            },
            ...(onCreated
              ? {
                  onResponse: (status: number, body: string) => {
                    if (status === 201) onCreated((JSON.parse(body) as { external_id: string }).external_id);
                  },
                }
              : {}),
          },
        ],
      },
      (error, result) => {
        clearTimeout(cap);
        run.load = undefined;
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const codes = Object.fromEntries(Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
        const requests = Object.values(codes).reduce((sum, n) => sum + n, 0);
        const non2xx = Object.entries(codes).filter(([code]) => !code.startsWith("2")).reduce((sum, [, n]) => sum + n, 0);
        resolve({
          name,
          requests,
          seconds: result.duration,
          rps: Math.round(requests / result.duration),
          p50: result.latency.p50,
          p99: result.latency.p99,
          max: result.latency.max,
          errors: non2xx + result.errors + result.timeouts,
          codes,
        });
      },
    ));
    const cap = setTimeout(() => instance.stop(), PHASE_SECONDS * 1000);
  });
}

type Receiver = { port: number; secret: string; arrivals: Map<string, { at: number; occurredAt: number }>; duplicates: number; refused: number; close(): Promise<void> };

/** Loopback only (127.0.0.1 and ::1, whichever `localhost` resolves to); every delivery verified before it counts. */
async function startReceiver(tls: { key: string; cert: string }): Promise<Receiver> {
  const receiver: Receiver = { port: 0, secret: "", arrivals: new Map(), duplicates: 0, refused: 0, close: async () => undefined };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        const payload = new Webhook(receiver.secret).verify(Buffer.concat(chunks).toString("utf8"), req.headers as Record<string, string>) as { timestamp: string; data: { appointment: { id: string } } };
        const at = Date.now();
        const id = payload.data.appointment.id;
        if (receiver.arrivals.has(id)) receiver.duplicates++;
        else receiver.arrivals.set(id, { at, occurredAt: Date.parse(payload.timestamp) });
        res.statusCode = 204;
      } catch {
        receiver.refused++;
        res.statusCode = 400;
      }
      res.end();
    });
  };
  const servers = [https.createServer(tls, handler)];
  await new Promise<void>((resolve, reject) => servers[0]!.once("error", reject).listen(0, "127.0.0.1", resolve));
  receiver.port = (servers[0]!.address() as AddressInfo).port;
  const v6 = https.createServer(tls, handler);
  await new Promise<void>((resolve) => v6.once("error", () => resolve()).listen(receiver.port, "::1", () => (servers.push(v6), resolve())));
  receiver.close = () => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()).closeAllConnections()))).then(() => undefined);
  return receiver;
}

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "portico-bench-api-"));
  await fs.chmod(dataDir, 0o755);
  const [cluster] = await Promise.all([startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port: await freePort() }), ensureBuild(log)]);
  let server: { child: ChildProcess; tail: () => string } | undefined;
  let receiver: Receiver | undefined;
  // Once, whether the run ends or is interrupted (both may ask at the same time).
  let stopped: Promise<void> | undefined;
  const stopEverything = () =>
    (stopped ??= (async () => {
      if (server) await stopServer(server.child).catch(() => undefined);
      if (receiver) await receiver.close().catch(() => undefined);
      await cluster.stop().catch(() => undefined);
      await fs.rm(dataDir, { recursive: true, force: true });
    })());
  // An interrupted run must not leave a server and Postgres behind to skew the next one.
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      run.aborted = true;
      run.load?.stop();
      void stopEverything().finally(() => process.exit(130));
    });
  try {
    const superUrl = withCredentials(`postgres://127.0.0.1:${cluster.port}/postgres`, "postgres", cluster.superuserPassword);
    await ensureEmbeddedDatabase(superUrl, DATABASE, PASSWORDS);
    const ownerUrl = withCredentials(withDatabase(superUrl, DATABASE), "portico_owner", PASSWORDS.owner);
    const owner = connect(ownerUrl, { max: 2 });
    await migrateMainDatabase(owner.db);
    await seedDemo(owner.db);
    await owner.close();
    const signedIn = await sessions(withCredentials(withDatabase(superUrl, DATABASE), "portico_app", PASSWORDS.app), ownerUrl);
    const tls = await selfSignedCertificate(dataDir);
    receiver = await startReceiver(tls);

    const port = await freePort();
    server = await startServer({
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: ownerUrl,
      DATABASE_APP_PASSWORD: PASSWORDS.app,
      TRUST_PROXY: "loopback",
      PUBLIC_SCHEME: "http",
      PUBLIC_PORT: String(port),
      EMAIL_TRANSPORT: "log",
      LOG_LEVEL: "warn",
      // Throwaway: seals the webhook secret in this run's database only.
      PLATFORM_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      // The receiver is on loopback, which production refuses by default (ADR 016).
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true",
      // The receiver's self-signed certificate, trusted by this server process only.
      NODE_EXTRA_CA_CERTS: tls.certFile,
    });
    const keys = await createKeys(port, signedIn.staff);

    // The endpoint, added on the admin page by happy-paws' owner; the secret is read from the page, once.
    const hooksHost = `${CONFIRMING.subdomain}.localhost:${port}`;
    const added = await postForm(port, hooksHost, "/admin/webhooks", [["intent", "create"], ["url", `https://localhost:${receiver.port}/portico-hooks`], ["description", "Bench receiver"], ["eventTypes", "appointment.confirmed"]], signedIn.staff.get(CONFIRMING.subdomain)!);
    const hookSecret = /data-testid="webhook-secret">(whsec_[A-Za-z0-9+/=]+)</.exec(added.body)?.[1];
    if (added.status !== 200 || !hookSecret) throw new Error(`adding the endpoint on /admin/webhooks: HTTP ${added.status}, no secret shown`);
    receiver.secret = hookSecret;

    log(`api: server/main.ts in its own process (NODE_ENV=production, 512 MB heap), demo practices, ${KEYS} keys over ${PRACTICES.length} practices made on /admin/integrations`);
    log(`  load: autocannon from loopback, ${CONNECTIONS} connections, keys in turn; ${PER_KEY} requests per key per phase (cap ${PHASE_SECONDS} s)`);
    log("  phase                              requests   req/s    p50     p99     max   errors  statuses");
    const show = (p: Phase) =>
      log(`  ${p.name.padEnd(34)} ${String(p.requests).padStart(8)} ${String(p.rps).padStart(7)} ${`${p.p50} ms`.padStart(7)} ${`${p.p99} ms`.padStart(7)} ${`${p.max} ms`.padStart(7)} ${String(p.errors).padStart(8)}  ${Object.entries(p.codes).map(([c, n]) => `${c}×${n}`).join(" ")}`);

    const listPath = `/api/v1/clients?limit=${LIST_LIMIT}`;
    // Warm-up (not reported): compiled code, prepared statements, connection pools.
    await load(port, "warm-up", KEYS * WARMUP_PER_KEY, (turn) => ({ key: keys[turn % KEYS]!, method: "GET", path: listPath }));

    const created = new Map<string, string[]>(PRACTICES.map((p) => [p.tag, []]));
    const creates = await load(
      port,
      "PUT /clients/{id}, creates",
      KEYS * PER_KEY,
      (turn) => {
        const key = keys[turn % KEYS]!;
        const externalId = `bench-${key.practice.tag}-${turn}`;
        return { key, method: "PUT", path: `/api/v1/clients/${externalId}`, body: clientBody(externalId, turn, 1) };
      },
      (externalId) => created.get(externalId.split("-")[1]!)!.push(externalId),
    );
    show(creates);
    // Each created client replaced once with a changed body (names, emails, phones, address, some made inactive).
    const cursor = new Map<string, number>(PRACTICES.map((p) => [p.tag, 0]));
    const updates = await load(port, "PUT /clients/{id}, updates", Math.min(KEYS * PER_KEY, ...[...created.values()].map((ids) => ids.length * PRACTICES.length)), (turn) => {
      const key = keys[turn % KEYS]!;
      const ids = created.get(key.practice.tag)!;
      const i = cursor.get(key.practice.tag)!;
      cursor.set(key.practice.tag, i + 1);
      const externalId = ids[i % ids.length]!;
      return { key, method: "PUT", path: `/api/v1/clients/${externalId}`, body: clientBody(externalId, Number(externalId.split("-")[2]), 2) };
    });
    show(updates);
    const lists = await load(port, `GET /clients?limit=${LIST_LIMIT}`, KEYS * PER_KEY, (turn) => ({ key: keys[turn % KEYS]!, method: "GET", path: listPath }));
    show(lists);

    // Webhooks: confirmations at a steady rate, open loop.
    log(`\nwebhooks: ${EVENTS} appointment confirmations through the portal (POST /appointments/{id}/confirm) at ${EVENT_RATE}/s → https://localhost receiver, standardwebhooks verification`);
    const confirmStatuses: Record<string, number> = {};
    let firstRefusal: string | undefined;
    const inFlight: Promise<void>[] = [];
    const started = Date.now();
    for (let i = 0; i < signedIn.appointmentIds.length; i++) {
      checkAborted();
      const wait = started + (i * 1000) / EVENT_RATE - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(
        postForm(port, hooksHost, `/appointments/${signedIn.appointmentIds[i]}/confirm`, [], signedIn.client).then(
          (res) => {
            confirmStatuses[res.status] = (confirmStatuses[res.status] ?? 0) + 1;
            firstRefusal ??= res.status === 302 ? undefined : `HTTP ${res.status}: ${res.body.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").slice(0, 300)}`;
          },
          () => void (confirmStatuses.error = (confirmStatuses.error ?? 0) + 1),
        ),
      );
    }
    await Promise.all(inFlight);
    const sentSeconds = (Date.now() - started) / 1000;
    const deadline = Date.now() + DRAIN_SECONDS * 1000;
    while (receiver.arrivals.size < EVENTS && Date.now() < deadline && !run.aborted) await new Promise((resolve) => setTimeout(resolve, 50));
    const latencies = [...receiver.arrivals.values()].map((a) => a.at - a.occurredAt).sort((a, b) => a - b);
    const hooks = {
      events: EVENTS,
      rate: EVENT_RATE,
      sentSeconds: +sentSeconds.toFixed(1),
      confirmStatuses,
      arrived: receiver.arrivals.size,
      duplicates: receiver.duplicates,
      refused: receiver.refused,
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
    };
    log(`  confirmations answered: ${Object.entries(confirmStatuses).map(([c, n]) => `${c}×${n}`).join(" ")} (302 is the form's redirect) in ${hooks.sentSeconds} s`);
    if (firstRefusal) log(`  first confirmation refused: ${firstRefusal}`);
    log(`  event occurred_at → verified at receiver: p50 ${hooks.p50} ms  p90 ${hooks.p90} ms  p99 ${hooks.p99} ms  max ${hooks.max} ms · ${hooks.arrived}/${EVENTS} arrived, ${hooks.duplicates} duplicates, ${hooks.refused} failed verification`);
    log(`  target p99 < 1000 ms with every event arrived → ${hooks.p99 < 1000 && hooks.arrived === EVENTS && hooks.refused === 0 ? "met" : "NOT met"}`);

    const dir = path.join(ROOT, "bench", "results");
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${new Date().toISOString().slice(0, 10)}-api.json`);
    await fs.writeFile(file, JSON.stringify({ date: new Date().toISOString(), settings: { keys: KEYS, connections: CONNECTIONS, perKey: PER_KEY, events: EVENTS, eventRate: EVENT_RATE }, api: [creates, updates, lists], webhooks: hooks }, null, 2));
    log(`\n  written ${path.relative(ROOT, file)}`);
    if ([creates, updates, lists].some((p) => p.errors) || hooks.refused) log(`  errors: the last server output:\n${server.tail().slice(-3000)}`);
  } finally {
    await stopEverything();
  }
}

// Interrupted: the signal handler finishes the clean-up and exits.
await main().catch((error: unknown) => {
  if (!run.aborted) throw error;
});
