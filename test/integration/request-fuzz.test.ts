import net from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import { issueApiKey } from "../../server/api/keys.server";
import { apiRouteList } from "../../server/api/router.server";
import { supportSessions } from "../../server/auth/support-session.server";
import { loadBuild } from "../../server/build.server";
import { listRoutes, type RouteListing } from "../../server/http/route-table.server";
import { createSupportUser } from "../../tenants/support-users.server";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

/**
 * Walks the route table of the real build with every class of malformed request the hardening issue names, as an
 * anonymous visitor and signed in as a client, a staff member and support at once (each audience reads its own
 * cookie), on a practice host, the support host and the landing host. Nothing may answer 5xx, and the server must
 * still serve afterwards. New routes are covered because the paths come from the build, not from a list.
 */

// Each walk sends thousands of requests: on a busy two-core machine one can take a minute or more.
vi.setConfig({ testTimeout: 180_000 });

const HAPPY = "happy-paws.localhost:3000";
const SUPPORT = "support.localhost:3000";
const LANDING = "localhost:3000";
const HOSTS = [HAPPY, SUPPORT, LANDING];
const ORIGIN = (host: string) => `http://${host}`;
const UUID = "3f1e6f0c-8a41-4b9e-9a53-2d7c1c8f0b11";

let db: TestDatabase;
let server: TestServer;
let routes: RouteListing[];
let signedIn: string;
let signIn: () => Promise<string>;

beforeAll(async () => {
  // Logged at info, as in production, so the log can be checked for stack traces and secrets.
  ({ db, server } = await startDemoServer({ config: { logLevel: "info" } }));
  routes = listRoutes(await loadBuild());
  const happy = (await server.registry.resolve("happy-paws"))!;
  await createSupportUser(db.owner.db, { email: "fuzz.support@portico.example.com", name: "Fuzz Support" });
  const supportUser = await db.owner.db.selectFrom("platform.support_users").select("id").where("email_key", "=", "fuzz.support@portico.example.com").executeTakeFirstOrThrow();
  // A client, a staff member and support at once: each audience reads its own cookie. Renewed before each test,
  // since the fuzz itself may sign out or change what a session may do.
  signIn = async () => {
    const support = (await supportSessions(db.owner.db, { secure: false, now: () => new Date() }).create({ userId: supportUser.id, ip: "127.0.0.1", userAgent: "fuzz", stage: "full" })).split(";")[0]!;
    return [await sessionCookieFor(db, happy, "maria.lopez@example.com"), await staffCookieFor(db, happy, "owner@happypaws.example.com"), support].join("; ");
  };
});

beforeEach(async () => {
  signedIn = await signIn();
});

afterAll(async () => {
  await server.close();
});

/** Concrete paths for a route: each parameter as a well-formed id, as garbage, and the page's data URL. */
function pathsOf(route: RouteListing): string[] {
  const fill = (value: string) =>
    route.path
      .split("/")
      .map((segment) => (segment.startsWith(":") ? value : segment === "*" ? "x/y" : segment))
      .join("/");
  const variants = new Set([fill(UUID), fill("not-an-id"), fill("A".repeat(300))]);
  const page = fill(UUID);
  variants.add(page === "/" ? "/_root.data" : `${page}.data`);
  if (route.index) variants.add(`${page}?index`);
  return [...variants];
}

let allPaths: string[];
const paths = () => (allPaths ??= [...new Set(routes.flatMap(pathsOf))]);

async function each<T>(items: T[], work: (item: T) => Promise<void>, concurrency = 8): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

/** The host a path belongs to; the landing page's own paths are tried on every host. */
function hostsOf(path: string): string[] {
  if (path.startsWith("/support")) return [SUPPORT];
  if (path === "/" || path.startsWith("/?") || path.startsWith("/_root")) return HOSTS;
  return [HAPPY];
}

/** Signing out mid-walk would leave the rest of the walk anonymous. */
const SIGN_OUTS = /^\/(sign-out|admin\/logout|support\/logout|admin\/support-access\/end)\b/;

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

