import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyId, open, parseKey, SealedSecretError, seal } from "../../tenants/sealed-secrets.server";

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const url = "postgres://owner:s3cret@db.example.com:5432/clinic";

describe("sealed secrets", () => {
  it("open only with a known key, for the row and field they were sealed for", () => {
    const sealed = seal({ current: oldKey }, url, "placement:1:owner");
    expect(sealed).not.toContain("s3cret");
    expect(sealed.split(".")[1]).toBe(keyId(oldKey));
    expect(open({ current: oldKey }, sealed, "placement:1:owner")).toBe(url);
    expect(() => open({ current: oldKey }, sealed, "placement:2:owner")).toThrow(SealedSecretError);
    expect(() => open({ current: newKey }, sealed, "placement:1:owner")).toThrow(/neither PLATFORM_ENCRYPTION_KEY/);
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    expect(() => open({ current: oldKey }, tampered, "placement:1:owner")).toThrow(SealedSecretError);
  });

  it("still open under the previous key while a rotation is under way", () => {
    const sealed = seal({ current: oldKey }, url, "b");
    expect(open({ current: newKey, previous: oldKey }, sealed, "b")).toBe(url);
    const resealed = seal({ current: newKey, previous: oldKey }, url, "b");
    expect(resealed.split(".")[1]).toBe(keyId(newKey));
  });

  it("take keys as base64 or hex, 32 bytes only", () => {
    expect(parseKey(oldKey.toString("base64"))).toEqual(oldKey);
    expect(parseKey(oldKey.toString("hex"))).toEqual(oldKey);
    expect(parseKey("too-short")).toBeUndefined();
    expect(parseKey(randomBytes(16).toString("base64"))).toBeUndefined();
  });
});
