import { z } from "zod";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { recordAudit } from "../../../server/audit.server";
import { addQuestion, addSection, type Edited, freshId, moveQuestion, removeQuestion, removeSection, renameSection, replaceQuestion } from "../../form-builder/edit-definition";
import { allQuestions, type FormDefinition, type FormDefinitionInput, formDefinitionSchema, type Question, questionSchema } from "../../forms/definition";
import { fromQuestionnaire, toQuestionnaire } from "../../forms/fhir";
import type { PorticoLoadContext } from "../../load-context";
import { formatDateTime, localeFor } from "../../time";
import { notFound } from "../portal/portal-page.server";
import { idParam } from "../portal/portal-page.server";
import { adminPage, type StaffScope } from "./admin-page.server";

/**
 * `/admin/forms` (permission `manage_forms`): the practice's forms, each a draft staff edit and the versions they
 * published (docs/decisions/022-smart-forms.md). The draft is always a valid definition: every edit is checked whole
 * against the definition schema before it is saved, so publishing never finds a surprise.
 */

const PERMISSION = "manage_forms";

export type FormListItem = { id: string; name: string; active: boolean; latestVersion: number | null; publishedAt: string | null; unpublishedChanges: boolean; submissions: number };

export async function listForms(context: PorticoLoadContext, request: Request) {
  return adminPage(context, request, PERMISSION, async ({ trx }) => {
    const { time_zone: timeZone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
    const rows = await trx
      .selectFrom("forms as f")
      .leftJoin("form_versions as v", (join) => join.onRef("v.practice_id", "=", "f.practice_id").onRef("v.form_id", "=", "f.id").on((eb) => eb("v.version", "=", eb.selectFrom("form_versions as w").select((w) => w.fn.max("w.version").as("m")).whereRef("w.form_id", "=", "f.id"))))
      .select(["f.id", "f.name", "f.active", "f.draft", "v.version", "v.published_at", "v.definition"])
      .select((eb) => eb.selectFrom("form_requests as r").innerJoin("form_versions as rv", "rv.id", "r.form_version_id").select((s) => s.fn.countAll<string>().as("n")).whereRef("rv.form_id", "=", "f.id").where("r.status", "in", ["submitted", "reviewed"]).as("submissions"))
      .orderBy("f.active", "desc")
      .orderBy("f.name")
      .execute();
    return {
      forms: rows.map(
        (r): FormListItem => ({
          id: r.id,
          name: r.name,
          active: r.active,
          latestVersion: r.version,
          publishedAt: r.published_at ? formatDateTime(r.published_at, timeZone, localeFor(timeZone)) : null,
          unpublishedChanges: r.definition === null || JSON.stringify(r.definition) !== JSON.stringify(r.draft),
          submissions: Number(r.submissions ?? 0),
        }),
      ),
    };
  });
}

const nameSchema = z
  .string({ error: "Give the form a name." })
  .trim()
  .min(1, "Give the form a name.")
  .max(200, "Keep the name under 200 characters.")
  .regex(/^[^\p{Cc}]*$/u, "The name cannot contain control characters.");

export type FormActionResult = { ok: true; message: string; formId?: string } | { ok: false; error: string };

/** A new form: its name is its first title, with one empty section to add questions to. */
export async function createForm(context: PorticoLoadContext, request: Request, form: FormData): Promise<FormActionResult> {
  const name = nameSchema.safeParse(form.get("name"));
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<FormActionResult> => {
    if (!name.success) return { ok: false, error: name.error.issues[0]?.message ?? "Give the form a name." };
    const draft: FormDefinitionInput = { title: name.data, sections: [{ id: "section_1", title: "Questions", questions: [] }] };
    const created = await scope.trx.insertInto("forms").values({ practice_id: scope.practiceId, name: name.data, draft, created_at: scope.now, updated_at: scope.now }).returning("id").executeTakeFirstOrThrow();
    await audit(context, scope, "staff.form_created", created.id, { name: name.data });
    return { ok: true, message: `Form “${name.data}” created.`, formId: created.id };
  });
  return page;
}

