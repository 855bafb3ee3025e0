import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { PostalAddress } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { type AuditEvent, recordAudits } from "../../server/audit.server";
import { plannedForTheirValues, rowsByExternalId } from "./record-references.server";
import { emailSchema, phoneSchema, type RecordActor, sameJson, text, type UpsertResult } from "./record-fields";

const addressSchema = z
  .strictObject({
    line1: text(200),
    line2: text(200).optional(),
    city: text(100),
    region: text(100).optional(),
    postal_code: text(20).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as US"),
  })
  .meta({ description: "Postal address." });

const alternativeContactSchema = z
  .strictObject({
    name: text(120),
    relationship: text(60).nullable().default(null),
    phone: phoneSchema.nullable().default(null),
    emails: z.array(emailSchema).max(5).default([]).meta({ description: "For the practice's records: an alternative contact never signs in to the portal." }),
  })
  .meta({ description: "Someone the practice may contact about the client's patients (a family member, a neighbour)." });

function noDuplicateEmails(emails: string[], ctx: z.RefinementCtx, path: (string | number)[] = []) {
  const seen = new Set<string>();
  emails.forEach((email, i) => {
    const key = email.toLowerCase();
    if (seen.has(key)) ctx.addIssue({ code: "custom", path: [...path, i], message: "is listed twice" });
    seen.add(key);
  });
}

/** What a client is, as the practice system sends it (PUT replaces the whole record: an absent list is an empty one). */
export const clientInputSchema = z
  .strictObject({
    first_name: text(100),
    last_name: text(100),
    emails: z
      .array(emailSchema)
      .max(10)
      .default([])
      .meta({ description: "Addresses that may sign in to the portal. The first is the primary one; the others are returned in alphabetical order." }),
    phones: z.array(phoneSchema).max(5).default([]).meta({ description: "The first is the main number (the one staff search by)." }),
    address: addressSchema.nullable().default(null),
    alternative_contacts: z.array(alternativeContactSchema).max(10).default([]).meta({ description: "Returned in order of name." }),
    status: z.enum(["active", "inactive"]).default("active").meta({ description: "An inactive client cannot sign in, and their sessions end. Clients are never deleted." }),
  })
  .superRefine((client, ctx) => {
    noDuplicateEmails(client.emails, ctx, ["emails"]);
  });

export type ClientInput = z.output<typeof clientInputSchema>;
type AlternativeContact = ClientInput["alternative_contacts"][number];

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const contactKey = (c: AlternativeContact) => JSON.stringify([c.name, c.relationship, c.phone, c.emails]);

/** The stored form of a client record, in the order the API answers with, so that two records compare as JSON. */
export function normalizeClient(input: ClientInput): ClientInput {
  const [primary, ...others] = input.emails;
  const contacts = input.alternative_contacts.map((c) => ({ ...c, emails: [...c.emails].sort(byText) }));
  return {
    ...input,
    emails: primary === undefined ? [] : [primary, ...others.sort((a, b) => byText(a.toLowerCase(), b.toLowerCase()))],
    alternative_contacts: contacts.sort((a, b) => byText(contactKey(a), contactKey(b))),
  };
}

/** Clients' records as the use cases and the API see them, by Portico id: four queries however many clients. */
export async function readClientRecords(trx: PracticeTransaction, clientIds: string[]): Promise<Map<string, ClientInput>> {
  if (!clientIds.length) return new Map();
  const clients = await trx.selectFrom("clients").select(["id", "first_name", "last_name", "phone", "other_phones", "address", "status"]).where("id", "in", clientIds).execute();
  const emails = await trx.selectFrom("client_emails").select(["client_id", "email", "is_primary"]).where("client_id", "in", clientIds).execute();
  const contacts = await trx.selectFrom("alternative_contacts").select(["id", "client_id", "name", "relationship", "phone"]).where("client_id", "in", clientIds).execute();
  const contactEmails = contacts.length
    ? await trx.selectFrom("alternative_contact_emails").select(["contact_id", "email"]).where("contact_id", "in", contacts.map((c) => c.id)).execute()
    : [];
  return new Map(
    clients.map((client) => {
      const own = emails.filter((e) => e.client_id === client.id);
      const record = normalizeClient({
        first_name: client.first_name,
        last_name: client.last_name,
        emails: [...own.filter((e) => e.is_primary), ...own.filter((e) => !e.is_primary)].map((e) => e.email),
        phones: client.phone ? [client.phone, ...client.other_phones] : [...client.other_phones],
        address: client.address,
        alternative_contacts: contacts
          .filter((c) => c.client_id === client.id)
          .map((c) => ({ name: c.name, relationship: c.relationship, phone: c.phone, emails: contactEmails.filter((e) => e.contact_id === c.id).map((e) => e.email) })),
        status: client.status,
      });
      return [client.id, record];
    }),
  );
}

