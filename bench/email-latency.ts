/**
 * Request → handed-to-transport latency of sign-in emails: 1,000 link requests (distinct clients and addresses, so
 * no rate limit trips) against the real server, started as its own process exactly as in production
 * (`server/main.ts`, NODE_ENV=production, Resend transport), with Resend replaced by a local fake in this process.
 * Prints p50/p90/p99/max and writes bench/results/<date>-email-latency.json. Run: npm run bench:email
 */
import fs from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";
import { connect, withCredentials, withDatabase } from "../db/connection.server";
import { migrateMainDatabase } from "../db/migrate.server";
import { ensureEmbeddedDatabase } from "../db/roles.server";
import { ensureBuild, ROOT } from "../server/build.server";
import { createPractice } from "../tenants/practices.server";
import { FakeResend } from "../test/support/fake-resend";
import { requestTo } from "../test/support/http";
import { startTestPostgres } from "../test/support/postgres-server";
import { freePort, startScript, stopScript } from "../test/support/processes";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
/** Paced run: requests arrive at this rate whatever the server does (open loop), as real sign-ins do. */
const RATE_PER_SECOND = Number(process.env.BENCH_RATE ?? 40);
const PASSWORDS = { owner: "bench-owner-password", app: "bench-runtime-password" };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const [pg] = await Promise.all([startTestPostgres(), ensureBuild(() => undefined)]);
  // Whatever happens, the throwaway Postgres goes away with the benchmark.
  try {
    const fake = await new FakeResend().start();
    const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe("drop database if exists portico_bench with (force)");
    await admin.end();
    await ensureEmbeddedDatabase(pg.adminUrl, "portico_bench", PASSWORDS);
    const owner = connect(withCredentials(withDatabase(pg.adminUrl, "portico_bench"), "portico_owner", PASSWORDS.owner), { max: 4 });
    await migrateMainDatabase(owner.db);

    await createPractice(owner.db, { subdomain: "bench-vet", name: "Bench Vet", kind: "veterinary" }, async (trx, practice) => {
      await trx.updateTable("practice_settings").set({ phone: "555 0100", email: "desk@bench.example.com" }).execute();
      const clients = await trx
        .insertInto("clients")
        .values(Array.from({ length: 2 * REQUESTS }, (_, i) => ({ practice_id: practice.id, first_name: `Client${i}`, last_name: "Bench" })))
        .returning("id")
        .execute();
      await trx
        .insertInto("client_emails")
        .values(clients.map((c, i) => ({ practice_id: practice.id, client_id: c.id, email: `client-${i}@bench.example.com`, is_primary: true })))
        .execute();
    });

    const port = await freePort();
    const server = await startScript(
      "server/main.ts",
      {
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: withCredentials(withDatabase(pg.adminUrl, "portico_bench"), "portico_owner", PASSWORDS.owner),
        DATABASE_APP_PASSWORD: PASSWORDS.app,
        RESEND_API_KEY: "re_test_key",
        RESEND_BASE_URL: fake.url,
        EMAIL_FROM: "portal@bench.example.com",
        TRUST_PROXY: "loopback",
        PUBLIC_SCHEME: "http",
        PUBLIC_PORT: String(port),
        LOG_LEVEL: "warn",
      },
      "Portico is ready",
      // BENCH_PROFILE=<dir> writes a CPU profile of the server process there.
      process.env.BENCH_PROFILE ? { nodeArgs: ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE] } : {},
    );
    const host = `bench-vet.localhost:${port}`;

    type Scenario = { name: string; pacing: "paced" | "burst"; offset: number };
    const runScenario = async ({ name, pacing, offset }: Scenario) => {
      fake.reset();
      const sentAt = new Map<string, number>();
      const responseMs: number[] = [];
      const send = async (i: number) => {
        const email = `client-${offset + i}@bench.example.com`;
        const body = new URLSearchParams({ email }).toString();
        const t0 = performance.now();
        sentAt.set(email, Date.now());
        const res = await requestTo(port, host, "/?index", {
          method: "POST",
          headers: {
            origin: `http://${host}`,
            "content-type": "application/x-www-form-urlencoded",
            "content-length": String(body.length),
            // Spread over addresses, as real clients are: the per-IP limit is not what this measures.
            "x-forwarded-for": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          },
          body,
        });
        responseMs.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`request ${i}: HTTP ${res.status}\n${server.output().slice(-3000)}`);
      };
      const started = Date.now();
      if (pacing === "burst") {
        let next = 0;
        const lane = async () => {
          while (next < REQUESTS) await send(next++);
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, lane));
      } else {
        const inFlight: Promise<void>[] = [];
        for (let i = 0; i < REQUESTS; i++) {
          const due = started + (i * 1000) / RATE_PER_SECOND;
          const wait = due - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          inFlight.push(send(i));
        }
        await Promise.all(inFlight);
      }
      const deadline = Date.now() + 60_000;
      while (fake.deliveries.length < REQUESTS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const elapsed = Date.now() - started;
      const receivedAt = new Map(fake.requests.map((r) => [String(r.body.to), r.receivedAt]));
      const latencies = [...sentAt].map(([email, t]) => (receivedAt.get(email) ?? NaN) - t).sort((a, b) => a - b);
      const handed = latencies.filter((v) => !Number.isNaN(v));
      const responses = [...responseMs].sort((a, b) => a - b);
      return {
        name,
        load: pacing === "paced" ? `${RATE_PER_SECOND} requests/s, open loop` : `${CONCURRENCY} concurrent, closed loop`,
        requests: REQUESTS,
        delivered: fake.deliveries.length,
        missing: latencies.length - handed.length,
        wallClockMs: elapsed,
        throughputPerSecond: +(REQUESTS / (elapsed / 1000)).toFixed(1),
        handedToTransportMs: { p50: percentile(handed, 50), p90: percentile(handed, 90), p99: percentile(handed, 99), max: handed.at(-1) ?? NaN },
        httpResponseMs: { p50: +percentile(responses, 50).toFixed(1), p99: +percentile(responses, 99).toFixed(1) },
      };
    };

    const scenarios = [
      await runScenario({ name: "paced", pacing: "paced", offset: 0 }),
      await runScenario({ name: "burst", pacing: "burst", offset: REQUESTS }),
    ];
    const result = { date: new Date().toISOString(), scenarios };
    const lines = [`email latency: request → handed to transport (fake Resend on loopback; server in its own process, NODE_ENV=production)`];
    for (const r of scenarios) {
      lines.push(
        `  ${r.name.padEnd(6)} ${r.load.padEnd(34)} p50 ${String(r.handedToTransportMs.p50).padStart(5)} ms  p90 ${String(r.handedToTransportMs.p90).padStart(5)} ms  p99 ${String(r.handedToTransportMs.p99).padStart(5)} ms  max ${String(r.handedToTransportMs.max).padStart(5)} ms · HTTP p50 ${r.httpResponseMs.p50} ms p99 ${r.httpResponseMs.p99} ms · ${r.delivered}/${r.requests} delivered · ${r.throughputPerSecond}/s`,
      );
    }
    const paced = scenarios[0]!;
    lines.push(`  budget (paced): p99 < 2000 ms with nothing missing → ${paced.handedToTransportMs.p99 < 2000 && paced.missing === 0 ? "met" : "NOT met"}`, "");
    process.stdout.write(lines.join("\n"));
    const dir = path.join(ROOT, "bench", "results");
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `${result.date.slice(0, 10)}-email-latency.json`), JSON.stringify(result, null, 2));

    await stopScript(server.child);
    await owner.close();
    await fake.stop();
  } finally {
    await pg.stop();
  }
}

await main();
