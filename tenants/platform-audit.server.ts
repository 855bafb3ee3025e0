import type { Kysely } from "kysely";
import type { Database } from "../db/schema";

export type PlatformAuditEvent = {
  supportUserId: string | null;
  action: string;
  practiceId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
  userAgent?: string | null;
};

/** Appends to the platform's audit log (what support and operators did, to which practice); pass a transaction to commit it with the change. */
export async function recordPlatformAudit(db: Kysely<Database>, event: PlatformAuditEvent): Promise<void> {
  await db
    .insertInto("platform.audit_events")
    .values({
      support_user_id: event.supportUserId,
      action: event.action,
      practice_id: event.practiceId ?? null,
      details: event.details ?? {},
      ip: event.ip ?? null,
      user_agent: event.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
}