async function writeEmails(trx: PracticeTransaction, practiceId: string, clientId: string, emails: string[], now: Date): Promise<void> {
  const existing = await trx.selectFrom("client_emails").select(["id", "email", "email_key", "is_primary"]).where("client_id", "=", clientId).execute();
  const wanted = new Map(emails.map((email, i) => [email.toLowerCase(), { email, primary: i === 0 }]));
  // Removing an address ends the sessions and links made with it (foreign keys cascade): it may no longer sign in.
  const gone = existing.filter((e) => !wanted.has(e.email_key)).map((e) => e.id);
  if (gone.length) await trx.deleteFrom("client_emails").where("id", "in", gone).execute();
  // At most one primary at any moment (a unique index): demote before promoting.
  const demote = existing.filter((e) => e.is_primary && !wanted.get(e.email_key)?.primary).map((e) => e.id);
  if (demote.length) await trx.updateTable("client_emails").set({ is_primary: false }).where("id", "in", demote).execute();
  for (const [key, want] of wanted) {
    const row = existing.find((e) => e.email_key === key);
    if (!row) await trx.insertInto("client_emails").values({ practice_id: practiceId, client_id: clientId, email: want.email, is_primary: want.primary, created_at: now }).execute();
    else if (row.email !== want.email || row.is_primary !== want.primary) await trx.updateTable("client_emails").set({ email: want.email, is_primary: want.primary }).where("id", "=", row.id).execute();
  }
}

async function writeContacts(trx: PracticeTransaction, practiceId: string, clientId: string, contacts: AlternativeContact[], now: Date): Promise<void> {
  await trx.deleteFrom("alternative_contacts").where("client_id", "=", clientId).execute();
  await insertContacts(trx, practiceId, contacts.map((contact) => ({ clientId, contact })), now);
}

/** Alternative contacts of any number of clients in two statements; ids are made here so each contact's emails can name it. */
async function insertContacts(trx: PracticeTransaction, practiceId: string, contacts: { clientId: string; contact: AlternativeContact }[], now: Date): Promise<void> {
  if (!contacts.length) return;
  const rows = contacts.map(({ clientId, contact }) => ({ id: randomUUID(), practice_id: practiceId, client_id: clientId, name: contact.name, relationship: contact.relationship, phone: contact.phone, created_at: now, emails: contact.emails }));
  await trx.insertInto("alternative_contacts").values(rows.map(({ emails: _emails, ...row }) => row)).execute();
  const emails = rows.flatMap((row) => row.emails.map((email) => ({ practice_id: practiceId, contact_id: row.id, email })));
  if (emails.length) await trx.insertInto("alternative_contact_emails").values(emails).execute();
}

function clientColumns(input: ClientInput) {
  const [phone, ...otherPhones] = input.phones;
  return { first_name: input.first_name, last_name: input.last_name, phone: phone ?? null, other_phones: otherPhones, address: (input.address as PostalAddress | null) ?? null, status: input.status };
}

/**
 * Creates or replaces the client the practice system knows as `externalId`: one row per external id however often
 * it is sent, and nothing written (not even `updated_at`) when the record is already as sent. Audited in the
 * caller's transaction as `client.created` or `client.updated` (with the fields that changed).
 */
type ClientAudit = (action: string, id: string, externalId: string | null, details: Record<string, unknown>) => void;

function auditInto(events: AuditEvent[], actor: RecordActor, now: Date): ClientAudit {
  return (action, id, externalId, details) =>
    events.push({ actorType: actor.actorType, actorId: actor.actorId, action, subjectType: "client", subjectId: id, ip: actor.ip, userAgent: actor.userAgent, details: { ...actor.details, externalId, ...details }, at: now });
}

/**
 * New clients, with their emails and alternative contacts, in a few statements however many. Ids are made here, so a
 * client without an external id (created by staff) is told apart like any other; a client whose external id another
 * writer inserted first is left out of the answer (the unique index let one insert win).
 */
async function insertClients(trx: PracticeTransaction, practiceId: string, items: { externalId: string | null; input: ClientInput }[], now: Date): Promise<Map<ClientInput, string>> {
  const rows = items.map((item) => ({ id: randomUUID(), practice_id: practiceId, external_id: item.externalId, ...clientColumns(item.input), created_at: now, updated_at: now }));
  const inserted = new Set(
    (
      await trx
        .insertInto("clients")
        .values(rows)
        .onConflict((oc) => oc.columns(["practice_id", "external_id"]).doNothing())
        .returning("id")
        .execute()
    ).map((row) => row.id),
  );
  const created = new Map(items.flatMap((item, i) => (inserted.has(rows[i]!.id) ? [[item.input, rows[i]!.id] as const] : [])));
  const emails = [...created].flatMap(([input, clientId]) => input.emails.map((email, i) => ({ practice_id: practiceId, client_id: clientId, email, is_primary: i === 0, created_at: now })));
  if (emails.length) await trx.insertInto("client_emails").values(emails).execute();
  await insertContacts(trx, practiceId, [...created].flatMap(([input, clientId]) => input.alternative_contacts.map((contact) => ({ clientId, contact }))), now);
  return created;
}

/**
 * Creates or replaces the clients the practice system knows by these external ids (distinct), emails and
 * alternative contacts included, in a few statements for the whole set plus a few for each client that changed.
 * Nothing is written for a client already stored as sent. Audited `client.created` / `client.updated` (naming the
 * changed fields). An API call is the same path with one item.
 */
