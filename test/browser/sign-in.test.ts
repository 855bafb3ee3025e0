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
  it("a client signs in with the link from the dev mailbox and sees their pets, then signs out", async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);
    const practice = `http://happy-paws.localhost:${server.port}`;

    await page.goto(`${practice}/`);
    await page.getByLabel("Enter the email address the practice has on file for you.").fill("Maria.Lopez@example.com");
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await screenshot(page, "sign-in-sent");
    await server.settled();

    await page.goto(`http://localhost:${server.port}/__dev/mailbox`);
    await page.getByRole("link", { name: "Your sign-in link for Happy Paws Animal Hospital" }).first().click();
    await page.getByRole("link", { name: "Sign in to Happy Paws Animal Hospital" }).click();

    await page.waitForURL(new RegExp(`^${practice}/sign-in/`));
    await screenshot(page, "sign-in-confirm");
    await page.getByRole("button", { name: "Sign in to Happy Paws Animal Hospital" }).click();

    await page.waitForURL(`${practice}/home`);
    await page.getByRole("heading", { level: 1, name: "Your pets" }).waitFor();
    await expect(page.getByRole("heading", { name: "Biscuit" }).isVisible()).resolves.toBe(true);
    await expect(page.getByText("Pepper").count()).resolves.toBe(0);
    await screenshot(page, "client-home");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${practice}/`);
    await page.goto(`${practice}/home`);
    await page.waitForURL(`${practice}/`);
    await expect(page.getByRole("heading", { name: "Sign in" }).isVisible()).resolves.toBe(true);

    expect(problems).toEqual([]);
    await page.close();
  });
});
