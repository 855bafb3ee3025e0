import { createHash } from "node:crypto";
import { type Readable, Transform, type TransformCallback } from "node:stream";

/**
 * Where file bytes live: outside the database, behind the smallest interface both drivers can keep. The store knows
 * nothing of practices, encryption or metadata; it holds opaque bytes under keys. Postgres holds what a file is and
 * whose it is (`files`, under row-level security), and `practice-files.server.ts` is the only caller.
 * docs/decisions/014-file-store.md.
 */
export type FileStore = {
  readonly kind: "local" | "s3";
  /** Streams `body` to `key`, replacing nothing half-written: readers see the whole object or none. */
  put(key: string, body: Readable): Promise<StoredObject>;
  /** The object's bytes as a stream; rejects with a `StoredFileMissingError` when nothing is stored under `key`. */
  get(key: string): Promise<Readable>;
  /** Removes the object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
};

/** What was written: the stored bytes' length and SHA-256 (hex). */
export type StoredObject = { size: number; sha256: string };

export class StoredFileMissingError extends Error {
  override readonly name = "StoredFileMissingError";
}

/** By name, not `instanceof`: the server and the Remix build each load their own copy of this module. */
export function isStoredFileMissing(error: unknown): error is StoredFileMissingError {
  return error instanceof Error && error.name === "StoredFileMissingError";
}

export class InvalidFileKeyError extends Error {
  override readonly name = "InvalidFileKeyError";
}

// Segments of lower-case letters, digits, '.', '_' and '-', each starting with a letter or digit: no '.' or '..'
// segment, no leading '/', no backslash, nothing a file system or an S3 console reads specially.
const KEY = /^[a-z0-9][a-z0-9._-]{0,127}(\/[a-z0-9][a-z0-9._-]{0,127}){0,7}$/;

/** Keys are chosen by the code (`<practice id>/<file id>`), never by a user; anything else is a bug, refused loudly. */
export function assertFileKey(key: string): void {
  if (!KEY.test(key)) throw new InvalidFileKeyError(`not a valid file key: ${JSON.stringify(key.slice(0, 80))}`);
}

/** Passes bytes through unchanged, counting and hashing them on the way. */
export class Measure extends Transform {
  readonly #hash = createHash("sha256");
  /** Not `size`: lib-storage would read that as the body's length before a byte has passed. */
  byteCount = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.byteCount += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return this.#hash.digest("hex");
  }
}
