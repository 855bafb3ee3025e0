import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import type { Site } from "../../app/load-context";
import { hitRateLimits } from "../auth/rate-limit.server";
import { isRequestBodyTooLarge, limitedBody } from "../http/request-body.server";
import { type ApiKey, bearerKey, checkApiKey } from "./keys.server";
import { API_BODY_BYTES, API_REQUESTS_PER_MINUTE } from "./limits.server";
import { openApiDocument, renderApiReference } from "./openapi.server";
import { IMPORT_ROUTES, importsApi } from "./imports.server";
import { ApiProblem, fieldErrors } from "./problem.server";
import { RESOURCES } from "./resources.server";
import type { ImportRunner } from "../imports/import-runner.server";
import type { PracticeFiles } from "../files/practice-files.server";
import { receiveUpload, sweepSpool } from "./upload.server";
import { type ApiCall, type ApiResult, type ApiRoute, matchPath } from "./route.server";

const MINUTE = 60_000;

const API_ROUTES: ApiRoute[] = RESOURCES.flatMap((r) => r.routes);

/** Answered without a key: the API's own description. */
const PUBLIC_ROUTES = [
  { method: "GET", path: "/openapi.json" },
  { method: "GET", path: "/docs" },
] as const;

/** Every operation (method and OpenAPI path pattern, relative to /api/v1): what the fuzz test walks. */
export function apiRouteList(): { method: string; path: string; scope: "read" | "write" | "public" }[] {
  return [
    ...PUBLIC_ROUTES.map((r) => ({ ...r, scope: "public" as const })),
    ...API_ROUTES.map((r) => ({ method: r.method, path: r.path, scope: r.scope })),
    ...IMPORT_ROUTES.map((r) => ({ method: r.method, path: r.path, scope: r.scope })),
  ];
}

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

function sendProblem(res: Response, problem: ApiProblem): void {
  res.status(problem.status).set(problem.headers).type("application/problem+json").send(JSON.stringify(problem.body()));
}

function hasBody(req: Request): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

/** Deeper than any resource: a body nested further is refused rather than walked (or overflowing a recursion). */
const MAX_JSON_DEPTH = 32;

/**
 * What no schema should have to meet: nesting past MAX_JSON_DEPTH, and NUL in any string or key (Postgres refuses it
 * in text and jsonb). Walked with an explicit stack; answers the first offending path.
 */
function jsonProblem(root: unknown): ApiProblem | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path } = item;
    if (path.length > MAX_JSON_DEPTH) return new ApiProblem(400, "bad_request", `The body is nested deeper than ${MAX_JSON_DEPTH} levels.`, [{ path: path.slice(0, MAX_JSON_DEPTH), message: "is nested too deeply" }]);
    if (typeof value === "string") {
      if (value.includes("\0")) return new ApiProblem(400, "bad_request", "The body holds a NUL character.", [{ path, message: "must not contain NUL characters" }]);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: [...path, i] }));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k.includes("\0")) return new ApiProblem(400, "bad_request", "The body holds a NUL character.", [{ path: [...path, k], message: "must not contain NUL characters" }]);
        stack.push({ value: v, path: [...path, k] });
      }
    }
  }
  return null;
}

async function readJson(req: Request): Promise<unknown> {
  if (!JSON_TYPE.test(req.headers["content-type"] ?? "")) throw new ApiProblem(415, "unsupported_media_type", "Send the body as JSON, with Content-Type: application/json.");
  let text: string;
  try {
    text = await new Response(limitedBody(req, API_BODY_BYTES)).text();
  } catch (error) {
    if (isRequestBodyTooLarge(error)) throw new ApiProblem(413, "payload_too_large", `The body is larger than ${API_BODY_BYTES} bytes.`);
    throw new ApiProblem(400, "bad_request", "The body could not be read.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiProblem(400, "bad_request", "The body is not valid JSON.", [{ path: [], message: "is not valid JSON" }]);
  }
  const problem = jsonProblem(value);
  if (problem) throw problem;
  return value;
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, status: 400 | 422, where: string): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = fieldErrors(parsed.error);
  throw new ApiProblem(status, status === 422 ? "invalid_body" : "bad_request", `${where}: ${errors.map((e) => `${e.path.join(".") || "(root)"} ${e.message}`).join("; ")}.`, errors);
}

/** Postgres refused a value (a check, a length, a range) that the schemas let through: the caller's data, a 422. */
function isDataError(error: unknown): boolean {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  return /^2[23]/.test(code);
}

