import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSupportUser } from "../../tenants/support-users.server";
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

describe("the support console in Chromium", () => {
  it("a new support user sets up their account, creates a practice with the live subdomain check, and opens a practice's admin with a reason", async () => {
    const token = await createSupportUser(db.owner.db, { email: "sam.support@portico.example.com", name: "Sam Support" });
    const support = `http://support.localhost:${server.port}`;
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const problems = watchConsole(page);

    await page.goto(`${support}/support/setup/${token}`);
    const manualKey = (await page.locator("code.manual-key").textContent())!.replaceAll(" ", "");
    const code = generateHOTP(decodeBase32IgnorePadding(manualKey), BigInt(Math.floor(Date.now() / 30_000)), 6);
    await page.getByLabel("New password").fill("lantern-harbour-9931");
    await page.getByLabel("The same password again").fill("lantern-harbour-9931");
    await page.getByLabel("Code from your authenticator app").fill(code);
    await page.getByRole("button", { name: "Finish setup" }).click();
    await page.getByRole("heading", { level: 1, name: "Practices" }).waitFor();
    expect(await page.getByRole("link", { name: "Happy Paws Animal Hospital" }).count()).toBe(1);

    await page.getByRole("link", { name: "New practice" }).click();
    await page.getByRole("heading", { level: 1, name: "New practice" }).waitFor();
    const subdomain = page.getByLabel("Subdomain", { exact: true });
    await subdomain.fill("happy-paws");
    await page.getByText("The subdomain 'happy-paws' is already taken.").waitFor();
    await subdomain.fill("maple-vet");
    await page.getByText(`'maple-vet' is available. The portal will be at http://maple-vet.localhost:${server.port}.`).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Practice name").fill("Maple Veterinary");
    await page.getByLabel("Address", { exact: true }).fill("5 Maple Street\nSpringfield");
    await page.getByLabel(/subdomain is permanent/).check();
    await screenshot(page, "support-new-practice");
    await page.getByRole("button", { name: "Create practice" }).click();
    await page.getByRole("heading", { level: 1, name: "Maple Veterinary" }).waitFor();
    await page.getByText("Maple Veterinary is created.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${support}/support/practices/happy-paws`);
    await page.getByLabel("Reason").fill("Owner asked us on the phone to check the sharing settings");
    await page.getByRole("button", { name: "Open administration" }).click();
    await page.getByRole("heading", { level: 1, name: /Open Happy Paws Animal Hospital's administration/ }).waitFor();
    await page.getByRole("button", { name: "Open administration" }).click();
    await page.getByText("Portico support access").waitFor();
    expect(await page.getByText("Owner asked us on the phone to check the sharing settings").count()).toBe(1);
    await screenshot(page, "support-break-glass-banner");
    await page.getByRole("button", { name: "End support access" }).click();
    await page.getByRole("heading", { level: 1, name: "Staff sign-in" }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
