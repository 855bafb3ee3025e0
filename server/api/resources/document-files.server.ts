import { z } from "zod";
import { attachDocumentFile, documentFileNameSchema, type DocumentFileRow, listDocumentFiles, type NewDocumentFile, withdrawDocumentFile } from "../../../app/use-cases/document-files.server";
import { externalIdSchema } from "../../../app/use-cases/record-fields";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { checkDocumentFile, DOCUMENT_FILE_MAX_BYTES, DOCUMENT_FILE_TYPES, documentFileBytes } from "../../files/document-file-content.server";
import { ApiProblem } from "../problem.server";
import { type ApiRoute, apiRoute } from "../route.server";
import { spool } from "../upload.server";
import { keyActor } from "./common.server";

/**
 * A document's attached files: `PUT /documents/{externalId}/files/{fileName}` with the raw bytes (PDF, JPEG, PNG,
 * up to 25 MB; the type is read from the bytes), `GET /documents/{externalId}/files` and `DELETE …/{fileName}`
 * (withdraws). The document record itself never lists them (ADR 017), so re-sending it keeps its files.
 * docs/decisions/020-document-files.md.
 */

const documentParams = z.strictObject({ externalId: externalIdSchema });
const fileParams = z.strictObject({ externalId: externalIdSchema, fileName: documentFileNameSchema });

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const documentFileRepresentation = z
  .strictObject({
    name: documentFileNameSchema,
    content_type: z.enum(DOCUMENT_FILE_TYPES),
    byte_size: z.int().min(0).meta({ description: "Of the bytes Portico serves (an image is re-encoded without its metadata, so it may differ from what was sent)." }),
    sha256: sha256Hex.meta({ description: "SHA-256 (hex) of the bytes Portico serves." }),
    received_sha256: sha256Hex.meta({ description: "SHA-256 (hex) of the bytes as sent: sending the same bytes again changes nothing." }),
    position: z.int().min(0).meta({ description: "The order the client sees the files in: first attached first; a replaced file keeps its place." }),
    created_at: z.iso.datetime({ offset: true }).meta({ description: "When these bytes were attached." }),
  })
  .meta({ description: "A file attached to a document." });

const documentFileList = z.object({ data: z.array(documentFileRepresentation) }).meta({ description: "A document's current files (withdrawn ones are not listed)." });

function representation(row: DocumentFileRow): z.output<typeof documentFileRepresentation> {
  return {
    name: row.name,
    content_type: row.content_type,
    byte_size: Number(row.byte_size),
    sha256: row.sha256.toString("hex"),
    received_sha256: row.received_sha256.toString("hex"),
    position: row.position,
    created_at: row.created_at.toISOString(),
  };
}

async function documentId(trx: PracticeTransaction, externalId: string): Promise<string> {
  const row = await trx.selectFrom("documents").select("id").where("external_id", "=", externalId).executeTakeFirst();
  if (!row) throw new ApiProblem(404, "not_found", `No document with external id ${externalId} at this practice.`, [{ path: ["externalId"], message: "names nothing" }]);
  return row.id;
}

const TAG = "Document files";

