import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STAFF_PASSWORD } from "../../db/seed/demo-data";
import { launchChromium, screenshot, seriousViolations, watchConsole } from "../support/browser";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";

let db: TestDatabase;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ db, server } = await startDemoServer({ publicPortIsListenPort: true }));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("client accounts in Chromium", () => {
  it("staff invite a client, who chooses a password from the email and then signs in with it", async () => {
    const origin = `http://riverside-physio.localhost:${server.port}`;
    const staff = await browser.newContext();
    const admin = await staff.newPage();
    await admin.goto(`${origin}/admin/login`);
    await admin.getByLabel("Email").fill("owner@riversidephysio.example.com");
    await admin.getByLabel("Password").fill(DEMO_STAFF_PASSWORD);
    await admin.getByRole("button", { name: "Sign in" }).click();
    await admin.getByRole("heading", { level: 1, name: "Riverside Physio" }).waitFor();
    await admin.goto(`${origin}/admin/clients?q=Novak`);
    await admin.getByRole("link", { name: "Novak, Daniel" }).click();
    await admin.getByRole("button", { name: "Send invitation" }).click();
    await admin.getByText("An invitation is on its way to daniel.novak@example.com").waitFor();
    await admin.getByRole("cell", { name: "Invitation" }).waitFor();

    const mail = await db.owner.db.selectFrom("mail.outbox").select("text").where("recipient", "=", "daniel.novak@example.com").where("kind", "=", "client_invitation").executeTakeFirstOrThrow();
    const link = mail.text.match(/http:\/\/\S+\/account\/[A-Za-z0-9_-]{43}/)![0];

    const client = await browser.newContext({ bypassCSP: true });
    const page = await client.newPage();
    const problems = watchConsole(page);
    await page.goto(link);
    await page.getByRole("heading", { level: 1, name: "Create your account" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("New password").fill("daniel-harbour-5521");
    await page.getByLabel("The same password again").fill("daniel-harbour-5521");
    await screenshot(page, "client-invitation");
    await page.getByRole("button", { name: "Create account and sign in" }).click();
    await page.waitForURL(`${origin}/home`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${origin}/`);

    await page.getByLabel("Email or username").fill("daniel.novak@example.com");
    await page.getByLabel("Password", { exact: true }).fill("daniel-harbour-5521");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${origin}/home`);
    // A client-side navigation changes the URL before React has committed the new page.
    await page.getByRole("heading", { level: 1, name: "Your family" }).waitFor();
    expect(await page.getByText("Daniel Novak").count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
