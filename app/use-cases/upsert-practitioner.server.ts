import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { type RecordKind, upsertRecord } from "./external-record.server";
import { type RecordActor, text, type UpsertResult } from "./record-fields";

/**
 * A practitioner as the practice system sends it: whoever sees patients, signs documents or prescribes. Not a staff
 * account (those sign in to Portico and are managed in admin); a practitioner never signs in.
 */
export const practitionerInputSchema = z.strictObject({
  name: text(120).meta({ description: "As clients see it on appointments, documents and prescriptions.", example: "Dr. Emily Carter" }),
  title: text(100).nullable().default(null).meta({ example: "Veterinarian" }),
  active: z.boolean().default(true).meta({ description: "False when the practitioner left: records naming them keep their name. Practitioners are never deleted." }),
});

export type PractitionerInput = z.output<typeof practitionerInputSchema>;

/**
 * The practitioner as a row. A new name is carried to the appointments, documents and prescriptions that name this
 * practitioner (their copies are what the portal shows); those rows' own `updated_at` stays, since what the API says
 * of them (the practitioner's external id) did not change.
 */
export const practitionerRecord: RecordKind<PractitionerInput> = {
  table: "practitioners",
  subject: "practitioner",
  plan: async (input) => ({ ok: true, values: { name: input.name, title: input.title, active: input.active } }),
  async afterUpdate(trx, id, values) {
    const name = values.name as string;
    await trx.updateTable("appointments").set({ practitioner_name: name }).where("practitioner_id", "=", id).where("practitioner_name", "!=", name).execute();
    await trx.updateTable("prescriptions").set({ prescriber_name: name }).where("prescriber_id", "=", id).where("prescriber_name", "!=", name).execute();
    await trx.updateTable("documents").set({ author_name: name }).where("author_id", "=", id).where("author_name", "!=", name).execute();
  },
};

/** Creates or replaces the practitioner the practice system knows as `externalId`. */
export function upsertPractitioner(trx: PracticeTransaction, options: { practiceId: string; externalId: string; input: PractitionerInput; actor: RecordActor; now: Date }): Promise<UpsertResult> {
  return upsertRecord(trx, practitionerRecord, options);
}
