import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { upsertExternalRecord } from "./external-record.server";
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
 * Creates or replaces the practitioner the practice system knows as `externalId`. A new name is carried to the
 * appointments, documents and prescriptions that name this practitioner (their copies are what the portal shows);
 * those rows' own `updated_at` stays, since what the API says of them (the practitioner's external id) did not change.
 */
export async function upsertPractitioner(
  trx: PracticeTransaction,
  options: { practiceId: string; externalId: string; input: PractitionerInput; actor: RecordActor; now: Date },
): Promise<UpsertResult> {
  const { input } = options;
  const result = await upsertExternalRecord(trx, {
    table: "practitioners",
    subject: "practitioner",
    practiceId: options.practiceId,
    externalId: options.externalId,
    values: { name: input.name, title: input.title, active: input.active },
    actor: options.actor,
    now: options.now,
  });
  if (result.ok && result.outcome === "updated") {
    await trx.updateTable("appointments").set({ practitioner_name: input.name }).where("practitioner_id", "=", result.id).where("practitioner_name", "!=", input.name).execute();
    await trx.updateTable("prescriptions").set({ prescriber_name: input.name }).where("prescriber_id", "=", result.id).where("prescriber_name", "!=", input.name).execute();
    await trx.updateTable("documents").set({ author_name: input.name }).where("author_id", "=", result.id).where("author_name", "!=", input.name).execute();
  }
  return result;
}
