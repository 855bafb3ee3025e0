import { z } from "zod";
import { externalIdSchema } from "../../../app/use-cases/record-fields";
import { practitionerInputSchema, type PractitionerInput, upsertPractitioner } from "../../../app/use-cases/upsert-practitioner.server";
import { keyActor, recordTimes, type ResourceDeclaration, timesOf } from "./common.server";

export const practitioners: ResourceDeclaration<PractitionerInput> = {
  name: "practitioners",
  tag: "Practitioners",
  schemaName: "Practitioner",
  singular: "practitioner",
  table: "practitioners",
  input: practitionerInputSchema,
  representation: z.strictObject({ external_id: externalIdSchema, ...practitionerInputSchema.shape, ...recordTimes }).meta({ description: "A practitioner as the practice system sent it." }),
  upsert: (call) => upsertPractitioner(call.trx, { practiceId: call.practice.id, externalId: call.params.externalId, input: call.body, actor: keyActor(call), now: call.now }),
  async read(trx, ids) {
    if (!ids.length) return new Map();
    const rows = await trx.selectFrom("practitioners").select(["id", "external_id", "name", "title", "active", "created_at", "updated_at"]).where("id", "in", ids).execute();
    return new Map(rows.map((r) => [r.id, { external_id: r.external_id, name: r.name, title: r.title, active: r.active, ...timesOf(r) }]));
  },
};
