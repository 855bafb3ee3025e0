import { sql } from "kysely";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { type DomainEvent, EVENT_CATALOGUE } from "./catalogue";

/** Notified by the webhook queue's insert trigger (see the webhooks migration). */
export const WEBHOOK_CHANNEL = "portico_webhooks";

/**
 * Records a domain event in the caller's transaction, with a pending delivery (and its queue entry) for every
 * enabled endpoint of the practice subscribed to the event's type: the change, its event and its deliveries commit
 * or roll back together. One statement, one round trip; the queue's trigger wakes the worker at commit.
 */
export async function recordEvent(trx: PracticeTransaction, practiceId: string, event: DomainEvent, at: Date): Promise<void> {
  // A payload that does not match the catalogue is a programming error: fail the change rather than send it.
  // (postgres.js serialises the jsonb parameter itself: the value goes in as it is.)
  const data = EVENT_CATALOGUE[event.type].data.parse(event.data) as Record<string, unknown>;
  await sql`
    with event as (
      insert into domain_events (practice_id, type, data, occurred_at)
      values (${practiceId}, ${event.type}, ${data}::jsonb, ${at})
      returning id
    ), delivery as (
      insert into webhook_deliveries (practice_id, event_id, endpoint_id, next_attempt_at, created_at)
      select ${practiceId}, event.id, endpoint.id, ${at}, ${at}
      from event, webhook_endpoints endpoint
      where endpoint.practice_id = ${practiceId} and endpoint.enabled and ${event.type} = any(endpoint.event_types)
      returning id
    )
    insert into webhook_queue.due (delivery_id, practice_id, due_at)
    select id, ${practiceId}, ${at} from delivery`.execute(trx);
}
