/**
 * The benchmark's baselines, each a bare node:http server in its own process (so the load generator never shares a
 * CPU thread with it):
 * - fixed: a fixed string, the machine's ceiling for HTTP on loopback;
 * - data: the pets page's queries (session, settings, pets with next visit, overdue reminders and last visit)
 *   through postgres.js as a role that bypasses row-level security, no transaction, JSON out: the data ceiling;
 * - data-rls: the same queries as the runtime role, inside one transaction scoped with set_config, the way
 *   withPractice runs them (BEGIN, set_config, the reads, COMMIT): the ratio to `data` is what
 *   isolation costs.
 * Usage: tsx bench/baseline-server.ts <fixed|data|data-rls> <port> [database url]
 */
import { createHash } from "node:crypto";
import http from "node:http";
import postgres from "postgres";
import { inPracticeTransaction, runPetsQueries } from "./pets-queries";

const [mode = "fixed", portText = "0", url] = process.argv.slice(2);

const sessionKey = (cookie: string) => createHash("sha256").update(cookie).digest("hex");

const SESSION_COOKIE = /(?:^|;\s*)__Host-portico_session=([^;]+)/;

async function main(): Promise<void> {
  const sql = url ? postgres(url, { max: 10, onnotice: () => undefined }) : undefined;
  const practices = new Map<string, string>();
  if (sql) for (const row of await sql<{ subdomain: string; id: string }[]>`select subdomain, id from platform.practices`) practices.set(row.subdomain, row.id);

  const server = http.createServer((req, res) => {
    if (mode === "fixed" || !sql) {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    const practiceId = practices.get((req.headers.host ?? "").split(".")[0] ?? "");
    const cookie = SESSION_COOKIE.exec(req.headers.cookie ?? "")?.[1];
    if (!practiceId || !cookie) {
      res.writeHead(404).end();
      return;
    }
    const work = mode === "data-rls" ? inPracticeTransaction(sql, practiceId, (trx) => runPetsQueries(trx, practiceId, sessionKey(cookie))) : runPetsQueries(sql, practiceId, sessionKey(cookie));
    work.then(
      (page) => (page ? res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(page)) : res.writeHead(302, { location: "/" }).end()),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  server.listen(Number(portText), "127.0.0.1", () => process.stdout.write(`baseline ${mode} ready\n`));
  process.on("SIGTERM", () => {
    server.close();
    void sql?.end().then(() => process.exit(0));
    if (!sql) process.exit(0);
  });
}

void main();
