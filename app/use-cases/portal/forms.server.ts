import type { FormRequestStatus } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { recordAudit } from "../../../server/audit.server";
import { recordEvent } from "../../../server/events/record-event.server";
import { renderRecordPdf } from "../../../server/pdf/record-pdf.server";
import { formFileType, signaturePng } from "../../../server/files/form-answer-file.server";
import type { PracticeFiles } from "../../../server/files/practice-files.server";
import type { AttachmentDownload } from "../document-file-download.server";
import { answeredBlocks, answeredSections } from "../../forms/answer-text";
import { clientRef } from "../../../server/events/refs.server";
import { Readable } from "node:stream";
import { type Answers, allQuestions, answerOf, type FormDefinition, formDefinitionSchema } from "../../forms/definition";
import { answerProblems, answersToFields, type FormFields, NOT_SHOWN, normaliseAnswers, visibleQuestionIds } from "../../forms/rules";
import type { PorticoLoadContext } from "../../load-context";
import { formatDateTime, localeFor } from "../../time";
import { requireArea } from "../client-session.server";
import { idParam, notFound, type PortalScope, portalPage } from "./portal-page.server";

/**
 * The client's forms (docs/decisions/022-smart-forms.md): those sent to the client being viewed, outstanding or
 * submitted. A limited account sees them too: forms are sent to the client, not shared from the practice's records.
 * Answers are saved as the client goes; submitting checks them against the version sent, all or nothing.
 */

export type FormListEntry = { id: string; title: string; patientName: string | null; status: FormRequestStatus; sentAt: string; submittedAt: string | null };

/** Whose forms, who acts (a proxy may fill a family member's), on which clock: the portal's page or the kiosk's. */
export type FormsScope = { trx: PracticeTransaction; practiceId: string; clientId: string; actorId: string; timeZone: string; now: Date; files: PracticeFiles };

function portalFormsScope(context: PorticoLoadContext, scope: PortalScope): FormsScope {
  requireArea(scope.client, "forms");
  return { trx: scope.trx, practiceId: scope.practiceId, clientId: scope.client.viewing.clientId, actorId: scope.client.id, timeZone: scope.timeZone, now: scope.now, files: context.files };
}

function requestsOf(scope: FormsScope) {
  return scope.trx
    .selectFrom("form_requests as r")
    .innerJoin("form_versions as v", (join) => join.onRef("v.practice_id", "=", "r.practice_id").onRef("v.id", "=", "r.form_version_id"))
    .leftJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "r.practice_id").onRef("p.id", "=", "r.patient_id"))
    .select(["r.id", "r.status", "r.answers", "r.created_at", "r.submitted_at", "v.definition", "p.name as patient_name"])
    .where("r.client_id", "=", scope.clientId);
}

/** The client's forms, outstanding and submitted, newest first. */
export async function formsOf(scope: FormsScope): Promise<{ outstanding: FormListEntry[]; submitted: FormListEntry[] }> {
  const rows = await requestsOf(scope).orderBy("r.created_at", "desc").limit(200).execute();
  const locale = localeFor(scope.timeZone);
  const entry = (r: (typeof rows)[number]): FormListEntry => ({
    id: r.id,
    title: String((r.definition as { title?: unknown }).title ?? "Form"),
    patientName: r.patient_name,
    status: r.status,
    sentAt: formatDateTime(r.created_at, scope.timeZone, locale),
    submittedAt: r.submitted_at ? formatDateTime(r.submitted_at, scope.timeZone, locale) : null,
  });
  return {
    outstanding: rows.filter((r) => r.status === "sent" || r.status === "started").map(entry),
    submitted: rows.filter((r) => r.status === "submitted" || r.status === "reviewed").map(entry),
  };
}

export async function listClientForms(context: PorticoLoadContext, request: Request) {
  return portalPage(context, request, (scope) => formsOf(portalFormsScope(context, scope)));
}

export type FormToFill = {
  id: string;
  definition: FormDefinition;
  patientName: string | null;
  /** The saved answers as the page's fields, to fill its inputs. */
  fields: FormFields;
  answers: Answers;
  submitted: boolean;
  submittedAt: string | null;
};

async function readRequest(scope: FormsScope, id: string, forUpdate: boolean) {
  let query = requestsOf(scope).select(["r.client_id"]).where("r.id", "=", id);
  if (forUpdate) query = query.forUpdate("r");
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return { ...row, definition: formDefinitionSchema.parse(row.definition), answers: row.answers as Answers };
}

function toFill(row: Awaited<ReturnType<typeof readRequest>>, scope: FormsScope): FormToFill {
  return {
    id: row.id,
    definition: row.definition,
    patientName: row.patient_name,
    fields: answersToFields(row.definition, row.answers),
    answers: row.answers,
    submitted: row.status === "submitted" || row.status === "reviewed",
    submittedAt: row.submitted_at ? formatDateTime(row.submitted_at, scope.timeZone, localeFor(scope.timeZone)) : null,
  };
}

/** One of the client's forms, to fill or (submitted) to read; someone else's is not there. */
export async function formOf(scope: FormsScope, id: string): Promise<FormToFill> {
  return toFill(await readRequest(scope, id, false), scope);
}

