import { WorkQueue } from "../work-queue.server";

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Larger inputs are refused before decoding: a small file can claim enormous dimensions (a decompression bomb). */
export const MAX_INPUT_PIXELS = 50_000_000;
const MAX_EDGE = 1600;
const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp"]);

/**
 * Decoding a 50-megapixel photo takes a core for most of a second and a few hundred MB: one at a time per instance,
 * and only a short line (each waiter holds its upload in memory).
 */
export const imageWork = new WorkQueue("image", { concurrency: 1, maxWaiting: 4 });

export type ProcessedPhoto = { content: Buffer; contentType: "image/jpeg"; width: number; height: number };
export type PhotoProblem = { problem: string };

/**
 * Accepts JPEG, PNG or WebP by their content (never by file name or declared type), then decodes and re-encodes
 * the pixels as a JPEG of sane size. Re-encoding drops EXIF (location, device) and anything smuggled around the
 * pixels; the orientation EXIF asked for is applied first.
 */
export async function processPhoto(input: Buffer): Promise<ProcessedPhoto | PhotoProblem> {
  if (input.length === 0) return { problem: "Choose a photo to upload." };
  if (input.length > MAX_PHOTO_BYTES) return { problem: "That photo is larger than 10 MB. Please choose a smaller one." };
  return imageWork.run(() => decodeAndReencode(input));
}

async function decodeAndReencode(input: Buffer): Promise<ProcessedPhoto | PhotoProblem> {
  // Loaded on first use: libvips adds about 27 MB to a process, which a server that never receives a photo need not carry.
  const { default: sharp } = await import("sharp");
  let format: string | undefined;
  let width = 0;
  let height = 0;
  try {
    // Reading the header decodes no pixels, so the dimension check below can explain a refusal precisely.
    const metadata = await sharp(input, { limitInputPixels: false }).metadata();
    format = metadata.format;
    width = metadata.width ?? 0;
    height = metadata.height ?? 0;
  } catch {
    return { problem: "That file is not a photo we can read. Please upload a JPEG, PNG or WebP image." };
  }
  if (!format || !ACCEPTED_FORMATS.has(format)) return { problem: "Please upload a JPEG, PNG or WebP image." };
  if (width * height > MAX_INPUT_PIXELS) return { problem: "That image is too large in size. Please upload a photo of at most 50 megapixels." };
  try {
    const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" })
      .rotate()
      .resize({ width: MAX_EDGE, height: MAX_EDGE, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 85, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { content: data, contentType: "image/jpeg", width: info.width, height: info.height };
  } catch {
    return { problem: "That file is damaged or not a photo we can read. Please try another image." };
  }
}
