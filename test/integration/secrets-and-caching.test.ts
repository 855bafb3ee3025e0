import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { postForm, type TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

/**
 * Secrets stay out of logs, caches and referrers: token URLs are logged as `[token]` whatever the request looked
 * like (a page, its .data URL, Remix's route discovery, the POST that uses it), and every page that is one person's
 * is `private, no-store`.
 */

const HAPPY = "happy-paws.localhost:3000";
const SUPPORT = "support.localhost:3000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;

beforeAll(async () => {
  ({ db, server } = await startDemoServer({ config: { logLevel: "debug" } }));
  happyPaws = (await server.registry.resolve("happy-paws"))!;
});

afterAll(async () => {
  await server.close();
});

async function latestLink(recipient: string): Promise<string> {
  await server.settled();
  const mail = await db.owner.db.selectFrom("mail.outbox").select("text").where("recipient", "=", recipient).orderBy("created_at", "desc").executeTakeFirstOrThrow();
  return /https?:\/\/\S+/.exec(mail.text)![0];
}

describe("tokens in URLs", () => {
  it("never reach the log: a real sign-in link, opened, discovered, fetched as data and used", async () => {
    await postForm(server, HAPPY, "/?index", [["email", "maria.lopez@example.com"]]);
    const path = new URL(await latestLink("maria.lopez@example.com")).pathname;
    const token = path.split("/").at(-1)!;
    expect(token.length).toBeGreaterThan(20);

    const page = await server.request(HAPPY, path);
    expect(page.status).toBe(200);
    expect(page.headers["cache-control"]).toBe("private, no-store");
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect((await server.request(HAPPY, `${path}.data`)).status).toBeLessThan(500);
    await server.request(HAPPY, `/__manifest?p=${encodeURIComponent(path)}&version=x`);
    const used = await postForm(server, HAPPY, path, [["intent", "sign-in"]]);
    expect(used.status).toBe(302);

    const log = server.logs().join("\n");
    expect(log).toContain("/sign-in/[token]");
    expect(log).not.toContain(token);
  });

  it.each([
    [HAPPY, "/sign-in/"],
    [HAPPY, "/account/"],
    [HAPPY, "/admin/invitation/"],
    [HAPPY, "/admin/support-access/"],
    [SUPPORT, "/support/setup/"],
  ])("are redacted by route pattern on %s%s…, with no-store and no referrer", async (host, prefix) => {
    const token = `tok${Math.random().toString(36).slice(2)}${"q".repeat(30)}`;
    for (const path of [`${prefix}${token}`, `${prefix}${token}.data`]) {
      const res = await server.request(host, path);
      expect(res.status, path).toBeLessThan(500);
      expect(res.headers["cache-control"]).toBe("private, no-store");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
    await postForm(server, host, `${prefix}${token}`, [["password", "x"]]);
    expect(server.logs().join("\n")).not.toContain(token);
  });

  it("leaves pages without a token with the ordinary referrer policy", async () => {
    const res = await server.request(HAPPY, "/");
    expect(res.headers["referrer-policy"]).toBe("same-origin");
  });
});

describe("every signed-in answer is private, no-store", () => {
  it("client pages, their data, PDFs, calendar files and photos", async () => {
    const cookie = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
    const records = await server.request(HAPPY, "/records", { headers: { cookie } });
    const documentId = /href="\/records\/([0-9a-f-]{36})"/.exec(records.body)![1];
    const appointments = await server.request(HAPPY, "/appointments", { headers: { cookie } });
    const appointmentId = /\/appointments\/([0-9a-f-]{36})\.ics/.exec(appointments.body)![1];
    for (const path of ["/home", "/home.data", "/records", `/records/${documentId}`, `/records/${documentId}.pdf`, `/appointments/${appointmentId}.ics`, "/prescriptions", "/reminders", "/settings"]) {
      const res = await server.request(HAPPY, path, { headers: { cookie } });
      expect(res.status, path).toBe(200);
      expect(res.headers["cache-control"], path).toBe("private, no-store");
    }
  });

  it("staff pages and the audit CSV", async () => {
    const cookie = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
    for (const path of ["/admin", "/admin/clients", "/admin/audit", "/admin/audit.csv", "/admin/portal-settings"]) {
      const res = await server.request(HAPPY, path, { headers: { cookie } });
      expect(res.status, path).toBe(200);
      expect(res.headers["cache-control"], path).toBe("private, no-store");
    }
  });
});