describe("every route, every malformed request class", () => {
  it("walks a route table taken from the build", () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.some((r) => r.path === "/sign-in/:token")).toBe(true);
  });

  it("answers methods it does not support with 405 and Allow, and OPTIONS without a CORS grant", async () => {
    const failures: string[] = [];
    await each(paths(), async (path) => {
      for (const cookie of ["", signedIn]) {
        for (const method of ["TRACE", "PUT", "PATCH", "DELETE"]) {
          for (const body of [undefined, "a=1"]) {
            const headers: Record<string, string> = { cookie, origin: ORIGIN(HAPPY), ...(body ? { "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) } : {}) };
            const res = await server.request(HAPPY, path, { method, headers, body });
            if (res.status !== 405 || !String(res.headers.allow).includes("GET")) failures.push(`${method} ${path} → ${res.status} allow=${res.headers.allow}`);
          }
        }
        const preflight = await server.request(HAPPY, path, { method: "OPTIONS", headers: { cookie, origin: "http://evil.example", "access-control-request-method": "POST" } });
        if (![204, 405].includes(preflight.status) || preflight.headers["access-control-allow-origin"] !== undefined) failures.push(`OPTIONS ${path} → ${preflight.status}`);
      }
    });
    expect(failures).toEqual([]);
  });

  it("answers posts without a body, with the wrong type, or with a broken multipart body with a 4xx", async () => {
    const bodies: { label: string; headers: Record<string, string>; body?: string; wellFormed?: boolean }[] = [
      { label: "no body, no type", headers: {} },
      { label: "empty form", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "", wellFormed: true },
      { label: "json", headers: { "content-type": "application/json" }, body: "{}" },
      { label: "text, no type", headers: {}, body: "hello" },
      { label: "multipart without boundary", headers: { "content-type": "multipart/form-data" }, body: "--x\r\n\r\nab" },
      { label: "multipart, other boundary", headers: { "content-type": "multipart/form-data; boundary=abc" }, body: "--x\r\n\r\nab" },
      { label: "multipart, truncated", headers: { "content-type": "multipart/form-data; boundary=abc" }, body: '--abc\r\nContent-Disposition: form-data; name="a"\r\n\r\n' },
      { label: "form with NUL", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "intent=a%00" },
    ];
    const actionPaths = routes.filter((r) => r.hasAction).flatMap(pathsOf);
    expect(actionPaths.length).toBeGreaterThan(10);
    const failures: string[] = [];
    await each(actionPaths, async (path) => {
      for (const host of hostsOf(path)) {
        for (const cookie of SIGN_OUTS.test(path) ? [""] : ["", signedIn]) {
          for (const { label, headers, body, wellFormed } of bodies) {
            const length: Record<string, string> = body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) };
            const res = await server.request(host, path, { method: "POST", headers: { ...headers, ...length, cookie, origin: ORIGIN(host) }, body });
            // A well-formed empty form may be answered with the page and its field messages; the others never succeed.
            // (202 is how single fetch answers a redirect on a .data URL: actions that read no form sign out.)
            const redirected = res.status === 202 && path.includes(".data");
            if (res.status >= 500 || (!wellFormed && res.status < 300 && !redirected)) failures.push(`POST ${host}${path} (${label}${cookie ? ", signed in" : ""}) → ${res.status}`);
          }
        }
      }
    });
    expect(failures).toEqual([]);
  });

  it("answers a broken %-escape in any segment with 400, static paths included", async () => {
    const samples = [...paths().filter((p) => !p.includes("?")), "/build/x.js", "/css/portico.css", "/favicon.svg", "/__manifest"];
    const failures: string[] = [];
    await each(samples, async (path) => {
      const segments = path.split("/");
      for (let i = 1; i < segments.length; i++) {
        for (const bad of ["%", "%E0%A4%A", "%C0%AF", "a%zz", "%00"]) {
          const broken = [...segments.slice(0, i), bad, ...segments.slice(i + 1)].join("/");
          const res = await server.request(HAPPY, broken, { headers: { cookie: signedIn } });
          if (res.status !== 400) failures.push(`GET ${broken} → ${res.status}`);
        }
      }
    });
    expect(failures).toEqual([]);
  });

  it("treats malformed session cookies as signed out, for all three audiences", async () => {
    const cookies = ["portico_session=%%%; portico_staff=%%%; portico_support=%%%", "portico_session=%E0%A4%A; portico_staff=%C0%AF; portico_support=%", `portico_session=${"x".repeat(5000)}`, "portico_session; portico_staff=; =x"];
    const failures: string[] = [];
    await each(paths(), async (path) => {
      for (const host of hostsOf(path)) {
        for (const cookie of cookies) {
          const res = await server.request(host, path, { headers: { cookie } });
          if (res.status >= 500) failures.push(`GET ${host}${path} cookie=${cookie.slice(0, 20)} → ${res.status}`);
        }
      }
    });
    expect(failures).toEqual([]);
  });

  it("answers any query parameter value, however odd, without a 5xx; NUL is a 400", async () => {
    const pages = paths().filter((p) => !p.includes("?") && !p.endsWith(".data"));
    const names = ["q", "person", "action", "from", "to", "cursor", "before", "after", "page", "subdomain", "status", "date", "clientId", "id", "index", "_routes", "p", "version"];
    const odd = fc.oneof(
      fc.constantFrom("0000-01-01", "9999-12-31", "2026-02-30", "-1", "99999999999999999999999", "1e400", "NaN", "not-a-uuid", UUID, "", " ", "\u{1F600}", "\uFFFD", "%", "'; drop table clients; --", "A".repeat(3000)),
      fc.string({ unit: "binary", maxLength: 40 }),
    );
    // The out-of-range values on every page in every parameter at once: sampling alone found a bigint overflow only by luck.
    for (const value of ["0000-01-01", "9999-12-31", "2026-02-30", "-1", "99999999999999999999999", "1e400", "NaN", "not-a-uuid", "A".repeat(3000)]) {
      for (const path of pages) {
        const res = await server.request(hostsOf(path)[0]!, `${path}?${new URLSearchParams(names.map((name) => [name, value]))}`, { headers: { cookie: signedIn } });
        expect(res.status, `${path} with every parameter ${value.slice(0, 30)}`).toBeLessThan(500);
      }
    }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...pages), fc.constantFrom(...names), odd, fc.boolean(), async (path, name, value, withCookie) => {
        const host = hostsOf(path)[0]!;
        const res = await server.request(host, `${path}?${new URLSearchParams({ [name]: value })}`, { headers: { cookie: withCookie ? signedIn : "" } });
        if (value.includes("\0")) return res.status === 400;
        return res.status < 500;
      }),
      { numRuns: 400 },
    );
    const nul = await server.request(HAPPY, "/admin/clients?q=a%00b", { headers: { cookie: signedIn } });
    expect(nul.status).toBe(400);
  });

  it("answers any form field value, however odd, without a 5xx", async () => {
    const actionPaths = routes
      .filter((r) => r.hasAction)
      .flatMap(pathsOf)
      .filter((p) => !SIGN_OUTS.test(p));
    const fields = ["email", "password", "code", "intent", "clientId", "patientId", "name", "subdomain", "role", "from", "to", "date", "endsOn", "permissions", "relationship", "confirm", "shared", "status", "reason", "q"];
    for (const value of ["0000-01-01", "9999-12-31", "99999999999999999999", "-5", "1e400", "not-a-uuid", "A".repeat(5000)]) {
      for (const path of actionPaths) {
        const host = hostsOf(path)[0]!;
        const body = form(Object.fromEntries(fields.map((field) => [field, value])));
        const res = await server.request(host, path, { method: "POST", headers: { cookie: signedIn, origin: ORIGIN(host), "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) }, body });
        expect(res.status, `${path} with every field ${value.slice(0, 30)}`).toBeLessThan(500);
      }
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...actionPaths),
        fc.dictionary(fc.constantFrom(...fields), fc.oneof(fc.constantFrom("0000-01-01", "99999999999999999999", "-5", "not-a-uuid", UUID, "", "A".repeat(5000), "on", "true"), fc.string({ unit: "binary", maxLength: 30 })), { maxKeys: 5 }),
        async (path, values) => {
          const host = hostsOf(path)[0]!;
          const body = form(values);
          const res = await server.request(host, path, { method: "POST", headers: { cookie: signedIn, origin: ORIGIN(host), "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) }, body });
          if (Object.entries(values).some(([k, v]) => k.includes("\0") || v.includes("\0"))) return res.status === 400 || (res.status >= 300 && res.status < 500);
          return res.status < 500;
        },
      ),
      { numRuns: 400 },
    );
  });

  it("is still serving after all of it", async () => {
    expect((await server.request(HAPPY, "/")).status).toBe(200);
    expect((await server.request(HAPPY, "/home", { headers: { cookie: await signIn() } })).status).toBe(200);
  });
});

describe("the integration API (/api/v1), every operation, every malformed request class", () => {
  let key: string;
  let readKey: string;
  const api = apiRouteList();
  const KEYED = api.filter((r) => r.scope !== "public");

  // Fresh keys for each test: the walk makes more requests than one key may make in a minute (429).
  beforeEach(async () => {
    const happy = (await server.registry.resolve("happy-paws"))!;
    [key, readKey] = await withPractice(db.app.db, happy, async (trx) => [
      (await issueApiKey(trx, { practiceId: happy.id, name: "Fuzz", scopes: ["read", "write"], createdBy: null, now: new Date() })).secret,
      (await issueApiKey(trx, { practiceId: happy.id, name: "Fuzz read", scopes: ["read"], createdBy: null, now: new Date() })).secret,
    ]);
  });

  /** Each path parameter as a well-formed id, as garbage, overlong, with a NUL and with a broken escape. */
  const apiPaths = (pattern: string) => [
    ...new Set(["C-1", "not%20an%20id!", "A".repeat(300), "a%00b", "%E0%A4%A", "..", "%2F"].map((value) => `/api/v1${pattern.replace(/\{[^}]+\}/g, value)}`)),
  ];

  const problem = (res: { headers: Record<string, unknown> }) => String(res.headers["content-type"]).startsWith("application/problem+json");

  it("walks the API's own route list", () => {
    expect(KEYED.some((r) => r.method === "PUT" && r.path === "/clients/{externalId}")).toBe(true);
  });

  it("answers other methods with 405 and Allow, as problem+json, with or without a key", async () => {
    const failures: string[] = [];
    await each(api, async (route) => {
      for (const method of ["POST", "PATCH", "DELETE", "TRACE", ...(route.method === "PUT" ? [] : ["PUT"])]) {
        const path = `/api/v1${route.path.replace(/\{[^}]+\}/g, "C-1")}`;
        if (api.some((r) => r.method === method && r.path === route.path)) continue;
        for (const auth of [{} as Record<string, string>, { authorization: `Bearer ${key}` }]) {
          const res = await server.request(HAPPY, path, { method, headers: auth });
          if (res.status !== 405 || !res.headers.allow || (method !== "TRACE" && !problem(res))) failures.push(`${method} ${path} → ${res.status}`);
        }
      }
    });
    expect(failures).toEqual([]);
  });

  it("answers bad keys with 401 on every keyed operation, whatever the path parameter", async () => {
    const bad = ["", "Bearer", "Bearer ", `Bearer ${key}x`, `Bearer ${key.slice(0, -1)}${key.endsWith("0") ? "1" : "0"}`, `bearer ${"0".repeat(60)}`, `Basic ${Buffer.from("a:b").toString("base64")}`, "Bearer pk_live_0000000000_" + "0".repeat(40), "x".repeat(5000)];
    const failures: string[] = [];
    await each(KEYED, async (route) => {
      const path = `/api/v1${route.path.replace(/\{[^}]+\}/g, "C-1")}`;
      for (const authorization of bad) {
        const body = route.method === "PUT" ? "{}" : undefined;
        const res = await server.request(HAPPY, path, { method: route.method, headers: { ...(authorization ? { authorization } : {}), ...(body ? { "content-type": "application/json", "content-length": "2" } : {}) }, body });
        if (res.status !== 401 || !problem(res)) failures.push(`${route.method} ${path} auth=${authorization.slice(0, 30)} → ${res.status}`);
      }
    });
    expect(failures).toEqual([]);
  });

  it("answers garbage bodies, wrong types, NUL and odd path parameters with a 4xx problem", async () => {
    const bodies: { label: string; type?: string; body?: string }[] = [
      { label: "none" },
      { label: "empty json", type: "application/json", body: "" },
      { label: "broken json", type: "application/json", body: '{"a":' },
      { label: "json null", type: "application/json", body: "null" },
      { label: "json string", type: "application/json", body: '"x"' },
      { label: "json array", type: "application/json", body: "[1,2]" },
      { label: "json object", type: "application/json", body: "{}" },
      { label: "NUL in a value", type: "application/json", body: '{"first_name":"a\\u0000"}' },
      { label: "NUL in a key", type: "application/json", body: '{"a\\u0000":1}' },
      { label: "deep nesting", type: "application/json", body: "[".repeat(5000) + "]".repeat(5000) },
      { label: "huge number", type: "application/json", body: '{"first_name":1e999,"limit":-0}' },
      { label: "form", type: "application/x-www-form-urlencoded", body: "a=1" },
      { label: "text", type: "text/plain", body: "hello" },
      { label: "json with latin1 charset", type: "application/json; charset=latin1", body: "{}" },
      { label: "invalid utf-8", type: "application/json", body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString("latin1") },
    ];
    const failures: string[] = [];
    const happy = (await server.registry.resolve("happy-paws"))!;
    await each(KEYED, async (route) => {
      // Keys of this route's own, so the walk stays under the per-key limit and every answer is the route's (never a 429).
      const keys = await withPractice(db.app.db, happy, async (trx) =>
        Promise.all((["read", "write"] as const).map(async (scope) => (await issueApiKey(trx, { practiceId: happy.id, name: `Fuzz ${route.method} ${route.path} ${scope}`, scopes: scope === "read" ? ["read"] : ["read", "write"], createdBy: null, now: new Date() })).secret)),
      );
      for (const path of apiPaths(route.path)) {
        for (const { label, type, body } of bodies) {
          for (const k of keys) {
            const res = await server.request(HAPPY, path, { method: route.method, headers: { authorization: `Bearer ${k}`, ...(type ? { "content-type": type } : {}), ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body, "latin1")) } : {}) }, body });
            const ok = (route.method === "GET" ? res.status < 500 : res.status >= 400 && res.status < 500) && res.status !== 429;
            if (!ok || (res.status >= 400 && res.status !== 400 && !problem(res) && !path.includes("%E0"))) failures.push(`${route.method} ${path.slice(0, 60)} (${label}) → ${res.status}`);
          }
        }
      }
    });
    expect(failures).toEqual([]);
    // Every operation × path parameter × body × key: thousands of requests with ten resources.
  }, 180_000);

  it("answers any JSON body on a write without a 5xx", async () => {
    const writes = KEYED.filter((r) => r.method === "PUT");
    const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(1e308, -1, 2 ** 53 + 1, "0000-01-01", "9999-12-31T23:59:60Z", "\u0000", "A".repeat(10_000), "", " "));
    const record = fc.dictionary(fc.constantFrom("first_name", "last_name", "emails", "phones", "address", "alternative_contacts", "status", "client_external_id", "name", "species", "breed", "sex", "date_of_birth", "x"), value, { maxKeys: 8 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), fc.oneof(record, fc.jsonValue({ maxDepth: 2 })), async (route, json) => {
        const body = JSON.stringify(json) ?? "null";
        const res = await server.request(HAPPY, `/api/v1${route.path.replace(/\{[^}]+\}/g, "FUZZ-1")}`, { method: "PUT", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }, body });
        return res.status < 500 && (res.status < 400 || problem(res));
      }),
      { numRuns: 300 },
    );
  });

  it("answers any query parameter value on a list without a 5xx; bad cursors are a 400", async () => {
    const lists = KEYED.filter((r) => r.method === "GET" && !r.path.includes("{"));
    const odd = fc.oneof(
      fc.constantFrom("0", "-1", "1e400", "NaN", "99999999999999999999", "201", "0000-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "bm90LWEtY3Vyc29y", Buffer.from('["x","y"]').toString("base64url"), "A".repeat(3000), "\u{1F600}", "%"),
      fc.string({ unit: "binary", maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), fc.constantFrom("limit", "cursor", "updated_since", "other"), odd, async (route, name, value) => {
        const res = await server.request(HAPPY, `/api/v1${route.path}?${new URLSearchParams({ [name]: value })}`, { headers: { authorization: `Bearer ${readKey}` } });
        if (value.includes("\0")) return res.status === 400;
        return res.status < 500;
      }),
      { numRuns: 300 },
    );
    const badCursor = await server.request(HAPPY, "/api/v1/clients?cursor=bm90LWEtY3Vyc29y", { headers: { authorization: `Bearer ${readKey}` } });
    expect(badCursor.status).toBe(400);
  });

  it("is still serving the API afterwards", async () => {
    expect((await server.request(HAPPY, "/api/v1/clients", { headers: { authorization: `Bearer ${readKey}` } })).status).toBe(200);
  });
});

