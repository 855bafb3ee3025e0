import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { idsByExternalId, missingReference, upsertExternalRecord } from "./external-record.server";
import { calendarDateSchema, externalIdSchema, type RecordActor, text, type UpsertResult } from "./record-fields";

/** Something that falls due for a patient (a booster, a check-up), as the practice system sends it. */
export const reminderInputSchema = z.strictObject({
  patient_external_id: externalIdSchema.meta({ description: "The patient's external id (PUT /patients/{externalId} first)." }),
  description: text(200).meta({ example: "Rabies booster" }),
  due_on: calendarDateSchema.meta({ description: "The practice's calendar date it falls due.", example: "2027-03-01" }),
  status: z
    .enum(["pending", "completed", "cancelled"])
    .default("pending")
    .meta({ description: "Only pending reminders appear in the portal (overdue or upcoming). Remove one with `cancelled`: reminders are never deleted." }),
});

export type ReminderInput = z.output<typeof reminderInputSchema>;

/** Creates or replaces the reminder the practice system knows as `externalId`. */
export async function upsertReminder(
  trx: PracticeTransaction,
  options: { practiceId: string; externalId: string; input: ReminderInput; actor: RecordActor; now: Date },
): Promise<UpsertResult> {
  const { input } = options;
  const patientId = (await idsByExternalId(trx, "patients", [input.patient_external_id])).get(input.patient_external_id);
  if (!patientId) return { ok: false, errors: [missingReference("patient_external_id", "patient")] };
  return upsertExternalRecord(trx, {
    table: "reminders",
    subject: "reminder",
    practiceId: options.practiceId,
    externalId: options.externalId,
    values: { patient_id: patientId, description: input.description, due_on: input.due_on, status: input.status },
    actor: options.actor,
    now: options.now,
  });
}
