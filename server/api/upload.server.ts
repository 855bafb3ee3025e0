import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ApiProblem } from "./problem.server";

/**
 * Raw file bodies for the API (a document's PDF or image): streamed to a spool file, never held whole in memory,
 * before any transaction is opened, so a slow sender holds no database connection. The spool is encrypted with a
 * key that exists only in this process's memory (AES-256-CTR, one random key per upload): a clinical PDF never lies
 * on disk in the clear, and a crash leaves only unreadable bytes, swept when
 * the API next starts (sweepSpool). What the checks need is kept on the way: the first and last bytes, the length and the SHA-256.
 */
export type Spooled = {
  byteSize: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** The first HEAD_BYTES (type detection). */
  head: Buffer;
  /** The last TAIL_BYTES (a PDF ends with %%EOF). */
  tail: Buffer;
  /** The bytes again, decrypted as they are read; as many times as needed. */
  open(): Readable;
  discard(): Promise<void>;
  /** The spool directory, for a transformed copy. */
  dir: string;
};

export const HEAD_BYTES = 4100;
export const TAIL_BYTES = 1024;

class TooLarge extends Error {}

/** Writes `source` to a new encrypted spool file in `dir`; at most `maxBytes` (else a 413 problem). */
export async function spool(source: Readable, dir: string, maxBytes: number): Promise<Spooled> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${randomUUID()}.part`);
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const hash = createHash("sha256");
  let byteSize = 0;
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      byteSize += chunk.length;
      if (byteSize > maxBytes) return done(new TooLarge());
      hash.update(chunk);
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      tail = Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
      done(null, chunk);
    },
  });
  const discard = () => fs.rm(file, { force: true });
  try {
    await pipeline(source, measure, createCipheriv("aes-256-ctr", key, iv), createWriteStream(file, { flags: "wx", mode: 0o600 }));
  } catch (error) {
    await discard();
    if (error instanceof TooLarge) throw new ApiProblem(413, "payload_too_large", `The file is larger than ${maxBytes} bytes.`, undefined, { Connection: "close" });
    throw new ApiProblem(400, "bad_request", "The body could not be read to its end.");
  }
  return {
    byteSize,
    sha256: hash.digest("hex"),
    head,
    tail,
    open: () => createReadStream(file).pipe(createDecipheriv("aes-256-ctr", key, iv)),
    discard,
    dir,
  };
}

/** The body as a raw upload: the declared type must be one of `types`; a declared length past the limit is refused unread. */
export async function receiveUpload(req: Readable & { headers: Record<string, string | string[] | undefined> }, options: { types: readonly string[]; maxBytes: number; dir: string }): Promise<Spooled & { declaredType: string }> {
  const declaredType = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (!options.types.includes(declaredType)) throw new ApiProblem(415, "unsupported_media_type", `Send the file's bytes as the body, with Content-Type ${options.types.join(", ")}.`);
  if (Number(req.headers["content-length"] ?? 0) > options.maxBytes) throw new ApiProblem(413, "payload_too_large", `The file is larger than ${options.maxBytes} bytes.`, undefined, { Connection: "close" });
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) throw new ApiProblem(400, "bad_request", "Send the file's bytes as the body.", [{ path: ["body"], message: "is missing" }]);
  const spooled = await spool(req, options.dir, options.maxBytes);
  return { ...spooled, declaredType };
}

/** Spool files a crash left behind (unreadable without their key, which died with the process); an hour old is surely not in use. */
export async function sweepSpool(dir: string, now: Date): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith(".part"))) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat && now.getTime() - stat.mtimeMs > 3_600_000) await fs.rm(file, { force: true });
  }
}
