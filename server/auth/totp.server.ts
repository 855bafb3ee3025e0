import { randomBytes } from "node:crypto";
import { encodeBase32NoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, verifyTOTPWithGracePeriod } from "@oslojs/otp";

const PERIOD_SECONDS = 30;
const DIGITS = 6;

/** A fresh 160-bit TOTP key (RFC 6238 with SHA-1, 30 s, 6 digits: what every authenticator app supports). */
export function newTotpKey(): Buffer {
  return randomBytes(20);
}

/** Accepts the current code and the one either side of it, for clocks that drift a little. */
export function verifyTotpCode(key: Uint8Array, code: string): boolean {
  const digits = code.replace(/\s+/g, "");
  return /^\d{6}$/.test(digits) && verifyTOTPWithGracePeriod(key, PERIOD_SECONDS, DIGITS, digits, PERIOD_SECONDS);
}

/** What an authenticator app needs: the otpauth:// URI and the key typed by hand. */
export function totpEnrolment(key: Uint8Array, issuer: string, account: string): { uri: string; manualKey: string } {
  return { uri: createTOTPKeyURI(issuer, account, key, PERIOD_SECONDS, DIGITS), manualKey: encodeBase32NoPadding(key).replace(/(.{4})/g, "$1 ").trim() };
}
