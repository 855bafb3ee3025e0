import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { idsByExternalId, missingReference, upsertExternalRecord } from "./external-record.server";
import { calendarDateSchema, externalIdSchema, type FieldProblem, type RecordActor, text, type UpsertResult } from "./record-fields";

/**
 * A prescription as the practice system sends it. Its status decides what the client sees: active and completed
 * ones appear in the portal; drafts and voided ones never. Voiding replaces deleting, and is final.
 */
export const prescriptionInputSchema = z.strictObject({
  patient_external_id: externalIdSchema.meta({ description: "The patient's external id (PUT /patients/{externalId} first)." }),
  prescriber_external_id: externalIdSchema.meta({ description: "The prescribing practitioner's external id (PUT /practitioners/{externalId} first)." }),
  medication: text(200).meta({ description: "The drug.", example: "Carprofen 75 mg chewable tablets" }),
  strength: text(100).nullable().default(null).meta({ description: "The dose.", example: "75 mg" }),
  directions: text(1000).meta({ example: "One tablet by mouth twice daily with food for 7 days." }),
  quantity: text(100).nullable().default(null).meta({ example: "14 tablets" }),
  refills_remaining: z.int().min(0).max(99).default(0),
  prescribed_on: calendarDateSchema,
  status: z
    .enum(["draft", "active", "completed", "voided"])
    .meta({ description: "`voided` withdraws a prescription (never deleted); a voided prescription stays voided." }),
});

export type PrescriptionInput = z.output<typeof prescriptionInputSchema>;

/** Creates or replaces the prescription the practice system knows as `externalId`; the prescriber's name is copied. */
export async function upsertPrescription(
  trx: PracticeTransaction,
  options: { practiceId: string; externalId: string; input: PrescriptionInput; actor: RecordActor; now: Date },
): Promise<UpsertResult> {
  const { input } = options;
  const patientId = (await idsByExternalId(trx, "patients", [input.patient_external_id])).get(input.patient_external_id);
  const prescriber = await trx.selectFrom("practitioners").select(["id", "name"]).where("external_id", "=", input.prescriber_external_id).executeTakeFirst();
  const problems: FieldProblem[] = [];
  if (!patientId) problems.push(missingReference("patient_external_id", "patient"));
  if (!prescriber) problems.push(missingReference("prescriber_external_id", "practitioner"));
  if (!patientId || !prescriber) return { ok: false, errors: problems };
  return upsertExternalRecord(trx, {
    table: "prescriptions",
    subject: "prescription",
    practiceId: options.practiceId,
    externalId: options.externalId,
    values: {
      patient_id: patientId,
      prescriber_id: prescriber.id,
      prescriber_name: prescriber.name,
      medication: input.medication,
      strength: input.strength,
      directions: input.directions,
      quantity: input.quantity,
      refills_remaining: input.refills_remaining,
      prescribed_on: input.prescribed_on,
      status: input.status,
    },
    actor: options.actor,
    now: options.now,
    // A voided prescription was withdrawn on the record: bringing it back would be a new prescription, with its own id.
    check: (current) => (current.status === "voided" && input.status !== "voided" ? [{ path: ["status"], message: "must stay voided: a voided prescription cannot be reinstated (send a new one)" }] : []),
  });
}
