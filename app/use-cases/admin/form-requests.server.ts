import { z } from "zod";
import type { FormRequestStatus } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { recordAudit } from "../../../server/audit.server";
import { sendEmail } from "../../../server/email/send-email.server";
import { formsSentEmail } from "../../../server/email/templates/forms-sent";
import { issueAccountLink } from "../client-accounts.server";
import type { AttachmentDownload } from "../document-file-download.server";
import { openAnswerFile } from "../portal/forms.server";
import { renderRecordPdf } from "../../../server/pdf/record-pdf.server";
import { type AnsweredSection, answeredBlocks, answeredSections } from "../../forms/answer-text";
import { type Answers, formDefinitionSchema } from "../../forms/definition";
import { toQuestionnaireResponse } from "../../forms/fhir";
import type { PorticoLoadContext, PracticeSite } from "../../load-context";
import { formatDateTime, localeFor } from "../../time";
import { idParam, notFound } from "../portal/portal-page.server";
import { adminPage, type StaffScope } from "./admin-page.server";

/**
 * Sending forms to clients and reading what they answered (docs/decisions/022-smart-forms.md). Sending needs
 * `manage_forms`; reading answers is reading the client's chart, so it needs `chart_access`.
 */

const STATUS_WORDS: Record<FormRequestStatus, string> = { sent: "Sent", started: "Started", submitted: "Submitted", reviewed: "Reviewed" };

/**
 * Sends the latest published version of each form to the client (about one patient, perhaps for one appointment),
 * with one email listing them. Retired and never-published forms are skipped. Returns the requests made.
 */
export async function issueFormRequests(
  trx: PracticeTransaction,
  site: PracticeSite,
  input: { clientId: string; patientId: string | null; appointmentId: string | null; formIds: string[]; via: "staff" | "appointment" | "kiosk"; sentBy: string | null; now: Date; email: boolean },
): Promise<{ id: string; title: string }[]> {
  if (!input.formIds.length) return [];
  const versions = await trx
    .selectFrom("form_versions as v")
    .innerJoin("forms as f", (join) => join.onRef("f.practice_id", "=", "v.practice_id").onRef("f.id", "=", "v.form_id"))
    .select(["v.id", "v.form_id", "v.version", "v.definition"])
    .where("v.form_id", "in", input.formIds)
    .where("f.active", "=", true)
    .orderBy("v.form_id")
    .orderBy("v.version", "desc")
    .execute();
  // Newest first within each form: the first row of a form is the version to send.
  const newest = new Map<string, (typeof versions)[number]>();
  for (const v of versions) if (!newest.has(v.form_id)) newest.set(v.form_id, v);
  const made: { id: string; title: string }[] = [];
  for (const version of newest.values()) {
    const row = await trx
      .insertInto("form_requests")
      .values({ practice_id: site.practice.id, form_version_id: version.id, client_id: input.clientId, patient_id: input.patientId, appointment_id: input.appointmentId, sent_via: input.via, sent_by: input.sentBy, created_at: input.now, updated_at: input.now })
      .returning("id")
      .executeTakeFirstOrThrow();
    made.push({ id: row.id, title: String((version.definition as { title?: unknown }).title ?? "Form") });
  }
  if (!made.length || !input.email) return made;
  // No email to a client the portal is closed to: the forms wait until it opens.
  const recipient = await trx
    .selectFrom("clients as c")
    .innerJoin("client_emails as e", (join) => join.onRef("e.practice_id", "=", "c.practice_id").onRef("e.client_id", "=", "c.id"))
    .innerJoin("practice_settings as s", "s.practice_id", "c.practice_id")
    .select(["c.first_name", "e.email"])
    .where("c.id", "=", input.clientId)
    .where("e.is_primary", "=", true)
    .where("c.status", "=", "active")
    .where("c.portal_blocked", "=", false)
    .where("s.portal_enabled", "=", true)
    .executeTakeFirst();
  if (!recipient) return made;
  const settings = await trx.selectFrom("practice_settings").select(["email", "phone", "sign_in_methods"]).executeTakeFirstOrThrow();
  const path = made.length === 1 ? `/forms/${made[0]!.id}` : "/forms";
  // Where clients sign in only with a password, someone without an account could not open the form: the email
  // instead lets them register a limited account and lands them on it.
  const account = await trx.selectFrom("client_accounts").select("id").where("client_id", "=", input.clientId).executeTakeFirst();
  if (!account && settings.sign_in_methods === "password") {
    await issueAccountLink(trx, site, { kind: "form_registration", clientId: input.clientId, clientFirstName: recipient.first_name, email: recipient.email, createdBy: input.sentBy, now: input.now, next: path });
    return made;
  }
  const patient = input.patientId ? await trx.selectFrom("patients").select("name").where("id", "=", input.patientId).executeTakeFirst() : undefined;
  const message = formsSentEmail({
    practiceName: site.practice.name,
    clientName: recipient.first_name,
    titles: made.map((m) => m.title),
    patientName: patient?.name ?? null,
    link: `${site.origin}${path}`,
    practicePhone: settings.phone,
  });
  await sendEmail(trx, { kind: "client_forms_sent", practiceId: site.practice.id, fromName: site.practice.name, replyTo: settings.email, to: recipient.email, ...message });
  return made;
}

