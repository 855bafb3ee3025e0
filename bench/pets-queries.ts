/**
 * The pets page's reads, as plain SQL: what the data baselines run and what the benchmark explains. The portal builds
 * the same reads with Kysely (app/use-cases/portal/get-pets.server.ts and the session check); these texts mirror them
 * without the visibility helpers' access-level branches, which a full-access client does not exercise.
 */
import type postgres from "postgres";

export const PETS_QUERIES = {
  session: `select s.client_id from client_sessions s join clients c on c.practice_id = s.practice_id and c.id = s.client_id
    where s.practice_id = $1 and s.id = $2 and s.expires_at > now()`,
  settings: `select phone, email, website, time_zone, wording from practice_settings where practice_id = $1`,
  pets: `select p.id, p.name, p.species, p.breed, p.date_of_birth, ph.uploaded_at,
      (select json_build_object('startsAt', a.starts_at, 'reason', a.reason)::text from appointments a
        where a.practice_id = p.practice_id and a.patient_id = p.id and a.status in ('scheduled', 'confirmed') and a.starts_at > now()
        order by a.starts_at limit 1) as next_appointment,
      (select count(*)::int from reminders r where r.practice_id = p.practice_id and r.patient_id = p.id and r.status = 'pending' and r.due_on < current_date) as overdue,
      (select max(a.starts_at) from appointments a where a.practice_id = p.practice_id and a.patient_id = p.id and a.status = 'completed') as last_visit
    from patients p left join patient_photos ph on ph.practice_id = p.practice_id and ph.patient_id = p.id
    where p.practice_id = $1 and p.client_id = $2 and p.status = 'active'
    order by p.name`,
} as const;

export type PetsQuery = keyof typeof PETS_QUERIES;

/** The three reads in order, each prepared; undefined when the session does not sign anyone in. */
export async function runPetsQueries(db: postgres.Sql | postgres.ReservedSql, practiceId: string, sessionKey: string) {
  const [session] = await db.unsafe<{ client_id: string }[]>(PETS_QUERIES.session, [practiceId, sessionKey], { prepare: true });
  if (!session) return undefined;
  const [settings] = await db.unsafe(PETS_QUERIES.settings, [practiceId], { prepare: true });
  const pets = await db.unsafe(PETS_QUERIES.pets, [practiceId, session.client_id], { prepare: true });
  return { settings, pets };
}

/**
 * withPractice's shape without Kysely: BEGIN and set_config sent with the work's first statement, then COMMIT, on one
 * reserved connection.
 */
export async function inPracticeTransaction<T>(sql: postgres.Sql, practiceId: string, work: (trx: postgres.ReservedSql) => Promise<T>): Promise<T> {
  const trx = await sql.reserve();
  try {
    // postgres.js sends a query when it is first awaited or executed: these two go before the work's first one.
    const begin = trx`begin`.execute();
    const scope = trx`select set_config('app.practice_id', ${practiceId}, true)`.execute();
    const [, , result] = await Promise.all([begin, scope, work(trx)]);
    await trx`commit`;
    return result;
  } catch (error) {
    await trx`rollback`.catch(() => undefined);
    throw error;
  } finally {
    trx.release();
  }
}
