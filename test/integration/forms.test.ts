import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FormDefinition } from "../../app/forms/definition";
import { addDays } from "../../app/time";
import { todayIn } from "../../app/visibility/portal-rules";
import type { BookingMode } from "../../db/schema";
import { DEMO_CLIENT_PASSWORD } from "../../db/seed/demo-data";
import { withPractice } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "../support/database";
import { startDemoServer } from "../support/demo-server";
import { cookieOf, type TestResponse, type TestServer } from "../support/http";
import { sessionCookieFor, staffCookieFor } from "../support/sessions";

/**
 * SmartForms end to end over HTTP: staff build and publish a form, send it, the client fills it in (saved as they
 * go, submitted once), staff read the answers in words and mark them reviewed, and bookings of attached appointment
 * types send their forms. Each step checks what was written (rows, audit, events, emails) and what was not.
 */

const HAPPY = "happy-paws.localhost:3000";
const RIVER = "riverside-physio.localhost:3000";
const ZONE = "America/Chicago";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

let db: TestDatabase;
let server: TestServer;
let happyPaws: Practice;
let riverside: Practice;
const cookies = { owner: "", vet: "", formsOnly: "", maria: "", james: "", riversideOwner: "", alex: "", leo: "", sarah: "" };
const ids = {
  ownerStaff: "",
  maria: "",
  biscuit: "",
  jamesPet: "",
  wellness: "",
  carter: "",
  dogIntake: "",
  physioIntake: "",
  leo: "",
  riversideForm: "",
  form: "",
  v1: "",
  v2: "",
  /** Sent before version 2 was published: answered against version 1. */
  request: "",
  requestV2: "",
  leoRequest: "",
};

/** The page as a person reads it: React's text separators removed, entities decoded. */
const text = (res: TestResponse) =>
  res.body
    .replace(/<!-- -->/g, "")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<")
    .replace(/&amp;/g, "&");

/** What the page shows, without the scripts that carry its data to the browser. */
const shown = (res: TestResponse) => text(res).replace(/<script\b[\s\S]*?<\/script>/g, "");

/** The refusal the page shows (the action's `{ ok: false, error }`), or "" when there is none. */
const alertOf = (res: TestResponse) => /role="alert">([^<]*)</.exec(text(res))?.[1] ?? "";
/** The success notice the page shows (the action's `{ ok: true, message }`). */
const statusOf = (res: TestResponse) => /role="status">([^<]*)</.exec(text(res))?.[1] ?? "";
/** The problems shown beside the questions of a form page. */
const fieldErrors = (res: TestResponse) => [...text(res).matchAll(/class="field-error">([^<]*)</g)].map((m) => m[1]!);

const get = (cookie: string, path: string, host = HAPPY) => server.request(host, path, { headers: { cookie } });