export async function formToFill(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const id = idParam(rawId);
  return portalPage(context, request, (scope) => formOf(portalFormsScope(context, scope), id));
}

/** Posted fields as `normaliseAnswers` wants them: every value a string, several for checkboxes. */
export function fieldsOf(form: FormData): FormFields {
  const fields: FormFields = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== "string" || name === "intent") continue;
    // Own properties only: a question may be called "constructor".
    const before = Object.hasOwn(fields, name) ? fields[name] : undefined;
    fields[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return fields;
}

/**
 * Answers to questions hidden both by the answers saved before and by those posted now. The page shows a question
 * once either set opens it (without script, the saved answers decide; with it, what is typed), so only a crafted
 * request answers one hidden by both; a stale answer to a question the client has since closed is simply dropped.
 */
function hiddenAnswered(definition: FormDefinition, fields: FormFields, answers: Answers, saved: Answers): Record<string, string> {
  const visible = new Set([...visibleQuestionIds(definition, answers), ...visibleQuestionIds(definition, saved)]);
  const problems: Record<string, string> = {};
  for (const question of definition.sections.flatMap((s) => s.questions)) {
    if (visible.has(question.id)) continue;
    const posted = Object.entries(fields).some(([name, value]) => (name === question.id || name.startsWith(`${question.id}.`)) && (Array.isArray(value) ? value.length > 0 : value.trim() !== ""));
    if (posted) problems[question.id] = NOT_SHOWN;
  }
  // Shown at the top too: the question itself is not on the page.
  if (Object.keys(problems).length) problems._form = "Some answers are for questions that are not part of this form as you filled it in.";
  return problems;
}

export type SaveFormOutcome = { ok: true; submitted: boolean } | { ok: false; status: 400 | 409; problems: Record<string, string>; page: FormToFill };

/**
 * Saves the answers (as the client goes: kept even when some are not valid yet, so nothing typed is lost) or
 * submits them (every visible required question answered, every value of its kind, no answer to a hidden question —
 * else a 400 listing the problems and the form stays a draft). A submitted form is read-only (409). Submitting is
 * audited and announced as `form.submitted`.
 */
export async function saveAnswers(
  scope: FormsScope,
  id: string,
  posted: FormFields,
  options: { submit: boolean; uploads: FormUploads; ip: string | null; userAgent: string | null; via: "portal" | "kiosk" }
): Promise<SaveFormOutcome> {
  const { submit } = options;
  const row = await readRequest(scope, id, true);
  if (row.status === "submitted" || row.status === "reviewed") return { ok: false, status: 409, problems: { _form: "This form has already been sent to the practice." }, page: toFill(row, scope) };
  const { fields, problems: fileProblems } = await withFiles(scope, row.definition, row.answers, posted, options.uploads);
  const answers = normaliseAnswers(row.definition, fields);
  const problems = { ...answerProblems(row.definition, answers, { final: submit }), ...(submit ? hiddenAnswered(row.definition, fields, answers, row.answers) : {}), ...fileProblems };
  const now = scope.now;
  const draft = { answers, status: "started" as const, started_at: row.status === "sent" ? now : undefined, updated_at: now };
  const withProblems = (status: 400): SaveFormOutcome => ({ ok: false, status, problems, page: { ...toFill(row, scope), fields: answersToFields(row.definition, answers), answers } });
  if (!submit || Object.keys(problems).length) {
    // What was typed is kept as a draft; nothing is submitted.
    await scope.trx.updateTable("form_requests").set(draft).where("id", "=", id).execute();
    return Object.keys(problems).length ? withProblems(400) : { ok: true, submitted: false };
  }
  await scope.trx
    .updateTable("form_requests")
    .set({ ...draft, status: "submitted", submitted_at: now, submitted_ip: options.ip })
    .where("id", "=", id)
    .execute();
  await recordAudit(scope.trx, scope.practiceId, {
    actorType: "client",
    actorId: scope.actorId,
    action: "client.form_submitted",
    subjectType: "form_request",
    subjectId: id,
    ip: options.ip,
    userAgent: options.userAgent,
    details: { title: row.definition.title, forClientId: row.client_id, via: options.via },
    at: now,
  });
  await recordEvent(scope.trx, scope.practiceId, { type: "form.submitted", data: { formRequest: { id }, client: await clientRef(scope.trx, row.client_id), submittedAt: now.toISOString() } }, now);
  return { ok: true, submitted: true };
}

export async function saveFormAnswers(context: PorticoLoadContext, request: Request, rawId: string | undefined, form: FormData, uploads: FormUploads): Promise<SaveFormOutcome> {
  const id = idParam(rawId);
  const fields = fieldsOf(form);
  const { page } = await portalPage(context, request, (scope) =>
    saveAnswers(portalFormsScope(context, scope), id, fields, { submit: form.get("intent") === "submit", uploads, ip: context.visitor.ip, userAgent: context.visitor.userAgent, via: "portal" })
  );
  return page;
}

/** Files posted with a form, by question id: an uploaded file's bytes (a drawn signature comes as a field). */
export type FormUploads = Map<string, Buffer>;