function audit(context: PorticoLoadContext, scope: StaffScope, action: string, formId: string, details: Record<string, unknown>) {
  return recordAudit(scope.trx, scope.practiceId, {
    actorType: scope.staff.actorType,
    actorId: scope.staff.id,
    action,
    subjectType: "form",
    subjectId: formId,
    ip: context.visitor.ip,
    userAgent: context.visitor.userAgent,
    details,
    at: scope.now,
  });
}

export type FormBuilderView = {
  id: string;
  name: string;
  active: boolean;
  draft: FormDefinition;
  versions: { version: number; publishedAt: string }[];
  unpublishedChanges: boolean;
  appointmentTypes: { id: string; name: string; attached: boolean }[];
};

async function readForm(trx: PracticeTransaction, formId: string) {
  const form = await trx.selectFrom("forms").select(["id", "name", "active", "draft"]).where("id", "=", formId).executeTakeFirst();
  if (!form) throw notFound();
  return { ...form, draft: formDefinitionSchema.parse(form.draft) };
}

/** The builder: the draft, what was published, and the appointment types the form goes out with. */
export async function getFormBuilder(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const formId = idParam(rawId);
  return adminPage(context, request, PERMISSION, async ({ trx }): Promise<FormBuilderView> => {
    const form = await readForm(trx, formId);
    const { time_zone: timeZone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
    const versions = await trx.selectFrom("form_versions").select(["version", "published_at", "definition"]).where("form_id", "=", formId).orderBy("version", "desc").execute();
    const types = await trx.selectFrom("appointment_types").select(["id", "name"]).where("active", "=", true).orderBy("name").execute();
    const attached = new Set((await trx.selectFrom("appointment_type_forms").select("appointment_type_id").where("form_id", "=", formId).execute()).map((r) => r.appointment_type_id));
    return {
      id: form.id,
      name: form.name,
      active: form.active,
      draft: form.draft,
      versions: versions.map((v) => ({ version: v.version, publishedAt: formatDateTime(v.published_at, timeZone, localeFor(timeZone)) })),
      unpublishedChanges: !versions[0] || JSON.stringify(formDefinitionSchema.parse(versions[0].definition)) !== JSON.stringify(form.draft),
      appointmentTypes: types.map((t) => ({ ...t, attached: attached.has(t.id) })),
    };
  });
}

const text = (value: FormDataEntryValue | null) => (typeof value === "string" ? value.trim() : "");
const optionalText = (value: FormDataEntryValue | null) => text(value) || undefined;
const optionalNumber = (value: FormDataEntryValue | null) => (text(value) === "" ? undefined : Number(text(value)));

/** "Label" or "value: Label" a line: values are made from labels when not given, and stay stable once published. */
function optionsFrom(raw: string) {
  const taken = new Set<string>();
  return raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const explicit = /^([a-z0-9_-]{1,60}):\s*(.+)$/.exec(line);
      const label = explicit ? explicit[2]!.trim() : line;
      let value = explicit ? explicit[1]! : freshId({ sections: [] }, label).replace(/^question$/, "option");
      for (let n = 2; taken.has(value); n++) value = `${value.replace(/_\d+$/, "")}_${n}`;
      taken.add(value);
      return { value, label };
    });
}

/**
 * The question the builder's form describes, as the definition schema wants it. The show-if value is read against
 * the question it depends on: yes/no, a number, an option of a choice (any of several for a multiple choice).
 */
