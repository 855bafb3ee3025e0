import type { WebhookDeliveryStatus } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";

/** A practice's deliveries, newest first, with their endpoint and event: the delivery log (admin page and CLI). */
export async function listDeliveries(trx: PracticeTransaction, options: { status?: WebhookDeliveryStatus; limit: number }) {
  let query = trx
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", (join) => join.onRef("e.practice_id", "=", "d.practice_id").onRef("e.id", "=", "d.endpoint_id"))
    .innerJoin("domain_events as ev", (join) => join.onRef("ev.practice_id", "=", "d.practice_id").onRef("ev.id", "=", "d.event_id"))
    .select(["d.id", "e.url", "ev.id as event_id", "ev.type", "d.status", "d.attempts", "d.last_status_code", "d.last_error", "d.last_duration_ms", "d.last_attempt_at", "d.next_attempt_at", "d.created_at", "d.replay_of"])
    .orderBy("d.created_at", "desc")
    .orderBy("d.id")
    .limit(options.limit);
  if (options.status) query = query.where("d.status", "=", options.status);
  return query.execute();
}

export type ReplayOutcome = { ok: true; replayId: string; url: string } | { ok: false; reason: "not_found" } | { ok: false; reason: "endpoint_off"; url: string };

/**
 * Sends a delivery's event to its endpoint again: a new delivery row pointing at the one it replays, queued now.
 * The event keeps its id, so the receiver sees the same `webhook-id`.
 */
export async function replayDelivery(trx: PracticeTransaction, practiceId: string, deliveryId: string, now: Date): Promise<ReplayOutcome> {
  const delivery = await trx
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", (join) => join.onRef("e.practice_id", "=", "d.practice_id").onRef("e.id", "=", "d.endpoint_id"))
    .select(["d.id", "d.event_id", "d.endpoint_id", "e.url", "e.enabled"])
    .where("d.id", "=", deliveryId)
    .executeTakeFirst();
  if (!delivery) return { ok: false, reason: "not_found" };
  if (!delivery.enabled) return { ok: false, reason: "endpoint_off", url: delivery.url };
  const replay = await trx
    .insertInto("webhook_deliveries")
    .values({ practice_id: practiceId, event_id: delivery.event_id, endpoint_id: delivery.endpoint_id, next_attempt_at: now, replay_of: delivery.id, created_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx.insertInto("webhook_queue.due").values({ delivery_id: replay.id, practice_id: practiceId, due_at: now }).execute();
  return { ok: true, replayId: replay.id, url: delivery.url };
}
