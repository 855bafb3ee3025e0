import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import type { FileStore } from "../../server/files/file-store.server";
import { localFileStore } from "../../server/files/local-file-store.server";
import { isFilesUnavailable, type PracticeFiles, practiceFiles } from "../../server/files/practice-files.server";
import { s3FileStore } from "../../server/files/s3-file-store.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { testKeys } from "../support/http";
import { createPracticeFixture, type PracticeFixture } from "../support/practices";
import { type LocalS3, startLocalS3 } from "../support/s3-server";

let db: TestDatabase;
let a: PracticeFixture;
let b: PracticeFixture;
let root: string;
let store: FileStore;
let files: PracticeFiles;
let s3: LocalS3;

const meta = { purpose: "patient_photo" as const, contentType: "image/jpeg", createdBy: { type: "system" as const, id: null } };
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const inA = <T>(work: Parameters<typeof withPractice<T>>[2]) => withPractice(db.app.db, a.practice, work);
const inB = <T>(work: Parameters<typeof withPractice<T>>[2]) => withPractice(db.app.db, b.practice, work);

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createPracticeFixture(db.owner.db, "files-a");
  b = await createPracticeFixture(db.owner.db, "files-b");
  root = await fs.mkdtemp(path.join(os.tmpdir(), "portico-practice-files-"));
  store = localFileStore(root);
  files = practiceFiles(store, testKeys());
  s3 = await startLocalS3();
});

afterAll(async () => {
  await s3.close();
  await fs.rm(root, { recursive: true, force: true });
});

/** 10 MB made as it is read, in 64 KiB chunks, pausing at `pause.at` bytes until `pause.until` resolves. */
function tenMegabytes(pause?: { at: number; until: Promise<void> }): { stream: Readable; produced: () => number } {
  let produced = 0;
  const size = 10 * 1024 * 1024;
  return {
    produced: () => produced,
    stream: new Readable({
      async read() {
        if (pause && produced >= pause.at) await pause.until;
        if (produced >= size) return void this.push(null);
        produced += 65_536;
        this.push(Buffer.alloc(65_536, produced % 251));
      },
    }),
  };
}

