import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, seriousViolations, watchConsole } from "../support/browser";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { staffCookieFor } from "../support/sessions";

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

describe("clients kept by hand, in Chromium", () => {
  it("the new-client form is usable at 360 px: labelled fields, the problem shown at its field, then saved", async () => {
    const happyPaws = (await server.registry.resolve("happy-paws"))!;
    const origin = `http://happy-paws.localhost:${server.port}`;
    // axe is injected as a script: the test context lets it past the page's CSP (the page itself is unchanged).
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 740 } });
    const [name, value] = (await staffCookieFor(db, happyPaws, "sam.rivera@happypaws.example.com")).split("=") as [string, string];
    await context.addCookies([{ name, value, url: origin }]);
    const page = await context.newPage();
    const problems = watchConsole(page);

    await page.goto(`${origin}/admin/clients`);
    await page.getByRole("link", { name: "New client" }).click();
    await page.getByRole("heading", { level: 1, name: "New client" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), "overflows at 360 px").toBe(false);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel("First name", { exact: true }).fill("Rosa");
    await page.getByLabel("Last name", { exact: true }).fill("Ortega");
    await page.getByLabel("Emails that may sign in to the portal").fill("rosa.ortega@example.com\nnot an email");
    await page.getByLabel("Name", { exact: true }).first().fill("Luis Ortega");
    await page.getByLabel("Relationship").first().fill("Husband");
    await page.getByRole("button", { name: "Add client" }).click();

    const emails = page.getByLabel("Emails that may sign in to the portal");
    await page.getByText("Nothing was saved").waitFor();
    expect(await emails.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(`#${(await emails.getAttribute("aria-describedby"))!.split(" ").at(-1)!}`).textContent()).toContain("line 2 must be an email address");
    // What was typed is still there.
    expect(await page.getByLabel("Name", { exact: true }).first().inputValue()).toBe("Luis Ortega");
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "admin-new-client-error-mobile");

    await emails.fill("rosa.ortega@example.com");
    await page.getByRole("button", { name: "Add client" }).click();
    await page.getByRole("heading", { level: 1, name: "Rosa Ortega" }).waitFor();
    await page.getByText("Luis Ortega").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), "client page overflows at 360 px").toBe(false);

    // The refused post is a 400 by design (Chromium logs it); nothing else may appear.
    expect(problems).toEqual(["error: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
    await context.close();
  });
});
