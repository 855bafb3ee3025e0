/**
 * Labels that can never be a practice: they name the platform's own hosts, or would confuse clients and staff.
 * The database enforces a copy of this list (platform migration); a test proves every label here is refused there.
 */
export const RESERVED_SUBDOMAINS: ReadonlySet<string> = new Set([
  "www", "support", "admin", "api", "app", "apps", "mail", "email", "smtp", "imap", "pop", "ftp", "static",
  "assets", "cdn", "media", "files", "status", "help", "docs", "portal", "login", "logout", "auth", "sso",
  "oauth", "account", "accounts", "billing", "dashboard", "dev", "staging", "test", "demo", "blog", "news",
  "ns1", "ns2", "dns", "mx", "vpn", "internal", "localhost", "root", "system", "security", "abuse",
  "postmaster", "hostmaster", "webmaster", "info", "contact", "portico",
]);

export type SubdomainProblem = "too_short" | "too_long" | "characters" | "hyphen_edge" | "punycode" | "reserved";

export type SubdomainCheck = { ok: true; subdomain: string } | { ok: false; problem: SubdomainProblem; message: string };

const MESSAGES: Record<SubdomainProblem, string> = {
  too_short: "must be at least 3 characters",
  too_long: "must be at most 63 characters",
  characters: "may use only lower-case letters a–z, digits and hyphens",
  hyphen_edge: "may not start or end with a hyphen",
  punycode: "may not start with 'xn--'",
  reserved: "is reserved for the platform",
};

/** Checks a proposed practice subdomain exactly as typed: no silent lower-casing of what will be permanent. */
export function checkSubdomain(input: string): SubdomainCheck {
  const fail = (problem: SubdomainProblem): SubdomainCheck => ({ ok: false, problem, message: `The subdomain ${MESSAGES[problem]}.` });
  if (input.length < 3) return fail("too_short");
  if (input.length > 63) return fail("too_long");
  if (!/^[a-z0-9-]+$/.test(input)) return fail("characters");
  if (input.startsWith("-") || input.endsWith("-")) return fail("hyphen_edge");
  if (input.startsWith("xn--")) return fail("punycode");
  if (RESERVED_SUBDOMAINS.has(input)) return fail("reserved");
  return { ok: true, subdomain: input };
}
