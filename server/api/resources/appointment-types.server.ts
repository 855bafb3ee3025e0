import { sql } from "kysely";
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
    const rows = await trx
      .selectFrom("appointment_types as t")
      .select(["t.id", "t.external_id", "t.name", "t.duration_minutes", "t.active", "t.buffer_minutes", "t.bookable_online", "t.bookable_new_clients", "t.species", "t.created_at", "t.updated_at"])
      // A practitioner made in Portico has no external id to name it by: only the practice system's are listed.
      .select(sql<string[]>`coalesce((select array_agg(p.external_id order by p.external_id) from appointment_type_practitioners tp join practitioners p on p.practice_id = tp.practice_id and p.id = tp.practitioner_id where tp.appointment_type_id = t.id and p.external_id is not null), '{}')`.as("practitioner_external_ids"))
      .where("t.id", "in", ids)
      .execute();
    return new Map(
      rows.map((r) => [
        r.id,
        {
          external_id: r.external_id,
          name: r.name,
          duration_minutes: r.duration_minutes,
          active: r.active,
          buffer_minutes: r.buffer_minutes,
          bookable_online: r.bookable_online,
          bookable_new_clients: r.bookable_new_clients,
          species: r.species,
          practitioner_external_ids: r.practitioner_external_ids,
          ...timesOf(r),
        },
      ]),
    );
  },
};
