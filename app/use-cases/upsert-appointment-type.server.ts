import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { type RecordKind, upsertRecord } from "./external-record.server";
import { type RecordActor, text, type UpsertResult } from "./record-fields";

/** A kind of appointment the practice system books (a wellness exam, a dental cleaning). */
export const appointmentTypeInputSchema = z.strictObject({
  name: text(120).meta({ example: "Annual wellness exam" }),
  duration_minutes: z.int().min(1).max(1440).nullable().default(null).meta({ description: "Its usual length." }),
  active: z.boolean().default(true).meta({ description: "False when the practice no longer offers it: appointments of this type keep it. Types are never deleted." }),
});

export type AppointmentTypeInput = z.output<typeof appointmentTypeInputSchema>;

export const appointmentTypeRecord: RecordKind<AppointmentTypeInput> = {
  table: "appointment_types",
  subject: "appointment_type",
  plan: async (input) => ({ ok: true, values: { name: input.name, duration_minutes: input.duration_minutes, active: input.active } }),
};

/** Creates or replaces the appointment type the practice system knows as `externalId`. */
export function upsertAppointmentType(trx: PracticeTransaction, options: { practiceId: string; externalId: string; input: AppointmentTypeInput; actor: RecordActor; now: Date }): Promise<UpsertResult> {
  return upsertRecord(trx, appointmentTypeRecord, options);
}
