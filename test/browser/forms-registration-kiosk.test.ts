import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import { arriveAt, launchChromium, screenshot, seriousViolations, tabTo, watchConsole } from "../support/browser";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { staffCookieFor } from "../support/sessions";

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
const INTAKE = "New-patient physiotherapy intake";
const PASSWORD = "heron-over-the-weir-at-dusk-42";
const ALEX = "alex.morgan@example.com";
/** The email's work follows the response: polled for, never longer than this. */
const WORK_AFTER_RESPONSE = { timeout: 10_000, interval: 100 };

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let riverside: Practice;
let origin: string;

beforeAll(async () => {
  ({ db, server } = await startDemoServer({ publicPortIsListenPort: true }));
  browser = await launchChromium();
  riverside = (await server.registry.resolve("riverside-physio"))!;
  origin = `http://${riverside.subdomain}.localhost:${server.port}`;
  // Clients sign in only with a password here: someone without an account must register one to open a form.
  await withPractice(db.owner.db, riverside, (trx) => trx.updateTable("practice_settings").set({ sign_in_methods: "password" }).execute());
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A browser context, signed in as staff when a cookie is given (session inserted by the fixture, cookie set directly). */
async function contextWith(viewport: { width: number; height: number }, cookie?: string): Promise<BrowserContext> {
  // axe is injected as a script: the test context lets it past the page's CSP (the page itself is unchanged).
  const context = await browser.newContext({ bypassCSP: true, viewport });
  // A step that cannot happen fails with its own message, well before the test's time runs out.
  context.setDefaultTimeout(10_000);
  if (cookie) {
    const [name, value] = cookie.split("=") as [string, string];
    await context.addCookies([{ name, value, url: origin }]);
  }
  return context;
}

/** No serious or critical axe finding; on a phone, nothing wider than the screen either. */
async function checkScreen(page: Page, name: string, phone = false): Promise<void> {
  if (phone) expect(await page.evaluate(() => document.scrollingElement!.scrollWidth), `${name} overflows at ${PHONE.width}px`).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, `forms-registration-kiosk-${name}${phone ? "-mobile" : ""}`);
  expect(await seriousViolations(page), name).toEqual([]);
}


/** A client's requests of the physio intake, the account (if any) and the audit of their submissions. */
async function storedFor(clientId: string) {
  return withPractice(db.owner.db, riverside, async (trx) => {
    const requests = await trx
      .selectFrom("form_requests as r")
      .innerJoin("form_versions as v", (join) => join.onRef("v.practice_id", "=", "r.practice_id").onRef("v.id", "=", "r.form_version_id"))
      .select(["r.id", "r.status", "r.answers", "v.definition"])
      .where("r.client_id", "=", clientId)
      .orderBy("r.created_at")
      .execute();
    const account = await trx.selectFrom("client_accounts").select(["access_level", "created_via"]).where("client_id", "=", clientId).executeTakeFirst();
    const audit = await trx.selectFrom("audit_events").select(["actor_type", "subject_id", "details"]).where("action", "=", "client.form_submitted").execute();
    return {
      requests: requests.filter((r) => (r.definition as { title: string }).title === INTAKE).map(({ definition: _, ...r }) => ({ ...r, answers: r.answers as Record<string, unknown> })),
      account,
      submittedAudit: audit.filter((event) => event.details.forClientId === clientId),
    };
  });
}

describe("the physio intake in Chromium: registering from the form's email, and filling it in on the practice's tablet", () => {
  it("a client without an account at a password-only practice gets the form by email, registers a limited account on a phone and sends the form", async () => {
    const client = await withPractice(db.owner.db, riverside, (trx) =>
      trx
        .selectFrom("clients as c")
        .innerJoin("client_emails as e", (join) => join.onRef("e.practice_id", "=", "c.practice_id").onRef("e.client_id", "=", "c.id"))
        .select(["c.id", "c.first_name", "c.last_name", "e.email"])
        .where("e.is_primary", "=", true)
        .where("e.email_key", "!=", ALEX)
        .where((eb) => eb.not(eb.exists(eb.selectFrom("client_accounts as a").select("a.id").whereRef("a.client_id", "=", "c.id"))))
        .orderBy("c.last_name")
        .executeTakeFirstOrThrow(),
    );
    const fullName = `${client.first_name} ${client.last_name}`;
    expect((await storedFor(client.id)).requests, "nothing sent to them yet").toEqual([]);

    // The owner sends the form from the client's page.
    const staff = await contextWith(DESKTOP, await staffCookieFor(db, riverside, "owner@riversidephysio.example.com"));
    const admin = await staff.newPage();
    const staffProblems = watchConsole(admin);
    await admin.goto(`${origin}/admin/clients/${client.id}`);
    await admin.getByRole("heading", { level: 1, name: fullName }).waitFor();
    await admin.getByRole("link", { name: "Forms: send one, see what was answered" }).click();
    await arriveAt(admin, `${origin}/admin/clients/${client.id}/forms`, staffProblems);
    await admin.getByRole("heading", { level: 1, name: `Forms for ${fullName}` }).waitFor();
    await admin.getByLabel("Form", { exact: true }).selectOption({ label: INTAKE });
    await admin.getByRole("button", { name: "Send form" }).click();
    await admin.getByRole("status").getByText(`Sent “${INTAKE}”. The client has been emailed a link to it.`).waitFor();
    await admin.getByRole("table").getByRole("rowheader", { name: INTAKE }).waitFor();
    await checkScreen(admin, "admin-client-forms-sent");
    expect(staffProblems).toEqual([]);
    await staff.close();

    const [request] = (await storedFor(client.id)).requests;
    expect(request).toMatchObject({ status: "sent", answers: {} });
    // Without an account the form's own link could not be opened: the email offers to register instead.
    const email = await vi.waitFor(async () => {
      const emails = await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("mail.outbox").select(["kind", "text"]).where("recipient", "=", client.email).execute());
      expect(emails.map((e) => e.kind)).toEqual(["client_form_registration"]);
      return emails[0]!;
    }, WORK_AFTER_RESPONSE);
    const link = new RegExp(`${origin.replace(/\./g, "\\.")}/account/[A-Za-z0-9_-]{43}\\?next=\\S+`).exec(email.text)?.[0];
    expect(link, `no registration link in: ${email.text}`).toBeDefined();
    expect(new URL(link!).searchParams.get("next")).toBe(`/forms/${request!.id}`);

    // The client, signed out, on a phone.
    const phone = await contextWith(PHONE);
    const page = await phone.newPage();
    const problems = watchConsole(page);
    await page.goto(link!);
    await page.getByRole("heading", { level: 1, name: "Create your account to fill in your forms" }).waitFor();
    await checkScreen(page, "account", true);
    await page.getByLabel("New password (at least 12 characters)").fill(PASSWORD);
    await page.getByLabel("The same password again").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account and sign in" }).click();
    await arriveAt(page, `${origin}/forms/${request!.id}`, problems);
    await page.getByRole("heading", { level: 1, name: INTAKE }).waitFor();
    await checkScreen(page, "form", true);

    await page.getByRole("group", { name: "Where is the problem? (required)" }).getByRole("radio", { name: "Knee" }).check();
    await page.getByRole("group", { name: "Pain today (required)" }).getByRole("radio", { name: "6", exact: true }).check();
    await page.getByRole("group", { name: "Did it start with an injury? (required)" }).getByRole("radio", { name: "No" }).check();
    const consent = page.getByRole("group", { name: "Consent to assessment and treatment (required)" });
    await consent.getByRole("checkbox", { name: "I have read and agree to this" }).check();
    await consent.getByLabel("Your full name, as your signature").fill(fullName);
    await page.getByLabel("Or type your full name to sign").fill(fullName);
    await page.getByRole("button", { name: "Send to the practice" }).click();
    await arriveAt(page, `${origin}/forms?submitted=1`, problems);
    await page.getByRole("status").getByText("Thank you: your form has been sent to the practice.").waitFor();
    const sentList = page.getByRole("region", { name: "Sent to the practice" });
    expect(await sentList.getByRole("heading", { level: 3 }).allTextContents()).toEqual([INTAKE]);
    await checkScreen(page, "forms-submitted", true);

    const stored = await storedFor(client.id);
    expect(stored.account).toEqual({ access_level: "limited", created_via: "self_registration" });
    expect(stored.requests).toEqual([
      {
        id: request!.id,
        status: "submitted",
        answers: { area: "knee", pain: 6, injury: false, treatment_consent: { accepted: true, name: fullName }, signature: { method: "typed", name: fullName } },
      },
    ]);
    expect(stored.submittedAudit).toMatchObject([{ actor_type: "client", subject_id: request!.id, details: { via: "portal" } }]);
    expect(problems).toEqual([]);
    await phone.close();
  });

  it("the front desk opens the kiosk for Alex Morgan: it offers his outstanding intake, filled in by keyboard, and ends the session once sent", async () => {
    const alex = await withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("client_emails").select("client_id").where("email_key", "=", ALEX).executeTakeFirstOrThrow()).client_id);
    const outstanding = (await storedFor(alex)).requests;
    expect(outstanding.map((r) => r.status), "the demo's intake sent to Alex").toEqual(["sent"]);
    const requestId = outstanding[0]!.id;

    const tablet = await contextWith(DESKTOP, await staffCookieFor(db, riverside, "mia.patel@riversidephysio.example.com"));
    const page = await tablet.newPage();
    const problems = watchConsole(page);
    await page.goto(`${origin}/admin/clients/${alex}`);
    await page.getByRole("heading", { level: 1, name: "Alex Morgan" }).waitFor();
    await page.getByRole("button", { name: "Open intake form on this tablet (signs you out here)" }).click();
    await arriveAt(page, `${origin}/kiosk`, problems);
    await page.getByRole("heading", { level: 1, name: "Welcome to Riverside Physio, Alex" }).waitFor();
    // The outstanding form instead of the fixed intake fields.
    const open = page.getByRole("main").getByRole("link", { name: INTAKE });
    expect(await open.count()).toBe(1);
    expect(await page.getByLabel("Emergency contact (name and phone)").count()).toBe(0);
    await checkScreen(page, "kiosk");
    // The staff member is signed out on this browser.
    expect((await tablet.cookies(origin)).filter((c) => c.name === "portico_staff" && c.value !== "")).toEqual([]);

    await open.click();
    await arriveAt(page, `${origin}/kiosk/forms/${requestId}`, problems);
    await page.getByRole("heading", { level: 1, name: INTAKE }).waitFor();
    await checkScreen(page, "kiosk-form");

    // By keyboard: Tab reaches a radio group's first choice, the arrows choose within it.
    const area = page.getByRole("group", { name: "Where is the problem? (required)" });
    await tabTo(page, area.getByRole("radio", { name: "Neck" }));
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
    expect(await area.getByRole("radio", { name: "Knee" }).isChecked()).toBe(true);
    const pain = page.getByRole("group", { name: "Pain today (required)" });
    await tabTo(page, pain.getByRole("radio", { name: "0 (None)" }));
    for (let i = 0; i < 6; i++) await page.keyboard.press("ArrowDown");
    expect(await pain.getByRole("radio", { name: "6", exact: true }).isChecked()).toBe(true);
    const injury = page.getByRole("group", { name: "Did it start with an injury? (required)" });
    await tabTo(page, injury.getByRole("radio", { name: "Yes" }));
    await page.keyboard.press("ArrowDown");
    expect(await injury.getByRole("radio", { name: "No" }).isChecked()).toBe(true);
    await tabTo(page, page.getByRole("checkbox", { name: "I have read and agree to this" }));
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    expect(await page.getByLabel("Your full name, as your signature").evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.type("Alex Morgan");
    await tabTo(page, page.getByLabel("Or type your full name to sign"));
    await page.keyboard.type("Alex Morgan");
    await tabTo(page, page.getByRole("button", { name: "Send to the practice" }));
    await page.keyboard.press("Enter");

    await arriveAt(page, `${origin}/kiosk/done`, problems);
    await page.getByRole("heading", { level: 1, name: "Thank you" }).waitFor();
    await page.getByText("Please hand the tablet back to the front desk.").waitFor();
    await checkScreen(page, "kiosk-done");

    // The tablet's session ended with the last form: the kiosk is gone.
    await page.goto(`${origin}/kiosk`);
    await arriveAt(page, `${origin}/`, problems);

    const stored = await storedFor(alex);
    expect(stored.requests).toEqual([
      {
        id: requestId,
        status: "submitted",
        answers: { area: "knee", pain: 6, injury: false, treatment_consent: { accepted: true, name: "Alex Morgan" }, signature: { method: "typed", name: "Alex Morgan" } },
      },
    ]);
    expect(stored.submittedAudit).toMatchObject([{ actor_type: "client", subject_id: requestId, details: { via: "kiosk", title: INTAKE } }]);
    expect(problems).toEqual([]);
    await tablet.close();
  });
});
