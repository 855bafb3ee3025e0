import { randomBytes, randomUUID } from "node:crypto";
import { pipeline, type Readable } from "node:stream";
import type { FilePurpose } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { open, type PlatformKeys, seal } from "../../tenants/sealed-secrets.server";
import { decryptStream, encryptedSize, encryptStream } from "./file-encryption.server";
import { type FileStore, Measure } from "./file-store.server";

/**
 * A practice's files: metadata in the practice's database (`files`, under row-level security), bytes in the file
 * store, encrypted with the practice's own data key. Every way to a file's bytes starts from its row, read in the
 * practice's transaction: a file id that transaction cannot see opens nothing. docs/decisions/014-file-store.md.
 */
export type PracticeFiles = {
  /**
   * Encrypts `body` as it streams into the store, then records the row in `trx`. The bytes are written first, under
   * a fresh random key: if the transaction then fails, they stay behind unreferenced (an orphan), never the reverse.
   */
  storeFile(trx: PracticeTransaction, practice: { id: string }, body: Readable, meta: NewFile): Promise<StoredFile>;
  /** The file's row as `trx` sees it, and a way to its decrypted bytes; undefined when the row is not visible. */
  openFile(trx: PracticeTransaction, practice: { id: string }, fileId: string): Promise<OpenedFile | undefined>;
  /** Deletes the row; the bytes go once the transaction has committed, through the returned function. */
  removeFile(trx: PracticeTransaction, practice: { id: string }, fileId: string): Promise<() => Promise<void>>;
};

export type NewFile = { purpose: FilePurpose; contentType: string; createdBy: { type: "client" | "staff" | "system"; id: string | null } };
export type StoredFile = { id: string; byteSize: number; sha256: string };
export type OpenedFile = StoredFile & {
  contentType: string;
  createdAt: Date;
  /**
   * The plaintext as a stream, each 64 KiB record verified before it is passed on. Call it after the transaction
   * (the row was read; nothing needs the connection while a client downloads). Rejects with a
   * `StoredFileMissingError` when the bytes are gone; the stream errors if they were altered.
   */
  read(): Promise<Readable>;
};

export class FilesUnavailableError extends Error {
  override readonly name = "FilesUnavailableError";
}

/** By name, not `instanceof`: the server and the Remix build each load their own copy of this module. */
export function isFilesUnavailable(error: unknown): error is FilesUnavailableError {
  return error instanceof Error && error.name === "FilesUnavailableError";
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const fileBinding = (practiceId: string, fileId: string) => `file:${practiceId}:${fileId}`;
const keyBinding = (practiceId: string, keyId: string) => `file-key:${practiceId}:${keyId}`;

/** The platform keys seal each practice's data key; without them (production without PLATFORM_ENCRYPTION_KEY) no file opens. */
export function practiceFiles(store: FileStore, keys: PlatformKeys | undefined): PracticeFiles {
  function requireKeys(): PlatformKeys {
    if (!keys) throw new FilesUnavailableError("files need PLATFORM_ENCRYPTION_KEY: it seals each practice's file key");
    return keys;
  }

  function openDataKey(practiceId: string, keyId: string, sealed: string): Buffer {
    return Buffer.from(open(requireKeys(), sealed, keyBinding(practiceId, keyId)), "base64");
  }

  /** The practice's data key, created on its first file. Concurrent first files agree on one key (unique index). */
  async function dataKey(trx: PracticeTransaction, practiceId: string): Promise<{ id: string; key: Buffer }> {
    const existing = await trx.selectFrom("file_keys").select(["id", "sealed_key"]).executeTakeFirst();
    if (existing) return { id: existing.id, key: openDataKey(practiceId, existing.id, existing.sealed_key) };
    const id = randomUUID();
    const sealed = seal(requireKeys(), randomBytes(32).toString("base64"), keyBinding(practiceId, id));
    await trx
      .insertInto("file_keys")
      .values({ practice_id: practiceId, id, sealed_key: sealed })
      .onConflict((oc) => oc.column("practice_id").doNothing())
      .execute();
    // Either ours, or the one a concurrent transaction committed first (a new statement sees it).
    const row = await trx.selectFrom("file_keys").select(["id", "sealed_key"]).executeTakeFirstOrThrow();
    return { id: row.id, key: openDataKey(practiceId, row.id, row.sealed_key) };
  }

  return {
    async storeFile(trx, practice, body, meta) {
      const { id: keyId, key } = await dataKey(trx, practice.id);
      const id = randomUUID();
      const storageKey = `${practice.id}/${id}`;
      const plaintext = new Measure();
      // An error anywhere (the source, a cipher) destroys the whole chain, and so fails the store's write.
      const encrypted = pipeline(body, plaintext, encryptStream(key, fileBinding(practice.id, id)), () => undefined);
      const stored = await store.put(storageKey, encrypted);
      if (stored.size !== encryptedSize(plaintext.byteCount)) throw new Error(`the file store kept ${stored.size} bytes of ${encryptedSize(plaintext.byteCount)}`);
      const sha256 = plaintext.digest();
      await trx
        .insertInto("files")
        .values({
          practice_id: practice.id,
          id,
          purpose: meta.purpose,
          content_type: meta.contentType,
          byte_size: plaintext.byteCount,
          sha256: Buffer.from(sha256, "hex"),
          storage_key: storageKey,
          key_id: keyId,
          created_by_type: meta.createdBy.type,
          created_by_id: meta.createdBy.id,
        })
        .execute();
      return { id, byteSize: plaintext.byteCount, sha256 };
    },

    async openFile(trx, practice, fileId) {
      // An id that is not a uuid names no file (and must not reach Postgres as one: that would be an error, not a 404).
      if (!UUID.test(fileId)) return undefined;
      const row = await trx
        .selectFrom("files as f")
        .innerJoin("file_keys as k", (join) => join.onRef("k.practice_id", "=", "f.practice_id").onRef("k.id", "=", "f.key_id"))
        .select(["f.id", "f.content_type", "f.byte_size", "f.sha256", "f.storage_key", "f.created_at", "k.id as key_id", "k.sealed_key"])
        .where("f.id", "=", fileId)
        .executeTakeFirst();
      if (!row) return undefined;
      const key = openDataKey(practice.id, row.key_id, row.sealed_key);
      return {
        id: row.id,
        contentType: row.content_type,
        byteSize: Number(row.byte_size),
        sha256: row.sha256.toString("hex"),
        createdAt: row.created_at,
        read: async () => pipeline(await store.get(row.storage_key), decryptStream(key, fileBinding(practice.id, row.id)), () => undefined),
      };
    },

    async removeFile(trx, _practice, fileId) {
      if (!UUID.test(fileId)) return async () => undefined;
      const removed = await trx.deleteFrom("files").where("id", "=", fileId).returning("storage_key").executeTakeFirst();
      return async () => {
        if (removed) await store.delete(removed.storage_key);
      };
    },
  };
}
