import { z } from "zod";
import { externalIdSchema } from "../../../app/use-cases/record-fields";
import { reminderInputSchema, type ReminderInput, upsertReminder } from "../../../app/use-cases/upsert-reminder.server";
import { keyActor, recordTimes, type ResourceDeclaration, timesOf } from "./common.server";

export const reminders: ResourceDeclaration<ReminderInput> = {
  name: "reminders",
  tag: "Reminders",
  schemaName: "Reminder",
  singular: "reminder",
  table: "reminders",
  input: reminderInputSchema,
  representation: z.strictObject({ external_id: externalIdSchema, ...reminderInputSchema.shape, ...recordTimes }).meta({ description: "A reminder as the practice system sent it." }),
  upsert: (call) => upsertReminder(call.trx, { practiceId: call.practice.id, externalId: call.params.externalId, input: call.body, actor: keyActor(call), now: call.now }),
  async read(trx, ids) {
    if (!ids.length) return new Map();
    const rows = await trx
      .selectFrom("reminders as r")
      .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "r.practice_id").onRef("p.id", "=", "r.patient_id"))
      .select(["r.id", "r.external_id", "p.external_id as patient_external_id", "r.description", "r.due_on", "r.status", "r.created_at", "r.updated_at"])
      .where("r.id", "in", ids)
      .execute();
    return new Map(rows.map(({ id, created_at, updated_at, ...r }) => [id, { ...r, ...timesOf({ created_at, updated_at }) }]));
  },
};
