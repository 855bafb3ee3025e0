import type { Transaction } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { recordAudit } from "../../server/audit.server";
import { type FieldProblem, type RecordActor, sameJson, type UpsertResult } from "./record-fields";

/** The tables whose rows the practice system upserts by external id, beyond clients and patients. */
export type ExternalRecordTable = "practitioners" | "locations" | "appointment_types" | "appointments" | "document_templates" | "documents" | "prescriptions" | "reminders";

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

/**
 * The Portico ids of the records named by external id in one table, one query however many: what the references
 * between resources go through (an appointment names its patient, practitioner and location by external id).
 */
export async function idsByExternalId(trx: PracticeTransaction, table: ExternalRecordTable | "clients" | "patients", externalIds: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(externalIds.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map();
  const rows = await trx.selectFrom(table).select(["id", "external_id"]).where("external_id", "in", wanted).execute();
  return new Map(rows.map((r) => [r.external_id!, r.id]));
}

/** A reference by external id that names nothing: the field's problem, in the words every resource uses. */
export function missingReference(field: string, singular: string): FieldProblem {
  return { path: [field], message: `names no ${singular} of this practice` };
}

/**
 * The upsert every resource shares: one row per external id (the unique index settles two first PUTs at once),
 * nothing written — not even `updated_at` — when the row already holds `values`, and an audit entry
 * `<subject>.created` or `<subject>.updated` (naming the changed columns) in the caller's transaction.
 * `check` sees the current row before an update and may refuse it (a voided prescription stays voided).
 */
export async function upsertExternalRecord(
  trx: PracticeTransaction,
  options: {
    table: ExternalRecordTable;
    subject: string;
    practiceId: string;
    externalId: string;
    values: Row;
    actor: RecordActor;
    now: Date;
    check?: (current: Row) => FieldProblem[] | Promise<FieldProblem[]>;
  },
): Promise<UpsertResult> {
  const { table, subject, practiceId, externalId, values, actor, now } = options;
  // One table chosen at run time: Kysely cannot type a column set shared by a union of tables, so the row is loose.
  const db = trx as unknown as Transaction<Record<ExternalRecordTable, Row>>;
  const audit = (action: string, id: string, details: Record<string, unknown>) =>
    recordAudit(trx as Transaction<Database>, practiceId, {
      actorType: actor.actorType,
      actorId: actor.actorId,
      action,
      subjectType: subject,
      subjectId: id,
      ip: actor.ip,
      userAgent: actor.userAgent,
      details: { ...actor.details, externalId, ...details },
      at: now,
    });
  const find = () => db.selectFrom(table).selectAll().where("external_id", "=", externalId).forUpdate().executeTakeFirst();

  let existing = await find();
  if (!existing) {
    const created = await db
      .insertInto(table)
      .values({ practice_id: practiceId, external_id: externalId, ...values, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(["practice_id", "external_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (created) {
      await audit(`${subject}.created`, created.id as string, {});
      return { ok: true, id: created.id as string, outcome: "created" };
    }
    existing = await find();
    if (!existing) throw new Error(`${table} ${externalId}: the conflicting row is not visible`);
  }
  const current = existing;
  const id = current.id as string;
  const refused = (await options.check?.(current)) ?? [];
  if (refused.length) return { ok: false, errors: refused };
  const changed = Object.keys(values).filter((column) => !sameJson(comparable(current[column]), comparable(values[column])));
  if (!changed.length) return { ok: true, id, outcome: "unchanged" };
  await db.updateTable(table).set({ ...values, updated_at: now }).where("id", "=", id).execute();
  await audit(`${subject}.updated`, id, { changed });
  return { ok: true, id, outcome: "updated" };
}
