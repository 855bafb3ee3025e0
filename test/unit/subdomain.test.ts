import { describe, expect, it } from "vitest";
import { checkSubdomain, RESERVED_SUBDOMAINS } from "../../tenants/subdomain";

describe("checkSubdomain", () => {
  it.each(["happy-paws", "riverside-physio", "abc", "a1b", "123", "vet-2", "a".repeat(63), "a-b-c", "xn-ok"])("accepts %s", (label) => {
    expect(checkSubdomain(label)).toEqual({ ok: true, subdomain: label });
  });

  it.each([
    ["", "too_short"],
    ["ab", "too_short"],
    ["a".repeat(64), "too_long"],
    ["Happy-Paws", "characters"],
    ["happy_paws", "characters"],
    ["happy.paws", "characters"],
    ["happy paws", "characters"],
    ["café", "characters"],
    ["-paws", "hyphen_edge"],
    ["paws-", "hyphen_edge"],
    ["xn--caf-dma", "punycode"],
    ["www", "reserved"],
    ["support", "reserved"],
    ["admin", "reserved"],
    ["api", "reserved"],
    ["mail", "reserved"],
    ["static", "reserved"],
    ["billing", "reserved"],
  ])("refuses %j (%s)", (label, problem) => {
    const check = checkSubdomain(label);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.problem).toBe(problem);
      expect(check.message).toMatch(/^The subdomain /);
    }
  });

  it("reserves the labels the architecture names", () => {
    for (const label of ["www", "support", "admin", "api", "app", "mail", "smtp", "static", "assets", "cdn", "status", "help", "docs", "portal", "login", "auth", "billing"]) {
      expect(RESERVED_SUBDOMAINS.has(label), label).toBe(true);
    }
  });
});
