import { z } from "zod";
import { API_BODY_BYTES, API_REQUESTS_PER_MINUTE } from "./limits.server";
import { problemSchema, problemTypes } from "./problem.server";
import { IMPORT_ROUTES, importSchema } from "./imports.server";
import { RESOURCES } from "./resources.server";

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, JsonSchema>; securitySchemes?: unknown } };

/** A zod schema as JSON Schema 2020-12 (what OpenAPI 3.1 uses), inline, for requests (`input`) or answers (`output`). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const PROBLEM_RESPONSES: Record<number, string> = {
  400: "Malformed request: a query parameter, path parameter or the JSON itself (the failing ones are in `errors`).",
  401: "Missing, malformed, unknown, revoked or expired API key, or a key of another practice.",
  403: "The key lacks the scope this operation needs (a read-only key on a write).",
  404: "No such record (or operation).",
  405: "The path exists but not with this method (see `Allow`).",
  413: `The body is larger than ${API_BODY_BYTES} bytes.`,
  415: "The body is not `application/json`.",
  422: "The body is JSON but does not match the schema or the practice's rules (the failing fields are in `errors`).",
  429: `More than ${API_REQUESTS_PER_MINUTE} requests in a minute with this key: wait for \`Retry-After\` seconds.`,
};

/** Where a file body's answers differ from a JSON body's. */
const UPLOAD_PROBLEM_RESPONSES: Record<number, string> = {
  413: "The file is larger than the operation allows.",
  415: "The Content-Type is not one the operation accepts.",
  422: "The bytes are not what was declared (their type, the name's extension), or the file is damaged or empty (the reason is in `detail`).",
  503: "Busy processing other images: try again after `Retry-After` seconds.",
};

let cached: OpenApiDocument | undefined;

