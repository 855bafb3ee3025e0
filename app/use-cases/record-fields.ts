import { z } from "zod";
import type { ActorType } from "../../db/schema";

/**
 * Field schemas shared by the use cases that write practice records (from the integration API now, from staff pages
 * later). Each one is also what the OpenAPI document says about the field: no second description.
 */

/** Text a person typed: trimmed, no control characters (names end up in emails, PDFs and CSV exports). */
export function text(max: number) {
  return z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");
}

/** The practice system's own id for a record: what `PUT /api/v1/<resource>/{externalId}` upserts by. */
export const externalIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, "must be 1 to 100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
  .meta({ description: "The practice system's own id for the record.", example: "C-1001" });

export const emailSchema = z.email("must be an email address such as name@example.com").max(254);

export const phoneSchema = z
  .string()
  .regex(/^[+(]?[0-9][0-9 ().\/x-]{2,39}$/, "must be a phone number: digits, spaces and + ( ) . / - x")
  .meta({ example: "+1 555 0100" });

/** A calendar date that exists (`2026-02-30` does not), between the years 1850 and 9999. */
export const calendarDateSchema = z.iso
  .date("must be a date as YYYY-MM-DD")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && date.getUTCFullYear() >= 1850;
  }, "must be a real date from 1850 on");

/** Who writes, for the audit log: the use case records its own entry in the caller's transaction. */
export type RecordActor = { actorType: ActorType; actorId: string | null; ip: string | null; userAgent: string | null; details: Record<string, unknown> };

export type FieldProblem = { path: (string | number)[]; message: string };

export type UpsertResult = { ok: true; id: string; outcome: "created" | "updated" | "unchanged" } | { ok: false; errors: FieldProblem[] };

/** JSON values compared structurally (key order ignored): an upsert that changes nothing writes nothing. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}
