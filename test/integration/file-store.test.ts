import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FileStore, isStoredFileMissing } from "../../server/files/file-store.server";
import { localFileStore } from "../../server/files/local-file-store.server";
import { openFileStore } from "../../server/files/open-file-store.server";
import { s3FileStore } from "../../server/files/s3-file-store.server";
import { startLocalS3 } from "../support/s3-server";

type Driver = { store: FileStore; close(): Promise<void>; root?: string };

const drivers: [string, () => Promise<Driver>][] = [
  [
    "file system",
    async () => {
      const root = await fs.mkdtemp(path.join(os.tmpdir(), "portico-store-"));
      return { store: localFileStore(path.join(root, "files")), root: path.join(root, "files"), close: () => fs.rm(root, { recursive: true, force: true }) };
    },
  ],
  [
    "S3 (s3rver)",
    async () => {
      const s3 = await startLocalS3();
      return { store: s3FileStore(s3.options), close: () => s3.close() };
    },
  ],
];

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** `size` bytes in 64 KiB chunks, made as they are read; `gate` pauses the source once `pauseAt` bytes are out. */
function generated(size: number, options: { pauseAt?: number; gate?: Promise<void> } = {}): { stream: Readable; produced: () => number } {
  let produced = 0;
  const stream = new Readable({
    async read() {
      if (options.gate && options.pauseAt !== undefined && produced >= options.pauseAt) await options.gate;
      if (produced >= size) return void this.push(null);
      const chunk = Buffer.alloc(Math.min(65_536, size - produced), produced % 251);
      produced += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, produced: () => produced };
}

describe.each(drivers)("the file store contract: %s", (_name, open) => {
  let driver: Driver;
  let store: FileStore;

  beforeAll(async () => {
    driver = await open();
    store = driver.store;
  });

  afterAll(async () => {
    await driver.close();
  });

  it("stores a stream under a key and gives it back, with its size and SHA-256", async () => {
    const bytes = randomBytes(300_000);
    const stored = await store.put("practice-a/one", Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    expect(stored).toEqual({ size: bytes.length, sha256: sha256(bytes) });
    expect((await buffer(await store.get("practice-a/one"))).equals(bytes)).toBe(true);
    expect(await store.exists("practice-a/one")).toBe(true);
  });

  it("stores an empty file, and a file larger than one multipart part", async () => {
    expect(await store.put("practice-a/empty", Readable.from([]))).toEqual({ size: 0, sha256: sha256(Buffer.alloc(0)) });
    expect((await buffer(await store.get("practice-a/empty"))).length).toBe(0);
    const large = randomBytes(12 * 1024 * 1024 + 17);
    expect((await store.put("practice-a/large", Readable.from([large]))).sha256).toBe(sha256(large));
    expect(sha256(await buffer(await store.get("practice-a/large")))).toBe(sha256(large));
  });

  it("replaces what a key held", async () => {
    await store.put("practice-a/replaced", Readable.from([Buffer.from("first")]));
    await store.put("practice-a/replaced", Readable.from([Buffer.from("second")]));
    expect((await buffer(await store.get("practice-a/replaced"))).toString()).toBe("second");
  });

  it("deletes, and deleting what is not there is no error; a missing key is a StoredFileMissingError", async () => {
    await store.put("practice-a/gone", Readable.from([Buffer.from("bytes")]));
    await store.delete("practice-a/gone");
    await store.delete("practice-a/gone");
    expect(await store.exists("practice-a/gone")).toBe(false);
    const missing = await store.get("practice-a/gone").catch((error: unknown) => error);
    expect(isStoredFileMissing(missing)).toBe(true);
    expect(await store.exists("practice-b/never")).toBe(false);
  });

  it("leaves nothing readable when the source fails part-way", async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error("the upload was cut off"));
      },
    });
    await expect(store.put("practice-a/cut", failing)).rejects.toThrow();
    expect(await store.exists("practice-a/cut")).toBe(false);
    if (driver.root) expect(await fs.readdir(path.join(driver.root, ".tmp"))).toEqual([]);
  });

  it.each(["../escape", "practice-a/../../escape", "/etc/passwd", "practice-a//x", "Practice-A/x", "practice-a/.hidden", "practice-a/x\\y", "", "practice-a/ x", "a/".repeat(20) + "x"])(
    "refuses the key %j before touching anything",
    async (key) => {
      await expect(store.put(key, Readable.from([Buffer.from("x")]))).rejects.toThrow(/not a valid file key/);
      await expect(store.get(key)).rejects.toThrow(/not a valid file key/);
      await expect(store.delete(key)).rejects.toThrow(/not a valid file key/);
      await expect(store.exists(key)).rejects.toThrow(/not a valid file key/);
    },
  );

  it("reads a 10 MB file as a stream: the reader's pace, not the file's size, bounds what is read ahead", async () => {
    const size = 10 * 1024 * 1024;
    await store.put("practice-a/ten", generated(size).stream);
    const stream = await store.get("practice-a/ten");
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    // The reader stops: whatever was read ahead now sits in the stream's buffer, which stays small.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stream.readableLength).toBeLessThan(2 * 1024 * 1024);
    let total = (first.value as Buffer).length;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) total += (next.value as Buffer).length;
    expect(total).toBe(size);
  });
});

