import { z } from "zod";
import type { AppointmentStatus } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { instantSchema, missingReference, type RecordKind, upsertRecord } from "./external-record.server";
import { externalIdSchema, type FieldProblem, type RecordActor, text, type UpsertResult } from "./record-fields";

export const APPOINTMENT_STATUSES = ["scheduled", "confirmed", "cancelled", "completed", "no_show"] as const satisfies readonly AppointmentStatus[];

/**
 * An appointment as the practice system sends it. Who, where and what go by the practice system's ids of the
 * patient, practitioner, location and type, each sent first with its own PUT. Cancelling is a status: the
 * appointment stays (the portal hides cancelled and missed ones).
 */
export const appointmentInputSchema = z
  .strictObject({
    patient_external_id: externalIdSchema.meta({ description: "The patient's external id (PUT /patients/{externalId} first)." }),
    practitioner_external_id: externalIdSchema.meta({ description: "The practitioner's external id (PUT /practitioners/{externalId} first)." }),
    location_external_id: externalIdSchema.meta({ description: "The location's external id (PUT /locations/{externalId} first)." }),
    appointment_type_external_id: externalIdSchema.nullable().default(null).meta({ description: "The appointment type's external id (PUT /appointment_types/{externalId} first)." }),
    reason: text(200).meta({ description: "What the client sees as the appointment's title.", example: "Annual wellness exam" }),
    starts_at: instantSchema,
    ends_at: instantSchema,
    status: z
      .enum(APPOINTMENT_STATUSES)
      .default("scheduled")
      .meta({ description: "Cancel with `cancelled`: appointments are never deleted. The portal shows scheduled and confirmed ones to come, and completed ones; a client may confirm a scheduled one." }),
  })
  .superRefine((appointment, ctx) => {
    if (new Date(appointment.ends_at) <= new Date(appointment.starts_at)) ctx.addIssue({ code: "custom", path: ["ends_at"], message: "must be after starts_at" });
  });

export type AppointmentInput = z.output<typeof appointmentInputSchema>;

/**
 * The appointment as a row: who, where and what found by external id; the practitioner's name is copied (what the
 * portal shows).
 */
export const appointmentRecord: RecordKind<AppointmentInput> = {
  table: "appointments",
  subject: "appointment",
  async plan(input, { refs }) {
    const [patient, practitioner, location, type] = await Promise.all([
      refs.find("patients", input.patient_external_id),
      refs.find("practitioners", input.practitioner_external_id),
      refs.find("locations", input.location_external_id),
      refs.find("appointment_types", input.appointment_type_external_id),
    ]);
    const problems: FieldProblem[] = [];
    if (!patient) problems.push(missingReference("patient_external_id", "patient"));
    if (!practitioner) problems.push(missingReference("practitioner_external_id", "practitioner"));
    if (!location) problems.push(missingReference("location_external_id", "location"));
    if (type === undefined) problems.push(missingReference("appointment_type_external_id", "appointment type"));
    if (problems.length || !patient || !practitioner || !location || type === undefined) return { ok: false, errors: problems };
    return {
      ok: true,
      values: {
        patient_id: patient.id,
        practitioner_id: practitioner.id,
        practitioner_name: practitioner.name,
        location_id: location.id,
        appointment_type_id: type?.id ?? null,
        reason: input.reason,
        starts_at: new Date(input.starts_at),
        ends_at: new Date(input.ends_at),
        status: input.status,
      },
    };
  },
};

/** Creates or replaces the appointment the practice system knows as `externalId`; a reference that names nothing is a field problem, nothing written. */
export function upsertAppointment(trx: PracticeTransaction, options: { practiceId: string; externalId: string; input: AppointmentInput; actor: RecordActor; now: Date }): Promise<UpsertResult> {
  return upsertRecord(trx, appointmentRecord, options);
}
