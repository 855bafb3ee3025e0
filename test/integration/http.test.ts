import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPractice, setPracticeStatus } from "../../tenants/practices.server";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { startTestServer, type TestServer } from "../support/http";

let db: TestDatabase;
let server: TestServer;

const HAPPY = "happy-paws.localhost:3000";
const RIVERSIDE = "riverside-physio.localhost:3000";

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
});

afterAll(async () => {
  await server.close();
});

describe("a practice's home page shows that practice's own data, and nothing of another", () => {
  it("Happy Paws", async () => {
    const res = await server.request(HAPPY, "/");
    expect(res.status).toBe(200);
    expect(res.body).toContain("<h1>Happy Paws Animal Hospital</h1>");
    expect(res.body).toContain("(555) 010-4400");
    expect(res.body).toContain("frontdesk@happypaws.example.com");
    expect(res.body).toContain("1200 Maple Avenue");
    expect(res.body).not.toContain("Riverside");
    expect(res.body).not.toContain("020 7946");
  });

  it("Riverside Physio, with both of its locations", async () => {
    const res = await server.request(RIVERSIDE, "/");
    expect(res.status).toBe(200);
    expect(res.body).toContain("<h1>Riverside Physio</h1>");
    expect(res.body).toContain("Riverside Physio — Riverside");
    expect(res.body).toContain("Riverside Physio — Old Town");
    expect(res.body).toContain("hello@riversidephysio.example.com");
    expect(res.body).not.toContain("Happy Paws");
    expect(res.body).not.toContain("Maple Avenue");
  });
});

describe("hosts that are not a practice", () => {
  it("serves the landing page on the portal domain", async () => {
    const res = await server.request("localhost:3000", "/");
    expect(res.status).toBe(200);
    expect(res.body).toContain("Find your practice");
  });

  it.each(["nope.localhost:3000", "a.b.localhost:3000", "127.0.0.1:3000", "happy-paws.example.com", "happy-paws.localhost.evil.com", "www.localhost:3000", "bad_label.localhost"])(
    "answers %s with the product's 404 page",
    async (host) => {
      const res = await server.request(host, "/");
      expect(res.status).toBe(404);
      expect(res.headers["content-type"]).toMatch(/text\/html/);
      expect(res.body).toContain("No practice at this address");
      expect(res.body).not.toContain("Happy Paws");
    },
  );

  it("answers an unknown path on a practice with the product's 404 page", async () => {
    const res = await server.request(HAPPY, "/no-such-page");
    expect(res.status).toBe(404);
    expect(res.body).toContain("Page not found");
  });
});

describe("a suspended practice", () => {
  it("answers 503 on every path, and comes back when resumed", async () => {
    await createPractice(db.owner.db, { subdomain: "paused-vet", name: "Paused Vet", kind: "veterinary" });
    await setPracticeStatus(db.owner.db, "paused-vet", "suspended");
    server.registry.invalidate("paused-vet");
    for (const path of ["/", "/anything", "/admin"]) {
      const res = await server.request("paused-vet.localhost:3000", path);
      expect(res.status, path).toBe(503);
      expect(res.body).toContain("temporarily unavailable");
    }
    await setPracticeStatus(db.owner.db, "paused-vet", "active");
    server.registry.invalidate("paused-vet");
    expect((await server.request("paused-vet.localhost:3000", "/")).status).toBe(200);
  });
});

describe("a suspended practice's 503 page", () => {
  it("says how to reach the practice, from the registry (its own database may be the thing that is down)", async () => {
    await setPracticeStatus(db.owner.db, "happy-paws", "suspended");
    server.registry.invalidate("happy-paws");
    try {
      const res = await server.request(HAPPY, "/home");
      expect(res.status).toBe(503);
      expect(res.body).toContain("Happy Paws Animal Hospital");
      expect(res.body).toContain('href="tel:5550104400"');
      expect(res.body).toContain("(555) 010-4400");
      expect(res.body).toContain("mailto:frontdesk@happypaws.example.com");
    } finally {
      await setPracticeStatus(db.owner.db, "happy-paws", "active");
      server.registry.invalidate("happy-paws");
    }
  });
});

