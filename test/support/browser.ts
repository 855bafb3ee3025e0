import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { ROOT } from "../../server/build.server";

export const ARTIFACTS = path.join(ROOT, "test-results");

/**
 * Debian's Chromium (never a downloaded browser), with the flags that work as root on a closed network. Playwright
 * gives every launch a fresh, temporary profile of its own.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Collects what a person would never notice but a developer must: console errors (CSP violations among them). */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

let axeSource: string | undefined;

/**
 * axe-core's serious and critical findings on the page (WCAG 2.1 A/AA and best practices). It is injected as a
 * script, so the page's context must be created with `bypassCSP: true` (the page itself is unchanged).
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= await fs.readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: axeSource });
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } })).violations;
  })) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Presses Tab until the target has the focus, as a keyboard user would reach it; fails if it is not in the tab order. */
export async function tabTo(page: Page, target: Locator, most = 40): Promise<void> {
  for (let i = 0; i < most; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`${String(target)} was not reached with ${most} presses of Tab`);
}

/** Waits for the page to reach the address; if it never does, the failure says what the console reported meanwhile. */
export async function arriveAt(page: Page, url: string | RegExp | ((url: URL) => boolean), problems: string[]): Promise<void> {
  await page.waitForURL(url).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nStill at ${page.url()}; the console said:\n${problems.join("\n")}`);
  });
}

