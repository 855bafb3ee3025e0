import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../app/time";
import { todayIn } from "../../app/visibility/portal-rules";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import { launchChromium, screenshot, seriousViolations, watchConsole } from "../support/browser";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { sessionCookieFor } from "../support/sessions";

const PHONE = { width: 360, height: 740 };
/** Happy Paws' clock (the demo seed). */
const ZONE = "America/Chicago";

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
  const context = await browser.newContext({ bypassCSP: true });
  const [name, value] = (await sessionCookieFor(db, practice, email)).split("=") as [string, string];
  await context.addCookies([{ name, value, url: origin }]);
  return { context, origin };
}

/** A Monday two to three weeks ahead on the practice's clock: inside Dr. Carter's hours, clear of the demo's own appointments. */
function quietMonday(): string {
  let day = addDays(todayIn(ZONE, new Date()), 15);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 1) day = addDays(day, 1);
  return day;
}

/** Nothing wider than the phone, and no serious or critical axe finding. */
async function checkScreen(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} overflows at ${PHONE.width}px`).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, `booking-${name}-mobile`);
  expect(await seriousViolations(page), name).toEqual([]);
}

describe("online booking in Chromium", () => {
  it("a client books an appointment on a phone: pet, kind, day, a free time, the reason; the practice emails her", async () => {
    const happyPaws = (await server.registry.resolve("happy-paws"))!;
    const { context, origin } = await signedIn(happyPaws, "maria.lopez@example.com");
    const page = await context.newPage();
    await page.setViewportSize(PHONE);
    const problems = watchConsole(page);
    const day = quietMonday();

    await page.goto(`${origin}/appointments`);
    await page.getByRole("link", { name: "Book an appointment" }).click();
    await page.getByRole("heading", { level: 1, name: "Book an appointment" }).waitFor();
    await page.getByLabel("Which pet is it for?").selectOption({ label: "Biscuit" });
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Kind of appointment").selectOption({ label: "Wellness exam (30 min)" });
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("From").fill(day);
    await page.getByRole("button", { name: "Show free times" }).click();
    await page.waitForURL((url) => url.searchParams.get("date") === day);
    const days = page.getByRole("navigation", { name: "Days" });
    // The address changes before React renders the new day: wait for the chosen day itself to be the current one.
    const dayLabel = new Intl.DateTimeFormat("en-US", { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
    await days.locator('[aria-current="date"]', { hasText: dayLabel }).waitFor();
    expect(await days.locator('[aria-current="date"]').textContent()).toMatch(/^Mon, .* free$/);
    const firstTime = page.getByRole("main").getByRole("button", { name: / with Dr\. / }).first();
    await firstTime.waitFor();
    await checkScreen(page, "choice");

    await firstTime.click();
    await page.getByRole("heading", { level: 1, name: "Confirm your booking" }).waitFor();
    expect(page.url()).toMatch(/\/appointments\/book\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { level: 2, name: "Wellness exam for Biscuit" }).waitFor();
    const startsAt = (await page.getByRole("main").locator("time").getAttribute("datetime"))!;
    expect(todayIn(ZONE, new Date(startsAt))).toBe(day);
    await checkScreen(page, "confirm");

    await page.getByLabel("What is the visit for?").fill("Yearly check-up; a little stiff after walks");
    await page.getByRole("button", { name: "Book this appointment" }).click();
    await page.waitForURL(`${origin}/appointments?booked=1`);
    await page.getByRole("status").getByText("Your appointment is booked").waitFor();
    const booked = page.getByRole("region", { name: "Upcoming" }).locator("li.appointment", { has: page.locator(`time[datetime="${startsAt}"]`) });
    expect(await booked.count()).toBe(1);
    expect(await booked.getByRole("heading", { level: 3 }).textContent()).toBe("Wellness exam — Biscuit");
    await checkScreen(page, "booked");

    const stored = await withPractice(db.owner.db, happyPaws, async (trx) => ({
      appointment: await trx.selectFrom("appointments").select(["id", "starts_at", "status", "booked_by"]).where("client_note", "=", "Yearly check-up; a little stiff after walks").executeTakeFirstOrThrow(),
      emails: await trx.selectFrom("mail.outbox").select(["recipient", "subject", "text"]).where("kind", "=", "client_appointment_booked").execute(),
    }));
    expect(stored.appointment).toMatchObject({ status: "confirmed", booked_by: "client" });
    expect(stored.appointment.starts_at.toISOString()).toBe(startsAt);
    expect(stored.emails).toHaveLength(1);
    expect(stored.emails[0]).toMatchObject({ recipient: "maria.lopez@example.com", subject: expect.stringMatching(/^Booked: Wellness exam for Biscuit/) });
    expect(stored.emails[0]!.text).toContain(`/appointments/${stored.appointment.id}.ics`);

    expect(problems).toEqual([]);
    await context.close();
  });
});
