import { createHash, randomBytes } from "node:crypto";

/** 256 bits from the CSPRNG, URL-safe. Shown to its holder once; only its hash is stored. */
export function generateToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Tokens we issue are exactly 43 base64url characters; anything else is not worth a database lookup. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
