import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { decryptStream, encryptedSize, encryptStream, HEADER_BYTES, RECORD_BYTES } from "../../server/files/file-encryption.server";

const practiceKey = randomBytes(32);
const otherPracticeKey = randomBytes(32);
const BINDING = "file:practice-a:file-1";
const SEALED = RECORD_BYTES + 16;

/** Feeds `input` in chunks of `chunk` bytes, as a network or a disk would. */
function source(input: Buffer, chunk = 10_000): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < input.length; offset += chunk) yield input.subarray(offset, offset + chunk);
    })(),
  );
}

async function encrypt(plaintext: Buffer, key = practiceKey, binding = BINDING): Promise<Buffer> {
  const out = encryptStream(key, binding);
  const [, collected] = await Promise.all([pipeline(source(plaintext), out), buffer(out)]);
  return collected;
}

async function decrypt(ciphertext: Buffer, key = practiceKey, binding = BINDING, chunk?: number): Promise<Buffer> {
  const out = decryptStream(key, binding);
  const [, collected] = await Promise.all([pipeline(source(ciphertext, chunk), out), buffer(out)]);
  return collected;
}

describe("file encryption", () => {
  it.each([0, 1, RECORD_BYTES - 1, RECORD_BYTES, RECORD_BYTES + 1, 3 * RECORD_BYTES, 1_000_003])("round-trips %i bytes, in records of 64 KiB", async (size) => {
    const plaintext = randomBytes(size);
    const ciphertext = await encrypt(plaintext);
    expect(ciphertext.length).toBe(encryptedSize(size));
    // A few plaintext bytes may turn up in random ciphertext by chance; 16 or more never do.
    if (size >= 16) expect(ciphertext.includes(plaintext.subarray(0, Math.min(size, 64)))).toBe(false);
    expect((await decrypt(ciphertext)).equals(plaintext)).toBe(true);
    // However the ciphertext is cut into chunks on its way back.
    expect((await decrypt(ciphertext, practiceKey, BINDING, 7)).equals(plaintext)).toBe(true);
  });

  it("encrypts the same bytes differently every time (a fresh salt per file)", async () => {
    const plaintext = Buffer.from("the same photo");
    expect((await encrypt(plaintext)).equals(await encrypt(plaintext))).toBe(false);
  });

  it("detects a flipped byte anywhere: header, a record, a tag", async () => {
    const plaintext = randomBytes(3 * RECORD_BYTES + 100);
    const ciphertext = await encrypt(plaintext);
    for (const position of [0, 5, HEADER_BYTES, HEADER_BYTES + 1000, HEADER_BYTES + SEALED - 1, HEADER_BYTES + 2 * SEALED + 50, ciphertext.length - 1]) {
      const tampered = Buffer.from(ciphertext);
      tampered[position] = tampered[position]! ^ 0x01;
      await expect(decrypt(tampered), `byte ${position}`).rejects.toThrow(/does not decrypt|not in a format/);
    }
  });

  it("passes on only verified records: the bytes before a tampered record arrive, nothing of it or after it", async () => {
    const plaintext = randomBytes(3 * RECORD_BYTES);
    const ciphertext = await encrypt(plaintext);
    const tampered = Buffer.from(ciphertext);
    tampered[HEADER_BYTES + SEALED + 10] = tampered[HEADER_BYTES + SEALED + 10]! ^ 0xff;
    const received: Buffer[] = [];
    const out = decryptStream(practiceKey, BINDING);
    out.on("data", (chunk: Buffer) => received.push(chunk));
    await expect(pipeline(source(tampered), out)).rejects.toThrow(/record 1/);
    expect(Buffer.concat(received).equals(plaintext.subarray(0, RECORD_BYTES))).toBe(true);
  });

  it("detects truncation: a missing last record, a cut record, a lone header, nothing at all", async () => {
    const plaintext = randomBytes(2 * RECORD_BYTES + 500);
    const ciphertext = await encrypt(plaintext);
    const exactlyTwoRecords = await encrypt(randomBytes(2 * RECORD_BYTES));
    for (const cut of [
      ciphertext.subarray(0, HEADER_BYTES + 2 * SEALED), // the final record dropped at a record boundary
      ciphertext.subarray(0, HEADER_BYTES + SEALED), // two records dropped
      exactlyTwoRecords.subarray(0, HEADER_BYTES + SEALED), // a full final record dropped
      ciphertext.subarray(0, ciphertext.length - 1),
      ciphertext.subarray(0, HEADER_BYTES + 100),
      ciphertext.subarray(0, HEADER_BYTES),
      ciphertext.subarray(0, 3),
      Buffer.alloc(0),
    ]) {
      await expect(decrypt(cut), `${cut.length} bytes`).rejects.toThrow(/does not decrypt|truncated/);
    }
  });

  it("detects reordered records and bytes appended after the last record", async () => {
    const ciphertext = await encrypt(randomBytes(3 * RECORD_BYTES + 1));
    const records = [0, 1, 2].map((i) => ciphertext.subarray(HEADER_BYTES + i * SEALED, HEADER_BYTES + (i + 1) * SEALED));
    const rest = ciphertext.subarray(HEADER_BYTES + 3 * SEALED);
    const swapped = Buffer.concat([ciphertext.subarray(0, HEADER_BYTES), records[1]!, records[0]!, records[2]!, rest]);
    await expect(decrypt(swapped)).rejects.toThrow(/record 0/);
    await expect(decrypt(Buffer.concat([ciphertext, Buffer.alloc(16)]))).rejects.toThrow(/does not decrypt/);
  });

  it("does not open with another practice's key, or as another file", async () => {
    const ciphertext = await encrypt(Buffer.from("Biscuit's photo"));
    await expect(decrypt(ciphertext, otherPracticeKey)).rejects.toThrow(/record 0/);
    await expect(decrypt(ciphertext, practiceKey, "file:practice-a:file-2")).rejects.toThrow(/record 0/);
    await expect(decrypt(ciphertext, practiceKey, "file:practice-b:file-1")).rejects.toThrow(/record 0/);
  });
});