export const documentFiles: { routes: ApiRoute[]; schemas: Record<string, { schema: z.ZodType; io: "input" | "output" }> } = {
  schemas: { DocumentFile: { schema: documentFileRepresentation, io: "output" }, DocumentFileList: { schema: documentFileList, io: "output" } },
  routes: [
    apiRoute<{ externalId: string }, unknown, unknown>({
      method: "GET",
      path: "/documents/{externalId}/files",
      scope: "read",
      operationId: "list_document_files",
      summary: "List a document's files",
      tag: TAG,
      params: documentParams,
      responses: { 200: { description: "The document's current files, in the client's order.", schema: "DocumentFileList" } },
      async handle({ trx, params }) {
        const rows = await listDocumentFiles(trx, await documentId(trx, params.externalId));
        return { status: 200, body: { data: rows.map(representation) } };
      },
    }),
    apiRoute<{ externalId: string; fileName: string }, unknown, NewDocumentFile>({
      method: "PUT",
      path: "/documents/{externalId}/files/{fileName}",
      scope: "write",
      operationId: "put_document_file",
      summary: "Attach or replace a document's file",
      description: `The body is the file's bytes: a PDF, JPEG or PNG of at most ${DOCUMENT_FILE_MAX_BYTES} bytes, sent with its Content-Type. The type is read from the bytes and must agree with the Content-Type and the name's extension; a PDF must be whole (from %PDF- to %%EOF). Images are re-encoded without their metadata (location, device). Idempotent by (document, name): the same bytes again change nothing (200, the same body); other bytes replace the file (200). The client sees the files of a document they may see.`,
      tag: TAG,
      params: fileParams,
      upload: {
        types: DOCUMENT_FILE_TYPES,
        maxBytes: DOCUMENT_FILE_MAX_BYTES,
        async prepare(received, params) {
          const { fileName } = params as { fileName: string };
          const checked = await checkDocumentFile(received, fileName);
          if (!checked.ok) throw new ApiProblem(422, "invalid_body", checked.problem, [{ path: ["body"], message: checked.problem }]);
          const bytes = await documentFileBytes(received, checked.type, (stream) => spool(stream, received.dir, DOCUMENT_FILE_MAX_BYTES)).catch((error: unknown) => {
            // The image queue is full (work-queue.server.ts answers a 503 Response): say so, not "the data is unavailable".
            if (error instanceof Response && error.status === 503) throw new ApiProblem(503, "unavailable", "Busy processing other images: try again shortly.", undefined, { "Retry-After": error.headers.get("Retry-After") ?? "5" });
            throw error;
          });
          if ("problem" in bytes) throw new ApiProblem(422, "invalid_body", bytes.problem, [{ path: ["body"], message: bytes.problem }]);
          const file: NewDocumentFile = { type: checked.type, receivedSha256: received.sha256, open: () => bytes.open() };
          return { body: file, discard: () => bytes.discard() };
        },
      },
      responses: {
        200: { description: "A file of that name existed: unchanged (the same bytes) or replaced.", schema: "DocumentFile" },
        201: { description: "The file was attached.", schema: "DocumentFile" },
      },
      async handle(call) {
        const id = await documentId(call.trx, call.params.externalId);
        const result = await attachDocumentFile(call.trx, { practiceId: call.practice.id, files: call.files, documentId: id, name: call.params.fileName, file: call.body, actor: keyActor(call), now: call.now });
        if (result.afterCommit) call.afterCommit(result.afterCommit);
        return { status: result.outcome === "created" ? 201 : 200, body: representation(result.row) };
      },
    }),
    apiRoute<{ externalId: string; fileName: string }, unknown, unknown>({
      method: "DELETE",
      path: "/documents/{externalId}/files/{fileName}",
      scope: "write",
      operationId: "withdraw_document_file",
      summary: "Withdraw a document's file",
      description: "The client no longer sees it and its bytes are deleted; Portico keeps a note that it was attached and when it was withdrawn. Withdrawing it again answers 204 too.",
      tag: TAG,
      params: fileParams,
      responses: { 204: { description: "Withdrawn (or already withdrawn)." } },
      async handle(call) {
        const id = await documentId(call.trx, call.params.externalId);
        const result = await withdrawDocumentFile(call.trx, { practiceId: call.practice.id, files: call.files, documentId: id, name: call.params.fileName, actor: keyActor(call), now: call.now });
        if (result.outcome === "missing") throw new ApiProblem(404, "not_found", `Document ${call.params.externalId} has no file named ${call.params.fileName}.`, [{ path: ["fileName"], message: "names nothing" }]);
        if (result.afterCommit) call.afterCommit(result.afterCommit);
        return { status: 204, body: undefined };
      },
    }),
  ],
};