export type ApiRouterDeps = {
  logger: Logger;
  now: () => Date;
  imports: ImportRunner;
  files: PracticeFiles;
  /** Where raw file bodies are spooled (encrypted, deleted after the request): DATA_DIR/uploads. */
  uploadDir: string;
};

/**
 * The integration API at `/api/v1` on a practice's host: bearer keys only (cookies are never read, so no
 * same-origin rule is needed), JSON bodies only, every answer uncacheable and every error `application/problem+json`.
 * It has its own method and body rules, so it mounts before the page rules of the rest of the server.
 */
export function apiRouter(deps: ApiRouterDeps): express.Router {
  const router = express.Router();
  sweepSpool(deps.uploadDir, new Date()).catch((error: unknown) => deps.logger.warn({ err: error }, "could not sweep the upload spool"));
  // Bulk imports read their own (NDJSON, 200 MB) bodies: mounted before the JSON body rule below.
  router.use("/imports", importsApi(deps));
  router.use(async (req: Request, res: Response, _next: NextFunction) => {
    res.set("Cache-Control", "no-store");
    try {
      await serve(req, res, deps);
    } catch (error) {
      if (error instanceof ApiProblem) return sendProblem(res, error);
      // A practice database that is down: the scope throws the 503 answer the pages render (resolve-site.server.ts).
      if (error instanceof Response && error.status === 503) return sendProblem(res, new ApiProblem(503, "unavailable", "The practice's data is temporarily unavailable. Try again shortly.", undefined, { "Retry-After": "30" }));
      if (isDataError(error)) {
        req.log.warn({ err: error }, "API value refused by the database");
        return sendProblem(res, new ApiProblem(422, "invalid_body", "A value was refused by the practice's data rules."));
      }
      req.log.error({ err: error }, "unhandled API error");
      if (!res.headersSent) sendProblem(res, new ApiProblem(500, "server_error", "Something went wrong on our side. The request may be retried."));
    }
  });
  return router;
}