/**
 * The forms attached to an appointment's type, sent to its client about its patient once the appointment is booked
 * (a request: once approved). An appointment gets them once, however often this is called.
 */
export async function sendAppointmentForms(trx: PracticeTransaction, site: PracticeSite, appointmentId: string, now: Date): Promise<void> {
  const appointment = await trx
    .selectFrom("appointments as a")
    .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "a.practice_id").onRef("p.id", "=", "a.patient_id"))
    .select(["a.appointment_type_id", "a.patient_id", "p.client_id"])
    .where("a.id", "=", appointmentId)
    .executeTakeFirstOrThrow();
  if (!appointment.appointment_type_id) return;
  if (await trx.selectFrom("form_requests").select("id").where("appointment_id", "=", appointmentId).executeTakeFirst()) return;
  const forms = (await trx.selectFrom("appointment_type_forms").select("form_id").where("appointment_type_id", "=", appointment.appointment_type_id).execute()).map((f) => f.form_id);
  await issueFormRequests(trx, site, { clientId: appointment.client_id, patientId: appointment.patient_id, appointmentId, formIds: forms, via: "appointment", sentBy: null, now, email: true });
}

export type ClientFormsView = {
  client: { id: string; name: string; hasEmail: boolean };
  patients: { id: string; name: string }[];
  forms: { id: string; name: string }[];
  requests: { id: string; title: string; patientName: string | null; status: string; sentAt: string; submittedAt: string | null; answered: boolean }[];
  canReadAnswers: boolean;
};

async function clientOf(trx: PracticeTransaction, clientId: string) {
  const client = await trx.selectFrom("clients").select(["id", "first_name", "last_name"]).where("id", "=", clientId).executeTakeFirst();
  if (!client) throw notFound();
  return client;
}

/** `/admin/clients/:id/forms`: what the client was sent and has answered, and the forms that may be sent. */
export async function getClientForms(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const clientId = idParam(rawId);
  return adminPage(context, request, "manage_forms", async ({ trx, staff }): Promise<ClientFormsView> => {
    const client = await clientOf(trx, clientId);
    const { time_zone: timeZone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
    const locale = localeFor(timeZone);
    const [patients, forms, requests, email] = await Promise.all([
      trx.selectFrom("patients").select(["id", "name"]).where("client_id", "=", clientId).where("status", "=", "active").orderBy("name").execute(),
      trx
        .selectFrom("forms as f")
        .select(["f.id", "f.name"])
        .where("f.active", "=", true)
        .where((eb) => eb.exists(eb.selectFrom("form_versions as v").select("v.id").whereRef("v.form_id", "=", "f.id")))
        .orderBy("f.name")
        .execute(),
      trx
        .selectFrom("form_requests as r")
        .innerJoin("form_versions as v", (join) => join.onRef("v.practice_id", "=", "r.practice_id").onRef("v.id", "=", "r.form_version_id"))
        .leftJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "r.practice_id").onRef("p.id", "=", "r.patient_id"))
        .select(["r.id", "r.status", "r.created_at", "r.submitted_at", "v.definition", "p.name as patient_name"])
        .where("r.client_id", "=", clientId)
        .orderBy("r.created_at", "desc")
        .limit(200)
        .execute(),
      trx.selectFrom("client_emails").select("id").where("client_id", "=", clientId).where("is_primary", "=", true).executeTakeFirst(),
    ]);
    return {
      client: { id: client.id, name: `${client.first_name} ${client.last_name}`, hasEmail: Boolean(email) },
      patients,
      forms,
      requests: requests.map((r) => ({
        id: r.id,
        title: String((r.definition as { title?: unknown }).title ?? "Form"),
        patientName: r.patient_name,
        status: STATUS_WORDS[r.status],
        sentAt: formatDateTime(r.created_at, timeZone, locale),
        submittedAt: r.submitted_at ? formatDateTime(r.submitted_at, timeZone, locale) : null,
        answered: r.status === "submitted" || r.status === "reviewed",
      })),
      canReadAnswers: staff.permissions.includes("chart_access"),
    };
  });
}

