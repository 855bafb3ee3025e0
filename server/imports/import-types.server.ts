import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import { externalIdSchema, type RecordActor, sameJson, type UpsertResult } from "../../app/use-cases/record-fields";
import { clientInputSchema, normalizeClient, readClientRecords, upsertClient } from "../../app/use-cases/upsert-client.server";
import { patientInputSchema, upsertPatient } from "../../app/use-cases/upsert-patient.server";
import { appointmentTypeInputSchema, upsertAppointmentType } from "../../app/use-cases/upsert-appointment-type.server";
import { appointmentInputSchema, upsertAppointment } from "../../app/use-cases/upsert-appointment.server";
import { documentTemplateInputSchema, upsertDocumentTemplate } from "../../app/use-cases/upsert-document-template.server";
import { documentInputSchema, upsertDocument } from "../../app/use-cases/upsert-document.server";
import { locationInputSchema, upsertLocation } from "../../app/use-cases/upsert-location.server";
import { practitionerInputSchema, upsertPractitioner } from "../../app/use-cases/upsert-practitioner.server";
import { prescriptionInputSchema, upsertPrescription } from "../../app/use-cases/upsert-prescription.server";
import { reminderInputSchema, upsertReminder } from "../../app/use-cases/upsert-reminder.server";

/**
 * What an import line may be: `{"type": "<name>", "external_id": "…", …fields}` where the fields are exactly the
 * body of `PUT /api/v1/<resource>/{externalId}`. Each type is the API's own upsert use case and schema, so an import
 * line and an API call can never disagree. A resource added to the API adds one entry here.
 */
type ImportType<I> = {
  input: z.ZodType<I>;
  upsert(trx: PracticeTransaction, options: { practice: Practice; externalId: string; input: I; actor: RecordActor; now: Date }): Promise<UpsertResult>;
  /**
   * The external ids among `lines` whose stored record already reads exactly as sent, found in a few queries for the
   * whole batch: those lines count as unchanged without a round trip each (the use case would write nothing for
   * them either). Optional: without it, every line goes through `upsert`.
   */
  unchanged?(trx: PracticeTransaction, lines: { externalId: string; input: I }[]): Promise<Set<string>>;
};

function importType<I>(type: ImportType<I>): ImportType<unknown> {
  return type as unknown as ImportType<unknown>;
}

export const IMPORT_TYPES: Record<string, ImportType<unknown>> = {
  client: importType({
    input: clientInputSchema,
    upsert: (trx, o) => upsertClient(trx, { practiceId: o.practice.id, externalId: o.externalId, input: o.input, actor: o.actor, now: o.now }),
    async unchanged(trx, lines) {
      const rows = await trx.selectFrom("clients").select(["id", "external_id"]).where("external_id", "in", lines.map((l) => l.externalId)).execute();
      const stored = await readClientRecords(trx, rows.map((r) => r.id));
      const byExternalId = new Map(rows.map((r) => [r.external_id, stored.get(r.id)]));
      return new Set(lines.filter((l) => sameJson(byExternalId.get(l.externalId), normalizeClient(l.input))).map((l) => l.externalId));
    },
  }),
  patient: importType({
    input: patientInputSchema,
    upsert: (trx, o) => upsertPatient(trx, { practiceId: o.practice.id, practiceKind: o.practice.kind, externalId: o.externalId, input: o.input, actor: o.actor, now: o.now }),
    async unchanged(trx, lines) {
      const rows = await trx
        .selectFrom("patients as p")
        .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "p.practice_id").onRef("c.id", "=", "p.client_id"))
        .select(["p.external_id", "c.external_id as client_external_id", "p.name", "p.species", "p.breed", "p.sex", "p.date_of_birth", "p.status"])
        .where("p.external_id", "in", lines.map((l) => l.externalId))
        .execute();
      const byExternalId = new Map(rows.map(({ external_id, ...stored }) => [external_id, stored]));
      return new Set(lines.filter((l) => sameJson(byExternalId.get(l.externalId), l.input)).map((l) => l.externalId));
    },
  }),
  // The rest of the API's resources, in the order a practice system sends them (what a line names must come first).
  location: recordType(locationInputSchema, upsertLocation),
  practitioner: recordType(practitionerInputSchema, upsertPractitioner),
  appointment_type: recordType(appointmentTypeInputSchema, upsertAppointmentType),
  document_template: recordType(documentTemplateInputSchema, upsertDocumentTemplate),
  appointment: recordType(appointmentInputSchema, upsertAppointment),
  document: recordType(documentInputSchema, upsertDocument),
  prescription: recordType(prescriptionInputSchema, upsertPrescription),
  reminder: recordType(reminderInputSchema, upsertReminder),
};

type RecordUpsert<I> = (trx: PracticeTransaction, options: { practiceId: string; externalId: string; input: I; actor: RecordActor; now: Date }) => Promise<UpsertResult>;

/** A resource whose use case needs nothing of the practice but its id: the records added with the API's resources. */
function recordType<I>(input: z.ZodType<I>, upsert: RecordUpsert<I>): ImportType<unknown> {
  return importType({ input, upsert: (trx, o) => upsert(trx, { practiceId: o.practice.id, externalId: o.externalId, input: o.input, actor: o.actor, now: o.now }) });
}


/** A line read and checked against its type's schema, before any database work. */
export type ParsedLine =
  | { ok: true; line: number; type: string; externalId: string; input: unknown }
  | { ok: false; line: number; type: string | null; externalId: string | null; reason: string };

function issues(error: z.ZodError, prefix: (string | number)[] = []): string {
  return error.issues.map((issue) => `${[...prefix, ...issue.path.map(String)].join(".") || "(line)"} ${issue.message}`).join("; ");
}

const envelope = z.looseObject({
  type: z.string().max(60),
  external_id: externalIdSchema,
});

export function parseImportLine(line: number, text: string): ParsedLine | null {
  if (!text.trim()) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, line, type: null, externalId: null, reason: "the line is not valid JSON" };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { ok: false, line, type: null, externalId: null, reason: "the line is not a JSON object" };
  // A line its producer already knew to be unreadable (a CSV row of the wrong shape), with the reason to report.
  const rejected = (value as Record<string, unknown>).$rejected;
  if (typeof rejected === "string") return { ok: false, line, type: null, externalId: null, reason: rejected.slice(0, 500) };
  const head = envelope.safeParse(value);
  const rawType = (value as Record<string, unknown>).type;
  const rawId = (value as Record<string, unknown>).external_id;
  const type = typeof rawType === "string" ? rawType.slice(0, 60) : null;
  const externalId = typeof rawId === "string" ? rawId.slice(0, 100) : null;
  if (!head.success) return { ok: false, line, type, externalId, reason: issues(head.error) };
  const resource = IMPORT_TYPES[head.data.type];
  if (!resource) return { ok: false, line, type, externalId, reason: `type must be one of ${Object.keys(IMPORT_TYPES).join(", ")}` };
  if (JSON.stringify(value).includes("\\u0000")) return { ok: false, line, type, externalId, reason: "the line holds a NUL character" };
  const { type: _type, external_id: _id, ...fields } = head.data;
  const parsed = resource.input.safeParse(fields);
  if (!parsed.success) return { ok: false, line, type, externalId, reason: issues(parsed.error) };
  return { ok: true, line, type: head.data.type, externalId: head.data.external_id, input: parsed.data };
}