async function serve(req: Request, res: Response, deps: ApiRouterDeps): Promise<void> {
  const site = res.locals.site as Site;
  if (site.kind !== "practice") throw new ApiProblem(404, "not_found", "The API is served on a practice's own address.");
  const path = req.path.length > 1 ? req.path.replace(/\/$/, "") : req.path;
  const method = req.method === "HEAD" ? "GET" : req.method;

  const candidates = [...PUBLIC_ROUTES, ...API_ROUTES].flatMap((route) => {
    try {
      const params = matchPath(route.path, path);
      return params ? [{ route, params }] : [];
    } catch {
      throw new ApiProblem(400, "bad_request", "The path is not valid.");
    }
  });
  if (!candidates.length) throw new ApiProblem(404, "not_found", `No API operation at ${req.baseUrl}${path}. See ${req.baseUrl}/openapi.json.`);
  const allowed = [...new Set(candidates.flatMap(({ route }) => (route.method === "GET" ? ["GET", "HEAD"] : [route.method]))), "OPTIONS"];
  if (req.method === "OPTIONS") {
    res.set("Allow", allowed.join(", ")).status(204).end();
    return;
  }
  const match = candidates.find(({ route }) => route.method === method);
  if (!match) throw new ApiProblem(405, "method_not_allowed", `${req.baseUrl}${path} does not accept ${req.method}.`, undefined, { Allow: allowed.join(", ") });

  if (!("handle" in match.route)) {
    if (match.route.path === "/openapi.json") res.type("application/json").send(JSON.stringify(openApiDocument(site.origin)));
    else res.type("html").send(renderApiReference(openApiDocument(site.origin)));
    return;
  }
  const route = match.route;

  // A header that cannot be a key is refused before any database work. Everything else about the request (its body,
  // its parameters) is read and checked here, outside the transaction, but answered only once the key is known: a
  // wrong key is a 401 whatever it sent, and refused requests still count towards the key's rate limit.
  const authorization = req.headers.authorization;
  if (!authorization) throw new ApiProblem(401, "unauthorized", "Send an API key: Authorization: Bearer pk_live_…", [{ path: ["Authorization"], message: "is missing" }], { "WWW-Authenticate": 'Bearer realm="api"' });
  if (!bearerKey(authorization)) throw new ApiProblem(401, "unauthorized", "The Authorization header is not a Portico API key (Bearer pk_live_…).", [{ path: ["Authorization"], message: "is not an API key" }], { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"' });
  let input: { params: unknown; query: unknown; body: unknown } | ApiProblem;
  try {
    const body = route.body ? (hasBody(req) ? await readJson(req) : undefined) : undefined;
    if (route.body && body === undefined) throw new ApiProblem(415, "unsupported_media_type", "This operation needs a JSON body, with Content-Type: application/json.");
    input = {
      params: parseWith(route.params, match.params, 400, "The path is not valid"),
      query: parseWith(route.query ?? z.strictObject({}), req.query, 400, "The query is not valid"),
      body: parseWith(route.body, body, 422, "The body is not valid"),
    };
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    input = error;
  }

  const now = deps.now();
  const tasks: (() => Promise<void>)[] = [];
  const common = { practice: site.practice, now, ip: req.ip ?? null, userAgent: req.get("user-agent")?.slice(0, 500) ?? null, files: deps.files, afterCommit: (task: () => Promise<void>) => void tasks.push(task) };
  let result: ApiResult | ApiProblem;
  if (route.upload) {
    result = await serveUpload(req, route, input, (count, call) => site.withPractice(async (trx) => {
      const key = await authorize(trx, site.practice.id, authorization, route.scope, now, count);
      if (key instanceof ApiProblem) return key;
      return call({ trx, key, ...common });
    }), deps);
  } else {
    result = await site.withPractice(async (trx): Promise<ApiResult | ApiProblem> => {
      const key = await authorize(trx, site.practice.id, authorization, route.scope, now);
      if (key instanceof ApiProblem) return key;
      if (input instanceof ApiProblem) return input;
      return route.handle({ trx, key, ...common, ...input });
    });
  }
  if (result instanceof ApiProblem) throw result;
  for (const task of tasks) task().catch((error: unknown) => req.log.warn({ err: error }, "API after-commit task failed"));
  if (result.body === undefined) res.status(result.status).end();
  else res.status(result.status).type("application/json").send(JSON.stringify(result.body));
}

/** The key, its rate limit and its scope, in the practice's transaction: the key, or the problem to answer. */
async function authorize(trx: Parameters<ApiRoute["handle"]>[0]["trx"], practiceId: string, authorization: string, scope: ApiRoute["scope"], now: Date, count = true): Promise<ApiKey | ApiProblem> {
  const checked = await checkApiKey(trx, authorization, now);
  if (!checked.ok) {
    const detail = { missing: "Send an API key.", malformed: "The Authorization header is not a Portico API key.", unknown: "This API key is not valid at this practice.", revoked: "This API key was revoked.", expired: "This API key has expired." }[checked.reason];
    return new ApiProblem(401, "unauthorized", detail, [{ path: ["Authorization"], message: "is not a valid API key here" }], { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"' });
  }
  const { key } = checked;
  const [withinLimit] = count ? await hitRateLimits(trx, practiceId, [{ bucket: `api-key:${key.id}`, limit: API_REQUESTS_PER_MINUTE, windowMs: MINUTE }], now) : [true];
  if (!withinLimit) {
    const retryAfter = Math.max(1, Math.ceil((MINUTE - (now.getTime() % MINUTE)) / 1000));
    return new ApiProblem(429, "rate_limited", `This key made more than ${API_REQUESTS_PER_MINUTE} requests this minute.`, undefined, { "Retry-After": String(retryAfter) });
  }
  if (!key.scopes.includes(scope)) return new ApiProblem(403, "forbidden", `This API key may not ${scope === "write" ? "write" : "read"}: it has the scopes ${key.scopes.join(", ")}.`);
  return key;
}

type InPractice = (countRequest: boolean, call: (call: Omit<ApiCall<unknown, unknown, unknown>, "params" | "query" | "body">) => Promise<ApiResult | ApiProblem>) => Promise<ApiResult | ApiProblem>;

/**
 * A raw file body: the key is checked first (no unauthenticated bytes reach the disk), then the body is spooled
 * and prepared with no transaction open, and the handler runs in a second transaction (the key checked again, since
 * it may have been revoked meanwhile, without counting the request twice towards its limit).
 */
async function serveUpload(req: Request, route: ApiRoute, input: { params: unknown; query: unknown; body: unknown } | ApiProblem, inPractice: InPractice, deps: ApiRouterDeps): Promise<ApiResult | ApiProblem> {
  const upload = route.upload!;
  const allowed = await inPractice(true, async () => (input instanceof ApiProblem ? input : { status: 0, body: undefined }));
  if (allowed instanceof ApiProblem) return allowed;
  const { params, query } = input as { params: unknown; query: unknown };
  const received = await receiveUpload(req, { types: upload.types, maxBytes: upload.maxBytes, dir: deps.uploadDir });
  try {
    const prepared = await upload.prepare(received, params);
    try {
      return await inPractice(false, (call) => route.handle({ ...call, params, query, body: prepared.body }));
    } finally {
      await prepared.discard();
    }
  } finally {
    await received.discard();
  }
}
