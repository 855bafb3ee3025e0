import { z } from "zod";
import { externalIdSchema } from "../../../app/use-cases/record-fields";
import { prescriptionInputSchema, type PrescriptionInput, upsertPrescription } from "../../../app/use-cases/upsert-prescription.server";
import { keyActor, recordTimes, type ResourceDeclaration, timesOf } from "./common.server";

export const prescriptions: ResourceDeclaration<PrescriptionInput> = {
  name: "prescriptions",
  tag: "Prescriptions",
  schemaName: "Prescription",
  singular: "prescription",
  table: "prescriptions",
  input: prescriptionInputSchema,
  representation: z.strictObject({ external_id: externalIdSchema, ...prescriptionInputSchema.shape, ...recordTimes }).meta({ description: "A prescription as the practice system sent it." }),
  upsert: (call) => upsertPrescription(call.trx, { practiceId: call.practice.id, externalId: call.params.externalId, input: call.body, actor: keyActor(call), now: call.now }),
  async read(trx, ids) {
    if (!ids.length) return new Map();
    const rows = await trx
      .selectFrom("prescriptions as rx")
      .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "rx.practice_id").onRef("p.id", "=", "rx.patient_id"))
      .leftJoin("practitioners as pr", (join) => join.onRef("pr.practice_id", "=", "rx.practice_id").onRef("pr.id", "=", "rx.prescriber_id"))
      .select([
        "rx.id",
        "rx.external_id",
        "p.external_id as patient_external_id",
        "pr.external_id as prescriber_external_id",
        "rx.medication",
        "rx.strength",
        "rx.directions",
        "rx.quantity",
        "rx.refills_remaining",
        "rx.prescribed_on",
        "rx.status",
        "rx.created_at",
        "rx.updated_at",
      ])
      .where("rx.id", "in", ids)
      .execute();
    return new Map(rows.map(({ id, created_at, updated_at, ...r }) => [id, { ...r, ...timesOf({ created_at, updated_at }) }]));
  },
};
