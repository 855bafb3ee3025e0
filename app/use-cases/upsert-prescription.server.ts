import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { missingReference, type RecordKind, upsertRecord } from "./external-record.server";
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

/** The prescription as a row: its patient and prescriber found by external id, the prescriber's name copied. */
export const prescriptionRecord: RecordKind<PrescriptionInput> = {
  table: "prescriptions",
  subject: "prescription",
  async plan(input, { refs }) {
    const [patient, prescriber] = await Promise.all([refs.find("patients", input.patient_external_id), refs.find("practitioners", input.prescriber_external_id)]);
    const problems: FieldProblem[] = [];
    if (!patient) problems.push(missingReference("patient_external_id", "patient"));
    if (!prescriber) problems.push(missingReference("prescriber_external_id", "practitioner"));
    if (!patient || !prescriber) return { ok: false, errors: problems };
    return {
      ok: true,
      values: {
        patient_id: patient.id,
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
      // A voided prescription was withdrawn on the record: bringing it back would be a new prescription, with its own id.
      check: (current) => (current.status === "voided" && input.status !== "voided" ? [{ path: ["status"], message: "must stay voided: a voided prescription cannot be reinstated (send a new one)" }] : []),
    };
  },
};

/** Creates or replaces the prescription the practice system knows as `externalId`. */
export function upsertPrescription(trx: PracticeTransaction, options: { practiceId: string; externalId: string; input: PrescriptionInput; actor: RecordActor; now: Date }): Promise<UpsertResult> {
  return upsertRecord(trx, prescriptionRecord, options);
}
