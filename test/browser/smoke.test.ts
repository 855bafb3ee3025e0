import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, watchConsole } from "../support/browser";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server } = await startDemoServer({ publicPortIsListenPort: true }));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("in Chromium", () => {
  it("a visitor finds their practice from the landing page and sees its details", async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    await page.goto(`http://localhost:${server.port}/`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Your practice's client portal");
    await screenshot(page, "landing");

    await page.getByLabel("Your practice's portal address or full name").fill("Happy Paws Animal Hospital");
    await page.getByRole("button", { name: "Find" }).click();
    const result = page.getByRole("link", { name: /Happy Paws Animal Hospital/ });
    await result.waitFor();
    await result.click();

    await page.waitForURL(`http://happy-paws.localhost:${server.port}/`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Happy Paws Animal Hospital");
    await expect(page.getByRole("link", { name: "(555) 010-4400" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("table", { name: "Opening hours" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "practice-home");

    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await screenshot(page, "practice-home-mobile");

    expect(problems).toEqual([]);
    await page.close();
  });

  it("an unknown practice address shows the product's 404 page", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`http://nope.localhost:${server.port}/`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("No practice at this address");
    await page.close();
  });
});
