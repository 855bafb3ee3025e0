import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { type RecordKind, upsertRecord } from "./external-record.server";
import { emailSchema, phoneSchema, type RecordActor, text, type UpsertResult } from "./record-fields";

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A place where the practice sees patients, as the portal's home page lists it. */
export const locationInputSchema = z.strictObject({
  name: text(120).meta({ example: "Happy Paws — Downtown" }),
  address: text(300).meta({ description: "One line, as clients read it.", example: "1200 Maple Avenue, Springfield" }),
  phone: phoneSchema.nullable().default(null),
  email: emailSchema.nullable().default(null),
  time_zone: z.string().max(64).refine(isTimeZone, "must be an IANA time zone such as America/Chicago").meta({ example: "America/Chicago" }),
  opening_hours: z
    .array(z.strictObject({ days: text(60).meta({ example: "Mon–Fri" }), hours: text(60).meta({ example: "8:00–18:00" }) }))
    .max(14)
    .default([]),
  active: z.boolean().default(true).meta({ description: "False once closed: no longer shown in the portal; its appointments keep it. Locations are never deleted." }),
});

export type LocationInput = z.output<typeof locationInputSchema>;

export const locationRecord: RecordKind<LocationInput> = {
  table: "locations",
  subject: "location",
  plan: async (input) => ({ ok: true, values: { name: input.name, address: input.address, phone: input.phone, email: input.email, time_zone: input.time_zone, opening_hours: input.opening_hours, active: input.active } }),
};

/** Creates or replaces the location the practice system knows as `externalId`. */
export function upsertLocation(trx: PracticeTransaction, options: { practiceId: string; externalId: string; input: LocationInput; actor: RecordActor; now: Date }): Promise<UpsertResult> {
  return upsertRecord(trx, locationRecord, options);
}
