import type { Kysely } from "kysely";
import type { Database, OutboxStatus } from "../../db/schema";

/** Operator views of the outbox (owner role). Message bodies are never listed: they can carry sign-in links. */
export type OutboxEntry = { id: string; createdAt: Date; status: OutboxStatus; attempts: number; kind: string; recipient: string; lastError: string | null };

export async function listOutbox(db: Kysely<Database>, filter: { status?: OutboxStatus; limit: number }): Promise<OutboxEntry[]> {
  let query = db.selectFrom("mail.outbox").select(["id", "created_at", "status", "attempts", "kind", "recipient", "last_error"]).orderBy("created_at", "desc").limit(filter.limit);
  if (filter.status) query = query.where("status", "=", filter.status);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, status: r.status, attempts: r.attempts, kind: r.kind, recipient: r.recipient, lastError: r.last_error }));
}

/** Puts dead or failed messages back in line for a fresh round of attempts; returns how many. */
export async function retryOutbox(db: Kysely<Database>, target: { id: string } | { allDead: true }): Promise<number> {
  let query = db.updateTable("mail.outbox").set({ status: "pending", attempts: 0, next_attempt_at: new Date() }).where("status", "in", ["dead", "failed"]);
  query = "id" in target ? query.where("id", "=", target.id) : query.where("status", "=", "dead");
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