describe("the file-system driver", () => {
  let root: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), "portico-store-"));
  });

  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it("writes a 10 MB stream to disk as it arrives, then renames it into place", async () => {
    const store = localFileStore(path.join(root, "files"));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const source = generated(10 * 1024 * 1024, { pauseAt: 6 * 1024 * 1024, gate });
    const writing = store.put("practice-a/streamed", source.stream);
    // The source has given 6 MB and waits: most of it must already be on disk, in a temporary file, not yet visible.
    const temporary = path.join(root, "files", ".tmp");
    const onDisk = async () => {
      const names = await fs.readdir(temporary).catch(() => []);
      const sizes = await Promise.all(names.map(async (name) => (await fs.stat(path.join(temporary, name))).size));
      return Math.max(0, ...sizes);
    };
    const deadline = Date.now() + 5000;
    while ((await onDisk()) < 5 * 1024 * 1024 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await onDisk()).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(source.produced()).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(await store.exists("practice-a/streamed")).toBe(false);
    open();
    expect((await writing).size).toBe(10 * 1024 * 1024);
    expect(await store.exists("practice-a/streamed")).toBe(true);
    expect(await fs.readdir(temporary)).toEqual([]);
  });

  it("keeps every file inside its directory, under the key's own path", async () => {
    const store = localFileStore(path.join(root, "inside"));
    await store.put("practice-a/x", Readable.from([Buffer.from("x")]));
    expect((await fs.readdir(path.join(root, "inside"))).sort()).toEqual([".tmp", "practice-a"]);
    expect(await fs.readFile(path.join(root, "inside", "practice-a", "x"), "utf8")).toBe("x");
  });
});

describe("choosing the store from configuration", () => {
  it("uses the local disk by default, and warns in production that it holds for one instance only", async () => {
    const warnings: string[] = [];
    const local = { store: "local" as const, directory: path.join(os.tmpdir(), "portico-never-written") };
    expect((await openFileStore({ env: "development", files: local }, (message) => warnings.push(message))).kind).toBe("local");
    expect(warnings).toEqual([]);
    expect((await openFileStore({ env: "production", files: local }, (message) => warnings.push(message))).kind).toBe("local");
    expect(warnings).toEqual([expect.stringContaining("FILE_STORE=s3")]);
    const s3 = await openFileStore({ env: "production", files: { store: "s3", bucket: "portico-files", region: "us-east-1", forcePathStyle: true } }, (message) => warnings.push(message));
    expect(s3.kind).toBe("s3");
    expect(warnings).toHaveLength(1);
  });
});
