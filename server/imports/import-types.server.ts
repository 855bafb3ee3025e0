import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import { type RecordItem, type RecordKind, upsertRecords } from "../../app/use-cases/external-record.server";
import { externalIdSchema, type RecordActor, type UpsertResult } from "../../app/use-cases/record-fields";
import { clientInputSchema, upsertClients } from "../../app/use-cases/upsert-client.server";
import { patientInputSchema, patientRecord } from "../../app/use-cases/upsert-patient.server";
import { appointmentTypeInputSchema, appointmentTypeRecord } from "../../app/use-cases/upsert-appointment-type.server";
import { appointmentInputSchema, appointmentRecord } from "../../app/use-cases/upsert-appointment.server";
import { documentTemplateInputSchema, documentTemplateRecord } from "../../app/use-cases/upsert-document-template.server";
import { documentInputSchema, documentRecord } from "../../app/use-cases/upsert-document.server";
import { locationInputSchema, locationRecord } from "../../app/use-cases/upsert-location.server";
import { practitionerInputSchema, practitionerRecord } from "../../app/use-cases/upsert-practitioner.server";
import { prescriptionInputSchema, prescriptionRecord } from "../../app/use-cases/upsert-prescription.server";
import { reminderInputSchema, reminderRecord } from "../../app/use-cases/upsert-reminder.server";

/**
 * What an import line may be: `{"type": "<name>", "external_id": "…", …fields}` where the fields are exactly the
 * body of `PUT /api/v1/<resource>/{externalId}`. Each type is the API's own schema and write path, given many lines
 * at once where a PUT gives it one, so an import line and an API call can never disagree. A resource added to the
 * API adds one entry here.
 */
type ImportType<I> = {
  input: z.ZodType<I>;
  /** Writes a run of lines of this type (distinct external ids): one result a line, in order. */
  upsert(trx: PracticeTransaction, options: { practice: Practice; items: RecordItem<I>[]; actor: RecordActor; now: Date }): Promise<UpsertResult[]>;
};

function importType<I>(type: ImportType<I>): ImportType<unknown> {
  return type as unknown as ImportType<unknown>;
}

/** A resource written by `upsertRecords`: the records the API added beside clients. */
function recordType<I>(input: z.ZodType<I>, kind: (practice: Practice) => RecordKind<I>): ImportType<unknown> {
  return importType({ input, upsert: (trx, o) => upsertRecords(trx, kind(o.practice), { practiceId: o.practice.id, items: o.items, actor: o.actor, now: o.now }) });
}

export const IMPORT_TYPES: Record<string, ImportType<unknown>> = {
  client: importType({ input: clientInputSchema, upsert: (trx, o) => upsertClients(trx, { practiceId: o.practice.id, items: o.items, actor: o.actor, now: o.now }) }),
  patient: recordType(patientInputSchema, (practice) => patientRecord(practice.kind)),
  // The rest of the API's resources, in the order a practice system sends them (what a line names must come first).
  location: recordType(locationInputSchema, () => locationRecord),
  practitioner: recordType(practitionerInputSchema, () => practitionerRecord),
  appointment_type: recordType(appointmentTypeInputSchema, () => appointmentTypeRecord),
  document_template: recordType(documentTemplateInputSchema, () => documentTemplateRecord),
  appointment: recordType(appointmentInputSchema, () => appointmentRecord),
  document: recordType(documentInputSchema, () => documentRecord),
  prescription: recordType(prescriptionInputSchema, () => prescriptionRecord),
  reminder: recordType(reminderInputSchema, () => reminderRecord),
};

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
