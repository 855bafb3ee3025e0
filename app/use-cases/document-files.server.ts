import type { Readable } from "node:stream";
import { z } from "zod";
import type { DocumentFileType } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import type { PracticeFiles } from "../../server/files/practice-files.server";
import { recordAudit } from "../../server/audit.server";
import type { RecordActor } from "./record-fields";

/**
 * A document's attached files (PDF, JPEG, PNG), by the name the practice system gave each: attached, replaced and
 * withdrawn here, in the caller's transaction. The bytes live in the file store (docs/decisions/014-file-store.md);
 * `document_files` says which file is the document's current one by that name. docs/decisions/020-document-files.md.
 */

/** What the client's computer saves it as: no path, no control characters, not hidden, with its type's extension. */
export const documentFileNameSchema = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[^\p{Cc}\p{Cf}/\\:*?"<>|]+$/u, "must not contain control characters or any of / \\ : * ? \" < > |")
  .refine((name) => !name.startsWith(".") && name.trim() === name, "must not start with a dot or start or end with a space")
  .refine((name) => /\.(pdf|jpe?g|png)$/i.test(name), "must end in .pdf, .jpg, .jpeg or .png")
  .meta({ description: "The file's name as the client will save it; it must end in its type's extension. Unique per document.", example: "blood-panel.pdf" });

export type DocumentFileRow = {
  id: string;
  file_id: string | null;
  name: string;
  position: number;
  content_type: DocumentFileType;
  byte_size: string;
  sha256: Buffer;
  received_sha256: Buffer;
  created_at: Date;
  withdrawn_at: Date | null;
};

const COLUMNS = ["id", "file_id", "name", "position", "content_type", "byte_size", "sha256", "received_sha256", "created_at", "withdrawn_at"] as const;

/** The document's current files, in the order they were first attached. */
export async function listDocumentFiles(trx: PracticeTransaction, documentId: string): Promise<DocumentFileRow[]> {
  return trx.selectFrom("document_files").select(COLUMNS).where("document_id", "=", documentId).where("withdrawn_at", "is", null).orderBy("position").orderBy("name").execute();
}

export type NewDocumentFile = {
  type: DocumentFileType;
  /** Hex SHA-256 of the bytes as sent: the same again is no change. */
  receivedSha256: string;
  /** The bytes to store (an image already re-encoded); read only when something changes. */
  open(): Readable;
};

export type AttachResult = { outcome: "created" | "replaced" | "unchanged"; row: DocumentFileRow; afterCommit?: () => Promise<void> };

function audit(trx: PracticeTransaction, o: { practiceId: string; actor: RecordActor; now: Date; documentId: string; action: string; details: Record<string, unknown> }) {
  return recordAudit(trx, o.practiceId, { actorType: o.actor.actorType, actorId: o.actor.actorId, action: o.action, subjectType: "document", subjectId: o.documentId, ip: o.actor.ip, userAgent: o.actor.userAgent, details: { ...o.actor.details, ...o.details }, at: o.now });
}

/**
 * Attaches `file` to the document under `name`. The same bytes again change nothing; other bytes replace the
 * current file (its row is kept, withdrawn, and its bytes are deleted once the transaction has committed, through
 * `afterCommit`). The document's row is locked first, so two uploads to one document take turns.
 */
export async function attachDocumentFile(
  trx: PracticeTransaction,
  options: { practiceId: string; files: PracticeFiles; documentId: string; name: string; file: NewDocumentFile; actor: RecordActor; now: Date },
): Promise<AttachResult> {
  const { practiceId, documentId, name, file, actor, now } = options;
  await trx.selectFrom("documents").select("id").where("id", "=", documentId).forUpdate().executeTakeFirstOrThrow();
  const current = await trx.selectFrom("document_files").select(COLUMNS).where("document_id", "=", documentId).where("name", "=", name).where("withdrawn_at", "is", null).executeTakeFirst();
  if (current && current.received_sha256.toString("hex") === file.receivedSha256 && current.content_type === file.type) return { outcome: "unchanged", row: current };

  const stored = await options.files.storeFile(trx, { id: practiceId }, file.open(), { purpose: "document_file", contentType: file.type, createdBy: { type: actor.actorType === "staff" ? "staff" : "system", id: actor.actorType === "staff" ? actor.actorId : null } });
  let afterCommit: (() => Promise<void>) | undefined;
  let position: number;
  if (current) {
    await trx.updateTable("document_files").set({ withdrawn_at: now, file_id: null }).where("id", "=", current.id).execute();
    afterCommit = await options.files.removeFile(trx, { id: practiceId }, current.file_id!);
    position = current.position;
  } else {
    const last = await trx.selectFrom("document_files").select((eb) => eb.fn.max("position").as("max")).where("document_id", "=", documentId).executeTakeFirst();
    position = last?.max === null || last?.max === undefined ? 0 : Number(last.max) + 1;
  }
  const row = await trx
    .insertInto("document_files")
    .values({
      practice_id: practiceId,
      document_id: documentId,
      file_id: stored.id,
      name,
      position,
      content_type: file.type,
      byte_size: stored.byteSize,
      sha256: Buffer.from(stored.sha256, "hex"),
      received_sha256: Buffer.from(file.receivedSha256, "hex"),
      created_at: now,
      created_by_type: actor.actorType === "api_key" || actor.actorType === "staff" ? actor.actorType : "system",
      created_by_id: actor.actorId,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  await audit(trx, { practiceId, actor, now, documentId, action: current ? "document.file_replaced" : "document.file_attached", details: { name, contentType: file.type, byteSize: stored.byteSize, sha256: stored.sha256 } });
  return { outcome: current ? "replaced" : "created", row, afterCommit };
}

export type WithdrawResult = { outcome: "withdrawn" | "already_withdrawn" | "missing"; afterCommit?: () => Promise<void> };

/**
 * Withdraws the document's current file of that name: the row stays (withdrawn_at: what the client could see, and
 * until when), the bytes are deleted once the transaction has committed. Withdrawing it again is no change.
 */
export async function withdrawDocumentFile(
  trx: PracticeTransaction,
  options: { practiceId: string; files: PracticeFiles; documentId: string; name: string; actor: RecordActor; now: Date },
): Promise<WithdrawResult> {
  const { practiceId, documentId, name, actor, now } = options;
  await trx.selectFrom("documents").select("id").where("id", "=", documentId).forUpdate().executeTakeFirstOrThrow();
  const current = await trx.selectFrom("document_files").select(["id", "file_id"]).where("document_id", "=", documentId).where("name", "=", name).where("withdrawn_at", "is", null).executeTakeFirst();
  if (!current) {
    const earlier = await trx.selectFrom("document_files").select("id").where("document_id", "=", documentId).where("name", "=", name).limit(1).executeTakeFirst();
    return { outcome: earlier ? "already_withdrawn" : "missing" };
  }
  await trx.updateTable("document_files").set({ withdrawn_at: now, file_id: null }).where("id", "=", current.id).execute();
  const afterCommit = await options.files.removeFile(trx, { id: practiceId }, current.file_id!);
  await audit(trx, { practiceId, actor, now, documentId, action: "document.file_withdrawn", details: { name } });
  return { outcome: "withdrawn", afterCommit };
}
