import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertFileKey, type FileStore, Measure, type StoredObject, StoredFileMissingError } from "./file-store.server";

/**
 * Files on this machine's disk, under `<DATA_DIR>/files`: the embedded default. A write goes to a temporary file in
 * the same file system, flushed to disk, then renamed into place, so a reader never sees half an object and a crash
 * leaves at most a stray temporary file. Keys are checked twice: by their shape, and by where they resolve.
 */
export function localFileStore(root: string): FileStore {
  const base = path.resolve(root);
  const temporary = path.join(base, ".tmp");

  function pathOf(key: string): string {
    assertFileKey(key);
    const resolved = path.resolve(base, key);
    if (!resolved.startsWith(base + path.sep)) throw new StoredFileMissingError("the key leaves the store");
    return resolved;
  }

  return {
    kind: "local",
    async put(key: string, body: Readable): Promise<StoredObject> {
      const target = pathOf(key);
      await fs.mkdir(temporary, { recursive: true });
      const partial = path.join(temporary, randomUUID());
      const measure = new Measure();
      try {
        await pipeline(body, measure, createWriteStream(partial, { flags: "wx", mode: 0o600, flush: true }));
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.rename(partial, target);
      } catch (error) {
        await fs.rm(partial, { force: true });
        throw error;
      }
      return { size: measure.byteCount, sha256: measure.digest() };
    },
    async get(key: string): Promise<Readable> {
      const file = pathOf(key);
      // Opened here, so a missing file rejects now rather than erroring the stream later.
      const handle = await fs.open(file, "r").catch((error: NodeJS.ErrnoException) => {
        throw error.code === "ENOENT" ? new StoredFileMissingError(`no file stored under ${key}`) : error;
      });
      return handle.createReadStream();
    },
    async delete(key: string): Promise<void> {
      await fs.rm(pathOf(key), { force: true });
    },
    async exists(key: string): Promise<boolean> {
      return fs.stat(pathOf(key)).then(
        (stat) => stat.isFile(),
        () => false,
      );
    },
  };
}