function buildDocument(): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { Problem: jsonSchema(problemSchema, "output") };
  const names = new Map<z.ZodType, string>();
  for (const resource of RESOURCES) {
    for (const [name, { schema, io }] of Object.entries(resource.schemas)) {
      schemas[name] = jsonSchema(schema, io);
      names.set(schema, name);
    }
  }
  const problem = { content: { "application/problem+json": { schema: ref("Problem") } } };
  const paths: OpenApiDocument["paths"] = {
    "/openapi.json": { get: { operationId: "openapi", summary: "This document", tags: ["About"], security: [], responses: { 200: { description: "The OpenAPI 3.1 document.", content: { "application/json": {} } } } } },
    "/docs": { get: { operationId: "reference", summary: "This document as a page to read", tags: ["About"], security: [], responses: { 200: { description: "HTML.", content: { "text/html": {} } } } } },
  };
  for (const route of RESOURCES.flatMap((r) => r.routes)) {
    const parameters: unknown[] = [];
    for (const [where, schema] of [["path", route.params], ["query", route.query]] as const) {
      if (!schema) continue;
      const object = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, property] of Object.entries(object.properties ?? {})) {
        parameters.push({ name, in: where, required: where === "path" || (object.required ?? []).includes(name), ...(property.description ? { description: property.description } : {}), schema: property });
      }
    }
    const statuses = [400, 401, 403, 404, 405, 429, ...(route.body || route.upload ? [413, 415, 422] : []), ...(route.upload ? [503] : [])].sort();
    const inputName = route.body ? names.get(route.body) : undefined;
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      "x-scope": route.scope,
      ...(parameters.length ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: inputName ? ref(inputName) : jsonSchema(route.body, "input") } } } } : {}),
      // A file body is its raw bytes: OpenAPI 3.1 describes binary content by its media type alone.
      ...(route.upload ? { requestBody: { required: true, description: `The file's bytes, at most ${route.upload.maxBytes}.`, content: Object.fromEntries(route.upload.types.map((type) => [type, {}])) } } : {}),
      responses: {
        ...Object.fromEntries(Object.entries(route.responses).map(([status, r]) => [status, { description: r.description, ...(r.schema ? { content: { "application/json": { schema: ref(r.schema) } } } : {}) }])),
        ...Object.fromEntries(statuses.map((status) => [String(status), { description: route.upload ? (UPLOAD_PROBLEM_RESPONSES[status] ?? PROBLEM_RESPONSES[status]) : PROBLEM_RESPONSES[status], ...problem }])),
      },
    };
  }
  schemas.Import = jsonSchema(importSchema, "output");
  for (const route of IMPORT_ROUTES) {
    const statuses = route.method === "POST" ? [400, 401, 403, 405, 413, 415, 422, 429] : [401, 403, 404, 405, 429];
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: ["imports"],
      "x-scope": route.scope,
      ...(route.method === "GET" ? { parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }] } : {}),
      ...(route.method === "POST"
        ? { requestBody: { required: true, description: `NDJSON, at most ${route.maxBytes} bytes: each line a resource's PUT body with \`type\` and \`external_id\`.`, content: { "application/x-ndjson": {} } } }
        : {}),
      responses: {
        [String(route.status)]: { description: route.method === "POST" ? "Accepted: the import runs in the background (follow `url`)." : "The import.", content: { "application/json": { schema: ref("Import") } } },
        ...Object.fromEntries(statuses.map((status) => [String(status), { description: route.method === "POST" && status === 415 ? "The body is not `application/x-ndjson`." : route.method === "POST" && status === 413 ? `The body is larger than ${route.maxBytes} bytes.` : PROBLEM_RESPONSES[status], ...problem }])),
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Portico integration API",
      version: "1",
      description: [
        "The practice system (EMR/PIMS) keeps Portico in step through this API, on the practice's own address.",
        "Authenticate with a practice API key (Administration → Integrations): `Authorization: Bearer pk_live_…`. A key works only at its own practice; a read-only key may not write.",
        "Records are upserted by the practice system's own id (`PUT /clients/{externalId}`): sending the same record twice leaves one record and answers the same body. Nothing is ever deleted: statuses say a client is inactive or a patient deceased.",
        "Lists are pages ordered by (updated_at, id): follow `next_cursor`, and pass `updated_since` to fetch only what changed.",
        `Bodies are JSON (at most ${API_BODY_BYTES} bytes). Every error is \`application/problem+json\` (RFC 9457) naming the failing fields. Each key may make ${API_REQUESTS_PER_MINUTE} requests a minute.`,
      ].join("\n\n"),
    },
    security: [{ apiKey: [] }],
    tags: [{ name: "About" }, ...RESOURCES.map((r) => ({ name: r.routes[0]!.tag })), { name: "imports" }],
    paths,
    components: {
      schemas,
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", bearerFormat: "pk_live_<prefix>_<secret>", description: "A practice API key, created in Administration → Integrations." } },
    },
  };
}

/** The document, built once from the routes' own zod schemas; `servers` names the practice host it was asked on. */
export function openApiDocument(origin: string): OpenApiDocument {
  cached ??= buildDocument();
  return { ...cached, servers: [{ url: `${origin}/api/v1` }] };
}

