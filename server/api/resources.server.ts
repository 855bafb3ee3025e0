import { sql } from "kysely";
import { z } from "zod";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { externalIdSchema, type RecordActor, type UpsertResult } from "../../app/use-cases/record-fields";
import { clientInputSchema, readClientRecords } from "../../app/use-cases/upsert-client.server";
import { patientInputSchema, upsertPatient } from "../../app/use-cases/upsert-patient.server";
import { upsertClient } from "../../app/use-cases/upsert-client.server";
import type { ExternalRecordTable } from "../../app/use-cases/external-record.server";
import { ApiProblem } from "./problem.server";
import { appointmentTypes } from "./resources/appointment-types.server";
import { appointments } from "./resources/appointments.server";
import { documentTemplates } from "./resources/document-templates.server";
import { documents } from "./resources/documents.server";
import { documentFiles } from "./resources/document-files.server";
import { locations } from "./resources/locations.server";
import { practitioners } from "./resources/practitioners.server";
import { prescriptions } from "./resources/prescriptions.server";
import { reminders } from "./resources/reminders.server";
import { type ApiCall, type ApiRoute, apiRoute } from "./route.server";

/**
 * The resources the practice system keeps in step, each addressed by its own external id. A resource is declared
 * once (`externalResource`): its PUT body schema, its representation, how to upsert and how to read rows in bulk;
 * the list, read and upsert operations, their validation and their documentation follow from that.
 */

export const PAGE_LIMIT_MAX = 200;
const PAGE_LIMIT_DEFAULT = 50;

const timestamp = z.iso.datetime({ offset: true }).meta({ example: "2026-12-08T09:30:00.000Z" });

/** The list order is (updated_at, id): the cursor is the last row's pair, opaque to callers. */
const cursorSchema = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    try {
      const decoded = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as unknown;
      const parsed = z.tuple([z.iso.datetime(), z.uuid()]).safeParse(decoded);
      if (parsed.success) return { updatedAt: new Date(parsed.data[0]), id: parsed.data[1] };
    } catch {
      // Falls through to the issue below.
    }
    ctx.addIssue({ code: "custom", message: "is not a cursor this API gave out (use next_cursor from the previous page)" });
    return z.NEVER;
  })
  .meta({ description: "`next_cursor` from the previous page; absent for the first page." });

const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).optional().meta({ description: `Items per page, at most ${PAGE_LIMIT_MAX} (default ${PAGE_LIMIT_DEFAULT}).` }),
  cursor: cursorSchema.optional(),
  updated_since: z.iso
    .datetime({ offset: true, error: "must be a date and time such as 2026-12-08T09:30:00Z" })
    .refine((value) => new Date(value).getUTCFullYear() >= 1970, "must be from 1970 on")
    .optional()
    .meta({ description: "Only records changed at or after this instant (RFC 3339)." }),
});

type ListQuery = z.output<typeof listQuerySchema>;

const externalIdParams = z.strictObject({ externalId: externalIdSchema });

function actorOf(call: ApiCall<unknown, unknown, unknown>): RecordActor {
  return { actorType: "api_key", actorId: call.key.id, ip: call.ip, userAgent: call.userAgent, details: { apiKey: call.key.name, apiKeyPrefix: call.key.prefix } };
}

type Table = "clients" | "patients" | ExternalRecordTable;

type ExternalResource<I> = {
  /** Path segment and tag: `clients`. */
  name: string;
  tag: string;
  /** Component names in the OpenAPI document: `Client`, `ClientInput`, `ClientPage`. */
  schemaName: string;
  singular: string;
  table: Table;
  input: z.ZodType<I>;
  representation: z.ZodType;
  upsert(call: ApiCall<{ externalId: string }, unknown, I>): Promise<UpsertResult>;
  /** Representations of rows by Portico id, in bulk (a page is one query per table, not one per row). */
  read(trx: PracticeTransaction, ids: string[]): Promise<Map<string, unknown>>;
};

async function findId(trx: PracticeTransaction, table: Table, externalId: string): Promise<string | undefined> {
  const row = await trx.selectFrom(table).select("id").where("external_id", "=", externalId).executeTakeFirst();
  return row?.id;
}

function notFound(singular: string, externalId: string): ApiProblem {
  return new ApiProblem(404, "not_found", `No ${singular} with external id ${externalId} at this practice.`, [{ path: ["externalId"], message: "names nothing" }]);
}

