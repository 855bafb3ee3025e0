import type { ActorType } from "../db/schema";
import type { PracticeTransaction } from "../db/with-practice.server";

export type AuditEvent = {
  actorType: ActorType;
  actorId?: string | null;
  action: string;
  subjectType?: string;
  subjectId?: string;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
  at: Date;
};

/** Appends to the practice's audit log, in the caller's transaction: the event and what it records commit together. */
export async function recordAudit(trx: PracticeTransaction, practiceId: string, event: AuditEvent): Promise<void> {
  await recordAudits(trx, practiceId, [event]);
}

/** Several entries in one statement, in the order given (a batch of records written together). */
export async function recordAudits(trx: PracticeTransaction, practiceId: string, events: AuditEvent[]): Promise<void> {
  if (!events.length) return;
  await trx
    .insertInto("audit_events")
    .values(
      events.map((event) => ({
        practice_id: practiceId,
        occurred_at: event.at,
        actor_type: event.actorType,
        actor_id: event.actorId ?? null,
        action: event.action,
        subject_type: event.subjectType ?? null,
        subject_id: event.subjectId ?? null,
        ip: event.ip ?? null,
        user_agent: event.userAgent?.slice(0, 500) ?? null,
        details: event.details ?? {},
      })),
    )
    .execute();
}
