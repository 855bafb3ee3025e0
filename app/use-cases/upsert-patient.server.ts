import { z } from "zod";
import type { PracticeKind } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { recordAudit } from "../../server/audit.server";
import { type RecordKind, upsertRecord } from "./external-record.server";
import { calendarDateSchema, externalIdSchema, type FieldProblem, type RecordActor, sameJson, text, type UpsertResult } from "./record-fields";

/**
 * A patient as the practice system sends it: a pet at a veterinary practice (species required, breed optional), a
 * person at a human-health one (no species or breed). Whose patient it is goes by the client's external id.
 */
export const patientInputSchema = z.strictObject({
  client_external_id: externalIdSchema.meta({ description: "The external id of the client this patient belongs to (sent first with PUT /clients/{externalId})." }),
  name: text(100),
  species: text(60).nullable().default(null).meta({ description: "Veterinary practices: required (e.g. Dog). Human-health practices: must be null or absent." }),
  breed: text(100).nullable().default(null).meta({ description: "Veterinary practices only." }),
  sex: text(40).nullable().default(null).meta({ example: "Female, spayed" }),
  date_of_birth: calendarDateSchema.nullable().default(null),
  status: z
    .enum(["active", "inactive", "deceased"])
    .default("active")
    .meta({ description: "Deceased and inactive patients never appear in the portal. Patients are never deleted." }),
});

export type PatientInput = z.output<typeof patientInputSchema>;

/** The same patient without the client reference: what staff fill in on a client's page (the client is the page's). */
export const patientFieldsSchema = patientInputSchema.omit({ client_external_id: true });

export type PatientFields = z.output<typeof patientFieldsSchema>;

/** The rules that depend on the practice and its data, not on the shape: answered as field errors like the shape's. */
function kindProblems(kind: PracticeKind, input: PatientFields, now: Date): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (kind === "veterinary" && input.species === null) problems.push({ path: ["species"], message: "is required at a veterinary practice" });
  if (kind === "human") {
    if (input.species !== null) problems.push({ path: ["species"], message: "must be null at a human-health practice" });
    if (input.breed !== null) problems.push({ path: ["breed"], message: "must be null at a human-health practice" });
  }
  if (input.date_of_birth !== null && input.date_of_birth > now.toISOString().slice(0, 10)) problems.push({ path: ["date_of_birth"], message: "must not be in the future" });
  return problems;
}

const COLUMNS = ["name", "species", "breed", "sex", "date_of_birth", "status"] as const;

/** The patient as a row, under the client it names by external id; the practice's kind decides species and breed. */
export function patientRecord(practiceKind: PracticeKind): RecordKind<PatientInput> {
  return {
    table: "patients",
    subject: "patient",
    fieldNames: { client_id: "client_external_id" },
    async plan(input, { refs, now }) {
      const problems = kindProblems(practiceKind, input, now);
      const client = await refs.find("clients", input.client_external_id);
      if (!client) problems.push({ path: ["client_external_id"], message: "names no client of this practice" });
      if (problems.length || !client) return { ok: false, errors: problems };
      return { ok: true, values: { client_id: client.id, name: input.name, species: input.species, breed: input.breed, sex: input.sex, date_of_birth: input.date_of_birth, status: input.status } };
    },
  };
}

/**
 * Creates or replaces the patient the practice system knows as `externalId`, under the client it names: one row
 * per external id, nothing written when nothing changed, audited as `patient.created` / `patient.updated`.
 */
export function upsertPatient(
  trx: PracticeTransaction,
  options: { practiceId: string; practiceKind: PracticeKind; externalId: string; input: PatientInput; actor: RecordActor; now: Date },
): Promise<UpsertResult> {
  return upsertRecord(trx, patientRecord(options.practiceKind), options);
}

type PatientValues = { client_id: string } & Pick<PatientInput, (typeof COLUMNS)[number]>;
type PatientRow = { id: string } & PatientValues;

/** Staff's update by Portico id: the locked row rewritten to `values`, or nothing written when it already holds them. */
async function replacePatient(
  trx: PracticeTransaction,
  options: { existing: PatientRow; values: PatientValues; now: Date; audit: (action: string, id: string, details: Record<string, unknown>) => Promise<void> },
): Promise<UpsertResult> {
  const { existing, values, now, audit } = options;
  const changed = (["client_id", ...COLUMNS] as const).filter((k) => !sameJson(existing[k], values[k]));
  if (!changed.length) return { ok: true, id: existing.id, outcome: "unchanged" };
  await trx.updateTable("patients").set({ ...values, updated_at: now }).where("id", "=", existing.id).execute();
  await audit("patient.updated", existing.id, { changed: changed.map((k) => (k === "client_id" ? "client_external_id" : k)) });
  return { ok: true, id: existing.id, outcome: "updated" };
}

/**
 * The same write by Portico id, for staff keeping records by hand: `patientId` null creates a patient of `clientId`
 * with no external id (see `saveClient`); otherwise the patient is replaced, staying with its client. The same
 * practice-kind rules as the API's, answered as field errors; audited as `patient.created` / `patient.updated`.
 */
export async function savePatient(
  trx: PracticeTransaction,
  options: { practiceId: string; practiceKind: PracticeKind; clientId: string; patientId: string | null; input: PatientFields; actor: RecordActor; now: Date },
): Promise<UpsertResult> {
  const { practiceId, clientId, input, now, actor } = options;
  const problems = kindProblems(options.practiceKind, input, now);
  if (problems.length) return { ok: false, errors: problems };
  const audit = (externalId: string | null) => (action: string, id: string, details: Record<string, unknown>) =>
    recordAudit(trx, practiceId, { actorType: actor.actorType, actorId: actor.actorId, action, subjectType: "patient", subjectId: id, ip: actor.ip, userAgent: actor.userAgent, details: { ...actor.details, externalId, ...details }, at: now });
  const values = { client_id: clientId, name: input.name, species: input.species, breed: input.breed, sex: input.sex, date_of_birth: input.date_of_birth, status: input.status };
  if (options.patientId === null) {
    const created = await trx.insertInto("patients").values({ practice_id: practiceId, external_id: null, ...values, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
    await audit(null)("patient.created", created.id, {});
    return { ok: true, id: created.id, outcome: "created" };
  }
  const existing = await trx.selectFrom("patients").select(["id", "client_id", "external_id", ...COLUMNS]).where("id", "=", options.patientId).forUpdate().executeTakeFirstOrThrow();
  return replacePatient(trx, { existing, values, now, audit: audit(existing.external_id) });
}
