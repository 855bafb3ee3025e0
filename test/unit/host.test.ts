import { describe, expect, it } from "vitest";
import { type HostTarget, parseHost } from "../../tenants/host";

type Expected = "landing" | "support" | "unknown" | { practice: string };

const cases: [string | undefined, Expected, string?][] = [
  // the apex
  ["localhost", "landing"],
  ["localhost:3000", "landing"],
  ["LOCALHOST:3000", "landing"],
  ["localhost.", "landing"],
  ["localhost.:3000", "landing"],
  ["  localhost  ", "landing"],
  // support
  ["support.localhost", "support"],
  ["support.localhost:3000", "support"],
  ["SUPPORT.localhost", "support"],
  ["support.localhost.:8080", "support"],
  // practices
  ["happy-paws.localhost", { practice: "happy-paws" }],
  ["happy-paws.localhost:3000", { practice: "happy-paws" }],
  ["Happy-Paws.LocalHost:3000", { practice: "happy-paws" }],
  ["happy-paws.localhost.", { practice: "happy-paws" }],
  ["happy-paws.localhost.:3000", { practice: "happy-paws" }],
  ["riverside-physio.localhost:3000", { practice: "riverside-physio" }],
  ["a1.localhost", { practice: "a1" }],
  ["x.localhost", { practice: "x" }],
  ["123abc.localhost", { practice: "123abc" }],
  [`${"a".repeat(63)}.localhost`, { practice: "a".repeat(63) }],
  ["www.localhost", { practice: "www" }, "reserved labels parse; the registry never holds them"],
  // deeper names and other domains
  ["a.b.localhost", "unknown"],
  ["www.happy-paws.localhost", "unknown"],
  ["happy-paws.localhost.evil.com", "unknown"],
  ["happy-paws.example.com", "unknown"],
  ["localhost.com", "unknown"],
  ["evillocalhost", "unknown"],
  ["evil-localhost:3000", "unknown"],
  ["xlocalhost", "unknown"],
  // IP literals
  ["127.0.0.1", "unknown"],
  ["127.0.0.1:3000", "unknown"],
  ["10.0.0.5", "unknown"],
  ["[::1]", "unknown"],
  ["[::1]:3000", "unknown"],
  ["::1", "unknown"],
  // empty, missing, malformed
  [undefined, "unknown"],
  ["", "unknown"],
  ["   ", "unknown"],
  [":3000", "unknown"],
  [".localhost", "unknown"],
  ["..localhost", "unknown"],
  ["localhost..", "unknown"],
  ["happy-paws.localhost:", "unknown"],
  ["happy-paws.localhost:abc", "unknown"],
  ["happy-paws.localhost:99999", "unknown"],
  ["happy-paws.localhost:0", "unknown"],
  ["happy-paws.localhost:3000:3000", "unknown"],
  ["-paws.localhost", "unknown"],
  ["paws-.localhost", "unknown"],
  ["happy_paws.localhost", "unknown"],
  ["happy paws.localhost", "unknown"],
  ["happy%2epaws.localhost", "unknown"],
  ["hâppy.localhost", "unknown"],
  [`${"a".repeat(64)}.localhost`, "unknown"],
  ["user@happy-paws.localhost", "unknown"],
  ["happy-paws.localhost/path", "unknown"],
  [`${"a".repeat(300)}`, "unknown"],
];

function summarise(target: HostTarget): Expected {
  return target.kind === "practice" ? { practice: target.subdomain } : target.kind;
}

describe("parseHost with PORTAL_DOMAIN=localhost", () => {
  it("covers at least 40 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)("%j → %j", (host, expected) => {
    expect(summarise(parseHost(host, "localhost"))).toEqual(expected);
  });

  it("keeps the port for building links back to the same server", () => {
    expect(parseHost("happy-paws.localhost:3000", "localhost")).toEqual({ kind: "practice", subdomain: "happy-paws", hostname: "happy-paws.localhost", port: 3000 });
  });
});

describe("parseHost with a multi-label portal domain", () => {
  const domain = "portal.example.com";
  it.each<[string, Expected]>([
    ["portal.example.com", "landing"],
    ["support.portal.example.com", "support"],
    ["happy-paws.portal.example.com", { practice: "happy-paws" }],
    ["HAPPY-PAWS.PORTAL.EXAMPLE.COM.", { practice: "happy-paws" }],
    ["happy-paws.example.com", "unknown"],
    ["example.com", "unknown"],
    ["a.happy-paws.portal.example.com", "unknown"],
    ["happy-paws.portal.example.com.evil.net", "unknown"],
    ["happy-pawsportal.example.com", "unknown"],
  ])("%s → %j", (host, expected) => {
    expect(summarise(parseHost(host, domain))).toEqual(expected);
  });
});
