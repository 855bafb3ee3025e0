/**
 * The benchmark's baselines, each a bare node:http server in its own process (so the load generator never shares a
 * CPU thread with it):
 * - fixed: a fixed string, the machine's ceiling for HTTP on loopback;
 * - data: the pets page's queries (session, settings, pets with next visit, overdue reminders and last visit)
 *   through postgres.js as a role that bypasses row-level security, no transaction, JSON out: the data ceiling;
 * - data-rls: the same queries as the runtime role, inside one transaction scoped with set_config, the way
 *   withPractice runs them (BEGIN and set_config in one round trip, COMMIT in another): the ratio to `data` is what isolation costs.
 * Usage: tsx bench/baseline-server.ts <fixed|data|data-rls> <port> [database url]
 */
import { createHash } from "node:crypto";
import http from "node:http";
import postgres from "postgres";

const [mode = "fixed", portText = "0", url] = process.argv.slice(2);

const SESSION_COOKIE = /(?:^|;\s*)__Host-portico_session=([^;]+)/;

/** withPractice's shape without Kysely: BEGIN and set_config in one simple query on a reserved connection, then COMMIT. */
async function inPracticeTransaction<T>(sql: postgres.Sql, practiceId: string, work: (trx: postgres.ReservedSql) => Promise<T>): Promise<T> {
  const trx = await sql.reserve();
  try {
    await trx.unsafe(`begin; select set_config('app.practice_id', '${practiceId}', true)`);
    const result = await work(trx);
    await trx`commit`;
    return result;
  } catch (error) {
    await trx`rollback`.catch(() => undefined);
    throw error;
  } finally {
    trx.release();
  }
}

async function main(): Promise<void> {
  const sql = url ? postgres(url, { max: 10, onnotice: () => undefined }) : undefined;
  const practices = new Map<string, string>();
  if (sql) for (const row of await sql<{ subdomain: string; id: string }[]>`select subdomain, id from platform.practices`) practices.set(row.subdomain, row.id);

  const petsQueries = async (db: postgres.Sql | postgres.ReservedSql, practiceId: string, cookie: string) => {
    const [session] = await db<{ client_id: string }[]>`
      select s.client_id from client_sessions s join clients c on c.practice_id = s.practice_id and c.id = s.client_id
      where s.practice_id = ${practiceId} and s.id = ${createHash("sha256").update(cookie).digest("hex")} and s.expires_at > now()`;
    if (!session) return undefined;
    const [settings] = await db`select phone, email, website, time_zone, wording from practice_settings where practice_id = ${practiceId}`;
    const pets = await db`
      select p.id, p.name, p.species, p.breed, p.date_of_birth, ph.uploaded_at,
        (select json_build_object('startsAt', a.starts_at, 'reason', a.reason)::text from appointments a
          where a.practice_id = p.practice_id and a.patient_id = p.id and a.status in ('scheduled', 'confirmed') and a.starts_at > now()
          order by a.starts_at limit 1) as next_appointment,
        (select count(*)::int from reminders r where r.practice_id = p.practice_id and r.patient_id = p.id and r.status = 'pending' and r.due_on < current_date) as overdue,
        (select max(a.starts_at) from appointments a where a.practice_id = p.practice_id and a.patient_id = p.id and a.status = 'completed') as last_visit
      from patients p left join patient_photos ph on ph.practice_id = p.practice_id and ph.patient_id = p.id
      where p.practice_id = ${practiceId} and p.client_id = ${session.client_id} and p.status = 'active'
      order by p.name`;
    return { settings, pets };
  };

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
    const work = mode === "data-rls" ? inPracticeTransaction(sql, practiceId, (trx) => petsQueries(trx, practiceId, cookie)) : petsQueries(sql, practiceId, cookie);
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
