import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { addDays } from "../../app/time";
import { todayIn } from "../../app/visibility/portal-rules";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import { launchChromium, screenshot, seriousViolations, watchConsole } from "../support/browser";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { staffCookieFor } from "../support/sessions";

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
/** Riverside Physio's clock (the demo seed). */
const ZONE = "Europe/London";
/** Nobody in the demo: the booking must make a new client for it. */
const NEW_CLIENT = { firstName: "Priya", lastName: "Okafor", email: "priya.okafor@example.net", phone: "07700 900321", dateOfBirth: "1991-04-12", password: "kingfisher-under-wharf-bridge-71" };
const REASON = "Shoulder pain since a fall while cycling";
/** The work after the response (client, request, email) is not instant: polled for, never longer than this. */
const WORK_AFTER_RESPONSE = { timeout: 10_000, interval: 100 };

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

/** A Monday two to three weeks ahead on the practice's clock: Hannah Brooks works at Riverside, clear of the demo's own appointments. */
function quietMonday(): string {
  let day = addDays(todayIn(ZONE, new Date()), 15);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 1) day = addDays(day, 1);
  return day;
}

/** Nothing wider than the phone, and no serious or critical axe finding. */
async function checkPhoneScreen(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth), `${name} overflows at ${PHONE.width}px`).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, `new-client-booking-${name}-mobile`);
  expect(await seriousViolations(page), name).toEqual([]);
}

/** What the booking wrote for the new client's address, as the database holds it now. */
async function storedFor(practice: Practice, email: string) {
  return withPractice(db.owner.db, practice, async (trx) => {
    const address = await trx.selectFrom("client_emails").select(["client_id"]).where("email_key", "=", email.toLowerCase()).executeTakeFirst();
    const appointments = address
      ? await trx
          .selectFrom("appointments as a")
          .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "a.practice_id").onRef("p.id", "=", "a.patient_id"))
          .select(["a.id", "a.status", "a.starts_at", "a.reason", "a.client_note", "a.booked_by", "p.name as patient_name"])
          .where("p.client_id", "=", address.client_id)
          .execute()
      : [];
    const emails = await trx.selectFrom("mail.outbox").select(["kind", "subject", "text", "attachments"]).where("recipient", "=", email).orderBy("created_at").execute();
    const account = address ? await trx.selectFrom("client_accounts").select(["access_level", "password_hash", "pending_password_hash"]).where("client_id", "=", address.client_id).executeTakeFirst() : undefined;
    return { clientId: address?.client_id, account, appointments, emails };
  });
}

