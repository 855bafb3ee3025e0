import { hash, verify } from "@node-rs/argon2";
import { WorkQueue } from "../work-queue.server";
import { COMMON_PASSWORDS } from "./common-passwords";

export const MIN_PASSWORD_LENGTH = 12;

/** Why a password is refused, in words for the person choosing it; undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > 200) return "Use at most 200 characters.";
  if (COMMON_PASSWORDS.has(password.toLowerCase()) || /^(.)\1+$/.test(password)) return "That password is too common. Please choose another.";
  return undefined;
}

/**
 * Each hash takes tens of milliseconds of a libuv thread and 19 MiB: two at a time leave threads for everything
 * else, and a burst of sign-ins waits its turn briefly or gets a 503 rather than exhausting memory.
 */
const argon2Work = new WorkQueue("argon2", { concurrency: 2, maxWaiting: 16 });

/** argon2id with the library's defaults (19 MiB, 2 passes), the OWASP baseline. */
export function hashPassword(password: string): Promise<string> {
  return argon2Work.run(() => hash(password));
}

// Verifying against this when no account matches makes "no such account" cost as much as "wrong password".
const UNMATCHABLE_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$XI7bxl3YRuWk8Lnq2vXl5u1m8YJ5xb3gS0bQpV0kZmE";

/** A damaged stored hash is a mismatch; a full queue is not (its 503 propagates). */
export function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  return argon2Work.run(async () => {
    try {
      return await verify(storedHash ?? UNMATCHABLE_HASH, password);
    } catch {
      return false;
    }
  });
}
