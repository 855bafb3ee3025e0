import type { PracticeKind, Wording } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { patientWords } from "../../admin/patient-words";
import type { PorticoLoadContext } from "../../load-context";
import type { FieldProblem, RecordActor } from "../record-fields";
import { type ClientInput, clientInputSchema, readClientRecords, saveClient } from "../upsert-client.server";
import { patientFieldsSchema, savePatient } from "../upsert-patient.server";
import { idParam, notFound } from "../portal/portal-page.server";
import { adminPage, type StaffScope } from "./admin-page.server";

/**
 * Staff keeping clients and their patients by hand (practices without a practice system, or while they connect one):
 * the forms' drafts, and their writes through the API's own schemas and write path (`saveClient`, `savePatient`).
 * Every page and write needs chart access, checked before anything is read or validated.
 */

/** Problems by form field (`first_name`, `emails`, `contact.1.name`), each message ready to show next to it. */
export type FieldErrors = Record<string, string[]>;

export type ContactDraft = { name: string; relationship: string; phone: string; emails: string };
/** A client as the form holds it: lists as text, one item a line, so the form works without JavaScript. */
export type ClientDraft = {
  first_name: string;
  last_name: string;
  emails: string;
  phones: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
  contacts: ContactDraft[];
  status: string;
};

export type PatientDraft = { name: string; species: string; breed: string; sex: string; date_of_birth: string; status: string };

export type FormRefusal<D> = { ok: false; errors: FieldErrors; draft: D };

/** Empty rows the client form offers for new alternative contacts (no JavaScript to add one). */
const SPARE_CONTACT_ROWS = 2;
const BLANK_CONTACT: ContactDraft = { name: "", relationship: "", phone: "", emails: "" };

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function fields(form: FormData, name: string): string[] {
  return form.getAll(name).map((v) => (typeof v === "string" ? v : ""));
}

function lines(value: string): string[] {
  return value
    .split(/[\r\n,;]+/)
    .map((line) => line.trim())
    .filter(Boolean);
}

const blankToNull = (value: string): string | null => (value.trim() === "" ? null : value);

function actorOf(context: PorticoLoadContext, scope: StaffScope): RecordActor {
  return { actorType: scope.staff.actorType, actorId: scope.staff.id, ip: context.visitor.ip, userAgent: context.visitor.userAgent, details: { via: "admin" } };
}

async function practiceWording(trx: PracticeTransaction, kind: PracticeKind) {
  const settings = await trx.selectFrom("practice_settings").select("wording").executeTakeFirstOrThrow();
  return patientWords(kind, settings.wording as Wording);
}

/** Problems as the form shows them: a list item's problem goes to its list field, with its line number. */
function fieldErrors(problems: FieldProblem[], contactIndex: (i: number) => number = (i) => i): FieldErrors {
  const errors: FieldErrors = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);
  for (const { path, message } of problems) {
    const [head, ...rest] = path;
    if (head === "alternative_contacts" && typeof rest[0] === "number") {
      const [, part, line] = rest;
      add(`contact.${contactIndex(rest[0])}.${String(part ?? "name")}`, typeof line === "number" ? `line ${line + 1} ${message}` : message);
    } else if ((head === "emails" || head === "phones") && typeof rest[0] === "number") {
      add(head, `line ${rest[0] + 1} ${message}`);
    } else if (head === "address" && typeof rest[0] === "string") {
      add(rest[0], message);
    } else {
      add(String(head ?? "form"), message);
    }
  }
  return errors;
}

// ---------- Clients ----------

function draftOfClient(record: ClientInput | undefined): ClientDraft {
  const address = record?.address;
  return {
    first_name: record?.first_name ?? "",
    last_name: record?.last_name ?? "",
    emails: record?.emails.join("\n") ?? "",
    phones: record?.phones.join("\n") ?? "",
    line1: address?.line1 ?? "",
    line2: address?.line2 ?? "",
    city: address?.city ?? "",
    region: address?.region ?? "",
    postal_code: address?.postal_code ?? "",
    country: address?.country ?? "",
    contacts: [...(record?.alternative_contacts ?? []).map((c) => ({ name: c.name, relationship: c.relationship ?? "", phone: c.phone ?? "", emails: c.emails.join("\n") }))],
    status: record?.status ?? "active",
  };
}