function questionFrom(form: FormData, id: string, definition: FormDefinition): { ok: true; question: Question } | { ok: false; problem: string } {
  const kind = text(form.get("kind"));
  const base = { id, kind, label: text(form.get("label")), help: optionalText(form.get("help")), required: form.get("required") === "on" };
  const dependsOn = text(form.get("showIfQuestion"));
  let showIf: Record<string, unknown> | undefined;
  if (dependsOn) {
    const target = allQuestions(definition).find((q) => q.id === dependsOn);
    const value = text(form.get("showIfValue"));
    if (!target) return { ok: false, problem: "Choose an earlier question for “show only if”." };
    if (!value) return { ok: false, problem: "Say which answer shows this question." };
    if (target.kind === "yes_no") {
      const answer = value.toLowerCase();
      if (answer !== "yes" && answer !== "no") return { ok: false, problem: `“${target.label}” is answered yes or no: write yes or no.` };
      showIf = { question: dependsOn, equals: answer === "yes" };
    } else if (target.kind === "number" || target.kind === "scale") {
      if (!/^-?\d+(\.\d+)?$/.test(value)) return { ok: false, problem: `“${target.label}” is answered with a number: write the number that shows this question.` };
      showIf = { question: dependsOn, equals: Number(value) };
    }
    else if (target.kind === "multiple_choice" || target.kind === "single_choice") {
      const option = target.options.find((o) => o.value === value || o.label.toLowerCase() === value.toLowerCase());
      if (!option) return { ok: false, problem: `“${value}” is not one of the options of “${target.label}”.` };
      showIf = target.kind === "multiple_choice" ? { question: dependsOn, anyOf: [option.value] } : { question: dependsOn, equals: option.value };
    } else showIf = { question: dependsOn, equals: value };
  }
  const extra: Record<string, unknown> = {};
  if (kind === "single_choice" || kind === "multiple_choice") extra.options = optionsFrom(text(form.get("options")));
  if (kind === "number") Object.assign(extra, { min: optionalNumber(form.get("min")), max: optionalNumber(form.get("max")), integer: form.get("integer") === "on" || undefined });
  if (kind === "scale") Object.assign(extra, { min: optionalNumber(form.get("min")) ?? 1, max: optionalNumber(form.get("max")) ?? 5, minLabel: optionalText(form.get("minLabel")), maxLabel: optionalText(form.get("maxLabel")) });
  if (kind === "consent") extra.text = text(form.get("consentText"));
  if (kind === "file") extra.accept = text(form.get("accept")) || "document";
  const parsed = questionSchema.safeParse({ ...base, ...extra, ...(showIf ? { showIf } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "question");
    const words: Record<string, string> = { label: "the question's text", kind: "the kind of question", options: "the options (at least two, one a line)", text: "the consent text", min: "the minimum", max: "the maximum", help: "the help text" };
    return { ok: false, problem: `Check ${words[field] ?? field}: ${issue?.message ?? "it is not valid"}.` };
  }
  return { ok: true, question: parsed.data };
}

const editIntents = ["add-section", "rename-section", "remove-section", "add-question", "update-question", "remove-question", "move-up", "move-down"] as const;
type EditIntent = (typeof editIntents)[number];

function edit(intent: EditIntent, draft: FormDefinition, form: FormData): Edited<FormDefinition> {
  const sectionId = text(form.get("sectionId"));
  const questionId = text(form.get("questionId"));
  switch (intent) {
    case "add-section":
      return addSection(draft, text(form.get("title")) || "Questions");
    case "rename-section":
      return renameSection(draft, sectionId, text(form.get("title")));
    case "remove-section":
      return removeSection(draft, sectionId);
    case "add-question": {
      const made = questionFrom(form, freshId(draft, text(form.get("label")) || "question"), draft);
      return made.ok ? addQuestion(draft, sectionId, made.question) : { ok: false, problem: made.problem };
    }
    case "update-question": {
      const made = questionFrom(form, questionId, draft);
      return made.ok ? replaceQuestion(draft, questionId, made.question) : { ok: false, problem: made.problem };
    }
    case "remove-question":
      return removeQuestion(draft, questionId);
    case "move-up":
    case "move-down":
      return moveQuestion(draft, questionId, intent === "move-up" ? "up" : "down");
  }
}

/**
 * One edit of the draft, publishing it, renaming or retiring the form, or choosing the appointment types it goes out
 * with. The edited draft is checked whole; a refusal names the problem and writes nothing.
 */
export async function changeForm(context: PorticoLoadContext, request: Request, rawId: string | undefined, form: FormData): Promise<FormActionResult> {
  const formId = idParam(rawId);
  const intent = text(form.get("intent"));
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<FormActionResult> => {
    const current = await scope.trx.selectFrom("forms").select(["id", "name", "draft"]).where("id", "=", formId).forUpdate().executeTakeFirst();
    if (!current) throw notFound();
    const draft = formDefinitionSchema.parse(current.draft);
    if ((editIntents as readonly string[]).includes(intent)) {
      const edited = edit(intent as EditIntent, draft, form);
      if (!edited.ok) return { ok: false, error: edited.problem };
      const checked = formDefinitionSchema.safeParse(edited.draft);
      if (!checked.success) return { ok: false, error: checked.error.issues[0]?.message ?? "That change would make the form invalid." };
      await scope.trx.updateTable("forms").set({ draft: checked.data, updated_at: scope.now }).where("id", "=", formId).execute();
      await audit(context, scope, "staff.form_draft_changed", formId, { change: intent, question: text(form.get("questionId")) || undefined });
      return { ok: true, message: "Saved in the draft. Publish to send it to clients." };
    }
    if (intent === "publish") return publish(context, scope, formId, draft);
    if (intent === "rename") {
      const name = nameSchema.safeParse(form.get("name"));
      if (!name.success) return { ok: false, error: name.error.issues[0]?.message ?? "Give the form a name." };
      await scope.trx.updateTable("forms").set({ name: name.data, draft: { ...draft, title: name.data }, updated_at: scope.now }).where("id", "=", formId).execute();
      await audit(context, scope, "staff.form_renamed", formId, { from: current.name, to: name.data });
      return { ok: true, message: "Renamed. Publish to use the new title in forms sent from now on." };
    }
    if (intent === "retire" || intent === "restore") {
      await scope.trx.updateTable("forms").set({ active: intent === "restore", updated_at: scope.now }).where("id", "=", formId).execute();
      await audit(context, scope, intent === "retire" ? "staff.form_retired" : "staff.form_restored", formId, {});
      return { ok: true, message: intent === "retire" ? "Retired: it is no longer sent. Forms already sent can still be completed." : "Restored." };
    }
    if (intent === "appointment-types") return attachToTypes(context, scope, formId, form);
    return { ok: false, error: "Unknown action." };
  });
  return page;
}

