import type { Readable } from "node:stream";
import { fileTypeFromBuffer } from "file-type";
import type { DocumentFileType } from "../../db/schema";
import { type DocumentImageFormat, reencodeDocumentImage } from "../images/document-image.server";

export const DOCUMENT_FILE_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const satisfies readonly DocumentFileType[];
/** A scanned report or a radiograph is a few MB; 25 MB leaves room without letting one upload fill a disk. */
export const DOCUMENT_FILE_MAX_BYTES = 25 * 1024 * 1024;

const LABELS: Record<DocumentFileType, string> = { "application/pdf": "a PDF", "image/jpeg": "a JPEG image", "image/png": "a PNG image" };
const EXTENSIONS: Record<DocumentFileType, readonly string[]> = { "application/pdf": [".pdf"], "image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"] };

/** The extensions a name of this type may end with: the name is what the client's computer saves it as. */
export function extensionsOf(type: DocumentFileType): readonly string[] {
  return EXTENSIONS[type];
}

export type ReceivedFile = { declaredType: string; byteSize: number; head: Buffer; tail: Buffer; open(): Readable };
export type FileCheck = { ok: true; type: DocumentFileType } | { ok: false; problem: string };

/**
 * What the bytes are, from the bytes (never the declared type or the name): the declared type must agree, and a
 * PDF must at least look whole (a `%PDF-` header, a `startxref` and `%%EOF` at its end), so that a truncated
 * upload or a text file is refused here rather than shown to a client as a broken download.
 */
export async function checkDocumentFile(file: ReceivedFile, name: string): Promise<FileCheck> {
  if (file.byteSize === 0) return { ok: false, problem: "The file is empty." };
  const detected = await fileTypeFromBuffer(file.head);
  const type = DOCUMENT_FILE_TYPES.find((t) => t === detected?.mime);
  if (!type) return { ok: false, problem: `The bytes are not a PDF, JPEG or PNG${detected ? ` (they look like ${detected.mime})` : ""}.` };
  if (type !== file.declaredType) return { ok: false, problem: `The bytes are ${LABELS[type]}, but were sent as ${file.declaredType}.` };
  if (!EXTENSIONS[type].some((ext) => name.toLowerCase().endsWith(ext))) return { ok: false, problem: `The file is ${LABELS[type]}: its name must end in ${EXTENSIONS[type].join(" or ")}.` };
  if (type === "application/pdf") {
    if (!file.head.subarray(0, 8).toString("latin1").match(/^%PDF-\d\.\d/)) return { ok: false, problem: "The PDF has no %PDF- header." };
    const end = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(file.tail.toString("latin1"));
    if (!end || Number(end[1]) >= file.byteSize) return { ok: false, problem: "The PDF is incomplete or damaged: it does not end with startxref and %%EOF." };
  }
  return { ok: true, type };
}

/**
 * The bytes to store: a PDF as sent, an image re-encoded without its metadata (document-image.server.ts). `consume`
 * reads them (into a spool) while the image slot is held.
 */
export async function documentFileBytes<T>(file: ReceivedFile, type: DocumentFileType, consume: (bytes: Readable) => Promise<T>): Promise<T | { problem: string }> {
  if (type === "application/pdf") return consume(file.open());
  const format: DocumentImageFormat = type === "image/jpeg" ? "jpeg" : "png";
  return reencodeDocumentImage(file.open(), format, consume);
}