export async function upsertClients(
  trx: PracticeTransaction,
  options: { practiceId: string; items: { externalId: string; input: ClientInput }[]; actor: RecordActor; now: Date },
): Promise<UpsertResult[]> {
  const { practiceId, now } = options;
  const items = options.items.map((item) => ({ externalId: item.externalId, input: normalizeClient(item.input) }));
  if (new Set(items.map((i) => i.externalId)).size !== items.length) throw new Error("clients: an external id is listed twice in one write");
  const events: AuditEvent[] = [];
  const audit = auditInto(events, options.actor, now);
  const find = async (externalIds: string[]) =>
    new Map((await rowsByExternalId(trx, "clients", externalIds, { columns: ["id", "external_id"], forUpdate: true })).map((r) => [r.external_id as string, r.id as string]));

  const results = new Map<string, UpsertResult>();
  const stored = await plannedForTheirValues(trx, () => find(items.map((i) => i.externalId)));
  const fresh = items.filter((i) => !stored.has(i.externalId));
  if (fresh.length) {
    const created = await insertClients(trx, practiceId, fresh, now);
    for (const item of fresh) {
      const id = created.get(item.input);
      if (!id) continue;
      results.set(item.externalId, { ok: true, id, outcome: "created" });
      audit("client.created", id, item.externalId, {});
    }
    for (const [externalId, id] of await find(fresh.filter((i) => !results.has(i.externalId)).map((i) => i.externalId))) stored.set(externalId, id);
  }
  const current = await readClientRecords(trx, items.filter((i) => !results.has(i.externalId)).map((i) => stored.get(i.externalId)!));
  for (const item of items) {
    if (results.has(item.externalId)) continue;
    const id = stored.get(item.externalId)!;
    results.set(item.externalId, await replaceClient(trx, { practiceId, id, externalId: item.externalId, current: current.get(id)!, input: item.input, now, audit }));
  }
  await recordAudits(trx, practiceId, events);
  return items.map((item) => results.get(item.externalId)!);
}

/** One client by external id: `upsertClients` with one item, the path of `PUT /api/v1/clients/{externalId}`. */
export async function upsertClient(
  trx: PracticeTransaction,
  options: { practiceId: string; externalId: string; input: ClientInput; actor: RecordActor; now: Date },
): Promise<UpsertResult> {
  const [result] = await upsertClients(trx, { practiceId: options.practiceId, items: [{ externalId: options.externalId, input: options.input }], actor: options.actor, now: options.now });
  return result!;
}

/** The update half of every path: the client (locked by the caller) rewritten to `input`, or nothing written when it already holds it. */
async function replaceClient(
  trx: PracticeTransaction,
  options: { practiceId: string; id: string; externalId: string | null; current: ClientInput; input: ClientInput; now: Date; audit: ClientAudit },
): Promise<UpsertResult> {
  const { practiceId, id, current, input, now } = options;
  if (sameJson(current, input)) return { ok: true, id, outcome: "unchanged" };
  const changed = (Object.keys(input) as (keyof ClientInput)[]).filter((k) => !sameJson(current[k], input[k]));
  await trx.updateTable("clients").set({ ...clientColumns(input), updated_at: now }).where("id", "=", id).execute();
  if (changed.includes("emails")) await writeEmails(trx, practiceId, id, input.emails, now);
  if (changed.includes("alternative_contacts")) await writeContacts(trx, practiceId, id, input.alternative_contacts, now);
  options.audit("client.updated", id, options.externalId, { changed });
  return { ok: true, id, outcome: "updated" };
}

/**
 * The same write by Portico id, for staff keeping records by hand (no practice system): `clientId` null creates a
 * client with no external id (the API neither lists nor addresses it, so it can never collide with the practice
 * system's ids); otherwise the client is replaced as `upsertClient` would, whether or not it came from the API.
 * Audited as `client.created` / `client.updated` with the row's external id (null for hand-made ones).
 */
export async function saveClient(
  trx: PracticeTransaction,
  options: { practiceId: string; clientId: string | null; input: ClientInput; actor: RecordActor; now: Date },
): Promise<UpsertResult> {
  const { practiceId, now } = options;
  const input = normalizeClient(options.input);
  const events: AuditEvent[] = [];
  const audit = auditInto(events, options.actor, now);
  let result: UpsertResult;
  if (options.clientId === null) {
    const id = (await insertClients(trx, practiceId, [{ externalId: null, input }], now)).get(input)!;
    audit("client.created", id, null, {});
    result = { ok: true, id, outcome: "created" };
  } else {
    const row = await trx.selectFrom("clients").select(["id", "external_id"]).where("id", "=", options.clientId).forUpdate().executeTakeFirstOrThrow();
    const current = (await readClientRecords(trx, [row.id])).get(row.id)!;
    result = await replaceClient(trx, { practiceId, id: row.id, externalId: row.external_id, current, input, now, audit });
  }
  await recordAudits(trx, practiceId, events);
  return result;
}
