import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { missingReference, type RecordKind, upsertRecord } from "./external-record.server";
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

/** The reminder as a row: its patient found by external id. */
export const reminderRecord: RecordKind<ReminderInput> = {
  table: "reminders",
  subject: "reminder",
  async plan(input, { refs }) {
    const patient = await refs.find("patients", input.patient_external_id);
    if (!patient) return { ok: false, errors: [missingReference("patient_external_id", "patient")] };
    return { ok: true, values: { patient_id: patient.id, description: input.description, due_on: input.due_on, status: input.status } };
  },
};

/** Creates or replaces the reminder the practice system knows as `externalId`. */
export function upsertReminder(trx: PracticeTransaction, options: { practiceId: string; externalId: string; input: ReminderInput; actor: RecordActor; now: Date }): Promise<UpsertResult> {
  return upsertRecord(trx, reminderRecord, options);
}