describe("X-Forwarded-Host", () => {
  it("is ignored without TRUST_PROXY", async () => {
    const unknownHost = await server.request("nope.localhost:3000", "/", { headers: { "x-forwarded-host": HAPPY } });
    expect(unknownHost.status).toBe(404);
    const otherPractice = await server.request(HAPPY, "/", { headers: { "x-forwarded-host": RIVERSIDE } });
    expect(otherPractice.body).toContain("<h1>Happy Paws Animal Hospital</h1>");
    expect(otherPractice.body).not.toContain("Riverside");
  });

  it("is honoured behind a configured trusted proxy", async () => {
    const proxied = await startTestServer(db, { trustProxy: ["loopback"] });
    try {
      const res = await proxied.request("internal-upstream:8080", "/", { headers: { "x-forwarded-host": RIVERSIDE, "x-forwarded-proto": "https" } });
      expect(res.status).toBe(200);
      expect(res.body).toContain("<h1>Riverside Physio</h1>");
    } finally {
      await proxied.close();
    }
  });
});

describe("find your practice", () => {
  it.each(["happy-paws", "HAPPY-PAWS", "happy-paws.localhost:3000", "http://happy-paws.localhost:3000/anything", "Happy Paws Animal Hospital", "  happy paws   animal hospital "])(
    "finds Happy Paws from %j",
    async (query) => {
      const res = await server.request("localhost:3000", `/?q=${encodeURIComponent(query)}`);
      expect(res.status).toBe(200);
      expect(res.body).toContain('href="http://happy-paws.localhost:3000"');
    },
  );

  it.each(["Happy", "paws", "a", "localhost"])("lists nothing for the partial query %j", async (query) => {
    const res = await server.request("localhost:3000", `/?q=${encodeURIComponent(query)}`);
    expect(res.status).toBe(200);
    expect(res.body).not.toContain("result-list__link");
  });
});

describe("the server itself", () => {
  it("answers health and readiness on any host", async () => {
    expect((await server.request("whatever", "/healthz")).status).toBe(200);
    const ready = await server.request("localhost:3000", "/readyz");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: "ready", main: "ok", dedicatedStates: {}, dedicated: [] });
  });

  it("sends security headers with a CSP nonce that matches the page's scripts", async () => {
    const res = await server.request(HAPPY, "/");
    const csp = String(res.headers["content-security-policy"]);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.body).toContain(`nonce="${nonce}"`);
    expect(res.body).not.toMatch(/<script(?![^>]*nonce=)[^>]*>/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("sends a whole page with its length, not as a chunked stream (entry.server.tsx)", async () => {
    const res = await server.request(HAPPY, "/");
    expect(res.status).toBe(200);
    expect(res.headers["transfer-encoding"]).toBeUndefined();
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.body));
    expect(res.body).toMatch(/<\/html>$/);
  });

  it("refuses oversized bodies with 413", async () => {
    const res = await server.request(HAPPY, "/?index", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(2 * 1024 * 1024) }, body: "" });
    expect(res.status).toBe(413);
  });

  it("serves the rest of public/ for an hour, and nothing outside it", async () => {
    for (const asset of ["/css/portico.css", "/favicon.svg"]) {
      const res = await server.request(HAPPY, asset);
      expect(res.status).toBe(200);
      expect(res.headers["cache-control"]).toBe("public, max-age=3600");
    }
    expect((await server.request(HAPPY, "/css/%2e%2e/%2e%2e/package.json")).status).toBe(404);
    expect((await server.request(HAPPY, "/css/missing.css")).status).toBe(404);
  });

  it("serves fingerprinted assets as immutable", async () => {
    const page = await server.request("localhost:3000", "/");
    const asset = /href="(\/build\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(asset).toBeTruthy();
    const res = await server.request("localhost:3000", asset!);
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toContain("immutable");
  });
});

describe("bodies that are not forms", () => {
  it("are refused with 415 before any action runs", async () => {
    const body = JSON.stringify({ email: "maria.lopez@example.com" });
    const res = await server.request(HAPPY, "/?index", { method: "POST", headers: { "content-type": "application/json", "content-length": String(body.length), origin: `http://${HAPPY}` }, body });
    expect(res.status).toBe(415);
  });
});
