/**
 * Bulk import through the real path: a generated practice (5,000 clients, 10,000 patients, 100,000 documents and
 * 20,000 appointments; BENCH_IMPORT_SCALE multiplies them all, BENCH_IMPORT_RECORDS=0 leaves out documents and
 * appointments) as one NDJSON file, streamed to `POST /api/v1/imports` of the real server (`server/main.ts`,
 * NODE_ENV=production, the production image's 512 MB heap ceiling, in its own process), then polled on
 * `GET /api/v1/imports/{id}` until done; the same file a second time (every line unchanged). Prints the duration,
 * rows/s and the server's RSS sampled every 100 ms during each run, and writes bench/results/<date>-import.json.
 * Run: npm run bench:import
 */
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import postgres from "postgres";
import { connect, withCredentials, withDatabase } from "../db/connection.server";
import { migrateMainDatabase } from "../db/migrate.server";
import { ensureEmbeddedDatabase } from "../db/roles.server";
import { withPractice } from "../db/with-practice.server";
import { issueApiKey } from "../server/api/keys.server";
import { ensureBuild, ROOT } from "../server/build.server";
import { createPractice } from "../tenants/practices.server";
import { requestTo } from "../test/support/http";
import { startTestPostgres } from "../test/support/postgres-server";
import { freePort, startScript, stopScript } from "../test/support/processes";

const SCALE = Number(process.env.BENCH_IMPORT_SCALE ?? 1);
const CLIENTS = Math.round(5_000 * SCALE);
const PATIENTS_PER_CLIENT = 2;
const DOCUMENTS_PER_PATIENT = 10;
const APPOINTMENTS_PER_PATIENT = 2;
const RECORDS = process.env.BENCH_IMPORT_RECORDS !== "0";
const PASSWORDS = { owner: "bench-owner-password", app: "bench-runtime-password" };
const BENCH_DATA = path.join(ROOT, "bench", ".data", "import");
const SPECIES = ["Dog", "Cat", "Rabbit", "Bird"];

/** The practice system's export: clients first, then their patients, one resource a line. */
async function generate(file: string): Promise<{ lines: number; bytes: number }> {
  const out = createWriteStream(file);
  let lines = 0;
  const write = async (value: unknown) => {
    lines++;
    if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, "drain");
  };
  for (let i = 0; i < CLIENTS; i++) {
    await write({
      type: "client",
      external_id: `C-${i}`,
      first_name: `First${i}`,
      last_name: `Last${i % 997}`,
      emails: [`client-${i}@bench.example.com`],
      phones: [`+1 555 ${String(i).padStart(7, "0")}`],
      address: { line1: `${i} Main Street`, city: "Springfield", postal_code: String(10000 + (i % 89999)), country: "US" },
    });
  }
  for (let i = 0; i < CLIENTS; i++) {
    for (let j = 0; j < PATIENTS_PER_CLIENT; j++) {
      await write({ type: "patient", external_id: `P-${i}-${j}`, client_external_id: `C-${i}`, name: `Pet${i}-${j}`, species: SPECIES[(i + j) % SPECIES.length], date_of_birth: `20${String(10 + (i % 15))}-0${1 + (j % 9)}-1${j % 9}` });
    }
  }
  if (RECORDS) {
    // What documents and appointments name comes first: a location, a practitioner, an appointment type, a template.
    await write({ type: "location", external_id: "L-1", name: "Main clinic", address: "1 Main Street, Springfield", time_zone: "America/Chicago" });
    await write({ type: "practitioner", external_id: "PR-1", name: "Dr. Bench", title: "Veterinarian" });
    await write({ type: "appointment_type", external_id: "AT-1", name: "Wellness exam", duration_minutes: 30 });
    await write({ type: "document_template", external_id: "T-1", name: "Visit notes", category: "visit_notes" });
    const day = Date.UTC(2027, 0, 4, 15);
    for (let i = 0; i < CLIENTS; i++) {
      for (let j = 0; j < PATIENTS_PER_CLIENT; j++) {
        const patient = `P-${i}-${j}`;
        for (let d = 0; d < DOCUMENTS_PER_PATIENT; d++) {
          await write({ type: "document", external_id: `D-${i}-${j}-${d}`, patient_external_id: patient, template_external_id: "T-1", title: `Visit ${d + 1}`, category: "visit_notes", status: "completed", portal_shared: true, visit_date: `20${String(15 + (d % 10))}-0${1 + (d % 9)}-15`, author_external_id: "PR-1", content: `Weight ${(3 + ((i + d) % 40)) / 2} kg. Healthy. Next visit in a year.` });
        }
        for (let a = 0; a < APPOINTMENTS_PER_PATIENT; a++) {
          const starts = new Date(day + ((i * PATIENTS_PER_CLIENT + j) * APPOINTMENTS_PER_PATIENT + a) * 30 * 60_000);
          await write({ type: "appointment", external_id: `A-${i}-${j}-${a}`, patient_external_id: patient, practitioner_external_id: "PR-1", location_external_id: "L-1", appointment_type_external_id: "AT-1", reason: "Wellness exam", starts_at: starts.toISOString(), ends_at: new Date(starts.getTime() + 30 * 60_000).toISOString() });
        }
      }
    }
  }
  out.end();
  await once(out, "finish");
  return { lines, bytes: (await fs.stat(file)).size };
}

function rssMb(pid: number): Promise<number> {
  return fs.readFile(`/proc/${pid}/status`, "utf8").then(
    (status) => Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024),
    () => NaN,
  );
}

