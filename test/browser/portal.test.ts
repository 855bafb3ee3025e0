import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import { launchChromium, screenshot, seriousViolations, watchConsole } from "../support/browser";
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

/** A browser context already signed in as the client (session inserted by the fixture, cookie set directly). */
async function signedIn(practice: Practice, email: string): Promise<{ context: BrowserContext; origin: string }> {
  const origin = `http://${practice.subdomain}.localhost:${server.port}`;
  // axe is injected as a script: the test context lets it past the page's CSP (the page itself is unchanged).
  const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true });
  const [name, value] = (await sessionCookieFor(db, practice, email)).split("=") as [string, string];
  await context.addCookies([{ name, value, url: origin }]);
  return { context, origin };
}

async function checkPage(page: Page, url: string, name: string, heading: string): Promise<void> {
  for (const [width, height, label] of [
    [1280, 900, "desktop"],
    [360, 740, "mobile"],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.goto(url);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), `${name} overflows at ${width}px`).toBe(false);
    await screenshot(page, `portal-${name}-${label}`);
  }
  expect(await seriousViolations(page), name).toEqual([]);
  for (const landmark of ["banner", "navigation", "main", "contentinfo"]) {
    expect(await page.getByRole(landmark as "main").count(), `${name}: ${landmark}`).toBeGreaterThan(0);
  }
}

describe("the client portal in Chromium", () => {
  it("every page of a veterinary client reads well on desktop and phone, with no serious accessibility problems", async () => {
    const happyPaws = (await server.registry.resolve("happy-paws"))!;
    const { context, origin } = await signedIn(happyPaws, "maria.lopez@example.com");
    const page = await context.newPage();
    const problems = watchConsole(page);
    const record = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("documents").select("id").where("title", "=", "Hip radiographs").executeTakeFirstOrThrow());

    await checkPage(page, `${origin}/home`, "pets", "Your pets");
    await checkPage(page, `${origin}/records`, "records", "Medical records");
    await checkPage(page, `${origin}/records/${record.id}`, "record", "Hip radiographs");
    await checkPage(page, `${origin}/prescriptions`, "prescriptions", "Prescriptions");
    await checkPage(page, `${origin}/appointments`, "appointments", "Appointments");
    await checkPage(page, `${origin}/reminders`, "reminders", "Reminders");
    await checkPage(page, `${origin}/settings`, "settings", "Settings");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a client confirms an appointment and downloads a record as PDF", async () => {
    const happyPaws = (await server.registry.resolve("happy-paws"))!;
    const { context, origin } = await signedIn(happyPaws, "maria.lopez@example.com");
    const page = await context.newPage();
    const problems = watchConsole(page);

    await page.goto(`${origin}/appointments`);
    const card = page.locator("li.appointment", { hasText: "Dental assessment" });
    await card.getByRole("button", { name: "Confirm appointment" }).click();
    await card.getByText("Confirmed").waitFor();
    expect(await card.getByRole("button", { name: "Confirm appointment" }).count()).toBe(0);

    await page.goto(`${origin}/records`);
    await page.getByRole("link", { name: /Hip radiographs/ }).click();
    await page.getByRole("heading", { level: 1, name: "Hip radiographs" }).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PDF" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^biscuit-hip-radiographs-.*\.pdf$/);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");

    // The print stylesheet keeps the record and drops the navigation.
    await page.emulateMedia({ media: "print" });
    expect(await page.getByRole("navigation").isVisible()).toBe(false);
    expect(await page.getByRole("heading", { level: 1, name: "Hip radiographs" }).isVisible()).toBe(true);

    expect(problems).toEqual([]);
    await context.close();
  });

  it("a human-health practice's portal speaks of family", async () => {
    const riverside = (await server.registry.resolve("riverside-physio"))!;
    const { context, origin } = await signedIn(riverside, "alex.morgan@example.com");
    const page = await context.newPage();
    await checkPage(page, `${origin}/home`, "family", "Your family");
    expect(await page.getByRole("link", { name: "Family" }).count()).toBe(1);
    await context.close();
  });
});