function escape(text: unknown): string {
  return String(text).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(typeOf).join(" or ");
  if (schema.enum) return (schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(" | ");
  if (schema.type === "array") return `array of ${typeOf((schema.items ?? {}) as JsonSchema)}`;
  if (schema.$ref) return String(schema.$ref).split("/").at(-1)!;
  return `${String(schema.type ?? "any")}${schema.format ? ` (${String(schema.format)})` : ""}`;
}

function fieldsTable(schema: JsonSchema): string {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const rows = Object.entries(properties).map(([name, p]) => {
    const inner = (Array.isArray(p.anyOf) ? (p.anyOf as JsonSchema[]).find((s) => s.type === "object" || s.type === "array") : p) ?? p;
    const nested = inner.type === "object" ? fieldsTable(inner) : inner.type === "array" && (inner.items as JsonSchema | undefined)?.type === "object" ? fieldsTable(inner.items as JsonSchema) : "";
    const notes = [p.description, p.pattern ? `pattern ${p.pattern}` : "", p.maxLength ? `at most ${p.maxLength} characters` : "", p.maxItems ? `at most ${p.maxItems} items` : "", p.default !== undefined ? `default ${JSON.stringify(p.default)}` : ""].filter(Boolean);
    return `<tr><td><code>${escape(name)}</code>${required.has(name) ? "" : " <span class=\"muted\">optional</span>"}</td><td>${escape(typeOf(p))}</td><td>${escape(notes.join("; "))}${nested}</td></tr>`;
  });
  return `<table class="data-table"><thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Notes</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/**
 * The same document as a page for staff and integrators: plain HTML with the site's stylesheet, no scripts or inline
 * styles (the site's content security policy applies).
 */
export function renderApiReference(doc: OpenApiDocument): string {
  const info = doc.info as { title: string; description: string };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const o = op as { operationId: string; summary: string; description?: string; parameters?: { name: string; in: string; required: boolean; description?: string; schema: JsonSchema }[]; requestBody?: { content: Record<string, { schema?: JsonSchema }> }; responses: Record<string, { description: string; content?: Record<string, { schema?: JsonSchema }> }> };
      const body = o.requestBody?.content["application/json"]?.schema;
      const fileTypes = o.requestBody && !body ? Object.keys(o.requestBody.content) : [];
      const bodyName = body?.$ref ? String(body.$ref).split("/").at(-1)! : undefined;
      return `<section class="card" id="${escape(o.operationId)}">
<h3><code>${escape(method.toUpperCase())} /api/v1${escape(path)}</code></h3>
<p>${escape(o.summary)}${o.description ? `. ${escape(o.description)}` : ""}</p>
${o.parameters?.length ? `<h4>Parameters</h4><table class="data-table"><tbody>${o.parameters.map((p) => `<tr><td><code>${escape(p.name)}</code> <span class="muted">${escape(p.in)}${p.required ? "" : ", optional"}</span></td><td>${escape(typeOf(p.schema))}</td><td>${escape(p.description ?? "")}</td></tr>`).join("")}</tbody></table>` : ""}
${bodyName ? `<h4>Body</h4><p>JSON: <a href="#schema-${escape(bodyName)}">${escape(bodyName)}</a></p>` : ""}
${fileTypes.length ? `<h4>Body</h4><p>The file's bytes, as ${fileTypes.map((t) => `<code>${escape(t)}</code>`).join(", ")}.</p>` : ""}
<h4>Answers</h4><ul>${Object.entries(o.responses).map(([status, r]) => `<li><strong>${escape(status)}</strong> ${escape(r.description)}</li>`).join("")}</ul>
</section>`;
    }),
  );
  const schemas = Object.entries(doc.components.schemas).map(([name, schema]) => `<section class="card" id="schema-${escape(name)}"><h3>${escape(name)}</h3>${schema.description ? `<p>${escape(schema.description)}</p>` : ""}${schema.type === "object" ? fieldsTable(schema) : ""}</section>`);
  const problems = problemTypes().map((p) => `<li id="problem-${escape(p.kind.replaceAll("_", "-"))}"><code>${escape(p.kind.replaceAll("_", "-"))}</code>: ${escape(p.title)}</li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(info.title)}</title><link rel="stylesheet" href="/css/portico.css"></head>
<body><main id="main" class="container main">
<h1>${escape(info.title)}</h1>
${info.description.split("\n\n").map((p) => `<p>${escape(p)}</p>`).join("\n")}
<p>Machine-readable: <a href="/api/v1/openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations</h2>
${operations.join("\n")}
<h2>Schemas</h2>
${schemas.join("\n")}
<h2>Problem types</h2>
<p>Every error answers <code>application/problem+json</code> with <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code> and, for field problems, <code>errors: [{ path, message }]</code>.</p>
<ul>${problems.join("")}</ul>
</main></body></html>`;
}
