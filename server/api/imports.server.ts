import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import express, { type Request, type Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { PracticeSite, Site } from "../../app/load-context";
import type { ApiScope } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { hitRateLimits } from "../auth/rate-limit.server";
import type { ImportRunner } from "../imports/import-runner.server";
import { createImport, readImport } from "../imports/run-import.server";
import { bearerKey, checkApiKey, type ApiKey } from "./keys.server";
import { API_REQUESTS_PER_MINUTE } from "./limits.server";
import { ApiProblem } from "./problem.server";

/** An NDJSON import body: a whole practice (15,000 clients and patients is about 10 MB) with room to spare. */
export const IMPORT_BODY_BYTES = 200 * 1024 * 1024;

const NDJSON_TYPE = /^application\/(x-ndjson|jsonl)\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const MINUTE = 60_000;

export type ImportsApiDeps = { imports: ImportRunner; logger: Logger; now: () => Date };

function sendProblem(res: Response, problem: ApiProblem): void {
  res.status(problem.status).set(problem.headers).type("application/problem+json").send(JSON.stringify(problem.body()));
}

/** The same key rules as every other operation (keys.server.ts): 401 for any bad key, 429 past the key's limit, 403 without the scope. */
async function authorize(site: PracticeSite, req: Request, scope: ApiScope, now: Date): Promise<ApiKey> {
  const authorization = req.headers.authorization;
  if (!authorization) throw new ApiProblem(401, "unauthorized", "Send an API key: Authorization: Bearer pk_live_…", [{ path: ["Authorization"], message: "is missing" }], { "WWW-Authenticate": 'Bearer realm="api"' });
  if (!bearerKey(authorization)) throw new ApiProblem(401, "unauthorized", "The Authorization header is not a Portico API key (Bearer pk_live_…).", [{ path: ["Authorization"], message: "is not an API key" }], { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"' });
  const result = await site.withPractice(async (trx): Promise<ApiKey | ApiProblem> => {
    const checked = await checkApiKey(trx, authorization, now);
    if (!checked.ok) return new ApiProblem(401, "unauthorized", "This API key is not valid at this practice.", [{ path: ["Authorization"], message: "is not a valid API key here" }], { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"' });
    const [withinLimit] = await hitRateLimits(trx, site.practice.id, [{ bucket: `api-key:${checked.key.id}`, limit: API_REQUESTS_PER_MINUTE, windowMs: MINUTE }], now);
    if (!withinLimit) return new ApiProblem(429, "rate_limited", `This key made more than ${API_REQUESTS_PER_MINUTE} requests this minute.`, undefined, { "Retry-After": String(Math.max(1, Math.ceil((MINUTE - (now.getTime() % MINUTE)) / 1000))) });
    if (!checked.key.scopes.includes(scope)) return new ApiProblem(403, "forbidden", `This API key may not ${scope}: it has the scopes ${checked.key.scopes.join(", ")}.`);
    return checked.key;
  });
  if (result instanceof ApiProblem) throw result;
  return result;
}

class TooLarge extends Error {}

/** Streams the body to the spool file, counting bytes and lines; never holds more than a chunk. */
async function spool(req: Request, file: string): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let newlines = 0;
  let last = 0x0a;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > IMPORT_BODY_BYTES) return done(new TooLarge());
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) newlines++;
      if (chunk.length) last = chunk[chunk.length - 1]!;
      done(null, chunk);
    },
  });
  await pipeline(req, count, createWriteStream(file, { mode: 0o600 }));
  return { bytes, lines: newlines + (last === 0x0a ? 0 : 1) };
}

type ImportView = NonNullable<Awaited<ReturnType<typeof readImport>>>;

const instant = z.iso.datetime();

/** The import as the API answers it, for the OpenAPI document and the contract test; `importRepresentation` builds it. */
export const importSchema = z.strictObject({
  id: z.uuid(),
  url: z.string().meta({ description: "Where to follow its progress (GET)." }),
  status: z.enum(["queued", "running", "done", "failed"]),
  source: z.string().meta({ description: "`api`, `csv` or `cli`." }),
  created_at: instant,
  started_at: instant.nullable(),
  finished_at: instant.nullable(),
  bytes: z.number().int(),
  lines_total: z.number().int(),
  lines_done: z.number().int(),
  progress: z.number().min(0).max(1),
  accepted: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int().meta({ description: "Lines equal to the stored record: nothing was written." }),
  rejected: z.number().int(),
  failure: z.string().nullable(),
  rejections: z.array(z.strictObject({ line: z.number().int(), type: z.string().nullable(), external_id: z.string().nullable(), reason: z.string() })).meta({ description: "The first 1,000 rejected lines, with their reasons." }),
  rejections_truncated: z.boolean(),
});

/** The two operations, for the API's route list (the fuzz test walks it) and its OpenAPI document. */
export const IMPORT_ROUTES = [
  { method: "POST", path: "/imports", scope: "write" as const, operationId: "createImport", summary: "Import records as NDJSON (one PUT body a line, with `type` and `external_id`), processed in the background", status: 202, maxBytes: IMPORT_BODY_BYTES },
  { method: "GET", path: "/imports/{id}", scope: "read" as const, operationId: "getImport", summary: "An import's progress and its per-line report", status: 200 },
];

/** An import as the API answers it: its state, counts and the first rejected lines with their reasons. */
export function importRepresentation(origin: string, { row, rejections, moreRejections }: ImportView) {
  return {
    id: row.id,
    url: `${origin}/api/v1/imports/${row.id}`,
    status: row.status,
    source: row.source,
    created_at: row.created_at.toISOString(),
    started_at: row.started_at?.toISOString() ?? null,
    finished_at: row.finished_at?.toISOString() ?? null,
    bytes: Number(row.bytes),
    lines_total: row.lines_total,
    lines_done: row.lines_done,
    progress: row.status === "done" ? 1 : row.lines_total ? Math.min(1, row.lines_done / row.lines_total) : 0,
    accepted: row.created + row.updated + row.unchanged,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    rejected: row.rejected,
    failure: row.failure,
    rejections,
    rejections_truncated: moreRejections,
  };
}

