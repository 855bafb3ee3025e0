import type { Readable } from "node:stream";
import type { PracticeTransaction } from "../../db/with-practice.server";
import type { PorticoLoadContext } from "../load-context";

/**
 * A document's attached file, ready to send: its headers now, its bytes streamed once the transaction that found it
 * has ended. The caller has already decided, in the same transaction, that the reader may see the document.
 */
export type AttachmentDownload = { name: string; contentType: string; byteSize: number; read(): Promise<Readable> };

/** The document's current files as links: id (the document_files row), name, type and size. */
export async function documentFileLinks(trx: PracticeTransaction, documentId: string): Promise<{ id: string; name: string; contentType: string; byteSize: number }[]> {
  const rows = await trx.selectFrom("document_files").select(["id", "name", "content_type", "byte_size"]).where("document_id", "=", documentId).where("withdrawn_at", "is", null).orderBy("position").orderBy("name").execute();
  return rows.map((r) => ({ id: r.id, name: r.name, contentType: r.content_type, byteSize: Number(r.byte_size) }));
}

/** The current files of many documents at once (a client's page lists them all): one query, by document id. */
export async function documentFileLinksFor(trx: PracticeTransaction, documentIds: string[]): Promise<Map<string, { id: string; name: string; contentType: string; byteSize: number }[]>> {
  const byDocument = new Map<string, { id: string; name: string; contentType: string; byteSize: number }[]>();
  if (!documentIds.length) return byDocument;
  const rows = await trx.selectFrom("document_files").select(["id", "document_id", "name", "content_type", "byte_size"]).where("document_id", "in", documentIds).where("withdrawn_at", "is", null).orderBy("position").orderBy("name").execute();
  for (const r of rows) byDocument.set(r.document_id, [...(byDocument.get(r.document_id) ?? []), { id: r.id, name: r.name, contentType: r.content_type, byteSize: Number(r.byte_size) }]);
  return byDocument;
}

/** Opens the document's current file `fileId` (a withdrawn one, or another document's, opens nothing). */
export async function openDocumentFile(context: PorticoLoadContext, trx: PracticeTransaction, practiceId: string, documentId: string, fileId: string): Promise<AttachmentDownload | undefined> {
  const row = await trx.selectFrom("document_files").select(["name", "file_id", "content_type"]).where("id", "=", fileId).where("document_id", "=", documentId).where("withdrawn_at", "is", null).executeTakeFirst();
  if (!row?.file_id) return undefined;
  const file = await context.files.openFile(trx, { id: practiceId }, row.file_id);
  if (!file) return undefined;
  return { name: row.name, contentType: row.content_type, byteSize: file.byteSize, read: () => file.read() };
}

/**
 * The answer's headers: always a download (never rendered in the portal's origin), the name as RFC 5987/6266
 * `filename*` (percent-encoded UTF-8, so no quote, semicolon or line break in a name can end the header early) with
 * an ASCII fallback, never cached. (X-Content-Type-Options: nosniff is on every answer already: helmet, app.server.ts.)
 */
export function attachmentHeaders(file: Pick<AttachmentDownload, "name" | "contentType" | "byteSize">): Record<string, string> {
  const ascii = file.name.replace(/[^\x20-\x7e]|["\\%;]/g, "_");
  const encoded = encodeURIComponent(file.name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return {
    "Content-Type": file.contentType,
    "Content-Length": String(file.byteSize),
    "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`,
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
  };
}
