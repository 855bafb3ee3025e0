import type { Readable } from "node:stream";
import { imageWork, MAX_INPUT_PIXELS } from "./process-photo.server";

export type DocumentImageFormat = "jpeg" | "png";
export type ImageProblem = { problem: string };

/**
 * A document's image (a radiograph, a scanned letter) re-encoded in its own format at full size: EXIF, XMP, ICC
 * comments and anything smuggled around the pixels are dropped (sharp keeps no metadata unless asked), the
 * orientation EXIF asked for is applied first. Unlike a pet photo it is neither shrunk nor turned into a JPEG: the
 * practice sent it at the detail it wants the client to have. Runs in the photos' queue (one decode at a time per
 * instance); `consume` reads the output while the slot is held.
 */
export async function reencodeDocumentImage<T>(input: Readable, format: DocumentImageFormat, consume: (output: Readable) => Promise<T>): Promise<T | ImageProblem> {
  return imageWork.run(async () => {
    // Loaded on first use, as for photos: libvips costs memory a server without images need not carry.
    const { default: sharp } = await import("sharp");
    const transformer = sharp({ limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" }).rotate();
    const output = format === "jpeg" ? transformer.jpeg({ quality: 92, chromaSubsampling: "4:4:4" }) : transformer.png({ compressionLevel: 6 });
    input.on("error", (error) => output.destroy(error));
    input.pipe(output);
    try {
      return await consume(output);
    } catch {
      input.destroy();
      return { problem: `The image could not be read as a ${format === "jpeg" ? "JPEG" : "PNG"} of at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels: it is damaged, or too large.` };
    }
  });
}
