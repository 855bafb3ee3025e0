import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import { arriveAt, launchChromium, screenshot, seriousViolations, tabTo, watchConsole } from "../support/browser";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import type { TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };
const CLIENT_EMAIL = "maria.lopez@example.com";
const SIGNATURE = "Maria Lopez";
const WORMED = "Has your puppy been wormed?";
/** Chromium logs every 4xx response; a form sent back with its problems is a 400 by design. */
const REFUSED_POST = "error: Failed to load resource: the server responded with a status of 400 (Bad Request)";

let db: TestDatabase;
let server: TestServer;
let browser: Browser;
let happyPaws: Practice;
let origin: string;

beforeAll(async () => {
  ({ db, server } = await startDemoServer({ publicPortIsListenPort: true }));
  browser = await launchChromium();
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  origin = `http://${happyPaws.subdomain}.localhost:${server.port}`;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A browser context already signed in (session inserted by the fixture, cookie set directly). */
async function contextWith(cookie: string, viewport: { width: number; height: number }): Promise<BrowserContext> {
  // axe is injected as a script: the test context lets it past the page's CSP (the page itself is unchanged).
  const context = await browser.newContext({ bypassCSP: true, viewport });
  // A step that cannot happen fails with its own message, well before the test's time runs out.
  context.setDefaultTimeout(10_000);
  const [name, value] = cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: origin }]);
  return context;
}

/** No serious or critical axe finding; on a phone, nothing wider than the screen either. */
async function checkScreen(page: Page, name: string, phone = false): Promise<void> {
  if (phone) expect(await page.evaluate(() => document.scrollingElement!.scrollWidth), `${name} overflows at ${PHONE.width}px`).toBeLessThanOrEqual(PHONE.width);
  await screenshot(page, `forms-${name}${phone ? "-mobile" : ""}`);
  expect(await seriousViolations(page), name).toEqual([]);
}

/** Maria's form requests as the database holds them, by form title. */
async function requestsOfMaria() {
  return withPractice(db.owner.db, happyPaws, async (trx) => {
    const { client_id } = await trx.selectFrom("client_emails").select("client_id").where("email_key", "=", CLIENT_EMAIL).executeTakeFirstOrThrow();
    const rows = await trx
      .selectFrom("form_requests as r")
      .innerJoin("form_versions as v", (join) => join.onRef("v.practice_id", "=", "r.practice_id").onRef("v.id", "=", "r.form_version_id"))
      .leftJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "r.practice_id").onRef("p.id", "=", "r.patient_id"))
      .select(["r.id", "r.status", "r.answers", "v.definition", "v.version", "p.name as patient_name"])
      .where("r.client_id", "=", client_id)
      .orderBy("r.created_at")
      .execute();
    return { clientId: client_id, requests: rows.map((r) => ({ ...r, title: (r.definition as { title: string }).title, answers: r.answers as Record<string, unknown> })) };
  });
}

async function requestTitled(title: string) {
  const found = (await requestsOfMaria()).requests.filter((r) => r.title === title);
  expect(found, `Maria's requests of “${title}”`).toHaveLength(1);
  return found[0]!;
}

