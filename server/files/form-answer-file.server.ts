import { fileTypeFromBuffer } from "file-type";
import type { fileAccepts } from "../../app/forms/definition";

/** A photo of a rash or a scanned referral letter; more is for the practice's own channels. */
export const FORM_FILE_MAX_BYTES = 10 * 1024 * 1024;
/** A signature drawn on a phone is a few tens of kilobytes as PNG. */
const SIGNATURE_MAX_BYTES = 512 * 1024;

const ACCEPTED: Record<(typeof fileAccepts)[number], readonly string[]> = {
  image: ["image/jpeg", "image/png"],
  document: ["application/pdf", "image/jpeg", "image/png"],
  any: ["application/pdf", "image/jpeg", "image/png"],
};
const WORDS: Record<(typeof fileAccepts)[number], string> = { image: "a JPEG or PNG photo", document: "a PDF, JPEG or PNG", any: "a PDF, JPEG or PNG" };

/** What the bytes are, from the bytes (never the name or the declared type), and whether the question takes it. */
export async function formFileType(bytes: Buffer, accept: (typeof fileAccepts)[number]): Promise<{ ok: true; contentType: string } | { ok: false; problem: string }> {
  if (!bytes.length) return { ok: false, problem: "The file is empty." };
  if (bytes.length > FORM_FILE_MAX_BYTES) return { ok: false, problem: "The file is larger than 10 MB." };
  const detected = await fileTypeFromBuffer(bytes);
  if (!detected || !ACCEPTED[accept].includes(detected.mime)) return { ok: false, problem: `Choose ${WORDS[accept]}.` };
  return { ok: true, contentType: detected.mime };
}

/** A drawn signature as the page posts it (a PNG data URL), or undefined when it is not one. */
export function signaturePng(dataUrl: string): Buffer | undefined {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  if (!match || match[1]!.length > (SIGNATURE_MAX_BYTES * 4) / 3 + 4) return undefined;
  const bytes = Buffer.from(match[1]!, "base64");
  return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ? bytes : undefined;
}
