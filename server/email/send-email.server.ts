import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { EmailAttachment } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";

/** Notified by the outbox's insert trigger (see the sign-in migration). */
export const OUTBOX_CHANNEL = "portico_outbox";

export type OutgoingEmail = {
  kind: string;
  practiceId: string;
  fromName: string;
  replyTo: string | null;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Small files only (an appointment's .ics): they wait in the outbox row until delivered. */
  attachments?: EmailAttachment[];
};

/**
 * The only way to send mail: a row in the outbox, written in the caller's transaction so the email exists exactly
 * when what it carries (a sign-in link, say) exists. A trigger wakes the delivery worker when the transaction commits.
 * The id is made here because the runtime role may insert into the outbox but not read it back.
 */
export async function sendEmail(trx: PracticeTransaction, email: OutgoingEmail): Promise<string> {
  const id = randomUUID();
  await trx
    .insertInto("mail.outbox")
    .values({
      id,
      practice_id: email.practiceId,
      kind: email.kind,
      from_name: email.fromName,
      reply_to: email.replyTo,
      recipient: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      // Sent as text and parsed by Postgres: a string bound straight to the jsonb column would be stored as one JSON
      // string (postgres.js encodes jsonb parameters itself), which the column's array check refuses.
      attachments: email.attachments?.length ? sql<string>`${JSON.stringify(email.attachments)}::text::jsonb` : null,
    })
    .execute();
  return id;
}
