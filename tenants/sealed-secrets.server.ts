import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Secrets the platform must keep but never show (database URLs with passwords), sealed with AES-256-GCM. Each sealed
 * value names the key that sealed it, so keys can be rotated: values sealed under the previous key still open, and
 * `npm run db -- rotate-key` reseals them under the current one. The associated data binds a value to the row and
 * field it belongs to, so a sealed value copied into another row does not open.
 */

export type PlatformKeys = { current: Buffer; previous?: Buffer };

export class SealedSecretError extends Error {}

const VERSION = "v1";

export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

/** A key from configuration: 32 bytes as base64 (or base64url) or 64 hex characters. */
export function parseKey(value: string): Buffer | undefined {
  const trimmed = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  return key.length === 32 ? key : undefined;
}

export function seal(keys: PlatformKeys, plaintext: string, binding: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keys.current, iv);
  cipher.setAAD(Buffer.from(binding, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, keyId(keys.current), iv.toString("base64url"), body.toString("base64url")].join(".");
}

export function sealedKeyId(sealed: string): string | undefined {
  return sealed.split(".")[1];
}

export function open(keys: PlatformKeys, sealed: string, binding: string): string {
  const [version, id, iv, body] = sealed.split(".");
  if (version !== VERSION || !id || !iv || !body) throw new SealedSecretError("the sealed value is malformed");
  const key = [keys.current, keys.previous].find((candidate) => candidate && keyId(candidate) === id);
  if (!key) throw new SealedSecretError(`the value was sealed with key ${id}, which is neither PLATFORM_ENCRYPTION_KEY nor PLATFORM_ENCRYPTION_KEY_PREVIOUS`);
  const bytes = Buffer.from(body, "base64url");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(binding, "utf8"));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw new SealedSecretError("the sealed value does not open: it was altered or belongs elsewhere");
  }
}