function draftFromForm(form: FormData): ClientDraft {
  const names = fields(form, "contactName");
  const relationships = fields(form, "contactRelationship");
  const phones = fields(form, "contactPhone");
  const emails = fields(form, "contactEmails");
  return {
    first_name: field(form, "first_name"),
    last_name: field(form, "last_name"),
    emails: field(form, "emails"),
    phones: field(form, "phones"),
    line1: field(form, "line1"),
    line2: field(form, "line2"),
    city: field(form, "city"),
    region: field(form, "region"),
    postal_code: field(form, "postal_code"),
    country: field(form, "country"),
    // Bounded by what a form could sensibly hold; the schema refuses more than ten contacts anyway.
    contacts: names.slice(0, 20).map((name, i) => ({ name, relationship: relationships[i] ?? "", phone: phones[i] ?? "", emails: emails[i] ?? "" })),
    status: field(form, "status"),
  };
}

/** The draft in the API's input shape: blank optional fields are absent, a contact row left empty is no contact. */
function clientBody(draft: ClientDraft): { body: unknown; contactRows: number[] } {
  const contactRows = draft.contacts.map((c, i) => (Object.values(c).some((v) => v.trim() !== "") ? i : -1)).filter((i) => i >= 0);
  const addressParts = [draft.line1, draft.line2, draft.city, draft.region, draft.postal_code, draft.country];
  const optional = (value: string) => (value.trim() === "" ? undefined : value);
  const body = {
    first_name: draft.first_name,
    last_name: draft.last_name,
    emails: lines(draft.emails),
    phones: draft.phones
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
    address: addressParts.every((p) => p.trim() === "")
      ? null
      : { line1: draft.line1, line2: optional(draft.line2), city: draft.city, region: optional(draft.region), postal_code: optional(draft.postal_code), country: draft.country.trim().toUpperCase() },
    alternative_contacts: contactRows.map((i) => {
      const c = draft.contacts[i]!;
      return { name: c.name, relationship: blankToNull(c.relationship), phone: blankToNull(c.phone.trim()), emails: lines(c.emails) };
    }),
    status: draft.status,
  };
  return { body, contactRows };
}

function withSpareRows(draft: ClientDraft): ClientDraft {
  return { ...draft, contacts: [...draft.contacts.filter((c) => Object.values(c).some((v) => v.trim() !== "")), ...Array.from({ length: SPARE_CONTACT_ROWS }, () => ({ ...BLANK_CONTACT }))] };
}

/** The new-client or edit-client form (`rawId` absent for a new one); another practice's client is a 404. */
export async function clientFormPage(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const id = rawId === undefined ? null : idParam(rawId);
  return adminPage(context, request, "chart_access", async ({ trx, site }) => {
    const words = await practiceWording(trx, site.practice.kind);
    if (id === null) return { clientId: null, name: null, draft: withSpareRows(draftOfClient(undefined)), words };
    const record = (await readClientRecords(trx, [id])).get(id);
    if (!record) throw notFound();
    return { clientId: id, name: `${record.first_name} ${record.last_name}`, draft: withSpareRows(draftOfClient(record)), words };
  });
}

/**
 * Creates (`rawId` absent) or replaces a client from the form, validated by the API's client schema. One rule the API
 * does not have: an address that signs in to another client's record is refused here, because a typo by hand would
 * let a stranger into this client's records (a practice system that shares one address across a household says so
 * deliberately, and sign-in then offers every record with it).
 */
export async function saveClientForm(context: PorticoLoadContext, request: Request, rawId: string | undefined, form: FormData): Promise<{ ok: true; id: string } | FormRefusal<ClientDraft>> {
  const id = rawId === undefined ? null : idParam(rawId);
  const draft = draftFromForm(form);
  const { page } = await adminPage(context, request, "chart_access", async (scope): Promise<{ ok: true; id: string } | FormRefusal<ClientDraft>> => {
    const { trx, practiceId, now } = scope;
    if (id !== null && !(await trx.selectFrom("clients").select("id").where("id", "=", id).executeTakeFirst())) throw notFound();
    const { body, contactRows } = clientBody(draft);
    const refuse = (problems: FieldProblem[]) => ({ ok: false as const, errors: fieldErrors(problems, (i) => contactRows[i] ?? i), draft: withSpareRows(draft) });
    const parsed = clientInputSchema.safeParse(body);
    if (!parsed.success) return refuse(parsed.error.issues.map((issue) => ({ path: issue.path.filter((p) => typeof p !== "symbol"), message: issue.message })));
    const keys = parsed.data.emails.map((e) => e.toLowerCase());
    if (keys.length) {
      let taken = trx
        .selectFrom("client_emails as e")
        .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "e.practice_id").onRef("c.id", "=", "e.client_id"))
        .select(["e.email_key", "c.first_name", "c.last_name"])
        .where("e.email_key", "in", keys);
      if (id !== null) taken = taken.where("e.client_id", "<>", id);
      const others = await taken.execute();
      const problems = keys.flatMap((key, i) => {
        const other = others.find((o) => o.email_key === key);
        return other ? [{ path: ["emails", i], message: `is already an email of another client (${other.first_name} ${other.last_name})` }] : [];
      });
      if (problems.length) return refuse(problems);
    }
    const saved = await saveClient(trx, { practiceId, clientId: id, input: parsed.data, actor: actorOf(context, scope), now });
    return saved.ok ? { ok: true, id: saved.id } : refuse(saved.errors);
  });
  return page;
}

