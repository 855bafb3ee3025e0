import { z } from "zod";
import { externalIdSchema } from "../../../app/use-cases/record-fields";
import { documentInputSchema, type DocumentInput, upsertDocument } from "../../../app/use-cases/upsert-document.server";
import { keyActor, recordTimes, type ResourceDeclaration, timesOf } from "./common.server";

export const documents: ResourceDeclaration<DocumentInput> = {
  name: "documents",
  tag: "Documents",
  schemaName: "Document",
  singular: "document",
  table: "documents",
  input: documentInputSchema,
  representation: z.strictObject({ external_id: externalIdSchema, ...documentInputSchema.shape, ...recordTimes }).meta({ description: "A document as the practice system sent it (its attached files are not part of this record)." }),
  upsert: (call) => upsertDocument(call.trx, { practiceId: call.practice.id, externalId: call.params.externalId, input: call.body, actor: keyActor(call), now: call.now }),
  async read(trx, ids) {
    if (!ids.length) return new Map();
    const rows = await trx
      .selectFrom("documents as d")
      .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "d.practice_id").onRef("p.id", "=", "d.patient_id"))
      .leftJoin("document_templates as t", (join) => join.onRef("t.practice_id", "=", "d.practice_id").onRef("t.id", "=", "d.template_id"))
      .leftJoin("practitioners as pr", (join) => join.onRef("pr.practice_id", "=", "d.practice_id").onRef("pr.id", "=", "d.author_id"))
      .select([
        "d.id",
        "d.external_id",
        "p.external_id as patient_external_id",
        "t.external_id as template_external_id",
        "d.title",
        "d.category",
        "d.status",
        "d.portal_shared",
        "d.visit_date",
        "pr.external_id as author_external_id",
        "d.content",
        "d.created_at",
        "d.updated_at",
      ])
      .where("d.id", "in", ids)
      .execute();
    return new Map(rows.map(({ id, created_at, updated_at, ...r }) => [id, { ...r, ...timesOf({ created_at, updated_at }) }]));
  },
};
