import { describe, expect, it } from "vitest";
import { ipBucket } from "../../server/auth/rate-limit.server";
import { maskEmail } from "../../app/use-cases/sign-in-link.server";

describe("ipBucket", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::99", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff::1", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
  ])("%s counts as %s", (ip, bucket) => {
    expect(ipBucket(ip)).toBe(bucket);
  });
});

describe("maskEmail", () => {
  it("keeps the first letter and the domain", () => {
    expect(maskEmail("maria.lopez@example.com")).toBe("m••••••••@example.com");
    expect(maskEmail("jo@example.com")).toBe("j•@example.com");
  });
});
