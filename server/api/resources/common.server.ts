import { z } from "zod";
import type { ExternalRecordTable } from "../../../app/use-cases/external-record.server";
import type { RecordActor, UpsertResult } from "../../../app/use-cases/record-fields";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import type { ApiCall } from "../route.server";

/**
 * What the resources declared in this folder share. Each module declares one resource in the shape
 * `externalResource` (../resources.server.ts) takes, and that module registers it: so nothing here imports it back.
 */
export type ResourceDeclaration<I> = {
  /** Path segment: `appointments`, `document_templates`. */
  name: string;
  tag: string;
  /** Component names in the OpenAPI document: `Appointment`, `AppointmentInput`, `AppointmentPage`. */
  schemaName: string;
  singular: string;
  table: ExternalRecordTable;
  input: z.ZodType<I>;
  representation: z.ZodType;
  upsert(call: ApiCall<{ externalId: string }, unknown, I>): Promise<UpsertResult>;
  /** Representations by Portico id, in bulk: a page is one query, not one per row. */
  read(trx: PracticeTransaction, ids: string[]): Promise<Map<string, unknown>>;
};

/** The key as the audit log names it, as for clients and patients. */
export function keyActor(call: ApiCall<unknown, unknown, unknown>): RecordActor {
  return { actorType: "api_key", actorId: call.key.id, ip: call.ip, userAgent: call.userAgent, details: { apiKey: call.key.name, apiKeyPrefix: call.key.prefix } };
}

/** When Portico first stored the record and when it last changed it (the list order and `updated_since`). */
export const recordTimes = {
  created_at: z.iso.datetime({ offset: true }).meta({ example: "2026-12-08T09:30:00.000Z" }),
  updated_at: z.iso.datetime({ offset: true }).meta({ example: "2026-12-08T09:30:00.000Z" }),
};

export function timesOf(row: { created_at: Date; updated_at: Date }): { created_at: string; updated_at: string } {
  return { created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}
