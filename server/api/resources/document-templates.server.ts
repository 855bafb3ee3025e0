import { z } from "zod";
import { externalIdSchema } from "../../../app/use-cases/record-fields";
import { documentTemplateInputSchema, type DocumentTemplateInput, upsertDocumentTemplate } from "../../../app/use-cases/upsert-document-template.server";
import { keyActor, recordTimes, type ResourceDeclaration, timesOf } from "./common.server";

export const documentTemplates: ResourceDeclaration<DocumentTemplateInput> = {
  name: "document_templates",
  tag: "Document templates",
  schemaName: "DocumentTemplate",
  singular: "document_template",
  table: "document_templates",
  input: documentTemplateInputSchema,
  representation: z.strictObject({ external_id: externalIdSchema, ...documentTemplateInputSchema.shape, ...recordTimes }).meta({ description: "A document template as the practice system sent it." }),
  upsert: (call) => upsertDocumentTemplate(call.trx, { practiceId: call.practice.id, externalId: call.params.externalId, input: call.body, actor: keyActor(call), now: call.now }),
  async read(trx, ids) {
    if (!ids.length) return new Map();
    const rows = await trx.selectFrom("document_templates").select(["id", "external_id", "name", "category", "active", "created_at", "updated_at"]).where("id", "in", ids).execute();
    return new Map(rows.map((r) => [r.id, { external_id: r.external_id, name: r.name, category: r.category, active: r.active, ...timesOf(r) }]));
  },
};
