import type { Transaction } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { type AuditEvent, recordAudits } from "../../server/audit.server";
import { type FieldProblem, type RecordActor, sameJson, type UpsertResult } from "./record-fields";
import { plannedForTheirValues, ReferenceLoader, rowsByExternalId } from "./record-references.server";

/** The tables whose rows the practice system upserts by external id, beyond clients (whose emails and contacts are rows of their own). */
export type ExternalRecordTable = "patients" | "practitioners" | "locations" | "appointment_types" | "appointments" | "document_templates" | "documents" | "prescriptions" | "reminders";

type Row = Record<string, unknown>;

/** An instant with its offset (RFC 3339), from 1970 on; answered back in UTC. */
export const instantSchema = z.iso
  .datetime({ offset: true, error: "must be a date and time with an offset, such as 2026-12-08T09:30:00Z" })
  .refine((value) => new Date(value).getUTCFullYear() >= 1970 && new Date(value).getUTCFullYear() <= 9999, "must be between 1970 and 9999")
  .meta({ example: "2026-12-08T09:30:00Z" });

/** Dates compare by instant (sameJson would see two empty objects); everything else as JSON. */
function comparable(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** A reference by external id that names nothing: the field's problem, in the words every resource uses. */
export function missingReference(field: string, singular: string): FieldProblem {
  return { path: [field], message: `names no ${singular} of this practice` };
}

/** Whose record is written, and with what: the context every resource's plan is made in. */
export type RecordContext = { trx: PracticeTransaction; refs: ReferenceLoader; now: Date; practiceId: string };

/** What a resource makes of one input: the row's columns (and a check against the stored row), or field problems. */
export type RecordPlan =
  | {
      ok: true;
      values: Row;
      check?: (current: Row) => FieldProblem[] | Promise<FieldProblem[]>;
      /**
       * Rows of other tables that belong to the record (an appointment type's practitioners), written after the row
       * itself, created or not; names the field when anything changed, so an update of those alone is one.
       */
      links?: (trx: PracticeTransaction, id: string) => Promise<string | undefined>;
    }
  | { ok: false; errors: FieldProblem[] };

/**
 * A resource the practice system upserts by external id: its table, the subject its audit entries name, and how an
 * input becomes columns. Everything else (finding, creating, comparing, updating, auditing) is `upsertRecords`'.
 */
export type RecordKind<I> = {
  table: ExternalRecordTable;
  subject: string;
  plan(input: I, context: RecordContext): Promise<RecordPlan>;
  /** A column the audit's list of changed fields names as the API does (`client_id` is `client_external_id`). */
  fieldNames?: Record<string, string>;
  /** After a row was updated, in the same transaction: copies of its values kept elsewhere follow it. */
  afterUpdate?(trx: PracticeTransaction, id: string, values: Row): Promise<void>;
};

export type RecordItem<I> = { externalId: string; input: I };

/**
 * Creates or replaces the records the practice system knows by these external ids (distinct), in a few statements
 * however many there are: one lookup per referenced table, one read of the stored rows, one insert of the new ones,
 * one update per changed row and one insert of the audit entries. A row that already holds its values is not
 * written, not even `updated_at`. Audited `<subject>.created` or `<subject>.updated` (naming the changed fields) in
 * the caller's transaction. An API call is the same path with one item, so an import and a PUT cannot disagree.
 */
export async function upsertRecords<I>(
  trx: PracticeTransaction,
  kind: RecordKind<I>,
  options: { practiceId: string; items: RecordItem<I>[]; actor: RecordActor; now: Date },
): Promise<UpsertResult[]> {
  const { practiceId, items, actor, now } = options;
  if (new Set(items.map((i) => i.externalId)).size !== items.length) throw new Error(`${kind.table}: an external id is listed twice in one write`);
  const context: RecordContext = { trx, refs: new ReferenceLoader(trx), now, practiceId };
  const find = async (externalIds: string[]) => new Map((await rowsByExternalId(trx, kind.table, externalIds, { forUpdate: true })).map((row) => [row.external_id as string, row]));
  const { plans, stored } = await plannedForTheirValues(trx, async () => {
    const plans = await Promise.all(items.map((item) => kind.plan(item.input, context)));
    const writable = items.filter((_, i) => plans[i]!.ok).map((item) => item.externalId);
    return { plans, stored: await find(writable) };
  });
  // One table chosen at run time: Kysely cannot type a column set shared by a union of tables, so the row is loose.
  const db = trx as unknown as Transaction<Record<ExternalRecordTable, Row>>;
  const results = new Map<string, UpsertResult>();
  const audits: AuditEvent[] = [];
  const audit = (action: string, externalId: string, id: string, details: Record<string, unknown>) =>
    audits.push({ actorType: actor.actorType, actorId: actor.actorId, action, subjectType: kind.subject, subjectId: id, ip: actor.ip, userAgent: actor.userAgent, details: { ...actor.details, externalId, ...details }, at: now });

  const writable = items.flatMap((item, i) => {
    const plan = plans[i]!;
    if (!plan.ok) results.set(item.externalId, plan);
    return plan.ok ? [{ ...item, plan }] : [];
  });
  const fresh = writable.filter((w) => !stored.has(w.externalId));
  if (fresh.length) {
    const created = await db
      .insertInto(kind.table)
      .values(fresh.map((w) => ({ practice_id: practiceId, external_id: w.externalId, ...w.plan.values, created_at: now, updated_at: now })))
      .onConflict((oc) => oc.columns(["practice_id", "external_id"]).doNothing())
      .returning(["id", "external_id"])
      .execute();
    const planOf = new Map(fresh.map((w) => [w.externalId, w.plan]));
    for (const row of created) {
      await planOf.get(row.external_id as string)!.links?.(trx, row.id as string);
      results.set(row.external_id as string, { ok: true, id: row.id as string, outcome: "created" });
      audit(`${kind.subject}.created`, row.external_id as string, row.id as string, {});
    }
    // Another writer created some of them first (the unique index let one insert win): those are updates now.
    const raced = await find(fresh.filter((w) => !results.has(w.externalId)).map((w) => w.externalId));
    for (const [externalId, row] of raced) stored.set(externalId, row);
  }
  for (const { externalId, plan } of writable) {
    if (results.has(externalId)) continue;
    const current = stored.get(externalId);
    if (!current) throw new Error(`${kind.table} ${externalId}: the conflicting row is not visible`);
    const id = current.id as string;
    const refused = (await plan.check?.(current)) ?? [];
    if (refused.length) {
      results.set(externalId, { ok: false, errors: refused });
      continue;
    }
    const changed = Object.keys(plan.values).filter((column) => !sameJson(comparable(current[column]), comparable(plan.values[column])));
    const linked = await plan.links?.(trx, id);
    if (!changed.length && linked) {
      audit(`${kind.subject}.updated`, externalId, id, { changed: [linked] });
      results.set(externalId, { ok: true, id, outcome: "updated" });
      continue;
    }
    if (!changed.length) {
      results.set(externalId, { ok: true, id, outcome: "unchanged" });
      continue;
    }
    await db.updateTable(kind.table).set({ ...plan.values, updated_at: now }).where("id", "=", id).execute();
    await kind.afterUpdate?.(trx, id, plan.values);
    audit(`${kind.subject}.updated`, externalId, id, { changed: [...changed.map((column) => kind.fieldNames?.[column] ?? column), ...(linked ? [linked] : [])] });
    results.set(externalId, { ok: true, id, outcome: "updated" });
  }
  await recordAudits(trx as Transaction<Database>, practiceId, audits);
  return items.map((item) => results.get(item.externalId)!);
}

/** One record: `upsertRecords` with one item, the path of `PUT /api/v1/<resource>/{externalId}`. */
export async function upsertRecord<I>(
  trx: PracticeTransaction,
  kind: RecordKind<I>,
  options: { practiceId: string; externalId: string; input: I; actor: RecordActor; now: Date },
): Promise<UpsertResult> {
  const [result] = await upsertRecords(trx, kind, { practiceId: options.practiceId, items: [{ externalId: options.externalId, input: options.input }], actor: options.actor, now: options.now });
  return result!;
}
