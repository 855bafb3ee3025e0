import { describe, expect, it } from "vitest";
import { forbiddenAddressReason, ipv6Bytes, literalAddressProblem } from "../../server/webhooks/address-guard.server";

describe("webhook address guard", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.254", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "reserved"],
    ["198.18.0.1", "benchmarking"],
  ])("refuses IPv4 %s (%s)", (address, reason) => {
    expect(forbiddenAddressReason(address)).toContain(reason);
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1", "93.184.216.34", "169.253.1.1"])("allows public IPv4 %s", (address) => {
    expect(forbiddenAddressReason(address)).toBeUndefined();
  });

  it.each([
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "unique local"],
    ["fd12:3456::1", "unique local"],
    ["fd00:ec2::254", "unique local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
  ])("refuses IPv6 %s (%s)", (address, reason) => {
    expect(forbiddenAddressReason(address)).toContain(reason);
  });

  it.each(["2606:4700:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001:82b::200e"])("allows public IPv6 %s", (address) => {
    expect(forbiddenAddressReason(address)).toBeUndefined();
  });

  it("judges IPv4 inside IPv6 by the IPv4 address (mapped, NAT64, 6to4)", () => {
    expect(forbiddenAddressReason("::ffff:127.0.0.1")).toContain("loopback");
    expect(forbiddenAddressReason("::ffff:7f00:1")).toContain("loopback");
    expect(forbiddenAddressReason("::ffff:169.254.169.254")).toContain("link-local");
    expect(forbiddenAddressReason("::ffff:10.0.0.1")).toContain("private");
    expect(forbiddenAddressReason("64:ff9b::192.168.0.1")).toContain("private");
    expect(forbiddenAddressReason("2002:c0a8:0101::1")).toContain("private");
    expect(forbiddenAddressReason("::ffff:8.8.8.8")).toBeUndefined();
    expect(forbiddenAddressReason("64:ff9b::8.8.8.8")).toBeUndefined();
  });

  it("expands IPv6 text to bytes", () => {
    expect([...ipv6Bytes("::1")!]).toEqual([...Array<number>(15).fill(0), 1]);
    expect([...ipv6Bytes("::ffff:1.2.3.4")!].slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(ipv6Bytes("not-an-address")).toBeUndefined();
  });

  it("refuses what is not an address, and checks IP literals in URLs", () => {
    expect(forbiddenAddressReason("localhost")).toBe("not an IP address");
    expect(literalAddressProblem(new URL("http://127.0.0.1:8080/hook"))).toContain("loopback");
    expect(literalAddressProblem(new URL("http://[::1]/hook"))).toContain("loopback");
    expect(literalAddressProblem(new URL("http://[::ffff:169.254.169.254]/"))).toContain("link-local");
    expect(literalAddressProblem(new URL("http://0x7f000001/"))).toContain("loopback");
    expect(literalAddressProblem(new URL("http://2130706433/"))).toContain("loopback");
    expect(literalAddressProblem(new URL("https://hooks.example.com/"))).toBeUndefined();
  });
});