function upload(port: number, host: string, key: string, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/api/v1/imports", method: "POST", headers: { host, authorization: `Bearer ${key}`, "content-type": "application/x-ndjson" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    createReadStream(file).pipe(req);
  });
}

type Run = { name: string; seconds: number; rowsPerSecond: number; rss: { before: number; max: number; after: number; samples: number[] }; report: Record<string, unknown> };

async function main(): Promise<void> {
  await fs.mkdir(BENCH_DATA, { recursive: true });
  const [pg] = await Promise.all([startTestPostgres(), ensureBuild(() => undefined)]);
  try {
    const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe("drop database if exists portico_bench_import with (force)");
    await admin.end();
    await ensureEmbeddedDatabase(pg.adminUrl, "portico_bench_import", PASSWORDS);
    const ownerUrl = withCredentials(withDatabase(pg.adminUrl, "portico_bench_import"), "portico_owner", PASSWORDS.owner);
    const owner = connect(ownerUrl, { max: 2 });
    await migrateMainDatabase(owner.db);
    const practice = await createPractice(owner.db, { subdomain: "bench-import", name: "Bench Import Vet", kind: "veterinary" });
    const key = await withPractice(owner.db, practice, (trx) => issueApiKey(trx, { practiceId: practice.id, name: "bench", scopes: ["read", "write"], createdBy: null, now: new Date() }));

    const file = path.join(BENCH_DATA, "practice.ndjson");
    const generated = await generate(file);
    const patients = CLIENTS * PATIENTS_PER_CLIENT;
    const records = RECORDS ? `, ${patients * DOCUMENTS_PER_PATIENT} documents, ${patients * APPOINTMENTS_PER_PATIENT} appointments` : "";
    process.stdout.write(`generated ${generated.lines} lines (${CLIENTS} clients, ${patients} patients${records}), ${(generated.bytes / 1e6).toFixed(1)} MB\n`);

    const port = await freePort();
    const serverDataDir = path.join(BENCH_DATA, "server");
    await fs.rm(serverDataDir, { recursive: true, force: true });
    const server = await startScript(
      "server/main.ts",
      {
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATA_DIR: serverDataDir,
        DATABASE_URL: ownerUrl,
        DATABASE_APP_PASSWORD: PASSWORDS.app,
        EMAIL_TRANSPORT: "log",
        PUBLIC_SCHEME: "http",
        PUBLIC_PORT: String(port),
        LOG_LEVEL: "warn",
      },
      "Portico is ready",
      { nodeArgs: ["--max-old-space-size=512"], timeoutMs: 120_000 },
    );
    const pid = server.child.pid!;
    const host = `bench-import.localhost:${port}`;

    const run = async (name: string): Promise<Run> => {
      const before = await rssMb(pid);
      const samples: number[] = [];
      const sampler = setInterval(() => void rssMb(pid).then((mb) => samples.push(mb)), 100);
      const started = performance.now();
      const accepted = await upload(port, host, key.secret, file);
      if (accepted.status !== 202) throw new Error(`POST /api/v1/imports: HTTP ${accepted.status} ${accepted.body}\n${server.output().slice(-2000)}`);
      const location = (JSON.parse(accepted.body) as { id: string }).id;
      let report: Record<string, unknown>;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const res = await requestTo(port, host, `/api/v1/imports/${location}`, { headers: { authorization: `Bearer ${key.secret}` } });
        report = JSON.parse(res.body) as Record<string, unknown>;
        if (report.status === "done" || report.status === "failed") break;
      }
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const { rejections, ...counts } = report;
      if (Array.isArray(rejections) && rejections.length) process.stdout.write(`  first rejected line: ${JSON.stringify(rejections[0])}\n`);
      return { name, seconds: +seconds.toFixed(1), rowsPerSecond: Math.round(generated.lines / seconds), rss: { before, max: Math.max(...samples), after: await rssMb(pid), samples }, report: counts };
    };

    const runs = [await run("first import (every line created)"), await run("same file again (every line unchanged)")];
    await stopScript(server.child);
    await owner.close();

    const lines = [`bulk import: ${generated.lines} lines (${(generated.bytes / 1e6).toFixed(1)} MB) over POST /api/v1/imports, server in its own process (NODE_ENV=production, 512 MB heap)`];
    for (const r of runs) {
      const q = r.report as { created: number; updated: number; unchanged: number; rejected: number; status: string };
      lines.push(
        `  ${r.name.padEnd(40)} ${String(r.seconds).padStart(6)} s  ${String(r.rowsPerSecond).padStart(6)} rows/s  RSS ${r.rss.before} → max ${r.rss.max} → ${r.rss.after} MB · ${q.status}: ${q.created} created, ${q.updated} updated, ${q.unchanged} unchanged, ${q.rejected} rejected`,
      );
    }
    lines.push(`  budget: under 60 s → ${runs.every((r) => r.seconds < 60) ? "met" : "NOT met"}`, "");
    process.stdout.write(lines.join("\n"));
    const dir = path.join(ROOT, "bench", "results");
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `${new Date().toISOString().slice(0, 10)}-import.json`), JSON.stringify({ date: new Date().toISOString(), clients: CLIENTS, patients: CLIENTS * PATIENTS_PER_CLIENT, bytes: generated.bytes, runs }, null, 2));
  } finally {
    await pg.stop();
  }
}

await main();