/**
 * Stores the files posted with the answers (a file question's upload, a drawn signature) and puts their ids in the
 * fields. A file already saved is kept only under the id the saved answers hold: a posted id is never trusted, or a
 * crafted one could attach someone else's file.
 */
async function withFiles(scope: FormsScope, definition: FormDefinition, saved: Answers, posted: FormFields, uploads: FormUploads): Promise<{ fields: FormFields; problems: Record<string, string> }> {
  const fields: FormFields = { ...posted };
  const problems: Record<string, string> = {};
  const store = (bytes: Buffer, contentType: string) =>
    scope.files.storeFile(scope.trx, { id: scope.practiceId }, Readable.from([bytes]), { purpose: "form_answer", contentType, createdBy: { type: "client", id: scope.actorId } });
  for (const question of allQuestions(definition)) {
    const before = answerOf(saved, question.id);
    if (question.kind === "file") {
      delete fields[question.id];
      const upload = uploads.get(question.id);
      if (upload?.length) {
        const type = await formFileType(upload, question.accept);
        if (!type.ok) problems[question.id] = type.problem;
        else fields[question.id] = (await store(upload, type.contentType)).id;
      } else if (typeof before === "string" && posted[question.id] === before) fields[question.id] = before;
    }
    if (question.kind === "signature") {
      const drawing = posted[`${question.id}.drawing`];
      delete fields[`${question.id}.drawing`];
      delete fields[`${question.id}.fileId`];
      const savedDrawing = typeof before === "object" && before !== null && !Array.isArray(before) && "method" in before && before.method === "drawn" && "fileId" in before ? before.fileId : undefined;
      if (typeof drawing === "string" && drawing !== "") {
        const png = signaturePng(drawing);
        if (!png) problems[question.id] = "The drawn signature did not arrive whole. Draw it again, or type your name.";
        else {
          fields[`${question.id}.method`] = "drawn";
          fields[`${question.id}.fileId`] = (await store(png, "image/png")).id;
        }
      } else if (posted[`${question.id}.method`] === "drawn" && typeof savedDrawing === "string" && posted[`${question.id}.fileId`] === savedDrawing) {
        fields[`${question.id}.fileId`] = savedDrawing;
      } else if (posted[`${question.id}.method`] === "drawn") fields[`${question.id}.method`] = "typed";
    }
  }
  return { fields, problems };
}

/** A file the client gave with this form (its upload or drawn signature), to download; anything else is not there. */
export async function formAnswerFile(context: PorticoLoadContext, request: Request, rawId: string | undefined, rawFileId: string | undefined): Promise<AttachmentDownload> {
  const id = idParam(rawId);
  const fileId = idParam(rawFileId);
  const { page } = await portalPage(context, request, async (scope) => {
    const row = await readRequest(portalFormsScope(context, scope), id, false);
    return openAnswerFile(context, scope.trx, scope.practiceId, row.definition, row.answers, fileId);
  });
  return page;
}

/** Opens `fileId` when the answers name it (a file question's answer or a drawn signature); otherwise a 404. */
export async function openAnswerFile(
  context: PorticoLoadContext,
  trx: PracticeTransaction,
  practiceId: string,
  definition: FormDefinition,
  answers: Answers,
  fileId: string
): Promise<AttachmentDownload> {
  const named = allQuestions(definition).some((q) => {
    const value = answerOf(answers, q.id);
    return (q.kind === "file" && value === fileId) || (q.kind === "signature" && typeof value === "object" && value !== null && !Array.isArray(value) && "fileId" in value && value.fileId === fileId);
  });
  const file = named ? await context.files.openFile(trx, { id: practiceId }, fileId) : undefined;
  if (!file) throw notFound();
  const extension = file.contentType === "application/pdf" ? "pdf" : file.contentType === "image/png" ? "png" : "jpg";
  return { name: `form-answer.${extension}`, contentType: file.contentType, byteSize: file.byteSize, read: () => file.read() };
}

/** The client's copy of a submitted form, as a PDF in the look of the practice's records. */
export async function formCopyPdf(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<{ filename: string; content: Buffer }> {
  const id = idParam(rawId);
  const { shell, page } = await portalPage(context, request, async (scope) => {
    const row = await readRequest(portalFormsScope(context, scope), id, false);
    if (row.status !== "submitted" && row.status !== "reviewed") throw notFound();
    return { row, submittedAt: formatDateTime(row.submitted_at!, scope.timeZone, localeFor(scope.timeZone)) };
  });
  const { row } = page;
  const content = await renderRecordPdf({
    practiceName: shell.practiceName,
    practiceContact: [shell.contact.phone, shell.contact.email].filter(Boolean).join("  ·  "),
    patientName: row.patient_name ?? shell.clientName,
    title: row.definition.title,
    category: "Form",
    visitDate: `Sent to the practice ${page.submittedAt}`,
    author: null,
    blocks: answeredBlocks(answeredSections(row.definition, row.answers)),
  });
  return {
    filename: `${
      row.definition.title
        .replace(/[^A-Za-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .toLowerCase() || "form"
    }.pdf`,
    content,
  };
}