function post(cookie: string, path: string, fields: [string, string][], host = HAPPY): Promise<TestResponse> {
  const body = new URLSearchParams(fields).toString();
  return server.request(host, path, { method: "POST", headers: { cookie, origin: `http://${host}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) }, body });
}

async function passwordCookie(login: string): Promise<string> {
  const res = await post("", "/?index", [["intent", "password"], ["login", login], ["password", DEMO_CLIENT_PASSWORD]], RIVER);
  expect(res.status).toBe(302);
  return cookieOf(res);
}

const builder = (fields: [string, string][], cookie = cookies.owner, formId = ids.form) => post(cookie, `/admin/forms/${formId}`, fields);

function draftOf(formId: string, practice = happyPaws): Promise<FormDefinition> {
  return withPractice(db.owner.db, practice, async (trx) => (await trx.selectFrom("forms").select("draft").where("id", "=", formId).executeTakeFirstOrThrow()).draft as FormDefinition);
}

const questionIds = (draft: FormDefinition) => draft.sections.flatMap((s) => s.questions.map((q) => q.id));

/** Counts of everything the form pages may write, for "nothing was written" checks. */
function snapshot(practice = happyPaws) {
  return withPractice(db.owner.db, practice, async (trx) => ({
    forms: await trx.selectFrom("forms").select(["id", "name", "active", "draft", "updated_at"]).orderBy("id").execute(),
    versions: (await trx.selectFrom("form_versions").select("id").execute()).length,
    requests: await trx.selectFrom("form_requests").select(["id", "status", "answers", "updated_at"]).orderBy("id").execute(),
    audits: (await trx.selectFrom("audit_events").select("seq").execute()).length,
    events: (await trx.selectFrom("domain_events").select("id").execute()).length,
    emails: (await trx.selectFrom("mail.outbox").select("id").execute()).length,
  }));
}

function requestRow(id: string, practice = happyPaws) {
  return withPractice(db.owner.db, practice, (trx) => trx.selectFrom("form_requests").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
}

function auditsOf(subjectId: string, practice = happyPaws) {
  return withPractice(db.owner.db, practice, (trx) => trx.selectFrom("audit_events").select(["action", "actor_type", "actor_id", "subject_type", "details"]).where("subject_id", "=", subjectId).orderBy("seq").execute());
}

function formEmails(practice = happyPaws) {
  return withPractice(db.owner.db, practice, (trx) => trx.selectFrom("mail.outbox").select(["recipient", "subject", "text"]).where("kind", "=", "client_forms_sent").orderBy("created_at").execute());
}

const setMode = (mode: BookingMode) => withPractice(db.owner.db, happyPaws, (trx) => trx.updateTable("practice_settings").set({ booking_mode: mode }).execute());

/** A Tuesday three to four weeks ahead (local): both demo vets work, no demo appointment is there. */
function quietTuesday(): string {
  let day = addDays(todayIn(ZONE, new Date()), 22);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 2) day = addDays(day, 1);
  return day;
}

const day = quietTuesday();
const slotsOf = (body: string) => [...body.matchAll(/<button[^>]*\svalue="([^"]+)"[^>]*\sname="slot"/g)].map((m) => m[1]!);

/** Maria books (or, in requests mode, asks for) Biscuit's wellness exam at the `pick`-th free time: the appointment's id. */
async function bookAsMaria(pick: number, note: string, expected: string): Promise<string> {
  const path = `/appointments/book?patient=${ids.biscuit}&type=${ids.wellness}&date=${day}&practitioner=${ids.carter}`;
  const slot = slotsOf((await get(cookies.maria, path)).body)[pick];
  expect(slot).toBeDefined();
  const held = await post(cookies.maria, `${path}&index`, [["patient", ids.biscuit], ["type", ids.wellness], ["slot", slot!]]);
  expect(held.status).toBe(302);
  const sent = await post(cookies.maria, held.headers.location!, [["reason", note]]);
  expect(sent.status).toBe(302);
  expect(sent.headers.location).toBe(expected);
  return withPractice(db.owner.db, happyPaws, async (trx) => (await trx.selectFrom("appointments").select("id").where("client_note", "=", note).executeTakeFirstOrThrow()).id);
}

function requestsOfAppointment(appointmentId: string) {
  return withPractice(db.owner.db, happyPaws, (trx) =>
    trx
      .selectFrom("form_requests as r")
      .innerJoin("form_versions as v", "v.id", "r.form_version_id")
      .select(["r.id", "r.sent_via", "r.sent_by", "r.client_id", "r.patient_id", "r.appointment_id", "r.status", "v.form_id", "v.version"])
      .where("r.appointment_id", "=", appointmentId)
      .orderBy("v.form_id")
      .execute(),
  );
}

beforeAll(async () => {
  ({ db, server } = await startDemoServer());
  happyPaws = (await server.registry.resolve("happy-paws"))!;
  riverside = (await server.registry.resolve("riverside-physio"))!;
  await withPractice(db.owner.db, happyPaws, async (trx) => {
    ids.ownerStaff = (await trx.selectFrom("staff_members").select("id").where("email_key", "=", "owner@happypaws.example.com").executeTakeFirstOrThrow()).id;
    ids.maria = (await trx.selectFrom("clients").select("id").where("last_name", "=", "Lopez").executeTakeFirstOrThrow()).id;
    ids.biscuit = (await trx.selectFrom("patients").select("id").where("name", "=", "Biscuit").where("client_id", "=", ids.maria).executeTakeFirstOrThrow()).id;
    const okafor = (await trx.selectFrom("clients").select("id").where("last_name", "=", "Okafor").executeTakeFirstOrThrow()).id;
    ids.jamesPet = (await trx.selectFrom("patients").select("id").where("client_id", "=", okafor).limit(1).executeTakeFirstOrThrow()).id;
    ids.wellness = (await trx.selectFrom("appointment_types").select("id").where("name", "=", "Wellness exam").executeTakeFirstOrThrow()).id;
    ids.carter = (await trx.selectFrom("practitioners").select("id").where("name", "=", "Dr. Emily Carter").executeTakeFirstOrThrow()).id;
    ids.dogIntake = (await trx.selectFrom("forms").select("id").where("name", "=", "Dog intake form").executeTakeFirstOrThrow()).id;
    // Building and sending forms without chart access: answers stay out of reach.
    const role = await trx.insertInto("staff_roles").values({ practice_id: happyPaws.id, name: "Forms only", permissions: ["manage_forms"] }).returning("id").executeTakeFirstOrThrow();
    await trx.insertInto("staff_members").values({ practice_id: happyPaws.id, name: "Forms Only", email: "forms.only@happypaws.example.com", role_id: role.id }).execute();
  });
  await withPractice(db.owner.db, riverside, async (trx) => {
    ids.leo = (await trx.selectFrom("clients").select("id").where("first_name", "=", "Leo").where("last_name", "=", "Grant").executeTakeFirstOrThrow()).id;
    ids.physioIntake = (await trx.selectFrom("forms").select("id").where("name", "=", "New-patient physiotherapy intake").executeTakeFirstOrThrow()).id;
  });
  cookies.owner = await staffCookieFor(db, happyPaws, "owner@happypaws.example.com");
  cookies.vet = await staffCookieFor(db, happyPaws, "emily.carter@happypaws.example.com");
  cookies.formsOnly = await staffCookieFor(db, happyPaws, "forms.only@happypaws.example.com");
  cookies.maria = await sessionCookieFor(db, happyPaws, "maria.lopez@example.com");
  cookies.james = await sessionCookieFor(db, happyPaws, "james.okafor@example.com");
  cookies.riversideOwner = await staffCookieFor(db, riverside, "owner@riversidephysio.example.com");
  cookies.alex = await sessionCookieFor(db, riverside, "alex.morgan@example.com");
  // Signed in with their passwords: their sessions are those of their accounts (limited for Leo; Sarah's with family).
  cookies.leo = await passwordCookie("leo.grant@example.com");
  cookies.sarah = await passwordCookie("sarah.chen@example.com");
});

afterAll(async () => {
  await server.close();
});

/** The questions the builder adds, in order: fields as the builder's page posts them. */
const QUESTIONS: [string, [string, string][]][] = [
  ["name", [["kind", "short_text"], ["label", "Name"], ["required", "on"], ["help", "As on the collar tag"]]],
  ["weight", [["kind", "number"], ["label", "Weight"], ["min", "0"], ["max", "100"]]],
  ["vaccinated", [["kind", "yes_no"], ["label", "Vaccinated"], ["required", "on"]]],
  ["vaccination_date", [["kind", "date"], ["label", "Vaccination date"], ["required", "on"], ["showIfQuestion", "vaccinated"], ["showIfValue", "yes"]]],
  ["size", [["kind", "single_choice"], ["label", "Size"], ["required", "on"], ["options", "small: Small\nlarge: Large and heavy"]]],
  ["concerns", [["kind", "multiple_choice"], ["label", "Concerns"], ["options", "Itching\nLimping\nSomething else"]]],
  ["concerns_more", [["kind", "long_text"], ["label", "Concerns more"], ["required", "on"], ["showIfQuestion", "concerns"], ["showIfValue", "Something else"]]],
  ["calm", [["kind", "scale"], ["label", "Calm"], ["min", "1"], ["max", "5"]]],
  ["consent", [["kind", "consent"], ["label", "Consent"], ["required", "on"], ["consentText", "I agree to the examination."]]],
  ["signature", [["kind", "signature"], ["label", "Signature"], ["required", "on"]]],
];

describe("building a form", () => {
  it("creates a form and redirects to its page, audited", async () => {
    const created = await post(cookies.owner, "/admin/forms", [["name", "  Puppy intake  "]]);
    expect(created.status).toBe(302);
    const match = /^\/admin\/forms\/([0-9a-f-]{36})$/.exec(created.headers.location ?? "");
    expect(match, created.headers.location).not.toBeNull();
    ids.form = match![1]!;
    const draft = await draftOf(ids.form);
    expect(draft).toEqual({ title: "Puppy intake", sections: [{ id: "section_1", title: "Questions", questions: [] }] });
    expect((await auditsOf(ids.form)).map((a) => [a.action, a.actor_type, a.actor_id])).toEqual([["staff.form_created", "staff", ids.ownerStaff]]);
    const page = await get(cookies.owner, created.headers.location!);
    expect(page.status).toBe(200);
    expect(text(page)).toContain("Puppy intake");
    expect(text(await get(cookies.owner, "/admin/forms"))).toContain(`href="/admin/forms/${ids.form}"`);

    // No name: refused, nothing created.
    const before = await snapshot();
    const blank = await post(cookies.owner, "/admin/forms", [["name", "   "]]);
    expect(blank.status).toBe(400);
    expect(alertOf(blank)).toBe("Give the form a name.");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses publishing an empty form", async () => {
    const res = await builder([["intent", "publish"]]);
    expect(res.status).toBe(400);
    expect(alertOf(res)).toBe("Add at least one question before publishing.");
  });

  it("adds questions of every kind, with show-ifs on a yes/no and on a choice", async () => {
    for (const [id, fields] of QUESTIONS) {
      const res = await builder([["intent", "add-question"], ["sectionId", "section_1"], ...fields]);
      expect({ id, status: res.status, alert: alertOf(res) }).toEqual({ id, status: 200, alert: "" });
      expect(statusOf(res)).toContain("Saved in the draft");
    }
    const draft = await draftOf(ids.form);
    expect(questionIds(draft)).toEqual(QUESTIONS.map(([id]) => id));
    const byId = new Map(draft.sections[0]!.questions.map((q) => [q.id, q]));
    expect(byId.get("name")).toMatchObject({ kind: "short_text", label: "Name", required: true, help: "As on the collar tag", maxLength: 200 });
    expect(byId.get("weight")).toMatchObject({ kind: "number", required: false, min: 0, max: 100 });
    expect(byId.get("vaccination_date")).toMatchObject({ kind: "date", showIf: { question: "vaccinated", equals: true } });
    expect(byId.get("size")).toMatchObject({ options: [{ value: "small", label: "Small" }, { value: "large", label: "Large and heavy" }] });
    expect(byId.get("concerns")).toMatchObject({ options: [{ value: "itching", label: "Itching" }, { value: "limping", label: "Limping" }, { value: "something_else", label: "Something else" }] });
    // A show-if on a multiple choice is "any of" the option named (by label here).
    expect(byId.get("concerns_more")).toMatchObject({ kind: "long_text", showIf: { question: "concerns", anyOf: ["something_else"] } });
    expect(byId.get("calm")).toMatchObject({ kind: "scale", min: 1, max: 5 });
    expect(byId.get("consent")).toMatchObject({ kind: "consent", text: "I agree to the examination.", required: true });

    // The builder's page lists them, with the show-if rule in words.
    const page = text(await get(cookies.owner, `/admin/forms/${ids.form}`));
    expect(page).toContain("Shown if “Vaccinated” is yes");
    expect(page).toContain("Shown if “Concerns” is something_else");
  });

  it("moves questions, refusing moves that would put a question before the one it depends on", async () => {
    const order = questionIds(await draftOf(ids.form));
    // Size goes up above the vaccination date (which does not depend on it).
    const up = await builder([["intent", "move-up"], ["questionId", "size"]]);
    expect(up.status).toBe(200);
    const moved = questionIds(await draftOf(ids.form));
    expect(moved).toEqual(["name", "weight", "vaccinated", "size", "vaccination_date", "concerns", "concerns_more", "calm", "consent", "signature"]);
    expect((await builder([["intent", "move-down"], ["questionId", "size"]])).status).toBe(200);
    expect(questionIds(await draftOf(ids.form))).toEqual(order);

    const before = await snapshot();
    const refusals: [string, string, string][] = [
      ["move-up", "vaccination_date", "It is shown depending on the question above: it must stay after it."],
      ["move-down", "vaccinated", "The question below is shown depending on this one: it must stay before it."],
      ["move-up", "concerns_more", "It is shown depending on the question above: it must stay after it."],
      ["move-up", "no_such_question", "That question is no longer in the form. Please reload the page."],
    ];
    for (const [intent, questionId, message] of refusals) {
      const res = await builder([["intent", intent], ["questionId", questionId]]);
      expect({ intent, questionId, status: res.status, alert: alertOf(res) }).toEqual({ intent, questionId, status: 400, alert: message });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("removes a question, refusing one another question depends on", async () => {
    const before = await snapshot();
    for (const questionId of ["vaccinated", "concerns"]) {
      const res = await builder([["intent", "remove-question"], ["questionId", questionId]]);
      expect(res.status).toBe(400);
      expect(alertOf(res)).toBe("Another question is shown depending on this one: change that question first.");
    }
    expect(await snapshot()).toEqual(before);

    expect((await builder([["intent", "add-question"], ["sectionId", "section_1"], ["kind", "short_text"], ["label", "Temporary"]])).status).toBe(200);
    expect(questionIds(await draftOf(ids.form))).toContain("temporary");
    expect((await builder([["intent", "remove-question"], ["questionId", "temporary"]])).status).toBe(200);
    expect(questionIds(await draftOf(ids.form))).toEqual(QUESTIONS.map(([id]) => id));
  });

  it("adds, renames and removes sections, refusing to remove one with questions", async () => {
    expect((await builder([["intent", "add-section"], ["title", "Extra"]])).status).toBe(200);
    expect((await draftOf(ids.form)).sections.map((s) => [s.id, s.title])).toEqual([["section_1", "Questions"], ["extra", "Extra"]]);
    expect((await builder([["intent", "rename-section"], ["sectionId", "section_1"], ["title", "About your dog"]])).status).toBe(200);
    const full = await builder([["intent", "remove-section"], ["sectionId", "section_1"]]);
    expect(full.status).toBe(400);
    expect(alertOf(full)).toBe("Remove the section's questions first.");
    expect((await builder([["intent", "remove-section"], ["sectionId", "extra"]])).status).toBe(200);
    expect((await draftOf(ids.form)).sections.map((s) => [s.id, s.title])).toEqual([["section_1", "About your dog"]]);
    const last = await builder([["intent", "remove-section"], ["sectionId", "section_1"]]);
    expect(last.status).toBe(400);
  });

  it("answers bad builder input with a 400 naming the problem, the draft unchanged", async () => {
    const before = await snapshot();
    const cases: [string, [string, string][], string | RegExp][] = [
      ["a choice with one option", [["intent", "add-question"], ["sectionId", "section_1"], ["kind", "single_choice"], ["label", "Colour"], ["options", "Brown"]], /^Check the options \(at least two, one a line\)/],
      ["a question without text", [["intent", "add-question"], ["sectionId", "section_1"], ["kind", "short_text"], ["label", ""]], /^Check the question's text/],
      ["an unknown kind", [["intent", "add-question"], ["sectionId", "section_1"], ["kind", "hologram"], ["label", "Hologram"]], /^Check the kind of question/],
      ["a question in no section", [["intent", "add-question"], ["sectionId", "nowhere"], ["kind", "short_text"], ["label", "Lost"]], "That section is no longer in the form. Please reload the page."],
      ["a show-if on an unknown question", [["intent", "add-question"], ["sectionId", "section_1"], ["kind", "short_text"], ["label", "Ghost"], ["showIfQuestion", "ghost"], ["showIfValue", "yes"]], "Choose an earlier question for “show only if”."],
      ["a show-if without a value", [["intent", "add-question"], ["sectionId", "section_1"], ["kind", "short_text"], ["label", "Why"], ["showIfQuestion", "vaccinated"]], "Say which answer shows this question."],
      ["a show-if on an option that is not there", [["intent", "add-question"], ["sectionId", "section_1"], ["kind", "short_text"], ["label", "Why"], ["showIfQuestion", "size"], ["showIfValue", "Tiny"]], "“Tiny” is not one of the options of “Size”."],
      [
        "a show-if on a later question",
        [["intent", "update-question"], ["questionId", "name"], ["kind", "short_text"], ["label", "Name"], ["required", "on"], ["showIfQuestion", "vaccinated"], ["showIfValue", "yes"]],
        'Question "name": it depends on "vaccinated", which is not an earlier question.',
      ],
      ["a show-if on itself", [["intent", "update-question"], ["questionId", "vaccinated"], ["kind", "yes_no"], ["label", "Vaccinated"], ["showIfQuestion", "vaccinated"], ["showIfValue", "yes"]], 'Question "vaccinated": it cannot be shown depending on itself.'],
      ["a number minimum above its maximum", [["intent", "update-question"], ["questionId", "weight"], ["kind", "number"], ["label", "Weight"], ["min", "50"], ["max", "10"]], 'Question "weight": its minimum is above its maximum.'],
      ["updating an unknown question", [["intent", "update-question"], ["questionId", "nope"], ["kind", "short_text"], ["label", "Nope"]], "That question is no longer in the form. Please reload the page."],
      ["renaming an unknown section", [["intent", "rename-section"], ["sectionId", "nope"], ["title", "Nope"]], "That section is no longer in the form. Please reload the page."],
      ["an unknown intent", [["intent", "explode"]], "Unknown action."],
      ["no intent", [], "Unknown action."],
      ["a blank new name", [["intent", "rename"], ["name", " "]], "Give the form a name."],
      ["an unknown appointment type", [["intent", "appointment-types"], ["appointmentTypeId", UNKNOWN]], "One of the appointment types is no longer active. Please reload the page."],
      ["a garbage appointment type", [["intent", "appointment-types"], ["appointmentTypeId", "1 or 1=1"]], "Choose appointment types from the list."],
    ];
    for (const [name, fields, message] of cases) {
      const res = await builder(fields);
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      if (typeof message === "string") expect(alertOf(res), name).toBe(message);
      else expect(alertOf(res), name).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("answers 404 for garbage, unknown and other practices' form ids", async () => {
    await withPractice(db.owner.db, riverside, async (trx) => {
      ids.riversideForm = (await trx.selectFrom("forms").select("id").executeTakeFirstOrThrow()).id;
    });
    const before = await snapshot();
    for (const formId of ["not-a-uuid", "1 or 1=1", UNKNOWN, ids.riversideForm]) {
      expect({ formId, status: (await get(cookies.owner, `/admin/forms/${encodeURIComponent(formId)}`)).status }).toEqual({ formId, status: 404 });
      expect({ formId, status: (await builder([["intent", "publish"]], cookies.owner, encodeURIComponent(formId))).status }).toEqual({ formId, status: 404 });
    }
    expect(await snapshot()).toEqual(before);
    expect(await snapshot(riverside)).toMatchObject({ versions: 1 });
  });

  it("answers 403 to staff without manage_forms, writing nothing", async () => {
    const before = await snapshot();
    expect((await get(cookies.vet, "/admin/forms")).status).toBe(403);
    expect((await get(cookies.vet, `/admin/forms/${ids.form}`)).status).toBe(403);
    expect((await post(cookies.vet, "/admin/forms", [["name", "Vet's form"]])).status).toBe(403);
    for (const fields of [[["intent", "publish"]], [["intent", "add-question"], ["sectionId", "section_1"], ["kind", "short_text"], ["label", "Sneaky"]], [["intent", "retire"]]] as [string, string][][]) {
      expect((await builder(fields, cookies.vet)).status).toBe(403);
    }
    expect((await post(cookies.vet, `/admin/clients/${ids.maria}/forms`, [["formId", ids.dogIntake]])).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    // A role with manage_forms alone may build.
    expect((await get(cookies.formsOnly, `/admin/forms/${ids.form}`)).status).toBe(200);
  });

  it("publishes version 1; publishing again unchanged says so and writes nothing", async () => {
    const res = await builder([["intent", "publish"]]);
    expect(res.status).toBe(200);
    expect(statusOf(res)).toBe("Version 1 published: forms sent from now on use it; those already sent keep theirs.");
    const versions = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("form_versions").selectAll().where("form_id", "=", ids.form).execute());
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, published_by: ids.ownerStaff, definition: await draftOf(ids.form) });
    ids.v1 = versions[0]!.id;
    const actions = (await auditsOf(ids.form)).map((a) => a.action);
    // Every edit of the draft is audited too.
    expect(actions.filter((action) => action !== "staff.form_draft_changed")).toEqual(["staff.form_created", "staff.form_published"]);
    expect(actions.filter((action) => action === "staff.form_draft_changed").length).toBeGreaterThan(5);

    const before = await snapshot();
    const again = await builder([["intent", "publish"]]);
    expect(again.status).toBe(200);
    expect(statusOf(again)).toBe("Version 1 is already this draft.");
    expect(await snapshot()).toEqual(before);
  });
});

describe("sending a form", () => {
  it("sends the published form to Maria about Biscuit: a request, an email with its link, an audit entry", async () => {
    const before = await snapshot();
    const res = await post(cookies.owner, `/admin/clients/${ids.maria}/forms`, [["formId", ids.form], ["patientId", ids.biscuit]]);
    expect(res.status).toBe(200);
    expect(statusOf(res)).toBe("Sent “Puppy intake”. The client has been emailed a link to it.");
    const after = await snapshot();
    const made = after.requests.filter((r) => !before.requests.some((b) => b.id === r.id));
    expect(made).toHaveLength(1);
    ids.request = made[0]!.id;
    expect(await requestRow(ids.request)).toMatchObject({ form_version_id: ids.v1, client_id: ids.maria, patient_id: ids.biscuit, appointment_id: null, status: "sent", sent_via: "staff", sent_by: ids.ownerStaff, answers: {}, submitted_at: null });
    expect({ audits: after.audits, events: after.events, emails: after.emails }).toEqual({ audits: before.audits + 1, events: before.events, emails: before.emails + 1 });
    const [email] = (await formEmails()).slice(-1);
    expect(email).toMatchObject({ recipient: "maria.lopez@example.com", subject: "Happy Paws Animal Hospital: please fill in “Puppy intake”" });
    expect(email!.text).toContain("about Biscuit");
    expect(email!.text).toMatch(new RegExp(`http://happy-paws\\.localhost:3000/forms/${ids.request}$`, "m"));
    expect((await auditsOf(ids.request)).map((a) => [a.action, a.actor_type, a.details])).toEqual([["staff.form_sent", "staff", { clientId: ids.maria, title: "Puppy intake" }]]);
    // Listed on the client's forms page, for staff.
    expect(text(await get(cookies.owner, `/admin/clients/${ids.maria}/forms`))).toContain("Puppy intake");
  });

  it("keeps version 1 for that request when version 2 is published", async () => {
    const edited = await builder([["intent", "update-question"], ["questionId", "name"], ["kind", "short_text"], ["label", "Your dog's name"], ["required", "on"]]);
    expect(edited.status).toBe(200);
    const draft = await draftOf(ids.form);
    expect(draft.sections[0]!.questions[0]).toMatchObject({ id: "name", label: "Your dog's name" });
    expect(text(await get(cookies.owner, "/admin/forms"))).toContain("Draft changes");
    const res = await builder([["intent", "publish"]]);
    expect(statusOf(res)).toMatch(/^Version 2 published/);
    ids.v2 = (await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("form_versions").select("id").where("form_id", "=", ids.form).where("version", "=", 2).executeTakeFirstOrThrow())).id;
    expect((await requestRow(ids.request)).form_version_id).toBe(ids.v1);

    // Sent from now on: version 2.
    const before = await snapshot();
    expect((await post(cookies.owner, `/admin/clients/${ids.maria}/forms`, [["formId", ids.form], ["patientId", ""]])).status).toBe(200);
    ids.requestV2 = (await snapshot()).requests.find((r) => !before.requests.some((b) => b.id === r.id))!.id;
    expect(await requestRow(ids.requestV2)).toMatchObject({ form_version_id: ids.v2, patient_id: null });
    // Maria's v1 request still shows the label it was sent with.
    const page = shown(await get(cookies.maria, `/forms/${ids.request}`));
    expect(page).toContain("Name (required)");
    expect(page).not.toContain("Your dog's name");
    expect(text(await get(cookies.maria, `/forms/${ids.requestV2}`))).toContain("Your dog's name (required)");
  });

  it("refuses unpublished and retired forms, another client's pet, unknown ids, writing nothing", async () => {
    const draftOnly = await post(cookies.owner, "/admin/forms", [["name", "Never published"]]);
    const draftOnlyId = draftOnly.headers.location!.split("/").at(-1)!;
    const retired = await post(cookies.owner, "/admin/forms", [["name", "Old form"]]);
    const retiredId = retired.headers.location!.split("/").at(-1)!;
    expect((await builder([["intent", "add-question"], ["sectionId", "section_1"], ["kind", "yes_no"], ["label", "Still here"]], cookies.owner, retiredId)).status).toBe(200);
    expect((await builder([["intent", "publish"]], cookies.owner, retiredId)).status).toBe(200);
    const retire = await builder([["intent", "retire"]], cookies.owner, retiredId);
    expect(statusOf(retire)).toMatch(/^Retired/);
    expect((await auditsOf(retiredId)).map((a) => a.action).filter((action) => action !== "staff.form_draft_changed")).toEqual(["staff.form_created", "staff.form_published", "staff.form_retired"]);

    const before = await snapshot();
    const send = (fields: [string, string][], clientId = ids.maria) => post(cookies.owner, `/admin/clients/${clientId}/forms`, fields);
    const cases: [string, [string, string][], string][] = [
      ["an unpublished form", [["formId", draftOnlyId]], "That form is not published, or it was retired. Publish it first."],
      ["a retired form", [["formId", retiredId]], "That form is not published, or it was retired. Publish it first."],
      ["an unknown form", [["formId", UNKNOWN]], "That form is not published, or it was retired. Publish it first."],
      ["another practice's form", [["formId", ids.riversideForm]], "That form is not published, or it was retired. Publish it first."],
      ["no form", [["formId", ""]], "Choose a form to send."],
      ["a garbage form id", [["formId", "1 or 1=1"]], "Choose a form to send."],
      ["another client's pet", [["formId", ids.form], ["patientId", ids.jamesPet]], "Choose one of the client's pets or family members."],
      ["an unknown pet", [["formId", ids.form], ["patientId", UNKNOWN]], "Choose one of the client's pets or family members."],
      ["a garbage pet id", [["formId", ids.form], ["patientId", "x"]], "Choose one of the client's pets or family members."],
    ];
    for (const [name, fields, message] of cases) {
      const res = await send(fields);
      expect({ name, status: res.status, alert: alertOf(res) }).toEqual({ name, status: 400, alert: message });
    }
    expect((await send([["formId", ids.form]], UNKNOWN)).status).toBe(404);
    expect((await send([["formId", ids.form]], "garbage")).status).toBe(404);
    expect(await snapshot()).toEqual(before);

    // Retired forms can be restored and sent again.
    expect(statusOf(await builder([["intent", "restore"]], cookies.owner, retiredId))).toBe("Restored.");
  });
});

