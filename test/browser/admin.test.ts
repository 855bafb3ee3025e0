import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STAFF_PASSWORD } from "../../db/seed/demo-data";
import { launchChromium, screenshot, watchConsole } from "../support/browser";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";

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

describe("practice admin in Chromium", () => {
  it("the demo owner signs in, changes a setting and switches a record off, and the client's view changes", async () => {
    const happyPaws = (await server.registry.resolve("happy-paws"))!;
    const origin = `http://happy-paws.localhost:${server.port}`;
    const client = await browser.newContext();
    const [name, value] = (await sessionCookieFor(db, happyPaws, "maria.lopez@example.com")).split("=") as [string, string];
    await client.addCookies([{ name, value, url: origin }]);
    const clientPage = await client.newPage();
    await clientPage.goto(`${origin}/records`);
    expect(await clientPage.getByText("Hip radiographs").count()).toBe(1);
    expect(await clientPage.getByText("Urinalysis (awaiting review)").count()).toBe(0);

    const staff = await browser.newContext();
    const page = await staff.newPage();
    const problems = watchConsole(page);
    await page.goto(`${origin}/admin`);
    await page.waitForURL(`${origin}/admin/login?next=%2Fadmin`);
    await page.getByLabel("Email").fill("owner@happypaws.example.com");
    await page.getByLabel("Password").fill(DEMO_STAFF_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Happy Paws Animal Hospital" }).waitFor();

    await page.getByRole("link", { name: "Portal settings" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Client portal settings" }).waitFor();
    await page.getByLabel(/To Review/).check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();
    await screenshot(page, "admin-portal-settings");

    await page.getByRole("link", { name: "Clients" }).first().click();
    await page.getByRole("searchbox").fill("Lopez");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "Lopez, Maria" }).click();
    await page.getByRole("heading", { level: 1, name: "Maria Lopez" }).waitFor();
    const row = page.locator("tr", { hasText: "Hip radiographs" });
    await row.getByRole("button", { name: /Portal sharing: On/ }).click();
    await row.getByRole("button", { name: /Portal sharing: Off/ }).waitFor();
    await screenshot(page, "admin-client");

    await clientPage.reload();
    expect(await clientPage.getByText("Hip radiographs").count()).toBe(0);
    expect(await clientPage.getByText("Urinalysis (awaiting review)").count()).toBe(1);

    expect(problems).toEqual([]);
    await staff.close();
    await client.close();
  });
});
