/**
 * Enqueue → delivered latency of webhooks: events recorded (each in its own committed transaction, as the runtime
 * role, exactly as a use case records them) while the real server (`server/main.ts`, NODE_ENV=production, its own
 * process) delivers them to a receiver on loopback that verifies every signature with `standardwebhooks`. Measured
 * from the commit to the receiver having the verified request. Prints p50/p90/p99/max and writes
 * bench/results/<date>-webhook-latency.json. Run: npm run bench:webhooks (BENCH_EVENTS, BENCH_RATE)
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import postgres from "postgres";
import { Webhook } from "standardwebhooks";
import { connect, withCredentials, withDatabase } from "../db/connection.server";
import { migrateMainDatabase } from "../db/migrate.server";
import { ensureEmbeddedDatabase } from "../db/roles.server";
import { withPractice } from "../db/with-practice.server";
import { ensureBuild, ROOT } from "../server/build.server";
import { recordEvent } from "../server/events/record-event.server";
import { newSigningSecret, sealSigningSecret } from "../server/webhooks/send-webhook.server";
import { createPractice } from "../tenants/practices.server";
import { startTestPostgres } from "../test/support/postgres-server";
import { freePort, startScript, stopScript } from "../test/support/processes";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const RATE_PER_SECOND = Number(process.env.BENCH_RATE ?? 50);
const PASSWORDS = { owner: "bench-owner-password", app: "bench-runtime-password" };
const KEY = Buffer.alloc(32, 3);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const [pg] = await Promise.all([startTestPostgres(), ensureBuild(() => undefined)]);
  try {
    const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe("drop database if exists portico_bench_hooks with (force)");
    await admin.end();
    await ensureEmbeddedDatabase(pg.adminUrl, "portico_bench_hooks", PASSWORDS);
    const ownerUrl = withCredentials(withDatabase(pg.adminUrl, "portico_bench_hooks"), "portico_owner", PASSWORDS.owner);
    const owner = connect(ownerUrl, { max: 2 });
    const app = connect(withCredentials(withDatabase(pg.adminUrl, "portico_bench_hooks"), "portico_app", PASSWORDS.app), { max: 8 });
    await migrateMainDatabase(owner.db);

    const receivedAt = new Map<string, number>();
    let refused = 0;
    let secret = "";
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        try {
          const event = new Webhook(secret).verify(body, req.headers as Record<string, string>) as { data: { client: { id: string } } };
          receivedAt.set(event.data.client.id, Date.now());
        } catch {
          refused++;
        }
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

    let clientIds: string[] = [];
    const practice = await createPractice(owner.db, { subdomain: "bench-hooks", name: "Bench Hooks", kind: "veterinary" }, async (trx, created) => {
      const rows = await trx
        .insertInto("clients")
        .values(Array.from({ length: EVENTS }, (_, i) => ({ practice_id: created.id, first_name: `Client${i}`, last_name: "Bench" })))
        .returning("id")
        .execute();
      clientIds = rows.map((r) => r.id);
      const id = randomUUID();
      secret = newSigningSecret();
      const now = new Date();
      await trx
        .insertInto("webhook_endpoints")
        .values({ practice_id: created.id, id, url, event_types: ["client.account_blocked"], secret_sealed: sealSigningSecret({ current: KEY }, created.id, id, secret), created_at: now, updated_at: now })
        .execute();
    });

    const port = await freePort();
    const server = await startScript(
      "server/main.ts",
      {
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: ownerUrl,
        DATABASE_APP_PASSWORD: PASSWORDS.app,
        EMAIL_TRANSPORT: "log",
        PLATFORM_ENCRYPTION_KEY: KEY.toString("base64"),
        // The receiver is on loopback: allowed here on purpose (production refuses it by default).
        WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true",
        PUBLIC_SCHEME: "http",
        PUBLIC_PORT: String(port),
        LOG_LEVEL: "warn",
      },
      "Portico is ready",
    );

    const committedAt = new Map<string, number>();
    const started = Date.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const due = started + (i * 1000) / RATE_PER_SECOND;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const clientId = clientIds[i]!;
      inFlight.push(
        withPractice(app.db, practice, (trx) => recordEvent(trx, practice.id, { type: "client.account_blocked", data: { client: { id: clientId, externalId: null } } }, new Date())).then(() => {
          committedAt.set(clientId, Date.now());
        }),
      );
    }
    await Promise.all(inFlight);
    const deadline = Date.now() + 60_000;
    while (receivedAt.size < EVENTS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const latencies = [...committedAt].map(([id, t]) => (receivedAt.get(id) ?? NaN) - t).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    const result = {
      date: new Date().toISOString(),
      load: `${RATE_PER_SECOND} events/s, open loop, one endpoint`,
      events: EVENTS,
      delivered: receivedAt.size,
      refusedSignatures: refused,
      deliveredMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
    };
    process.stdout.write(
      [
        "webhook latency: commit → verified at the receiver (server in its own process, NODE_ENV=production)",
        `  ${result.load}: p50 ${result.deliveredMs.p50} ms  p90 ${result.deliveredMs.p90} ms  p99 ${result.deliveredMs.p99} ms  max ${result.deliveredMs.max} ms · ${result.delivered}/${EVENTS} delivered, ${refused} bad signatures`,
        `  budget: p99 < 1000 ms with nothing missing → ${result.deliveredMs.p99 < 1000 && result.delivered === EVENTS && refused === 0 ? "met" : "NOT met"}`,
        "",
      ].join("\n"),
    );
    const dir = path.join(ROOT, "bench", "results");
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `${result.date.slice(0, 10)}-webhook-latency.json`), JSON.stringify(result, null, 2));

    await stopScript(server.child);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await owner.close();
    await app.close();
  } finally {
    await pg.stop();
  }
}

await main();