export type FormRequestResult = { ok: true; message: string } | { ok: false; error: string };

const sendSchema = z.object({
  formId: z.uuid({ error: "Choose a form to send." }),
  patientId: z.union([z.literal(""), z.uuid({ error: "Choose one of the client's pets or family members." })]).transform((v) => v || null),
});

/** Sends one form to the client (about one of their patients, if chosen): a request, an email, an audit entry. */
export async function sendFormToClient(context: PorticoLoadContext, request: Request, rawId: string | undefined, form: FormData): Promise<FormRequestResult> {
  const clientId = idParam(rawId);
  const parsed = sendSchema.safeParse({ formId: form.get("formId"), patientId: form.get("patientId") ?? "" });
  const { page } = await adminPage(context, request, "manage_forms", async (scope): Promise<FormRequestResult> => {
    await clientOf(scope.trx, clientId);
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Choose a form to send." };
    const { formId, patientId } = parsed.data;
    if (patientId && !(await scope.trx.selectFrom("patients").select("id").where("id", "=", patientId).where("client_id", "=", clientId).where("status", "=", "active").executeTakeFirst())) {
      return { ok: false, error: "Choose one of the client's pets or family members." };
    }
    const made = await issueFormRequests(scope.trx, scope.site, { clientId, patientId, appointmentId: null, formIds: [formId], via: "staff", sentBy: scope.staff.actorType === "staff" ? scope.staff.id : null, now: scope.now, email: true });
    if (!made.length) return { ok: false, error: "That form is not published, or it was retired. Publish it first." };
    await audit(context, scope, "staff.form_sent", made[0]!.id, { clientId, title: made[0]!.title });
    const emailed = await scope.trx.selectFrom("client_emails").select("id").where("client_id", "=", clientId).where("is_primary", "=", true).executeTakeFirst();
    return { ok: true, message: emailed ? `Sent “${made[0]!.title}”. The client has been emailed a link to it.` : `Sent “${made[0]!.title}”. It waits in the client's portal (they have no email address to tell them).` };
  });
  return page;
}

function audit(context: PorticoLoadContext, scope: StaffScope, action: string, requestId: string, details: Record<string, unknown>) {
  return recordAudit(scope.trx, scope.practiceId, {
    actorType: scope.staff.actorType,
    actorId: scope.staff.id,
    action,
    subjectType: "form_request",
    subjectId: requestId,
    ip: context.visitor.ip,
    userAgent: context.visitor.userAgent,
    details,
    at: scope.now,
  });
}

const listFilter = z.object({ status: z.enum(["submitted", "reviewed", "outstanding", "all"]).catch("submitted") });

