import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { missingReference, type RecordKind, type RecordPlan, upsertRecord } from "./external-record.server";
import { externalIdSchema, type RecordActor, text, type UpsertResult } from "./record-fields";

/**
 * A kind of appointment the practice system books (a wellness exam, a dental cleaning). The online-booking fields are
 * optional and, when left out, keep what they were (staff may set them at /admin/booking): a practice system that
 * knows nothing of online booking does not undo the practice's choices on every sync.
 */
export const appointmentTypeInputSchema = z.strictObject({
  name: text(120).meta({ example: "Annual wellness exam" }),
  duration_minutes: z.int().min(1).max(1440).nullable().default(null).meta({ description: "Its usual length." }),
  active: z.boolean().default(true).meta({ description: "False when the practice no longer offers it: appointments of this type keep it. Types are never deleted." }),
  buffer_minutes: z.int().min(0).max(240).optional().meta({ description: "Time kept free after it (cleaning, notes), in minutes. Left out: unchanged (0 for a new type)." }),
  bookable_online: z.boolean().optional().meta({ description: "Whether clients may book it in the portal (it needs a duration and a practitioner). Left out: unchanged (false for a new type)." }),
  bookable_new_clients: z.boolean().optional().meta({ description: "Whether people who are not clients yet may book it at /book (only when bookable online). Left out: unchanged." }),
  species: z.array(text(60)).max(10).optional().meta({ description: "Veterinary: the species it is for (empty: any). Left out: unchanged.", example: ["Dog", "Cat"] }),
  practitioner_external_ids: z.array(externalIdSchema).max(500).optional().meta({ description: "The practitioners who perform it (online booking offers their free times). Left out: unchanged." }),
});

export type AppointmentTypeInput = z.output<typeof appointmentTypeInputSchema>;

/**
 * Makes the type's practitioners exactly these. A type made bookable online that is offered nowhere yet is offered at
 * every open location, as /admin/booking does; staff may narrow that there, and a later sync keeps their choice.
 * Names the field that changed, if any.
 */
async function linkTypeRows(trx: PracticeTransaction, practiceId: string, typeId: string, practitionerIds: string[] | undefined, bookable: boolean | undefined): Promise<string | undefined> {
  const offered = await trx.selectFrom("appointment_type_locations").select("location_id").where("appointment_type_id", "=", typeId).executeTakeFirst();
  if (bookable && !offered) {
    const open = await trx.selectFrom("locations").select("id").where("active", "=", true).execute();
    if (open.length) await trx.insertInto("appointment_type_locations").values(open.map((l) => ({ practice_id: practiceId, appointment_type_id: typeId, location_id: l.id }))).execute();
  }
  if (!practitionerIds) return undefined;
  // Only the practice system's practitioners are its to set: links staff made to practitioners kept in Portico stay.
  const current = (
    await trx
      .selectFrom("appointment_type_practitioners as tp")
      .innerJoin("practitioners as p", (join) => join.onRef("p.practice_id", "=", "tp.practice_id").onRef("p.id", "=", "tp.practitioner_id"))
      .select("tp.practitioner_id")
      .where("tp.appointment_type_id", "=", typeId)
      .where("p.external_id", "is not", null)
      .execute()
  ).map((r) => r.practitioner_id);
  const wanted = [...new Set(practitionerIds)];
  if (current.length === wanted.length && wanted.every((id) => current.includes(id))) return undefined;
  if (current.length) await trx.deleteFrom("appointment_type_practitioners").where("appointment_type_id", "=", typeId).where("practitioner_id", "in", current).execute();
  if (wanted.length) await trx.insertInto("appointment_type_practitioners").values(wanted.map((practitioner_id) => ({ practice_id: practiceId, appointment_type_id: typeId, practitioner_id }))).execute();
  return "practitioner_external_ids";
}

export const appointmentTypeRecord: RecordKind<AppointmentTypeInput> = {
  table: "appointment_types",
  subject: "appointment_type",
  async plan(input, { refs, practiceId }): Promise<RecordPlan> {
    const practitioners = input.practitioner_external_ids ? await Promise.all(input.practitioner_external_ids.map((id) => refs.find("practitioners", id))) : undefined;
    const missing = practitioners?.findIndex((p) => !p) ?? -1;
    if (missing >= 0) return { ok: false, errors: [{ ...missingReference("practitioner_external_ids", "practitioner"), path: ["practitioner_external_ids", missing] }] };
    const optional = {
      ...(input.buffer_minutes !== undefined ? { buffer_minutes: input.buffer_minutes } : {}),
      ...(input.bookable_online !== undefined ? { bookable_online: input.bookable_online } : {}),
      ...(input.bookable_new_clients !== undefined ? { bookable_new_clients: input.bookable_new_clients } : {}),
      ...(input.species !== undefined ? { species: input.species } : {}),
    };
    const practitionerIds = practitioners?.map((p) => p!.id);
    return {
      ok: true,
      values: { name: input.name, duration_minutes: input.duration_minutes, active: input.active, ...optional },
      links: (trx, id) => linkTypeRows(trx, practiceId, id, practitionerIds, input.bookable_online),
    };
  },
};

/** Creates or replaces the appointment type the practice system knows as `externalId`. */
export function upsertAppointmentType(trx: PracticeTransaction, options: { practiceId: string; externalId: string; input: AppointmentTypeInput; actor: RecordActor; now: Date }): Promise<UpsertResult> {
  return upsertRecord(trx, appointmentTypeRecord, options);
}
