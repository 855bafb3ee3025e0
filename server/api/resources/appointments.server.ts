import { z } from "zod";
import { externalIdSchema } from "../../../app/use-cases/record-fields";
import { appointmentInputSchema, type AppointmentInput, upsertAppointment } from "../../../app/use-cases/upsert-appointment.server";
import { keyActor, recordTimes, type ResourceDeclaration, timesOf } from "./common.server";

const appointmentRepresentation = z
  .strictObject({ external_id: externalIdSchema, ...appointmentInputSchema.shape, ...recordTimes })
  .meta({ description: "An appointment as the practice system sent it (times in UTC); a client's confirmation in the portal shows as status confirmed." });

export const appointments: ResourceDeclaration<AppointmentInput> = {
  name: "appointments",
  tag: "Appointments",
  schemaName: "Appointment",
  singular: "appointment",
  table: "appointments",
  input: appointmentInputSchema,
  representation: appointmentRepresentation,
  upsert: (call) => upsertAppointment(call.trx, { practiceId: call.practice.id, externalId: call.params.externalId, input: call.body, actor: keyActor(call), now: call.now }),
  async read(trx, ids) {
    if (!ids.length) return new Map();
    const rows = await trx
      .selectFrom("appointments as a")
      .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "a.practice_id").onRef("p.id", "=", "a.patient_id"))
      .innerJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "a.practice_id").onRef("l.id", "=", "a.location_id"))
      .leftJoin("practitioners as pr", (join) => join.onRef("pr.practice_id", "=", "a.practice_id").onRef("pr.id", "=", "a.practitioner_id"))
      .leftJoin("appointment_types as t", (join) => join.onRef("t.practice_id", "=", "a.practice_id").onRef("t.id", "=", "a.appointment_type_id"))
      .select([
        "a.id",
        "a.external_id",
        "p.external_id as patient_external_id",
        "pr.external_id as practitioner_external_id",
        "l.external_id as location_external_id",
        "t.external_id as appointment_type_external_id",
        "a.reason",
        "a.starts_at",
        "a.ends_at",
        "a.status",
        "a.created_at",
        "a.updated_at",
      ])
      .where("a.id", "in", ids)
      .execute();
    return new Map(
      rows.map((r) => [
        r.id,
        {
          external_id: r.external_id,
          patient_external_id: r.patient_external_id,
          practitioner_external_id: r.practitioner_external_id,
          location_external_id: r.location_external_id,
          appointment_type_external_id: r.appointment_type_external_id,
          reason: r.reason,
          starts_at: r.starts_at.toISOString(),
          ends_at: r.ends_at.toISOString(),
          status: r.status,
          ...timesOf(r),
        },
      ]),
    );
  },
};