async function view(trx: PracticeTransaction, id: string, now: Date): Promise<ImportView | undefined> {
  return readImport(trx, id, now);
}

/**
 * `POST /api/v1/imports` (an NDJSON body, up to 200 MB, streamed to disk, answered 202 before any line is read) and
 * `GET /api/v1/imports/{id}` (progress and the per-line report). The API's JSON body policy does not fit a body this
 * size, so these two operations read their own bodies; keys, limits and problem answers are the API's.
 */
export function importsApi(deps: ImportsApiDeps): express.Router {
  const router = express.Router();
  router.use(async (req: Request, res: Response) => {
    res.set("Cache-Control", "no-store");
    try {
      await serve(req, res, deps);
    } catch (error) {
      if (error instanceof ApiProblem) return sendProblem(res, error);
      if (error instanceof Response && error.status === 503) return sendProblem(res, new ApiProblem(503, "unavailable", "The practice's data is temporarily unavailable. Try again shortly.", undefined, { "Retry-After": "30" }));
      req.log.error({ err: error }, "unhandled import API error");
      if (!res.headersSent) sendProblem(res, new ApiProblem(500, "server_error", "Something went wrong on our side. The request may be retried."));
    }
  });
  return router;
}

const idSchema = z.uuid();

async function serve(req: Request, res: Response, deps: ImportsApiDeps): Promise<void> {
  const site = res.locals.site as Site;
  if (site.kind !== "practice") throw new ApiProblem(404, "not_found", "The API is served on a practice's own address.");
  const path = req.path.length > 1 ? req.path.replace(/\/$/, "") : req.path;
  const now = deps.now();

  if (path === "/") {
    if (req.method === "OPTIONS") return void res.set("Allow", "POST, OPTIONS").status(204).end();
    if (req.method !== "POST") throw new ApiProblem(405, "method_not_allowed", `${req.baseUrl} does not accept ${req.method}.`, undefined, { Allow: "POST, OPTIONS" });
    const key = await authorize(site, req, "write", now);
    if (!NDJSON_TYPE.test(req.headers["content-type"] ?? "")) throw new ApiProblem(415, "unsupported_media_type", "Send the import as NDJSON (one JSON object a line), with Content-Type: application/x-ndjson.");
    if (Number(req.headers["content-length"] ?? 0) > IMPORT_BODY_BYTES) throw new ApiProblem(413, "payload_too_large", `The body is larger than ${IMPORT_BODY_BYTES} bytes: split the import into several files.`);
    const temporary = await deps.imports.temporaryPath();
    let counted: { bytes: number; lines: number };
    try {
      counted = await spool(req, temporary);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      if (error instanceof TooLarge) {
        res.set("Connection", "close");
        throw new ApiProblem(413, "payload_too_large", `The body is larger than ${IMPORT_BODY_BYTES} bytes: split the import into several files.`);
      }
      throw new ApiProblem(400, "bad_request", "The body could not be read to its end.");
    }
    if (counted.bytes === 0) {
      await fs.rm(temporary, { force: true });
      throw new ApiProblem(422, "invalid_body", "The import is empty: send one JSON object a line.", [{ path: [], message: "is empty" }]);
    }
    let created: ImportView;
    try {
      created = await site.withPractice(async (trx) => {
        const row = await createImport(trx, {
          practiceId: site.practice.id,
          source: "api",
          bytes: counted.bytes,
          linesTotal: counted.lines,
          creator: { type: "api_key", id: key.id, name: key.name },
          ip: req.ip ?? null,
          userAgent: req.get("user-agent") ?? null,
          now,
        });
        // Renamed inside the transaction: a failed commit leaves a spool file that names no import, which the
        // runner's next start ignores (claimImport finds nothing) and deletes.
        await deps.imports.adopt(temporary, site.practice, row.id);
        return { row, rejections: [], moreRejections: false };
      });
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
    deps.imports.enqueue(site.practice, site.withPractice, created.row.id);
    const body = importRepresentation(site.origin, created);
    res.status(202).set("Location", `/api/v1/imports/${created.row.id}`).type("application/json").send(JSON.stringify(body));
    return;
  }

  const match = /^\/([^/]+)$/.exec(path);
  if (!match) throw new ApiProblem(404, "not_found", `No API operation at ${req.baseUrl}${path}. See /api/v1/openapi.json.`);
  if (req.method === "OPTIONS") return void res.set("Allow", "GET, HEAD, OPTIONS").status(204).end();
  if (req.method !== "GET" && req.method !== "HEAD") throw new ApiProblem(405, "method_not_allowed", `${req.baseUrl}${path} does not accept ${req.method}.`, undefined, { Allow: "GET, HEAD, OPTIONS" });
  await authorize(site, req, "read", now);
  let raw: string;
  try {
    raw = decodeURIComponent(match[1]!);
  } catch {
    raw = "";
  }
  const id = idSchema.safeParse(raw);
  if (!id.success) throw new ApiProblem(404, "not_found", "No import with this id at this practice.", [{ path: ["id"], message: "names nothing" }]);
  const found = await site.withPractice((trx) => view(trx, id.data, now));
  if (!found) throw new ApiProblem(404, "not_found", "No import with this id at this practice.", [{ path: ["id"], message: "names nothing" }]);
  res.status(200).type("application/json").send(JSON.stringify(importRepresentation(site.origin, found)));
}
