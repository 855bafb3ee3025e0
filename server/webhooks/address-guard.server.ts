import dns from "node:dns";
import net, { type LookupFunction } from "node:net";

/**
 * Where a webhook may not go in production: anything that is not a public unicast address. Checked on the address
 * the connection will really use (after DNS), inside the socket's own lookup, so a name cannot resolve to a public
 * address for the check and to a private one for the connection (DNS rebinding).
 */

type Range = { bytes: number[]; prefix: number; reason: string };

function v4(cidr: string, reason: string): Range {
  const [address, prefix] = cidr.split("/");
  return { bytes: address!.split(".").map(Number), prefix: Number(prefix), reason };
}

const V4_RANGES: Range[] = [
  v4("0.0.0.0/8", "unspecified"),
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "carrier-grade NAT"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local (includes cloud metadata)"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "reserved for protocols"),
  v4("192.0.2.0/24", "documentation"),
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "benchmarking"),
  v4("198.51.100.0/24", "documentation"),
  v4("203.0.113.0/24", "documentation"),
  v4("224.0.0.0/4", "multicast"),
  v4("240.0.0.0/4", "reserved (includes broadcast)"),
];

function v6(cidr: string, reason: string): Range {
  const [address, prefix] = cidr.split("/");
  return { bytes: [...ipv6Bytes(address!)!], prefix: Number(prefix), reason };
}

/** The 16 bytes of an IPv6 address (with or without an embedded IPv4 tail, zone ignored), or undefined. */
export function ipv6Bytes(address: string): Uint8Array | undefined {
  const plain = address.replace(/^\[|\]$/g, "").split("%")[0]!;
  if (!net.isIPv6(plain)) return undefined;
  let text = plain;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -tail[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const headGroups = head ? head.split(":") : [];
  const restGroups = rest ? rest.split(":") : [];
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - restGroups.length).fill("0"), ...restGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

const V6_RANGES: Range[] = [
  v6("::/128", "unspecified"),
  v6("::1/128", "loopback"),
  v6("::/96", "IPv4-compatible (deprecated)"),
  v6("100::/64", "discard"),
  v6("2001:db8::/32", "documentation"),
  v6("fc00::/7", "unique local (private; includes fd00:ec2::254 metadata)"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "site-local (deprecated)"),
  v6("ff00::/8", "multicast"),
];

function within(bytes: ArrayLike<number>, range: Range): boolean {
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (range.bytes[i]! & mask)) return false;
  }
  return true;
}

/** The IPv4 address an IPv6 one stands for (v4-mapped, NAT64 well-known prefix, 6to4), if any. */
function embeddedV4(bytes: Uint8Array): number[] | undefined {
  const isMapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  const isNat64 = within(bytes, v6("64:ff9b::/96", ""));
  if (isMapped || isNat64) return [...bytes.slice(12, 16)];
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return [...bytes.slice(2, 6)];
  return undefined;
}

/** Why an address is refused for webhook delivery, or undefined for a public unicast address. Not an address: refused. */
export function forbiddenAddressReason(address: string): string | undefined {
  if (net.isIPv4(address)) {
    const bytes = address.split(".").map(Number);
    return V4_RANGES.find((range) => within(bytes, range))?.reason;
  }
  const bytes = ipv6Bytes(address);
  if (!bytes) return "not an IP address";
  const mapped = embeddedV4(bytes);
  if (mapped) {
    const reason = V4_RANGES.find((range) => within(mapped, range))?.reason;
    return reason ? `${reason} (as IPv6)` : undefined;
  }
  return V6_RANGES.find((range) => within(bytes, range))?.reason;
}

export class ForbiddenAddressError extends Error {
  readonly code = "EWEBHOOKADDRESS";
}

/**
 * A socket lookup that resolves with node:dns and refuses the connection if any resolved address is forbidden, so
 * the address checked is the address connected to. Handles `all` (Node's happy-eyeballs connect asks for every
 * address).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const refused = addresses.map((a) => ({ address: a.address, reason: forbiddenAddressReason(a.address) })).find((a) => a.reason);
    if (refused) return callback(new ForbiddenAddressError(`${hostname} resolves to ${refused.address}, a ${refused.reason} address`), "", 0);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
    if (options.all) (callback as unknown as (error: null, addresses: dns.LookupAddress[]) => void)(null, addresses);
    else callback(null, first.address, first.family);
  });
};

/** A URL's host given as an IP literal is never looked up: it is checked here instead. */
export function literalAddressProblem(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!net.isIP(host)) return undefined;
  const reason = forbiddenAddressReason(host);
  return reason ? `${host} is a ${reason} address` : undefined;
}