/** `/admin/form-submissions`: the practice's answered (or outstanding) forms, newest first. */
export async function listSubmissions(context: PorticoLoadContext, request: Request) {
  const { status } = listFilter.parse({ status: new URL(request.url).searchParams.get("status") ?? undefined });
  return adminPage(context, request, "chart_access", async ({ trx }) => {
    const { time_zone: timeZone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
    const locale = localeFor(timeZone);
    const statuses: FormRequestStatus[] = status === "all" ? ["sent", "started", "submitted", "reviewed"] : status === "outstanding" ? ["sent", "started"] : [status];
    const rows = await trx
      .selectFrom("form_requests as r")
      .innerJoin("form_versions as v", (join) => join.onRef("v.practice_id", "=", "r.practice_id").onRef("v.id", "=", "r.form_version_id"))
      .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "r.practice_id").onRef("c.id", "=", "r.client_id"))
      .leftJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "r.practice_id").onRef("p.id", "=", "r.patient_id"))
      .select(["r.id", "r.status", "r.created_at", "r.submitted_at", "r.client_id", "v.definition", "c.first_name", "c.last_name", "p.name as patient_name"])
      .where("r.status", "in", statuses)
      .orderBy("r.updated_at", "desc")
      .limit(200)
      .execute();
    return {
      status,
      rows: rows.map((r) => ({
        id: r.id,
        title: String((r.definition as { title?: unknown }).title ?? "Form"),
        client: `${r.first_name} ${r.last_name}`,
        clientId: r.client_id,
        patientName: r.patient_name,
        status: STATUS_WORDS[r.status],
        when: formatDateTime(r.submitted_at ?? r.created_at, timeZone, locale),
      })),
    };
  });
}

export type SubmissionView = {
  id: string;
  title: string;
  version: number;
  client: { id: string; name: string };
  patientName: string | null;
  status: FormRequestStatus;
  sentAt: string;
  submittedAt: string | null;
  submittedFrom: string | null;
  reviewedAt: string | null;
  sections: AnsweredSection[];
};

async function readSubmission(scope: StaffScope, requestId: string): Promise<SubmissionView> {
  const row = await scope.trx
    .selectFrom("form_requests as r")
    .innerJoin("form_versions as v", (join) => join.onRef("v.practice_id", "=", "r.practice_id").onRef("v.id", "=", "r.form_version_id"))
    .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "r.practice_id").onRef("c.id", "=", "r.client_id"))
    .leftJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "r.practice_id").onRef("p.id", "=", "r.patient_id"))
    .select(["r.id", "r.status", "r.answers", "r.created_at", "r.submitted_at", "r.submitted_ip", "r.reviewed_at", "r.client_id", "v.definition", "v.version", "c.first_name", "c.last_name", "p.name as patient_name"])
    .where("r.id", "=", requestId)
    .executeTakeFirst();
  if (!row) throw notFound();
  const definition = formDefinitionSchema.parse(row.definition);
  const { time_zone: timeZone } = await scope.trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
  const when = (at: Date | null) => (at ? formatDateTime(at, timeZone, localeFor(timeZone)) : null);
  return {
    id: row.id,
    title: definition.title,
    version: row.version,
    client: { id: row.client_id, name: `${row.first_name} ${row.last_name}` },
    patientName: row.patient_name,
    status: row.status,
    sentAt: when(row.created_at)!,
    submittedAt: when(row.submitted_at),
    submittedFrom: row.submitted_ip,
    reviewedAt: when(row.reviewed_at),
    // A draft is the client's until they send it: staff see that it was started, not what it says.
    sections: row.status === "submitted" || row.status === "reviewed" ? answeredSections(definition, row.answers as Answers) : [],
  };
}

/** A submission as staff read it, against the version it answered; opening it is audited, as reading a record is. */
export async function getSubmission(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const requestId = idParam(rawId);
  return adminPage(context, request, "chart_access", async (scope) => {
    const view = await readSubmission(scope, requestId);
    if (view.status === "submitted" || view.status === "reviewed") await audit(context, scope, "staff.form_submission_viewed", requestId, { clientId: view.client.id });
    return view;
  });
}