describe("storing and opening a practice's files (as the runtime role)", () => {
  it("stores encrypted bytes and a row under the practice, and opens them from the row", async () => {
    const bytes = randomBytes(200_000);
    const stored = await inA((trx) => files.storeFile(trx, a.practice, Readable.from([bytes]), meta));
    expect(stored).toEqual({ id: expect.any(String), byteSize: bytes.length, sha256: sha256(bytes) });

    const row = await withPractice(db.owner.db, a.practice, (trx) => trx.selectFrom("files").selectAll().where("id", "=", stored.id).executeTakeFirstOrThrow());
    expect(row).toMatchObject({ practice_id: a.practice.id, storage_key: `${a.practice.id}/${stored.id}`, byte_size: String(bytes.length), content_type: "image/jpeg", created_by_type: "system" });
    expect(row.sha256.toString("hex")).toBe(sha256(bytes));
    // At rest: neither the stored object nor the key row holds anything in the clear.
    const atRest = await fs.readFile(path.join(root, row.storage_key));
    expect(atRest.includes(bytes.subarray(0, 32))).toBe(false);
    const key = await withPractice(db.owner.db, a.practice, (trx) => trx.selectFrom("file_keys").selectAll().executeTakeFirstOrThrow());
    expect(key.sealed_key).toMatch(/^v1\./);

    const opened = (await inA((trx) => files.openFile(trx, a.practice, stored.id)))!;
    expect(opened).toMatchObject({ id: stored.id, contentType: "image/jpeg", byteSize: bytes.length, sha256: sha256(bytes) });
    expect((await buffer(await opened.read())).equals(bytes)).toBe(true);
  });

  it("opens nothing of another practice's: B's transaction does not see A's file, by id or at all", async () => {
    const stored = await inA((trx) => files.storeFile(trx, a.practice, Readable.from([Buffer.from("A's photo")]), meta));
    expect(await inB((trx) => files.openFile(trx, b.practice, stored.id))).toBeUndefined();
    // Even naming A as the practice, B's transaction cannot see A's row: the row, not the argument, is the check.
    expect(await inB((trx) => files.openFile(trx, a.practice, stored.id))).toBeUndefined();
    expect(await inB((trx) => trx.selectFrom("files").select("id").execute())).toEqual([]);
    expect(await inB((trx) => trx.selectFrom("file_keys").select("id").execute())).toEqual([]);
    expect(await inA((trx) => files.openFile(trx, a.practice, "not-a-uuid"))).toBeUndefined();
  });

  it("gives each practice its own key: A's bytes under a row of B's do not decrypt", async () => {
    const secret = Buffer.from("A's photo, which B must never read");
    const stored = await inA((trx) => files.storeFile(trx, a.practice, Readable.from([secret]), meta));
    const aKey = await inA((trx) => trx.selectFrom("file_keys").select("id").executeTakeFirstOrThrow());
    const own = await inB((trx) => files.storeFile(trx, b.practice, Readable.from([Buffer.from("B's own")]), meta));
    const bKey = await inB((trx) => trx.selectFrom("file_keys").select("id").executeTakeFirstOrThrow());
    expect(bKey.id).not.toBe(aKey.id);
    // B's row pointing at A's bytes (as a bug or a tampered database might): the stream fails, nothing is revealed.
    const forged = await inB(async (trx) => {
      const row = await trx.selectFrom("files").selectAll().where("id", "=", own.id).executeTakeFirstOrThrow();
      await trx.deleteFrom("files").where("id", "=", own.id).execute();
      await trx.insertInto("files").values({ ...row, byte_size: Number(row.byte_size), storage_key: `${a.practice.id}/${stored.id}` }).execute();
      return files.openFile(trx, b.practice, own.id);
    });
    await expect(forged!.read().then(buffer)).rejects.toThrow(/does not decrypt/);
  });

  it("agrees on one key when a practice's first files are stored at the same time", async () => {
    const c = await createPracticeFixture(db.owner.db, "files-c");
    const inC = <T>(work: Parameters<typeof withPractice<T>>[2]) => withPractice(db.app.db, c.practice, work);
    const stored = await Promise.all([1, 2, 3].map((n) => inC((trx) => files.storeFile(trx, c.practice, Readable.from([Buffer.from(`file ${n}`)]), meta))));
    expect(await inC((trx) => trx.selectFrom("file_keys").select("id").execute())).toHaveLength(1);
    for (const [index, file] of stored.entries()) {
      const opened = (await inC((trx) => files.openFile(trx, c.practice, file.id)))!;
      expect((await buffer(await opened.read())).toString()).toBe(`file ${index + 1}`);
    }
  });

  it("leaves bytes without a row when the transaction fails after writing them (the orphan policy)", async () => {
    let storageKey = "";
    await expect(
      inA(async (trx) => {
        const stored = await files.storeFile(trx, a.practice, Readable.from([Buffer.from("never committed")]), meta);
        storageKey = `${a.practice.id}/${stored.id}`;
        throw new Error("the use case failed after storing");
      }),
    ).rejects.toThrow("the use case failed");
    expect(await store.exists(storageKey)).toBe(true);
    expect(await inA((trx) => trx.selectFrom("files").select("id").where("storage_key", "=", storageKey).execute())).toEqual([]);
  });

  it("removes the row, and the bytes once asked after the commit", async () => {
    const stored = await inA((trx) => files.storeFile(trx, a.practice, Readable.from([Buffer.from("to remove")]), meta));
    const discard = await inA((trx) => files.removeFile(trx, a.practice, stored.id));
    expect(await store.exists(`${a.practice.id}/${stored.id}`)).toBe(true);
    await discard();
    expect(await store.exists(`${a.practice.id}/${stored.id}`)).toBe(false);
    expect(await inA((trx) => files.openFile(trx, a.practice, stored.id))).toBeUndefined();
  });

  it("stores nothing without the platform keys, and says why", async () => {
    const keyless = practiceFiles(store, undefined);
    const attempt = await inA((trx) => keyless.storeFile(trx, a.practice, Readable.from([Buffer.from("x")]), meta)).catch((error: unknown) => error);
    expect(isFilesUnavailable(attempt)).toBe(true);
  });

  it("works the same over S3", async () => {
    const overS3 = practiceFiles(s3FileStore(s3.options), testKeys());
    const bytes = randomBytes(6 * 1024 * 1024);
    const stored = await inA((trx) => overS3.storeFile(trx, a.practice, Readable.from([bytes]), meta));
    const opened = (await inA((trx) => overS3.openFile(trx, a.practice, stored.id)))!;
    expect(sha256(await buffer(await opened.read()))).toBe(sha256(bytes));
    expect(await inB((trx) => overS3.openFile(trx, b.practice, stored.id))).toBeUndefined();
  });
});

describe("10 MB through the store path, streamed", () => {
  it("encrypts and writes as the source gives bytes, and decrypts at the reader's pace", async () => {
    const source = tenMegabytes();
    const stored = await inA((trx) => files.storeFile(trx, a.practice, source.stream, meta));
    expect(stored.byteSize).toBe(10 * 1024 * 1024);

    const opened = (await inA((trx) => files.openFile(trx, a.practice, stored.id)))!;
    const stream = await opened.read();
    const iterator = stream[Symbol.asyncIterator]();
    let received = ((await iterator.next()).value as Buffer).length;
    // The reader pauses: what waits in the decrypting stream stays a small fraction of the file.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stream.readableLength).toBeLessThan(1024 * 1024);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) received += (next.value as Buffer).length;
    expect(received).toBe(10 * 1024 * 1024);
  });

  it("writes the encrypted bytes as they come: 6 MB in, 5 MB or more already on disk", async () => {
    let open!: () => void;
    // The source stops after 6 MB until the test lets it go on: by then, most of it must be on disk, encrypted.
    const source = tenMegabytes({ at: 6 * 1024 * 1024, until: new Promise<void>((resolve) => (open = resolve)) });
    const storing = inA((trx) => files.storeFile(trx, a.practice, source.stream, meta));
    const temporary = path.join(root, ".tmp");
    const largestOnDisk = async () => Math.max(0, ...(await Promise.all((await fs.readdir(temporary).catch(() => [])).map(async (name) => (await fs.stat(path.join(temporary, name)).catch(() => ({ size: 0 }))).size))));
    const deadline = Date.now() + 5000;
    // Both take their time on a busy machine; neither can pass the gate, so waiting for both proves the streaming.
    while (((await largestOnDisk()) < 5 * 1024 * 1024 || source.produced() < 6 * 1024 * 1024) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await largestOnDisk()).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(source.produced()).toBe(6 * 1024 * 1024);
    open();
    expect((await storing).byteSize).toBe(10 * 1024 * 1024);
  });
});
