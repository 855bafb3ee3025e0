import { z } from "zod";
import { externalIdSchema } from "../../../app/use-cases/record-fields";
import { appointmentTypeInputSchema, type AppointmentTypeInput, upsertAppointmentType } from "../../../app/use-cases/upsert-appointment-type.server";
import { keyActor, recordTimes, type ResourceDeclaration, timesOf } from "./common.server";

export const appointmentTypes: ResourceDeclaration<AppointmentTypeInput> = {
  name: "appointment_types",
  tag: "Appointment types",
  schemaName: "AppointmentType",
  singular: "appointment_type",
  table: "appointment_types",
  input: appointmentTypeInputSchema,
  representation: z.strictObject({ external_id: externalIdSchema, ...appointmentTypeInputSchema.shape, ...recordTimes }).meta({ description: "An appointment type as the practice system sent it." }),
  upsert: (call) => upsertAppointmentType(call.trx, { practiceId: call.practice.id, externalId: call.params.externalId, input: call.body, actor: keyActor(call), now: call.now }),
  async read(trx, ids) {
    if (!ids.length) return new Map();
    const rows = await trx.selectFrom("appointment_types").select(["id", "external_id", "name", "duration_minutes", "active", "created_at", "updated_at"]).where("id", "in", ids).execute();
    return new Map(rows.map((r) => [r.id, { external_id: r.external_id, name: r.name, duration_minutes: r.duration_minutes, active: r.active, ...timesOf(r) }]));
  },
};
