/** What a request's Host names. Parsing is pure; looking the label up is the registry's job. */
export type HostTarget =
  | { kind: "landing"; hostname: string; port: number | undefined }
  | { kind: "support"; hostname: string; port: number | undefined }
  | { kind: "practice"; subdomain: string; hostname: string; port: number | undefined }
  | { kind: "unknown"; reason: string };

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function splitPort(host: string): { name: string; port: number | undefined } | undefined {
  if (host.startsWith("[")) return undefined; // IPv6 literal: never a practice
  const colon = host.lastIndexOf(":");
  if (colon === -1) return { name: host, port: undefined };
  const portText = host.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  return { name: host.slice(0, colon), port };
}

/**
 * Normalises the Host (lower case, port and one trailing dot removed) and says which part of Portico it names.
 * Anything not exactly `<portal-domain>`, `support.<portal-domain>` or `<one label>.<portal-domain>` is unknown:
 * never a guess.
 */
export function parseHost(rawHost: string | undefined, portalDomain: string): HostTarget {
  if (!rawHost) return { kind: "unknown", reason: "missing host" };
  const trimmed = rawHost.trim().toLowerCase();
  if (trimmed.length === 0 || trimmed.length > 260) return { kind: "unknown", reason: "empty or oversized host" };
  const split = splitPort(trimmed);
  if (!split) return { kind: "unknown", reason: "malformed host or port" };
  const hostname = split.name.endsWith(".") ? split.name.slice(0, -1) : split.name;
  if (hostname === "" || hostname.endsWith(".")) return { kind: "unknown", reason: "malformed host" };
  if (/^[\d.]+$/.test(hostname)) return { kind: "unknown", reason: "IP address" };

  const domain = portalDomain.toLowerCase();
  if (hostname === domain) return { kind: "landing", hostname, port: split.port };
  if (!hostname.endsWith(`.${domain}`)) return { kind: "unknown", reason: "another domain" };

  const label = hostname.slice(0, -(domain.length + 1));
  if (label.includes(".")) return { kind: "unknown", reason: "nested subdomain" };
  if (!LABEL.test(label)) return { kind: "unknown", reason: "invalid label" };
  if (label === "support") return { kind: "support", hostname, port: split.port };
  return { kind: "practice", subdomain: label, hostname, port: split.port };
}