async function publish(context: PorticoLoadContext, scope: StaffScope, formId: string, draft: FormDefinition): Promise<FormActionResult> {
  if (!allQuestions(draft).length) return { ok: false, error: "Add at least one question before publishing." };
  const latest = await scope.trx.selectFrom("form_versions").select(["version", "definition"]).where("form_id", "=", formId).orderBy("version", "desc").limit(1).executeTakeFirst();
  if (latest && JSON.stringify(formDefinitionSchema.parse(latest.definition)) === JSON.stringify(draft)) return { ok: true, message: `Version ${latest.version} is already this draft.` };
  const version = (latest?.version ?? 0) + 1;
  await scope.trx.insertInto("form_versions").values({ practice_id: scope.practiceId, form_id: formId, version, definition: draft, published_at: scope.now, published_by: scope.staff.actorType === "staff" ? scope.staff.id : null }).execute();
  await audit(context, scope, "staff.form_published", formId, { version });
  return { ok: true, message: `Version ${version} published: forms sent from now on use it; those already sent keep theirs.` };
}

const idList = z.array(z.uuid({ error: "Choose appointment types from the list." }));

async function attachToTypes(context: PorticoLoadContext, scope: StaffScope, formId: string, form: FormData): Promise<FormActionResult> {
  const parsed = idList.safeParse(form.getAll("appointmentTypeId"));
  if (!parsed.success) return { ok: false, error: "Choose appointment types from the list." };
  const known = new Set((await scope.trx.selectFrom("appointment_types").select("id").where("active", "=", true).execute()).map((t) => t.id));
  const wanted = [...new Set(parsed.data)];
  if (wanted.some((id) => !known.has(id))) return { ok: false, error: "One of the appointment types is no longer active. Please reload the page." };
  await scope.trx.deleteFrom("appointment_type_forms").where("form_id", "=", formId).execute();
  if (wanted.length) await scope.trx.insertInto("appointment_type_forms").values(wanted.map((appointment_type_id) => ({ practice_id: scope.practiceId, appointment_type_id, form_id: formId }))).execute();
  await audit(context, scope, "staff.form_appointment_types_changed", formId, { appointmentTypes: wanted.length });
  return { ok: true, message: wanted.length ? "Saved: the form is sent with each booking of these types." : "Saved: the form is not sent with bookings." };
}