describe("filling in a form (client)", () => {
  const fill = (fields: [string, string][], cookie = cookies.maria, id = ids.request, host = HAPPY) => post(cookie, `/forms/${id}`, fields, host);
  /** Every required question answered, the show-ifs opened. */
  const valid: [string, string][] = [
    ["name", "Rex"],
    ["weight", "12.5"],
    ["vaccinated", "yes"],
    ["vaccination_date", "2026-03-01"],
    ["size", "large"],
    ["concerns", "itching"],
    ["concerns", "something_else"],
    ["concerns_more", "Sneezes a lot"],
    ["calm", "4"],
    ["consent.accepted", "on"],
    ["consent.name", "Maria Lopez"],
    ["signature.method", "typed"],
    ["signature.name", "Maria Lopez"],
  ];

  it("lists the forms sent to Maria and renders the questions", async () => {
    const list = text(await get(cookies.maria, "/forms"));
    expect(list).toContain(`href="/forms/${ids.request}"`);
    expect(list).toContain("Puppy intake");
    expect(list).toContain("Dog intake form");
    const page = await get(cookies.maria, `/forms/${ids.request}`);
    expect(page.status).toBe(200);
    const body = shown(page);
    expect(body).toContain("About Biscuit");
    for (const label of ["Name (required)", "As on the collar tag", "Weight", "Vaccinated (required)", "Size (required)", "Large and heavy", "Concerns", "Calm", "I agree to the examination.", "Signature (required)", "Or type your full name to sign"]) expect(body).toContain(label);
    // Questions whose show-if is not met are not on the page yet.
    expect(body).not.toContain("Vaccination date");
    expect(body).not.toContain("Concerns more");
    expect(body).toContain('value="submit"');
  });

  it("saves partial and invalid answers as they are (400 with the problems), status started", async () => {
    const before = await snapshot();
    const res = await fill([["intent", "save"], ["name", "Rex"], ["weight", "heavy"], ["vaccinated", "yes"], ["size", "enormous"]]);
    expect(res.status).toBe(400);
    expect(fieldErrors(res)).toEqual(["Enter a number from 0 to 100.", "Choose one of the options."]);
    const row = await requestRow(ids.request);
    expect(row).toMatchObject({ status: "started", answers: { name: "Rex", weight: "heavy", vaccinated: true, size: "enormous" }, submitted_at: null });
    expect(row.started_at).toBeInstanceOf(Date);
    // Saving writes no audit entry, event or email.
    const after = await snapshot();
    expect({ audits: after.audits, events: after.events, emails: after.emails }).toEqual({ audits: before.audits, events: before.events, emails: before.emails });

    // The page shows the saved answers back, and the question the yes opened.
    const page = shown(await get(cookies.maria, `/forms/${ids.request}`));
    expect(page).toContain('value="Rex"');
    expect(page).toContain('value="heavy"');
    expect(page).toContain("Vaccination date (required)");

    // A clean save redirects back to the page, saved.
    const saved = await fill([["intent", "save"], ["name", "Rex"]]);
    expect(saved.status).toBe(302);
    expect(saved.headers.location).toBe(`/forms/${ids.request}?saved=1`);
    expect((await requestRow(ids.request)).answers).toEqual({ name: "Rex" });
    expect(text(await get(cookies.maria, "/forms"))).toContain("started");
  });

  it("refuses to submit with required questions missing, listing them; nothing submitted", async () => {
    const before = await snapshot();
    const res = await fill([["intent", "submit"], ["name", "Rex"], ["vaccinated", "yes"], ["concerns", "something_else"]]);
    expect(res.status).toBe(400);
    expect(text(res)).toContain("Please check 5 answers below.");
    expect(fieldErrors(res)).toEqual(["Answer this question.", "Answer this question.", "Answer this question.", "Tick the box and type your full name to give consent.", "Answer this question."]);
    const row = await requestRow(ids.request);
    expect(row).toMatchObject({ status: "started", submitted_at: null, submitted_ip: null, answers: { name: "Rex", vaccinated: true, concerns: ["something_else"] } });
    const after = await snapshot();
    expect({ audits: after.audits, events: after.events, emails: after.emails }).toEqual({ audits: before.audits, events: before.events, emails: before.emails });
  });

  it("refuses to submit an answer to a question the answers hide (a crafted request)", async () => {
    const crafted = valid.map(([name, value]): [string, string] => (name === "vaccinated" ? [name, "no"] : [name, value]));
    // Saved with "no" first: the page never showed the date question, so only a crafted request answers it. (A stale
    // answer to a question the saved answers still showed is dropped instead.)
    await fill([["intent", "save"], ...crafted.filter(([name]) => name !== "vaccination_date")]);
    const res = await fill([["intent", "submit"], ...crafted]);
    expect(res.status).toBe(400);
    // The problem is keyed by the hidden question: it is in the action's data (the page has no question to show it at).
    expect(text(res)).toContain("This answers a question that is not shown.");
    const row = await requestRow(ids.request);
    expect(row.status).toBe("started");
    expect(row.submitted_at).toBeNull();
    // What was kept is what a browser could have sent: the hidden answer is dropped.
    expect(row.answers).not.toHaveProperty("vaccination_date");
    expect(row.answers).toMatchObject({ vaccinated: false, name: "Rex" });
  });

  it("submits valid answers: 302, submitted with the IP, audited, form.submitted", async () => {
    const before = await snapshot();
    const res = await fill([["intent", "submit"], ...valid]);
    expect(res.status, fieldErrors(res).join("; ") || res.body.slice(0, 300)).toBe(302);
    expect(res.headers.location).toBe("/forms?submitted=1");
    const row = await requestRow(ids.request);
    expect(row).toMatchObject({
      status: "submitted",
      answers: {
        name: "Rex",
        weight: 12.5,
        vaccinated: true,
        vaccination_date: "2026-03-01",
        size: "large",
        concerns: ["itching", "something_else"],
        concerns_more: "Sneezes a lot",
        calm: 4,
        consent: { accepted: true, name: "Maria Lopez" },
        signature: { method: "typed", name: "Maria Lopez" },
      },
    });
    expect(row.submitted_at).toBeInstanceOf(Date);
    expect(row.submitted_ip).toMatch(/127\.0\.0\.1|::1/);
    const audits = await auditsOf(ids.request);
    expect(audits.at(-1)).toMatchObject({ action: "client.form_submitted", actor_type: "client", subject_type: "form_request", details: { title: "Puppy intake", forClientId: ids.maria } });
    const events = await withPractice(db.owner.db, happyPaws, (trx) => trx.selectFrom("domain_events").select(["type", "data"]).where(sql<boolean>`data -> 'formRequest' ->> 'id' = ${ids.request}`).execute());
    expect(events).toEqual([{ type: "form.submitted", data: { formRequest: { id: ids.request }, client: { id: ids.maria, externalId: null }, submittedAt: row.submitted_at!.toISOString() } }]);
    const after = await snapshot();
    expect({ audits: after.audits, events: after.events, emails: after.emails }).toEqual({ audits: before.audits + 1, events: before.events + 1, emails: before.emails });
    const list = text(await get(cookies.maria, "/forms?submitted=1"));
    expect(list).toContain("Thank you: your form has been sent to the practice.");
    expect(list).toMatch(/Sent to the practice \w/);
  });

  it("is read-only once submitted: 409 to another submit or save, the page without buttons", async () => {
    const before = await snapshot();
    for (const intent of ["submit", "save"]) {
      const res = await fill([["intent", intent], ...valid.map(([name, value]): [string, string] => (name === "name" ? [name, "Changed"] : [name, value]))]);
      expect({ intent, status: res.status }).toEqual({ intent, status: 409 });
      expect(text(res)).toContain("This form has already been sent to the practice.");
    }
    expect(await snapshot()).toEqual(before);
    expect((await requestRow(ids.request)).answers).toMatchObject({ name: "Rex" });
    const page = shown(await get(cookies.maria, `/forms/${ids.request}`));
    expect(page).toMatch(/Sent to the practice .+These are your answers\./);
    expect(page).not.toContain('value="submit"');
    expect(page).toMatch(/name="name"[^>]*disabled=""|disabled=""[^>]*name="name"/);
  });

  it("is not found for another client, another practice's client, or a bad id", async () => {
    const before = await snapshot();
    expect((await get(cookies.james, `/forms/${ids.requestV2}`)).status).toBe(404);
    expect((await fill([["intent", "save"], ["name", "Intruder"]], cookies.james, ids.requestV2)).status).toBe(404);
    expect((await fill([["intent", "submit"], ...valid], cookies.james, ids.requestV2)).status).toBe(404);
    expect(text(await get(cookies.james, "/forms"))).not.toContain(ids.requestV2);
    // Riverside's client, on Riverside's site, asking for Happy Paws' request.
    expect((await get(cookies.alex, `/forms/${ids.requestV2}`, RIVER)).status).toBe(404);
    expect((await fill([["intent", "save"], ["name", "Intruder"]], cookies.alex, ids.requestV2, RIVER)).status).toBe(404);
    for (const id of ["garbage", UNKNOWN]) expect((await get(cookies.maria, `/forms/${id}`)).status).toBe(404);
    // Signed out: sent to sign in, coming back to the form afterwards; a post changes nothing.
    const signedOut = await server.request(HAPPY, `/forms/${ids.requestV2}`);
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.location).toBe(`/?next=${encodeURIComponent(`/forms/${ids.requestV2}`)}`);
    expect(signedOut.body).not.toContain("Puppy intake");
    expect((await fill([["intent", "submit"], ...valid], "", ids.requestV2)).status).toBe(302);
    expect(await snapshot()).toEqual(before);
    expect((await requestRow(ids.requestV2)).status).toBe("sent");
  });

  it("can still be filled in after its form is retired", async () => {
    expect((await builder([["intent", "retire"]])).status).toBe(200);
    try {
      expect(text(await get(cookies.maria, "/forms"))).toContain(`href="/forms/${ids.requestV2}"`);
      const saved = await fill([["intent", "save"], ["name", "Bella"]], cookies.maria, ids.requestV2);
      expect(saved.status).toBe(302);
      expect(await requestRow(ids.requestV2)).toMatchObject({ status: "started", answers: { name: "Bella" } });
    } finally {
      expect(statusOf(await builder([["intent", "restore"]]))).toBe("Restored.");
    }
  });

  it("reaches a limited account: Riverside's owner sends Leo the intake, he sees and fills it", async () => {
    // Limited indeed: a record the clinic wrote about him is not his to open.
    const clinicRecord = await withPractice(db.owner.db, riverside, async (trx) => (await trx.selectFrom("documents").select("id").where("title", "like", "%shoulder pain%").executeTakeFirstOrThrow()).id);
    expect((await get(cookies.leo, `/records/${clinicRecord}`, RIVER)).status).toBe(404);
    const sent = await post(cookies.riversideOwner, `/admin/clients/${ids.leo}/forms`, [["formId", ids.physioIntake]], RIVER);
    expect(sent.status).toBe(200);
    expect(statusOf(sent)).toContain("Sent “New-patient physiotherapy intake”");
    ids.leoRequest = (await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("form_requests").select("id").where("client_id", "=", ids.leo).executeTakeFirstOrThrow())).id;
    expect((await formEmails(riverside)).at(-1)).toMatchObject({ recipient: "leo.grant@example.com" });
    expect(text(await get(cookies.leo, "/forms", RIVER))).toContain(`href="/forms/${ids.leoRequest}"`);
    const page = await get(cookies.leo, `/forms/${ids.leoRequest}`, RIVER);
    expect(page.status).toBe(200);
    expect(text(page)).toContain("Where is the problem? (required)");
    const submitted = await fill(
      [["intent", "submit"], ["area", "knee"], ["pain", "3"], ["injury", "no"], ["treatment_consent.accepted", "on"], ["treatment_consent.name", "Leo Grant"], ["signature.method", "typed"], ["signature.name", "Leo Grant"]],
      cookies.leo,
      ids.leoRequest,
      RIVER,
    );
    expect(submitted.status, fieldErrors(submitted).join("; ")).toBe(302);
    expect((await requestRow(ids.leoRequest, riverside)).status).toBe("submitted");
    // Another Riverside client cannot open it; Happy Paws' Maria neither (her session is not Riverside's).
    expect((await get(cookies.alex, `/forms/${ids.leoRequest}`, RIVER)).status).toBe(404);
    expect((await get(cookies.maria, `/forms/${ids.leoRequest}`)).status).toBe(404);
  });
  it("follows a family member's rights: Sarah fills in Maya's form only with fill_forms", async () => {
    const { sarahId, mayaId } = await withPractice(db.owner.db, riverside, async (trx) => ({
      sarahId: (await trx.selectFrom("clients").select("id").where("first_name", "=", "Sarah").where("last_name", "=", "Chen").executeTakeFirstOrThrow()).id,
      mayaId: (await trx.selectFrom("clients").select("id").where("first_name", "=", "Maya").where("last_name", "=", "Chen").executeTakeFirstOrThrow()).id,
    }));
    expect((await post(cookies.riversideOwner, `/admin/clients/${mayaId}/forms`, [["formId", ids.physioIntake]], RIVER)).status).toBe(200);
    const mayaRequest = (await withPractice(db.owner.db, riverside, (trx) => trx.selectFrom("form_requests").select("id").where("client_id", "=", mayaId).executeTakeFirstOrThrow())).id;
    const sarah = cookies.sarah;
    const link = (permissions: string[]) =>
      post(cookies.riversideOwner, `/admin/clients/${sarahId}`, [["intent", "link-member"], ["memberEmail", "maya.chen@example.com"], ["relationship", "Daughter"], ...permissions.map((p): [string, string] => ["permissions", p])], RIVER);

    // The demo link lets Sarah see Maya's records and appointments, not fill in her forms.
    expect((await post(sarah, "/switch-member", [["clientId", mayaId]], RIVER)).status).toBe(302);
    const before = await snapshot(riverside);
    expect((await get(sarah, "/forms", RIVER)).status).toBe(404);
    expect((await get(sarah, `/forms/${mayaRequest}`, RIVER)).status).toBe(404);
    expect((await post(sarah, `/forms/${mayaRequest}`, [["intent", "save"], ["area", "knee"]], RIVER)).status).toBe(404);
    expect(await snapshot(riverside)).toEqual(before);

    expect((await link(["view_appointments", "fill_forms"])).status).toBe(200);
    expect(text(await get(sarah, "/forms", RIVER))).toContain(`href="/forms/${mayaRequest}"`);
    const saved = await post(sarah, `/forms/${mayaRequest}`, [["intent", "save"], ["area", "knee"]], RIVER);
    expect(saved.status).toBe(302);
    expect(await requestRow(mayaRequest, riverside)).toMatchObject({ status: "started", answers: { area: "knee" } });
  });
});