// ---------- Patients ----------

function draftFromPatientForm(form: FormData): PatientDraft {
  return { name: field(form, "name"), species: field(form, "species"), breed: field(form, "breed"), sex: field(form, "sex"), date_of_birth: field(form, "date_of_birth"), status: field(form, "status") };
}

type PatientTarget = { clientId: string; patientId: null } | { clientId: null; patientId: string };

function targetOf(params: { clientId?: string; patientId?: string }): PatientTarget {
  return params.patientId !== undefined ? { clientId: null, patientId: idParam(params.patientId) } : { clientId: idParam(params.clientId), patientId: null };
}

/** The patient's client (its id and name) and, when editing, the patient; anything of another practice is a 404. */
async function findTarget(trx: PracticeTransaction, target: PatientTarget) {
  const patient = target.patientId
    ? await trx.selectFrom("patients").select(["id", "client_id", "name", "species", "breed", "sex", "date_of_birth", "status"]).where("id", "=", target.patientId).executeTakeFirst()
    : undefined;
  if (target.patientId && !patient) throw notFound();
  const clientId = patient?.client_id ?? target.clientId!;
  const client = await trx.selectFrom("clients").select(["id", "first_name", "last_name"]).where("id", "=", clientId).executeTakeFirst();
  if (!client) throw notFound();
  return { client: { id: client.id, name: `${client.first_name} ${client.last_name}` }, patient };
}

/** The add-patient form (`{ clientId }`) or the edit-patient form (`{ patientId }`). */
export async function patientFormPage(context: PorticoLoadContext, request: Request, params: { clientId?: string; patientId?: string }) {
  const target = targetOf(params);
  return adminPage(context, request, "chart_access", async ({ trx, site }) => {
    const { client, patient } = await findTarget(trx, target);
    const draft: PatientDraft = patient
      ? { name: patient.name, species: patient.species ?? "", breed: patient.breed ?? "", sex: patient.sex ?? "", date_of_birth: patient.date_of_birth ?? "", status: patient.status }
      : { name: "", species: "", breed: "", sex: "", date_of_birth: "", status: "active" };
    return { client, patientId: patient?.id ?? null, draft, kind: site.practice.kind, words: await practiceWording(trx, site.practice.kind) };
  });
}

/** Adds or replaces a patient from the form, validated by the API's patient schema and the practice-kind rules. */
export async function savePatientForm(
  context: PorticoLoadContext,
  request: Request,
  params: { clientId?: string; patientId?: string },
  form: FormData,
): Promise<{ ok: true; clientId: string } | FormRefusal<PatientDraft>> {
  const target = targetOf(params);
  const draft = draftFromPatientForm(form);
  const { page } = await adminPage(context, request, "chart_access", async (scope): Promise<{ ok: true; clientId: string } | FormRefusal<PatientDraft>> => {
    const { trx, practiceId, now, site } = scope;
    const { client } = await findTarget(trx, target);
    const refuse = (problems: FieldProblem[]) => ({ ok: false as const, errors: fieldErrors(problems), draft });
    const parsed = patientFieldsSchema.safeParse({
      name: draft.name,
      species: blankToNull(draft.species),
      breed: blankToNull(draft.breed),
      sex: blankToNull(draft.sex),
      date_of_birth: blankToNull(draft.date_of_birth.trim()),
      status: draft.status,
    });
    if (!parsed.success) return refuse(parsed.error.issues.map((issue) => ({ path: issue.path.filter((p) => typeof p !== "symbol"), message: issue.message })));
    const saved = await savePatient(trx, { practiceId, practiceKind: site.practice.kind, clientId: client.id, patientId: target.patientId, input: parsed.data, actor: actorOf(context, scope), now });
    return saved.ok ? { ok: true, clientId: client.id } : refuse(saved.errors);
  });
  return page;
}