/**
 * The form as a FHIR R4 Questionnaire: its latest published version (`active`, or `retired` when the form is), or
 * the draft (`draft`) when nothing is published. Its canonical URL is the form's address on this practice's host.
 */
export async function exportQuestionnaire(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<{ filename: string; json: string }> {
  const formId = idParam(rawId);
  const { page } = await adminPage(context, request, PERMISSION, async (scope) => {
    const form = await readForm(scope.trx, formId);
    const latest = await scope.trx.selectFrom("form_versions").select(["version", "definition"]).where("form_id", "=", formId).orderBy("version", "desc").limit(1).executeTakeFirst();
    const definition = latest ? formDefinitionSchema.parse(latest.definition) : form.draft;
    const questionnaire = toQuestionnaire(definition, {
      url: `${scope.site.origin}/fhir/Questionnaire/${form.id}`,
      version: latest ? String(latest.version) : "draft",
      status: !latest ? "draft" : form.active ? "active" : "retired",
      name: form.name,
    });
    await audit(context, scope, "staff.form_exported", formId, { version: latest?.version ?? null });
    return { filename: `${form.name.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase() || "form"}.questionnaire.json`, json: JSON.stringify(questionnaire, null, 2) };
  });
  return page;
}

/** Pasted JSON, at most 1 MB: a Questionnaire that large is not a clinic's intake form. */
const questionnaireText = z.string({ error: "Paste the Questionnaire's JSON." }).trim().min(2, "Paste the Questionnaire's JSON.").max(1_000_000, "That Questionnaire is larger than 1 MB.");

/** A new form whose draft is a FHIR R4 Questionnaire (pasted JSON): what cannot be asked here is refused, named. */
export async function importQuestionnaire(context: PorticoLoadContext, request: Request, form: FormData): Promise<FormActionResult> {
  const text = questionnaireText.safeParse(form.get("questionnaire"));
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<FormActionResult> => {
    if (!text.success) return { ok: false, error: text.error.issues[0]?.message ?? "Paste the Questionnaire's JSON." };
    let json: unknown;
    try {
      json = JSON.parse(text.data);
    } catch {
      return { ok: false, error: "That is not JSON: paste the Questionnaire exactly as exported." };
    }
    const imported = fromQuestionnaire(json);
    if (!imported.ok) return { ok: false, error: `That Questionnaire cannot be used: ${imported.problems.slice(0, 3).join(" ")}` };
    const name = imported.definition.title.slice(0, 200);
    const created = await scope.trx.insertInto("forms").values({ practice_id: scope.practiceId, name, draft: imported.definition, created_at: scope.now, updated_at: scope.now }).returning("id").executeTakeFirstOrThrow();
    await audit(context, scope, "staff.form_imported", created.id, { name });
    return { ok: true, message: `Imported “${name}” as a draft: check it, then publish.`, formId: created.id };
  });
  return page;
}
