import { z } from "zod";
import { DOCUMENT_CATEGORIES } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { missingReference, type RecordKind, upsertRecord } from "./external-record.server";
import { calendarDateSchema, externalIdSchema, type FieldProblem, type RecordActor, text, type UpsertResult } from "./record-fields";

/** Structured text a person reads (visit notes, instructions): line breaks and tabs kept, other control characters refused. */
const documentText = z
  .string()
  .max(100_000)
  .regex(/^(?:[^\p{Cc}]|[\n\r\t])*$/u, "must not contain control characters other than line breaks and tabs");

/**
 * A record of the patient's care as the practice system sends it. What the client sees follows the practice's
 * sharing rules exactly as for any other document: `portal_shared`, the practice's shared categories, and for
 * diagnostics and imaging the status the practice shares them from; other categories only once completed.
 *
 * Attached files (PDF, JPEG, PNG) are the file store's: they hang off the document by its Portico id through their
 * own operation, so this record never lists or touches them, and a PUT of the record keeps its files.
 */
export const documentInputSchema = z.strictObject({
  patient_external_id: externalIdSchema.meta({ description: "The patient's external id (PUT /patients/{externalId} first)." }),
  template_external_id: externalIdSchema.nullable().default(null).meta({ description: "The template's external id (PUT /document_templates/{externalId} first); its category must be the document's." }),
  title: text(200).meta({ example: "Wellness exam" }),
  category: z.enum(DOCUMENT_CATEGORIES),
  status: z
    .enum(["draft", "to_review", "to_share", "completed", "voided"])
    .meta({ description: "Diagnostics and imaging are shared from the practice's chosen status; other categories once completed. `voided` withdraws a document: never shown again, never deleted." }),
  portal_shared: z.boolean().meta({ description: "Whether the practice shares this document with the client at all (the rules above still apply)." }),
  visit_date: calendarDateSchema,
  author_external_id: externalIdSchema.nullable().default(null).meta({ description: "The practitioner who wrote it (PUT /practitioners/{externalId} first)." }),
  content: documentText.default("").meta({ description: "The document's text, as the client reads it: plain text with line breaks." }),
});

export type DocumentInput = z.output<typeof documentInputSchema>;

/** The document as a row: its patient, template and author found by external id, the author's name copied. */
export const documentRecord: RecordKind<DocumentInput> = {
  table: "documents",
  subject: "document",
  async plan(input, { refs }) {
    const [patient, template, author] = await Promise.all([refs.find("patients", input.patient_external_id), refs.find("document_templates", input.template_external_id), refs.find("practitioners", input.author_external_id)]);
    const problems: FieldProblem[] = [];
    if (!patient) problems.push(missingReference("patient_external_id", "patient"));
    if (template === undefined) problems.push(missingReference("template_external_id", "document template"));
    else if (template && template.category !== input.category) problems.push({ path: ["category"], message: `must be ${template.category}, the template's category` });
    if (author === undefined) problems.push(missingReference("author_external_id", "practitioner"));
    if (problems.length || !patient || template === undefined || author === undefined) return { ok: false, errors: problems };
    return {
      ok: true,
      values: {
        patient_id: patient.id,
        template_id: template?.id ?? null,
        title: input.title,
        category: input.category,
        status: input.status,
        portal_shared: input.portal_shared,
        visit_date: input.visit_date,
        author_id: author?.id ?? null,
        author_name: author?.name ?? null,
        content: input.content,
      },
    };
  },
};

/** Creates or replaces the document the practice system knows as `externalId`. */
export function upsertDocument(trx: PracticeTransaction, options: { practiceId: string; externalId: string; input: DocumentInput; actor: RecordActor; now: Date }): Promise<UpsertResult> {
  return upsertRecord(trx, documentRecord, options);
}
