import { Readable } from "node:stream";
import type { PracticeTransaction } from "../../db/with-practice.server";
import type { PorticoLoadContext } from "../load-context";

/** A photo ready to send: its headers now, its bytes streamed once the transaction that found it has ended. */
export type PhotoDownload = { contentType: string; etag: string; read(): Promise<Readable> };

/** The columns of a `patient_photos` row a download needs. */
export type PhotoRow = { content: Buffer | null; file_id: string | null; content_type: string; uploaded_at: Date | string };

/**
 * Opens a photo whose row the caller has just read in `trx` (that read is the access check). Bytes still in the row
 * (written before the file store, or by an instance of the previous version during a deploy) are newer than any
 * file the row names; otherwise the file is opened from its own row, in the same transaction. Undefined when
 * neither is there.
 */
export async function openPhoto(context: PorticoLoadContext, trx: PracticeTransaction, practiceId: string, row: PhotoRow): Promise<PhotoDownload | undefined> {
  const etag = `"${new Date(row.uploaded_at).getTime()}"`;
  const content = row.content;
  if (content) return { contentType: row.content_type, etag, read: async () => Readable.from([content]) };
  if (!row.file_id) return undefined;
  const file = await context.files.openFile(trx, { id: practiceId }, row.file_id);
  if (!file) return undefined;
  return { contentType: file.contentType, etag, read: () => file.read() };
}
