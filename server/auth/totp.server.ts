import { randomBytes } from "node:crypto";
import { encodeBase32NoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, verifyHOTP } from "@oslojs/otp";

const PERIOD_SECONDS = 30;
const DIGITS = 6;

/** A fresh 160-bit TOTP key (RFC 6238 with SHA-1, 30 s, 6 digits: what every authenticator app supports). */
export function newTotpKey(): Buffer {
  return randomBytes(20);
}

/**
 * The time step a code belongs to, or undefined: the current step and the one either side of it are accepted, for
 * clocks that drift a little. Callers accept a step only if it is later than the last one used (RFC 6238 §5.2), so a
 * code seen over someone's shoulder cannot be used again.
 */
export function matchTotpStep(key: Uint8Array, code: string, now: Date = new Date()): number | undefined {
  const digits = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(digits)) return undefined;
  const current = Math.floor(now.getTime() / (PERIOD_SECONDS * 1000));
  return [current - 1, current, current + 1].find((step) => verifyHOTP(key, BigInt(step), DIGITS, digits));
}

/** What an authenticator app needs: the otpauth:// URI and the key typed by hand. */
export function totpEnrolment(key: Uint8Array, issuer: string, account: string): { uri: string; manualKey: string } {
  return { uri: createTOTPKeyURI(issuer, account, key, PERIOD_SECONDS, DIGITS), manualKey: encodeBase32NoPadding(key).replace(/(.{4})/g, "$1 ").trim() };
}
