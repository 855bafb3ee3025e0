import { z } from "zod";
import { externalIdSchema } from "../../../app/use-cases/record-fields";
import { locationInputSchema, type LocationInput, upsertLocation } from "../../../app/use-cases/upsert-location.server";
import { keyActor, recordTimes, type ResourceDeclaration, timesOf } from "./common.server";

export const locations: ResourceDeclaration<LocationInput> = {
  name: "locations",
  tag: "Locations",
  schemaName: "Location",
  singular: "location",
  table: "locations",
  input: locationInputSchema,
  representation: z.strictObject({ external_id: externalIdSchema, ...locationInputSchema.shape, ...recordTimes }).meta({ description: "A location as the practice system sent it." }),
  upsert: (call) => upsertLocation(call.trx, { practiceId: call.practice.id, externalId: call.params.externalId, input: call.body, actor: keyActor(call), now: call.now }),
  async read(trx, ids) {
    if (!ids.length) return new Map();
    const rows = await trx
      .selectFrom("locations")
      .select(["id", "external_id", "name", "address", "phone", "email", "time_zone", "opening_hours", "active", "created_at", "updated_at"])
      .where("id", "in", ids)
      .execute();
    return new Map(rows.map(({ id, created_at, updated_at, ...r }) => [id, { ...r, ...timesOf({ created_at, updated_at }) }]));
  },
};