describe("SmartForms in Chromium: staff build and send, the client fills in on a phone, staff read", () => {
  // The three steps follow one another: the client fills in what staff sent, and staff read what she sent.

  it("staff build “Puppy check” (a yes/no and a date shown only after a yes), publish it and send it to Maria about Biscuit", async () => {
    const staff = await contextWith(await staffCookieFor(db, happyPaws, "owner@happypaws.example.com"), DESKTOP);
    const page = await staff.newPage();
    const problems = watchConsole(page);

    await page.goto(`${origin}/admin/forms`);
    await page.getByRole("heading", { level: 1, name: "Forms" }).waitFor();
    expect(await page.getByRole("link", { name: "Dog intake form" }).count()).toBe(1);
    await checkScreen(page, "admin-list");

    await page.getByLabel("Name", { exact: true }).fill("Puppy check");
    await page.getByRole("button", { name: "Create form" }).click();
    await arriveAt(page, /\/admin\/forms\/[0-9a-f-]{36}$/, problems);
    await page.getByRole("heading", { level: 1, name: "Puppy check" }).waitFor();
    await page.getByText("Not published yet: clients cannot be sent it.").waitFor();
    await checkScreen(page, "admin-builder-new");

    const adding = page.locator("details", { has: page.locator("summary", { hasText: "Add a question to “Questions”" }) });
    await adding.locator("summary").click();
    await adding.getByLabel("Kind of question").selectOption({ label: "Yes / no" });
    await adding.getByLabel("Question", { exact: true }).fill(WORMED);
    await adding.getByLabel("Required").check();
    await adding.getByRole("button", { name: "Add question" }).click();
    await page.getByRole("status").getByText("Saved in the draft. Publish to send it to clients.").waitFor();
    const questions = page.locator("section", { has: page.getByRole("heading", { level: 2, name: "Questions" }) }).locator("ol > li");
    await questions.filter({ hasText: WORMED }).waitFor();

    // The form keeps what was typed after a save (and the details stay open): the second question overwrites it all.
    if (!(await adding.evaluate((element) => (element as HTMLDetailsElement).open))) await adding.locator("summary").click();
    await adding.getByLabel("Kind of question").selectOption({ label: "Date" });
    await adding.getByLabel("Question", { exact: true }).fill("When?");
    await adding.getByLabel("Required").uncheck();
    await adding.getByLabel("Show only if this earlier question…").selectOption({ label: WORMED });
    await adding.getByLabel("…is answered (yes, no, a number or an option)").fill("yes");
    await adding.getByRole("button", { name: "Add question" }).click();
    await questions.filter({ hasText: "When?" }).waitFor();
    expect(await questions.locator(":scope > p").allTextContents()).toEqual([`${WORMED} · Yes / no · required`, `When? · Date · Shown if “${WORMED}” is yes`]);
    await checkScreen(page, "admin-builder-questions");

    await page.getByRole("button", { name: "Publish the draft" }).click();
    await page.getByRole("status").getByText(/^Version 1 published/).waitFor();
    await page.getByText(/^Version 1, published /).waitFor();
    expect(await page.getByRole("button", { name: "Publish the draft" }).isDisabled()).toBe(true);
    await checkScreen(page, "admin-builder-published");

    const { clientId } = await requestsOfMaria();
    await page.goto(`${origin}/admin/clients/${clientId}`);
    await page.getByRole("heading", { level: 1, name: "Maria Lopez" }).waitFor();
    await checkScreen(page, "admin-client");
    await page.getByRole("link", { name: "Forms: send one, see what was answered" }).click();
    await arriveAt(page, `${origin}/admin/clients/${clientId}/forms`, problems);
    await page.getByRole("heading", { level: 1, name: "Forms for Maria Lopez" }).waitFor();
    await checkScreen(page, "admin-client-forms");
    await page.getByLabel("Form", { exact: true }).selectOption({ label: "Puppy check" });
    await page.getByLabel("About which pet (optional)").selectOption({ label: "Biscuit" });
    await page.getByRole("button", { name: "Send form" }).click();
    await page.getByRole("status").getByText("Sent “Puppy check”. The client has been emailed a link to it.").waitFor();
    await page.getByRole("table").getByRole("rowheader", { name: "Puppy check · Biscuit" }).waitFor();
    await checkScreen(page, "admin-client-forms-sent");

    const sent = await requestTitled("Puppy check");
    expect(sent).toMatchObject({ status: "sent", version: 1, patient_name: "Biscuit", answers: {} });
    const emailed = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("mail.outbox").select("text").where("recipient", "=", CLIENT_EMAIL).where("kind", "=", "client_forms_sent").execute());
    expect(emailed.filter((email) => email.text.includes(`${origin}/forms/${sent.id}`)), "the email with the form's link").toHaveLength(1);
    // The dog intake the demo sent is untouched so far.
    expect(await requestTitled("Dog intake form")).toMatchObject({ status: "sent", patient_name: "Biscuit" });

    expect(problems).toEqual([]);
    await staff.close();
  });

  it("Maria fills the dog intake in on a phone, by keyboard: questions follow her answers, the consent is refused unticked, then it is sent and read-only; a draft of the puppy check is kept", async () => {
    const client = await contextWith(await sessionCookieFor(db, happyPaws, CLIENT_EMAIL), PHONE);
    const page = await client.newPage();
    const problems = watchConsole(page);

    await page.goto(`${origin}/home`);
    await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Forms" }).click();
    await page.waitForURL(`${origin}/forms`);
    await page.getByRole("heading", { level: 1, name: "Forms" }).waitFor();
    const toFill = page.getByRole("region", { name: "To fill in" });
    expect((await toFill.getByRole("heading", { level: 3 }).allTextContents()).sort(), "the demo's dog intake and the puppy check sent in the first step").toEqual(["Dog intake form — Biscuit", "Puppy check — Biscuit"]);
    await checkScreen(page, "portal-list", true);

    await toFill.getByRole("link", { name: "Dog intake form" }).click();
    await page.getByRole("heading", { level: 1, name: "Dog intake form" }).waitFor();
    const intakeUrl = page.url();
    expect(intakeUrl).toMatch(/\/forms\/[0-9a-f-]{36}$/);
    // Scripted show-if: the page must never reload while the answers change (a reload would drop this mark).
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const lastVaccination = page.getByLabel("When were they last vaccinated?");
    const tellUsMore = page.getByLabel("Tell us more (required)");
    expect(await lastVaccination.count()).toBe(0);
    expect(await tellUsMore.count()).toBe(0);
    await checkScreen(page, "portal-intake", true);

    await tabTo(page, page.getByLabel("What does your dog eat, and how often? (required)"));
    await page.keyboard.type("Kibble twice a day");
    // Saved as she goes, a moment after she stops typing: no button pressed, the page not reloaded.
    await page.getByText("Your answers are saved as you go.").waitFor();
    const autosaved = (await requestsOfMaria()).requests.find((r) => r.title === "Dog intake form")!;
    expect(autosaved).toMatchObject({ status: "started", answers: { diet: "Kibble twice a day" } });
    expect(await page.getByLabel("What does your dog eat, and how often? (required)").evaluate((element) => element === document.activeElement)).toBe(true);
    const vaccinated = page.getByRole("group", { name: "Are vaccinations up to date? (required)" });
    await tabTo(page, vaccinated.getByRole("radio", { name: "Yes" }));
    await page.keyboard.press("Space");
    await lastVaccination.waitFor();
    await tabTo(page, page.getByRole("group", { name: "Anything you have noticed lately?" }).getByRole("checkbox", { name: "Something else" }));
    await page.keyboard.press("Space");
    await tellUsMore.waitFor();
    await tabTo(page, tellUsMore);
    await page.keyboard.type("Scratches at his left ear");
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);

    // The consent is left unticked and unsigned: sending is refused, and nothing is submitted.
    await tabTo(page, page.getByRole("button", { name: "Send to the practice" }));
    await page.keyboard.press("Enter");
    const alert = page.getByRole("alert");
    await alert.getByText("Please check one answer below.").waitFor();
    const consent = page.getByRole("group", { name: "Consent to examination (required)" });
    expect(await consent.getAttribute("aria-invalid")).toBe("true");
    const accept = consent.getByRole("checkbox", { name: "I have read and agree to this" });
    const consentProblem = (await accept.getAttribute("aria-describedby"))!;
    expect(await page.locator(`[id="${consentProblem}"]`).textContent()).toBe("Tick the box and type your full name to give consent.");
    // What was typed is still there, and so are the questions it opened.
    expect(await page.getByLabel("What does your dog eat, and how often? (required)").inputValue()).toBe("Kibble twice a day");
    expect(await vaccinated.getByRole("radio", { name: "Yes" }).isChecked()).toBe(true);
    expect(await tellUsMore.inputValue()).toBe("Scratches at his left ear");
    expect(await lastVaccination.count()).toBe(1);
    const refused = await requestTitled("Dog intake form");
    expect(refused.status).toBe("started");
    expect(refused.answers).toEqual({ diet: "Kibble twice a day", vaccinated: true, concerns: ["other"], concerns_other: "Scratches at his left ear" });
    await checkScreen(page, "portal-intake-problems", true);

    await tabTo(page, accept);
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    expect(await page.getByLabel("Your full name, as your signature").evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.type(SIGNATURE);
    await tabTo(page, page.getByRole("button", { name: "Send to the practice" }));
    await page.keyboard.press("Enter");
    await arriveAt(page, `${origin}/forms?submitted=1`, problems);
    await page.getByRole("status").getByText("Thank you: your form has been sent to the practice.").waitFor();
    const sentList = page.getByRole("region", { name: "Sent to the practice" });
    expect(await sentList.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Dog intake form — Biscuit"]);
    expect(await toFill.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Puppy check — Biscuit"]);
    await checkScreen(page, "portal-list-submitted", true);

    const submitted = await requestTitled("Dog intake form");
    expect(submitted.status).toBe("submitted");
    expect(submitted.answers).toEqual({ ...refused.answers, treatment_consent: { accepted: true, name: SIGNATURE } });

    // Opened again, the answers are shown but can no longer be changed or sent.
    await sentList.getByRole("link", { name: "Dog intake form" }).click();
    await page.waitForURL(intakeUrl);
    await page.getByText(/^Sent to the practice .*\. These are your answers\./).waitFor();
    const inputs = page.getByRole("main").locator("input:not([type=hidden]), textarea, select");
    expect(await inputs.count()).toBeGreaterThan(5);
    expect(await inputs.evaluateAll((elements) => elements.filter((element) => !(element as HTMLInputElement).disabled).length)).toBe(0);
    expect(await page.getByLabel("Your full name, as your signature").inputValue()).toBe(SIGNATURE);
    expect(await page.getByRole("button", { name: "Send to the practice" }).count()).toBe(0);
    await checkScreen(page, "portal-intake-read-only", true);

    // The puppy check: one answer saved to finish later is there after a reload.
    await page.goto(`${origin}/forms`);
    await toFill.getByRole("link", { name: "Puppy check" }).click();
    await page.getByRole("heading", { level: 1, name: "Puppy check" }).waitFor();
    const wormed = page.getByRole("group", { name: `${WORMED} (required)` });
    const when = page.getByLabel("When?");
    expect(await when.count()).toBe(0);
    await tabTo(page, wormed.getByRole("radio", { name: "Yes" }));
    await page.keyboard.press("Space");
    await when.waitFor();
    await tabTo(page, page.getByRole("button", { name: "Save and finish later" }));
    await page.keyboard.press("Enter");
    await arriveAt(page, (url) => url.pathname.startsWith("/forms/") && url.searchParams.has("saved"), problems);
    await page.getByRole("status").getByText("Saved. You can come back to finish it later.").waitFor();
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Puppy check" }).waitFor();
    expect(await wormed.getByRole("radio", { name: "Yes" }).isChecked()).toBe(true);
    expect(await when.count()).toBe(1);
    await checkScreen(page, "portal-puppy-saved", true);
    expect(await requestTitled("Puppy check")).toMatchObject({ status: "started", answers: { has_your_puppy_been_wormed: true } });

    expect(problems).toEqual([REFUSED_POST]);
    await client.close();
  });

  it("staff read Maria's answers (Yes, the consent accepted and signed) and mark them reviewed", async () => {
    const staff = await contextWith(await staffCookieFor(db, happyPaws, "owner@happypaws.example.com"), DESKTOP);
    const page = await staff.newPage();
    const problems = watchConsole(page);

    await page.goto(`${origin}/admin/form-submissions`);
    await page.getByRole("heading", { level: 1, name: "Form answers" }).waitFor();
    const rows = page.getByRole("table").locator("tbody tr");
    expect(await rows.count(), "the dog intake Maria sent in the second step").toBe(1);
    expect(await rows.first().getByRole("rowheader").textContent()).toBe("Dog intake form · Biscuit");
    expect(await rows.first().getByRole("cell").allTextContents()).toEqual(["Maria Lopez", "Submitted", expect.any(String)]);
    await checkScreen(page, "admin-submissions");

    await rows.first().getByRole("link", { name: "Dog intake form" }).click();
    await page.getByRole("heading", { level: 1, name: "Dog intake form" }).waitFor();
    const answer = (question: string) => page.locator("dl.facts > div", { has: page.locator("dt", { hasText: question }) }).locator("dd").last();
    expect(await answer("Are vaccinations up to date?").textContent()).toBe("Yes");
    expect(await answer("What does your dog eat, and how often?").textContent()).toBe("Kibble twice a day");
    expect(await answer("Tell us more").textContent()).toBe("Scratches at his left ear");
    expect(await answer("Consent to examination").textContent()).toBe(`Accepted, signed: ${SIGNATURE}`);
    await checkScreen(page, "admin-submission");

    await page.getByRole("button", { name: "Mark reviewed" }).click();
    await page.getByRole("status").getByText("Marked reviewed.").waitFor();
    await page.getByRole("button", { name: "Mark reviewed" }).waitFor({ state: "detached" });
    expect((await requestTitled("Dog intake form")).status).toBe("reviewed");
    await checkScreen(page, "admin-submission-reviewed");

    expect(problems).toEqual([]);
    await staff.close();
  });
});
