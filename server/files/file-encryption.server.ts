import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

/**
 * Streaming encryption of stored files: AES-256-GCM in records, so a file is encrypted and decrypted as it streams
 * and every record is verified before its bytes are passed on.
 *
 *   header  = "PTF1" ‖ salt (16 random bytes)
 *   key     = HKDF-SHA256(practice data key, salt, "portico-file:v1:" ‖ binding)    one key per file
 *   record i = AES-256-GCM(key, nonce = 0⁴ ‖ i as uint64 BE, aad = final flag (1 byte)) of up to 64 KiB ‖ tag (16)
 *
 * Every record but the last holds exactly 64 KiB; the last holds 0 to 64 KiB and is the only one sealed with the
 * final flag. Reordered records fail (the index is the nonce), a missing tail fails (the new last record was not
 * sealed as final), a flipped byte fails its record's tag, and another practice's key or another file's binding
 * fails the first record. The binding (practice id and file id) means bytes copied under another file's row do not
 * open. docs/decisions/014-file-store.md.
 */

const MAGIC = Buffer.from("PTF1", "ascii");
const SALT_BYTES = 16;
export const HEADER_BYTES = MAGIC.length + SALT_BYTES;
export const RECORD_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_RECORD_BYTES = RECORD_BYTES + TAG_BYTES;

export class FileDecryptionError extends Error {
  override readonly name = "FileDecryptionError";
}

function fileKey(dataKey: Buffer, salt: Buffer, binding: string): Buffer {
  if (dataKey.length !== 32) throw new Error("a practice data key is 32 bytes");
  return Buffer.from(hkdfSync("sha256", dataKey, salt, `portico-file:v1:${binding}`, 32));
}

function nonce(index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(index), 4);
  return iv;
}

const FINAL = Buffer.from([1]);
const NOT_FINAL = Buffer.from([0]);

/** Bytes waiting for a whole record: kept as chunks, joined once per record rather than once per chunk. */
class Pending {
  #chunks: Buffer[] = [];
  #length = 0;

  /** Adds a chunk; the bytes now waiting. */
  add(chunk: Buffer): number {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    return this.#length;
  }

  take(): Buffer {
    const bytes = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#length);
    this.#chunks = [];
    this.#length = 0;
    return bytes;
  }

  /** Keeps a remainder (copied, so the large chunk it came from can be freed). */
  keep(rest: Buffer): void {
    if (rest.length) this.add(Buffer.from(rest));
  }
}

/** The ciphertext's length for a plaintext of `size` bytes. */
export function encryptedSize(size: number): number {
  const records = Math.max(1, Math.ceil(size / RECORD_BYTES));
  return HEADER_BYTES + size + records * TAG_BYTES;
}

/** Plaintext in, the format above out. `binding` names the file: the same string must be given to decrypt it. */
export function encryptStream(dataKey: Buffer, binding: string): Transform {
  const salt = randomBytes(SALT_BYTES);
  const key = fileKey(dataKey, salt, binding);
  let index = 0;
  const pending = new Pending();
  let headerSent = false;

  const seal = (plaintext: Buffer, final: boolean): Buffer => {
    const cipher = createCipheriv("aes-256-gcm", key, nonce(index++));
    cipher.setAAD(final ? FINAL : NOT_FINAL);
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      if (!headerSent) {
        this.push(Buffer.concat([MAGIC, salt]));
        headerSent = true;
      }
      // A record is sealed as not final only once a byte beyond it has arrived: the last one must carry the flag.
      if (pending.add(chunk) > RECORD_BYTES) {
        const bytes = pending.take();
        let offset = 0;
        for (; bytes.length - offset > RECORD_BYTES; offset += RECORD_BYTES) this.push(seal(bytes.subarray(offset, offset + RECORD_BYTES), false));
        pending.keep(bytes.subarray(offset));
      }
      callback();
    },
    flush(callback: TransformCallback) {
      if (!headerSent) this.push(Buffer.concat([MAGIC, salt]));
      this.push(seal(pending.take(), true));
      callback();
    },
  });
}

/** The format above in, verified plaintext out; errors with `FileDecryptionError` at the first record that fails. */
export function decryptStream(dataKey: Buffer, binding: string): Transform {
  let key: Buffer | undefined;
  let index = 0;
  const pending = new Pending();

  const open = (sealed: Buffer, final: boolean): Buffer => {
    try {
      const decipher = createDecipheriv("aes-256-gcm", key!, nonce(index++));
      decipher.setAAD(final ? FINAL : NOT_FINAL);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new FileDecryptionError(`the stored file does not decrypt at record ${index - 1}: it was altered, truncated or belongs elsewhere`);
    }
  };

  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      try {
        const length = pending.add(chunk);
        // Only a record followed by more bytes is known not to be the last.
        if (key ? length <= SEALED_RECORD_BYTES : length < HEADER_BYTES) return callback();
        const bytes = pending.take();
        let offset = 0;
        if (!key) {
          if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new FileDecryptionError("the stored file is not in a format Portico wrote");
          key = fileKey(dataKey, bytes.subarray(MAGIC.length, HEADER_BYTES), binding);
          offset = HEADER_BYTES;
        }
        for (; bytes.length - offset > SEALED_RECORD_BYTES; offset += SEALED_RECORD_BYTES) this.push(open(bytes.subarray(offset, offset + SEALED_RECORD_BYTES), false));
        pending.keep(bytes.subarray(offset));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        const rest = pending.take();
        if (!key || rest.length < TAG_BYTES) throw new FileDecryptionError("the stored file is truncated");
        this.push(open(rest, true));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