/** Bytes on a socket, for request lines and headers that no HTTP client library would send. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", reject);
    socket.write(text);
  });
}

describe("request lines and framing", () => {
  it("answers an absolute-form target with 400, never for the other host", async () => {
    const res = await rawRequest(`GET http://riverside-physio.localhost:3000/ HTTP/1.1\r\nHost: ${HAPPY}\r\nConnection: close\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1\.1 400/);
    expect(res).not.toContain("Riverside");
  });

  it("answers two Host headers with 400", async () => {
    const res = await rawRequest(`GET / HTTP/1.1\r\nHost: ${HAPPY}\r\nHost: riverside-physio.localhost:3000\r\nConnection: close\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1\.1 400/);
  });

  it("accepts a chunked form body within the limit, and refuses one over it with 413", async () => {
    const body = form({ email: "nobody@example.com" });
    const ok = await rawRequest(
      `POST /?index HTTP/1.1\r\nHost: ${HAPPY}\r\nOrigin: http://${HAPPY}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(ok).toMatch(/^HTTP\/1\.1 200/);
    const big = "a=" + "x".repeat(2 * 1024 * 1024);
    const chunks = big.match(/.{1,65536}/gs)!.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join("");
    const tooBig = await rawRequest(`POST /?index HTTP/1.1\r\nHost: ${HAPPY}\r\nOrigin: http://${HAPPY}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunks}0\r\n\r\n`);
    expect(tooBig).toMatch(/^HTTP\/1\.1 413/);
  });

  it("answers a POST to a route without an action with 405, and writes no stack trace to the log", async () => {
    const body = form({ a: "1" });
    const logged = server.logs().length;
    const res = await server.request(HAPPY, "/records", { method: "POST", headers: { origin: ORIGIN(HAPPY), "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) }, body });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, OPTIONS");
    const lines = server.logs().slice(logged);
    expect(lines.join("\n")).toContain("POST happy-paws.localhost:3000/records 405");
    expect(lines.join("\n")).not.toMatch(/"stack"|\bat .*\.(js|ts):\d+/);
  });
});