/** The three operations of a resource: list (cursor, updated_since), read one, upsert one. */
function externalResource<I>(resource: ExternalResource<I>): { routes: ApiRoute[]; schemas: Record<string, { schema: z.ZodType; io: "input" | "output" }> } {
  const { name, singular, table } = resource;
  const one = async (trx: PracticeTransaction, id: string) => (await resource.read(trx, [id])).get(id);
  const page = z.object({
    data: z.array(resource.representation),
    next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  });
  return {
    schemas: {
      [resource.schemaName]: { schema: resource.representation, io: "output" },
      [`${resource.schemaName}Input`]: { schema: resource.input, io: "input" },
      [`${resource.schemaName}Page`]: { schema: page, io: "output" },
    },
    routes: [
      apiRoute<unknown, ListQuery, unknown>({
        method: "GET",
        path: `/${name}`,
        scope: "read",
        operationId: `list_${name}`,
        summary: `List ${name}`,
        description: `Every ${singular} the practice system sent, oldest change first, ordered by (updated_at, id) so that paging is stable while records change. Records made in Portico without an external id are not listed.`,
        tag: resource.tag,
        query: listQuerySchema,
        responses: { 200: { description: `A page of ${name}.`, schema: `${resource.schemaName}Page` } },
        async handle({ trx, query }) {
          const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
          let rows = trx.selectFrom(table).select(["id", "updated_at"]).where("external_id", "is not", null);
          if (query.updated_since) rows = rows.where("updated_at", ">=", new Date(query.updated_since));
          if (query.cursor) rows = rows.where(sql<boolean>`(updated_at, id) > (${query.cursor.updatedAt}::timestamptz, ${query.cursor.id}::uuid)`);
          const found = await rows.orderBy("updated_at").orderBy("id").limit(limit + 1).execute();
          const shown = found.slice(0, limit);
          const byId = await resource.read(trx, shown.map((r) => r.id));
          const last = shown.at(-1);
          const next = found.length > limit && last ? Buffer.from(JSON.stringify([last.updated_at.toISOString(), last.id])).toString("base64url") : null;
          return { status: 200, body: { data: shown.map((r) => byId.get(r.id)), next_cursor: next } };
        },
      }),
      apiRoute<{ externalId: string }, unknown, unknown>({
        method: "GET",
        path: `/${name}/{externalId}`,
        scope: "read",
        operationId: `get_${singular}`,
        summary: `Read a ${singular}`,
        tag: resource.tag,
        params: externalIdParams,
        responses: { 200: { description: `The ${singular}.`, schema: resource.schemaName } },
        async handle({ trx, params }) {
          const id = await findId(trx, table, params.externalId);
          if (!id) throw notFound(singular, params.externalId);
          return { status: 200, body: await one(trx, id) };
        },
      }),
      apiRoute<{ externalId: string }, unknown, I>({
        method: "PUT",
        path: `/${name}/{externalId}`,
        scope: "write",
        operationId: `put_${singular}`,
        summary: `Create or replace a ${singular}`,
        description: `Idempotent by external id: sending the same ${singular} again leaves one record and answers the same body (200). Fields left out take their defaults (an absent list is empty). Records are never deleted: change their status instead.`,
        tag: resource.tag,
        params: externalIdParams,
        body: resource.input,
        responses: {
          200: { description: `The ${singular} existed; it now reads as sent.`, schema: resource.schemaName },
          201: { description: `The ${singular} was created.`, schema: resource.schemaName },
        },
        async handle(call) {
          const result = await resource.upsert(call);
          if (!result.ok) throw new ApiProblem(422, "invalid_body", `The ${singular} was not saved: ${result.errors.map((e) => `${e.path.join(".")} ${e.message}`).join("; ")}.`, result.errors);
          return { status: result.outcome === "created" ? 201 : 200, body: await one(call.trx, result.id) };
        },
      }),
    ],
  };
}

const clientRepresentation = z
  .strictObject({
    external_id: externalIdSchema,
    ...clientInputSchema.shape,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ description: "A client (pet owner, patient or guardian) as the practice system sent it." });

const clients = externalResource({
  name: "clients",
  tag: "Clients",
  schemaName: "Client",
  singular: "client",
  table: "clients",
  input: clientInputSchema,
  representation: clientRepresentation,
  upsert: (call) => upsertClient(call.trx, { practiceId: call.practice.id, externalId: call.params.externalId, input: call.body, actor: actorOf(call), now: call.now }),
  async read(trx, ids) {
    if (!ids.length) return new Map();
    const records = await readClientRecords(trx, ids);
    const rows = await trx.selectFrom("clients").select(["id", "external_id", "created_at", "updated_at"]).where("id", "in", ids).execute();
    return new Map(rows.map((r) => [r.id, { external_id: r.external_id, ...records.get(r.id), created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() }]));
  },
});

const patientRepresentation = z
  .strictObject({
    external_id: externalIdSchema,
    ...patientInputSchema.shape,
    client_external_id: externalIdSchema.nullable().meta({ description: "The client's external id (null if the client was made in Portico)." }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ description: "A patient: a pet at a veterinary practice, a person at a human-health one." });

const patients = externalResource({
  name: "patients",
  tag: "Patients",
  schemaName: "Patient",
  singular: "patient",
  table: "patients",
  input: patientInputSchema,
  representation: patientRepresentation,
  upsert: (call) =>
    upsertPatient(call.trx, { practiceId: call.practice.id, practiceKind: call.practice.kind, externalId: call.params.externalId, input: call.body, actor: actorOf(call), now: call.now }),
  async read(trx, ids) {
    if (!ids.length) return new Map();
    const rows = await trx
      .selectFrom("patients as p")
      .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "p.practice_id").onRef("c.id", "=", "p.client_id"))
      .select(["p.id", "p.external_id", "c.external_id as client_external_id", "p.name", "p.species", "p.breed", "p.sex", "p.date_of_birth", "p.status", "p.created_at", "p.updated_at"])
      .where("p.id", "in", ids)
      .execute();
    return new Map(rows.map(({ id, created_at, updated_at, ...r }) => [id, { ...r, created_at: created_at.toISOString(), updated_at: updated_at.toISOString() }]));
  },
});

/** The other resources are declared one per module in ./resources/ (they import nothing back from here). */
export const RESOURCES = [
  clients,
  patients,
  externalResource(practitioners),
  externalResource(locations),
  externalResource(appointmentTypes),
  externalResource(appointments),
  externalResource(documentTemplates),
  externalResource(documents),
  documentFiles,
  externalResource(prescriptions),
  externalResource(reminders),
];