describe("reading answers (staff)", () => {
  const submissionPath = () => `/admin/form-submissions/${ids.request}`;

  it("lists the submission and shows the answers in words, against the version answered, audited", async () => {
    const list = text(await get(cookies.owner, "/admin/form-submissions"));
    expect(list).toContain(`href="/admin/form-submissions/${ids.request}"`);
    expect(list).toContain("Maria Lopez");
    expect(list).toContain("Puppy intake");
    // Leo's Riverside submission is not Happy Paws' to list.
    expect(list).not.toContain(ids.leoRequest);

    const res = await get(cookies.owner, submissionPath());
    expect(res.status).toBe(200);
    const page = text(res);
    const answers = Object.fromEntries([...page.matchAll(/<dt>([^<]*)<\/dt>(?:<dd class="consent-text">[^<]*<\/dd>)?<dd>([^<]*)<\/dd>/g)].map((m) => [m[1]!, m[2]!]));
    expect(answers).toMatchObject({
      // Version 1's label: the request was sent before version 2.
      Name: "Rex",
      Weight: "12.5",
      Vaccinated: "Yes",
      "Vaccination date": "2026-03-01",
      Size: "Large and heavy",
      Concerns: "Itching, Something else",
      "Concerns more": "Sneezes a lot",
      Calm: "4",
      Consent: "Accepted, signed: Maria Lopez",
      Signature: "Signed: Maria Lopez",
      Version: "1",
    });
    expect(page).not.toContain("Your dog's name");
    expect(page).toContain("I agree to the examination.");
    expect(page).toContain("about Biscuit");
    expect(page).toContain("Mark reviewed");
    const viewed = (await auditsOf(ids.request)).filter((a) => a.action === "staff.form_submission_viewed");
    expect(viewed).toEqual([{ action: "staff.form_submission_viewed", actor_type: "staff", actor_id: ids.ownerStaff, subject_type: "form_request", details: { clientId: ids.maria } }]);
  });

  it("refuses answers to staff with manage_forms but no chart access, writing nothing", async () => {
    const before = await snapshot();
    expect((await get(cookies.formsOnly, "/admin/form-submissions")).status).toBe(403);
    expect((await get(cookies.formsOnly, submissionPath())).status).toBe(403);
    expect((await post(cookies.formsOnly, submissionPath(), [])).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    // They may still send forms, and see what was sent, but not link to the answers.
    const clientPage = await get(cookies.formsOnly, `/admin/clients/${ids.maria}/forms`);
    expect(clientPage.status).toBe(200);
    expect(text(clientPage)).toContain("Puppy intake");
    expect(clientPage.body).not.toContain(`/admin/form-submissions/${ids.request}`);
  });

  it("marks a submission reviewed once; again says already; an unsubmitted one is refused", async () => {
    const res = await post(cookies.owner, submissionPath(), []);
    expect(res.status).toBe(200);
    expect(statusOf(res)).toBe("Marked reviewed.");
    const row = await requestRow(ids.request);
    expect(row).toMatchObject({ status: "reviewed", reviewed_by: ids.ownerStaff });
    expect(row.reviewed_at).toBeInstanceOf(Date);
    const reviewed = (await auditsOf(ids.request)).filter((a) => a.action === "staff.form_reviewed");
    expect(reviewed).toEqual([{ action: "staff.form_reviewed", actor_type: "staff", actor_id: ids.ownerStaff, subject_type: "form_request", details: { clientId: ids.maria } }]);

    // The page the answer renders reads the answers again (audited as a view): compare everything else.
    const { audits: _audits, ...before } = await snapshot();
    const again = await post(cookies.owner, submissionPath(), []);
    expect(again.status).toBe(200);
    expect(statusOf(again)).toBe("Already marked reviewed.");
    const unsubmitted = await post(cookies.owner, `/admin/form-submissions/${ids.requestV2}`, []);
    expect(unsubmitted.status).toBe(400);
    expect(alertOf(unsubmitted)).toBe("The client has not submitted this form yet.");
    for (const id of [UNKNOWN, ids.leoRequest, "garbage"]) expect((await post(cookies.owner, `/admin/form-submissions/${id}`, [])).status).toBe(404);
    expect(await snapshot()).toMatchObject(before);
    expect(text(await get(cookies.owner, "/admin/form-submissions?status=reviewed"))).toContain(ids.request);
    const outstanding = text(await get(cookies.owner, "/admin/form-submissions?status=outstanding"));
    expect(outstanding).toContain(ids.requestV2);
    expect(outstanding).not.toContain(ids.request);
    // A reviewed form stays read-only for the client.
    expect((await post(cookies.maria, `/forms/${ids.request}`, [["intent", "submit"], ["name", "Late change"]])).status).toBe(409);
  });
});

describe("forms sent with bookings", () => {
  it("sends the forms attached to Wellness exam when Maria books one: one request each, one email", async () => {
    // The new form goes out with Wellness exams too, beside the demo's dog intake.
    const attached = await builder([["intent", "appointment-types"], ["appointmentTypeId", ids.wellness]]);
    expect(statusOf(attached)).toBe("Saved: the form is sent with each booking of these types.");
    const emailsBefore = (await formEmails()).length;
    const appointmentId = await bookAsMaria(0, "Forms with a booking", "/appointments?booked=1");
    const made = await requestsOfAppointment(appointmentId);
    expect(made.map(({ form_id, version }) => ({ form_id, version })).sort((a, b) => a.form_id.localeCompare(b.form_id))).toEqual(
      [
        { form_id: ids.dogIntake, version: 1 },
        { form_id: ids.form, version: 2 },
      ].sort((a, b) => a.form_id.localeCompare(b.form_id)),
    );
    for (const row of made) expect(row).toMatchObject({ sent_via: "appointment", sent_by: null, client_id: ids.maria, patient_id: ids.biscuit, appointment_id: appointmentId, status: "sent" });
    const emails = await formEmails();
    expect(emails).toHaveLength(emailsBefore + 1);
    expect(emails.at(-1)).toMatchObject({ recipient: "maria.lopez@example.com", subject: "Happy Paws Animal Hospital: please fill in 2 forms" });
    expect(emails.at(-1)!.text).toMatch(/http:\/\/happy-paws\.localhost:3000\/forms$/m);
    expect(emails.at(-1)!.text).toContain("- Dog intake form");
    expect(emails.at(-1)!.text).toContain("- Puppy intake");

    // Detached again: the next booking sends the dog intake alone, linked directly.
    expect(statusOf(await builder([["intent", "appointment-types"]]))).toBe("Saved: the form is not sent with bookings.");
    const second = await bookAsMaria(2, "Dog intake alone", "/appointments?booked=1");
    const alone = await requestsOfAppointment(second);
    expect(alone.map((r) => r.form_id)).toEqual([ids.dogIntake]);
    expect((await formEmails()).at(-1)!.text).toContain(`/forms/${alone[0]!.id}`);
  });

  it("in requests mode, sends them once the request is approved, and only once", async () => {
    await setMode("requests");
    try {
      const appointmentId = await bookAsMaria(4, "Forms after approval", "/appointments?requested=1");
      expect(await requestsOfAppointment(appointmentId)).toEqual([]);
      const emailsBefore = (await formEmails()).length;
      const approve = () => post(cookies.owner, `/admin/schedule?date=${day}`, [["intent", "approve"], ["appointmentId", appointmentId]]);
      expect((await approve()).status).toBe(200);
      const made = await requestsOfAppointment(appointmentId);
      expect(made).toHaveLength(1);
      expect(made[0]).toMatchObject({ form_id: ids.dogIntake, sent_via: "appointment", appointment_id: appointmentId });
      expect(await formEmails()).toHaveLength(emailsBefore + 1);
      // Approving again is refused, and sends nothing more.
      expect((await approve()).status).toBe(400);
      expect(await requestsOfAppointment(appointmentId)).toHaveLength(1);
      expect(await formEmails()).toHaveLength(emailsBefore + 1);
    } finally {
      await setMode("direct");
    }
  });

  it("sends nothing for a retired attached form", async () => {
    expect((await builder([["intent", "retire"]], cookies.owner, ids.dogIntake)).status).toBe(200);
    try {
      const emailsBefore = (await formEmails()).length;
      const appointmentId = await bookAsMaria(6, "Retired intake", "/appointments?booked=1");
      expect(await requestsOfAppointment(appointmentId)).toEqual([]);
      expect(await formEmails()).toHaveLength(emailsBefore);
    } finally {
      await builder([["intent", "restore"]], cookies.owner, ids.dogIntake);
    }
  });
});