/** Marks a submitted form reviewed (once; again is a no-op with a message). */
export async function markReviewed(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<FormRequestResult> {
  const requestId = idParam(rawId);
  const { page } = await adminPage(context, request, "chart_access", async (scope): Promise<FormRequestResult> => {
    const row = await scope.trx.selectFrom("form_requests").select(["status", "client_id"]).where("id", "=", requestId).forUpdate().executeTakeFirst();
    if (!row) throw notFound();
    if (row.status === "reviewed") return { ok: true, message: "Already marked reviewed." };
    if (row.status !== "submitted") return { ok: false, error: "The client has not submitted this form yet." };
    await scope.trx.updateTable("form_requests").set({ status: "reviewed", reviewed_at: scope.now, reviewed_by: scope.staff.actorType === "staff" ? scope.staff.id : null, updated_at: scope.now }).where("id", "=", requestId).execute();
    await audit(context, scope, "staff.form_reviewed", requestId, { clientId: row.client_id });
    return { ok: true, message: "Marked reviewed." };
  });
  return page;
}

/** A submission as a FHIR R4 QuestionnaireResponse of its version's Questionnaire (as exported from the form). */
export async function exportQuestionnaireResponse(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<{ filename: string; json: string }> {
  const requestId = idParam(rawId);
  const { page } = await adminPage(context, request, "chart_access", async (scope) => {
    const row = await scope.trx
      .selectFrom("form_requests as r")
      .innerJoin("form_versions as v", (join) => join.onRef("v.practice_id", "=", "r.practice_id").onRef("v.id", "=", "r.form_version_id"))
      .select(["r.id", "r.status", "r.answers", "r.submitted_at", "r.client_id", "v.form_id", "v.version", "v.definition"])
      .where("r.id", "=", requestId)
      .executeTakeFirst();
    if (!row || (row.status !== "submitted" && row.status !== "reviewed")) throw notFound();
    const definition = formDefinitionSchema.parse(row.definition);
    const response = toQuestionnaireResponse(definition, row.answers as Answers, {
      questionnaireUrl: `${scope.site.origin}/fhir/Questionnaire/${row.form_id}|${row.version}`,
      status: "completed",
      authored: (row.submitted_at ?? scope.now).toISOString(),
    });
    await audit(context, scope, "staff.form_submission_exported", requestId, { clientId: row.client_id });
    return { filename: `form-answers-${requestId.slice(0, 8)}.json`, json: JSON.stringify(response, null, 2) };
  });
  return page;
}

/** A submission as a PDF, in the look of the client's copy and of the practice's records; opening it is audited. */
export async function submissionPdf(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<{ filename: string; content: Buffer }> {
  const requestId = idParam(rawId);
  const { page } = await adminPage(context, request, "chart_access", async (scope) => {
    const view = await readSubmission(scope, requestId);
    if (view.status !== "submitted" && view.status !== "reviewed") throw notFound();
    await audit(context, scope, "staff.form_submission_downloaded", requestId, { clientId: view.client.id });
    const contact = await scope.trx.selectFrom("practice_settings").select(["phone", "email"]).executeTakeFirstOrThrow();
    return { view, practiceName: scope.site.practice.name, practiceContact: [contact.phone, contact.email].filter(Boolean).join("  ·  ") };
  });
  const { view } = page;
  const content = await renderRecordPdf({
    practiceName: page.practiceName,
    practiceContact: page.practiceContact,
    patientName: view.patientName ? `${view.client.name}, about ${view.patientName}` : view.client.name,
    title: view.title,
    category: `Form, version ${view.version}`,
    visitDate: view.submittedAt ? `Submitted ${view.submittedAt}` : "Not submitted",
    author: null,
    blocks: answeredBlocks(view.sections),
  });
  return { filename: `${view.title.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase() || "form"}.pdf`, content };
}

/** A file a client gave with a form (an upload, a drawn signature), for staff with chart access; audited. */
export async function submissionFile(context: PorticoLoadContext, request: Request, rawId: string | undefined, rawFileId: string | undefined): Promise<AttachmentDownload> {
  const requestId = idParam(rawId);
  const fileId = idParam(rawFileId);
  const { page } = await adminPage(context, request, "chart_access", async (scope) => {
    const row = await scope.trx
      .selectFrom("form_requests as r")
      .innerJoin("form_versions as v", (join) => join.onRef("v.practice_id", "=", "r.practice_id").onRef("v.id", "=", "r.form_version_id"))
      .select(["r.answers", "r.client_id", "v.definition"])
      .where("r.id", "=", requestId)
      .executeTakeFirst();
    if (!row) throw notFound();
    const file = await openAnswerFile(context, scope.trx, scope.practiceId, formDefinitionSchema.parse(row.definition), row.answers as Answers, fileId);
    await audit(context, scope, "staff.form_file_opened", requestId, { clientId: row.client_id, fileId });
    return file;
  });
  return page;
}