describe("a new client's first visit at /book, in Chromium", () => {
  it("on a phone, signed out: home → Book a first visit → location, kind, a free time → details → request sent; the emailed link shows it waiting; staff approve it", async () => {
    const riverside = (await server.registry.resolve("riverside-physio"))!;
    const origin = `http://${riverside.subdomain}.localhost:${server.port}`;
    const methods = await withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("practice_settings").select("sign_in_methods").executeTakeFirstOrThrow()).sign_in_methods);
    // A human-health practice offers both emailed links and passwords: the password is optional, the email carries a link.
    expect(methods).toBe("both");
    expect((await storedFor(riverside, NEW_CLIENT.email)).clientId, "the address must be new to the practice").toBeUndefined();
    const day = quietMonday();

    // axe is injected as a script: the test context lets it past the page's CSP (the page itself is unchanged).
    const visitor = await browser.newContext({ bypassCSP: true, viewport: PHONE });
    const page = await visitor.newPage();
    const problems = watchConsole(page);

    await page.goto(`${origin}/`);
    await page.getByRole("heading", { level: 2, name: "New to Riverside Physio?" }).waitFor();
    await checkPhoneScreen(page, "home");

    await page.getByRole("link", { name: "Book a first visit" }).click();
    await page.waitForURL(`${origin}/book`);
    await page.getByRole("heading", { level: 1, name: "Book a first visit at Riverside Physio" }).waitFor();
    // Two locations: the kind of appointment is asked once the place is chosen.
    expect(await page.getByLabel("Kind of appointment").count()).toBe(0);
    await page.getByLabel("Where?").selectOption({ label: "Riverside Physio — Riverside" });
    await page.getByRole("button", { name: "Next" }).click();
    const kinds = page.getByLabel("Kind of appointment");
    await kinds.waitFor();
    // Only the types marked for new clients and offered here: the follow-up is for existing clients, and the
    // chiropractor works at the other location only. The one type left is chosen already.
    const offered = (await kinds.locator("option").allTextContents()).filter((label) => label !== "Choose…");
    expect(offered).toEqual(["Initial assessment (45 min)"]);
    expect(await kinds.inputValue()).not.toBe("");
    await page.getByLabel("From").fill(day);
    await page.getByRole("button", { name: "Show free times" }).click();
    await page.waitForURL((url) => url.pathname === "/book" && url.searchParams.get("date") === day);
    // The address changes before React renders the new day: wait for the day itself to be the current one.
    const dayLabel = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`)).replace(",", "");
    await page.getByRole("navigation", { name: "Days" }).locator('[aria-current="date"]', { hasText: dayLabel }).waitFor();
    expect(await page.getByRole("navigation", { name: "Days" }).locator('[aria-current="date"]').textContent()).toMatch(/^Mon \d+ \w+ · \d+ free$/);
    const firstTime = page.getByRole("main").getByRole("button", { name: / with Hannah Brooks$/ }).first();
    await firstTime.waitFor();
    await checkPhoneScreen(page, "times");

    await firstTime.click();
    await page.waitForURL(/\/book\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { level: 1, name: "Your details, to send the request" }).waitFor();
    await page.getByRole("heading", { level: 2, name: "Initial assessment" }).waitFor();
    const startsAt = (await page.getByRole("main").locator("time").getAttribute("datetime"))!;
    expect(todayIn(ZONE, new Date(startsAt))).toBe(day);
    const password = page.getByLabel("Choose a password (optional: at least 12 characters; without one, sign in with emailed links)");
    expect(await password.getAttribute("required")).toBeNull();
    await checkPhoneScreen(page, "details");

    await page.getByLabel("First name", { exact: true }).fill(NEW_CLIENT.firstName);
    await page.getByLabel("Last name", { exact: true }).fill(NEW_CLIENT.lastName);
    await page.getByLabel("Email", { exact: true }).fill(NEW_CLIENT.email);
    await page.getByLabel("Phone", { exact: true }).fill(NEW_CLIENT.phone);
    await page.getByLabel("Date of birth", { exact: true }).fill(NEW_CLIENT.dateOfBirth);
    await page.getByLabel("What is the visit for?").fill(REASON);
    await password.fill(NEW_CLIENT.password);
    await page.getByRole("button", { name: "Send request" }).click();
    await page.getByRole("heading", { level: 1, name: "Check your email" }).waitFor();
    await page.waitForURL(`${origin}/book/sent`);
    expect(await page.getByRole("status").textContent()).toContain("We have sent you an email about your booking.");
    await checkPhoneScreen(page, "check-your-email");

    // The client, the request and its email are made after the response.
    const requested = await vi.waitFor(async () => {
      const stored = await storedFor(riverside, NEW_CLIENT.email);
      expect(stored.appointments).toHaveLength(1);
      expect(stored.emails.map((e) => e.kind)).toEqual(["client_appointment_requested"]);
      return stored;
    }, WORK_AFTER_RESPONSE);
    const [appointment] = requested.appointments;
    // A limited account; the chosen password (hashed) waits for the emailed link to prove the address.
    expect(requested.account).toMatchObject({ access_level: "limited", password_hash: null, pending_password_hash: expect.stringMatching(/^\$argon2id\$/) });
    expect(appointment).toMatchObject({ status: "requested", booked_by: "client", reason: "Initial assessment", client_note: REASON, patient_name: `${NEW_CLIENT.firstName} ${NEW_CLIENT.lastName}` });
    expect(appointment!.starts_at.toISOString()).toBe(startsAt);
    const [requestEmail] = requested.emails;
    // A request has no calendar file until the practice confirms it.
    expect(requestEmail!.attachments).toBeNull();
    expect(requestEmail!.text).not.toContain(".ics");

    const link = new RegExp(`${origin.replace(/\./g, "\\.")}/sign-in/[A-Za-z0-9_-]{43}`).exec(requestEmail!.text)?.[0];
    expect(link, `no sign-in link in: ${requestEmail!.text}`).toBeDefined();
    await page.goto(link!);
    await page.getByRole("button", { name: "Sign in to Riverside Physio" }).click();
    await page.waitForURL(`${origin}/home`);
    // The link proved the address: the chosen password is now the account's.
    expect((await storedFor(riverside, NEW_CLIENT.email)).account).toMatchObject({ password_hash: expect.stringMatching(/^\$argon2id\$/), pending_password_hash: null });
    await page.goto(`${origin}/appointments`);
    const listed = page.locator("li.appointment", { has: page.locator(`time[datetime="${startsAt}"]`) });
    expect(await listed.count()).toBe(1);
    expect(await listed.getByRole("heading", { level: 3 }).textContent()).toBe(`Initial assessment — ${NEW_CLIENT.firstName} ${NEW_CLIENT.lastName}`);
    expect(await listed.getByText("Requested: waiting for the practice to confirm").count()).toBe(1);
    expect(await listed.getByRole("link", { name: "Add to calendar" }).count()).toBe(0);
    await checkPhoneScreen(page, "appointments-requested");

    // The practice approves the request from its schedule (staff session set directly; staff work at a desk).
    const staff = await browser.newContext({ bypassCSP: true, viewport: DESKTOP });
    const [name, value] = (await staffCookieFor(db, riverside, "owner@riversidephysio.example.com")).split("=") as [string, string];
    await staff.addCookies([{ name, value, url: origin }]);
    const schedule = await staff.newPage();
    const staffProblems = watchConsole(schedule);
    await schedule.goto(`${origin}/admin/schedule?date=${day}`);
    await schedule.getByRole("heading", { level: 1, name: "Schedule" }).waitFor();
    const approve = schedule.getByRole("button", { name: `Approve request for ${NEW_CLIENT.firstName} ${NEW_CLIENT.lastName}` });
    expect(await approve.count()).toBe(1);
    await screenshot(schedule, "new-client-booking-schedule");
    expect(await seriousViolations(schedule), "schedule").toEqual([]);
    await approve.click();
    const notice = schedule.getByRole("status");
    await notice.getByText(/^Approved: Initial assessment for Priya Okafor, .*The client has been emailed\.$/).waitFor();
    // The notice can show while the schedule is still being reloaded: wait for the row to read confirmed.
    await approve.waitFor({ state: "detached" });
    const row = schedule.locator("tr", { has: schedule.locator(`time[datetime="${startsAt}"]`) });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/Priya Okafor.*Booked online · Confirmed.*Cancel appointment for Priya Okafor/);
    expect(await seriousViolations(schedule), "schedule after approving").toEqual([]);
    expect(staffProblems).toEqual([]);

    const approved = await storedFor(riverside, NEW_CLIENT.email);
    expect(approved.appointments).toMatchObject([{ id: appointment!.id, status: "confirmed" }]);
    // The approval also sends the intake form attached to the type (the same transaction: order by kind).
    expect(approved.emails.map((e) => e.kind).sort()).toEqual(["client_appointment_approved", "client_appointment_requested", "client_forms_sent"]);
    const attachments = approved.emails.find((e) => e.kind === "client_appointment_approved")!.attachments;
    expect(attachments).toHaveLength(1);
    expect(attachments![0]).toMatchObject({ filename: `appointment-${day}.ics`, contentType: expect.stringMatching(/^text\/calendar/) });
    const calendar = Buffer.from(attachments![0]!.content, "base64").toString("utf8");
    expect(calendar).toContain("BEGIN:VEVENT");
    expect(calendar).toContain(`DTSTART:${startsAt.replace(/[-:]/g, "").replace(/\.\d{3}/, "")}`);

    // The client's own list now shows it confirmed, with its calendar file.
    await page.reload();
    expect(await listed.getByText("Confirmed", { exact: true }).count()).toBe(1);
    expect(await listed.getByRole("link", { name: "Add to calendar" }).count()).toBe(1);
    expect(problems).toEqual([]);

    await staff.close();
    await visitor.close();
  });
});
