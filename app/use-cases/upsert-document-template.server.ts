import { z } from "zod";
import { DOCUMENT_CATEGORIES } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { type RecordKind, upsertRecord } from "./external-record.server";
import { type RecordActor, text, type UpsertResult } from "./record-fields";

/**
 * A kind of document the practice system writes (a vaccination certificate, a discharge sheet). Whether documents
 * of a template are shared in the portal by default is the practice's own setting in Portico (Administration →
 * Portal), not the practice system's: the API neither sets nor answers it.
 */
export const documentTemplateInputSchema = z.strictObject({
  name: text(120).meta({ example: "Vaccination certificate" }),
  category: z.enum(DOCUMENT_CATEGORIES).meta({ description: "The category of every document of this template." }),
  active: z.boolean().default(true).meta({ description: "False when the practice no longer uses it: its documents keep it. Templates are never deleted." }),
});

export type DocumentTemplateInput = z.output<typeof documentTemplateInputSchema>;

/**
 * The document template as a row. A template's category is fixed once documents use it: documents carry their own
 * category, and the two must not tell different stories.
 */
export const documentTemplateRecord: RecordKind<DocumentTemplateInput> = {
  table: "document_templates",
  subject: "document_template",
  plan: async (input, { trx }) => ({
    ok: true,
    values: { name: input.name, category: input.category, active: input.active },
    check: async (current) => {
      if (current.category === input.category) return [];
      const used = await trx.selectFrom("documents").select("id").where("template_id", "=", current.id as string).limit(1).executeTakeFirst();
      return used ? [{ path: ["category"], message: `must stay ${String(current.category)}: documents of this template exist` }] : [];
    },
  }),
};

/** Creates or replaces the document template the practice system knows as `externalId`. */
export function upsertDocumentTemplate(trx: PracticeTransaction, options: { practiceId: string; externalId: string; input: DocumentTemplateInput; actor: RecordActor; now: Date }): Promise<UpsertResult> {
  return upsertRecord(trx, documentTemplateRecord, options);
}
