import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { matchPath } from "../../server/api/route.server";
import type { TestResponse, TestServer } from "./http";

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Document = { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

/**
 * The contract test's recorder: every integration-API response a test receives through `api()` is checked against
 * the OpenAPI document the server itself serves (the one generated from the request schemas). A response whose
 * status the operation does not declare, or whose body does not match the declared schema, fails the request.
 */
export type ApiClient = {
  (method: string, path: string, options?: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<TestResponse & { json: unknown }>;
  /** How many responses were checked against the document so far. */
  checked(): number;
};

export async function apiClient(server: Pick<TestServer, "request">, host: string): Promise<ApiClient> {
  const served = await server.request(host, "/api/v1/openapi.json");
  if (served.status !== 200) throw new Error(`openapi.json answered ${served.status}`);
  const document = JSON.parse(served.body) as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: "openapi", components: document.components });
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (schema: unknown) => {
    const key = JSON.stringify(schema);
    let validate = validators.get(key);
    if (!validate) validators.set(key, (validate = ajv.compile({ $ref: `openapi${(schema as { $ref: string }).$ref}` })));
    return validate;
  };
  const problem = validatorFor({ $ref: "#/components/schemas/Problem" });
  let checked = 0;

  const call = async (method: string, path: string, options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) => {
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = {
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } : {}),
      ...options.headers,
    };
    // An empty value leaves a header out (a chunked body has no Content-Length).
    for (const [name, value] of Object.entries(headers)) if (value === "") delete headers[name];
    const res = await server.request(host, `/api/v1${path}`, { method, headers, body });
    const type = String(res.headers["content-type"] ?? "");
    const json: unknown = type.includes("json") && res.body ? JSON.parse(res.body) : undefined;
    const where = `${method} ${path} → ${res.status}`;
    if (res.headers["cache-control"] !== "no-store") throw new Error(`${where}: Cache-Control ${res.headers["cache-control"]}`);
    const route = path.split("?")[0]!;
    const pattern = Object.keys(document.paths).find((p) => matchPath(p, route));
    const operation = pattern ? document.paths[pattern]![method === "HEAD" ? "get" : method.toLowerCase()] : undefined;
    if (res.status >= 400) {
      if (!type.startsWith("application/problem+json")) throw new Error(`${where}: an error as ${type}`);
      if (!problem(json)) throw new Error(`${where}: not a problem document: ${ajv.errorsText(problem.errors)}`);
    }
    // 404 and 405 of paths with no such operation, and OPTIONS, are the router's, not an operation's.
    if (operation && method !== "OPTIONS" && method !== "HEAD") {
      const declared = operation.responses[String(res.status)];
      if (!declared) throw new Error(`${where}: status not declared in the OpenAPI document`);
      const schema = declared.content?.[type.split(";")[0]!]?.schema;
      if (schema && (schema as { $ref?: string }).$ref) {
        const validate = validatorFor(schema);
        if (!validate(json)) throw new Error(`${where}: body does not match ${(schema as { $ref: string }).$ref}: ${ajv.errorsText(validate.errors)}\n${res.body.slice(0, 2000)}`);
      }
    }
    checked++;
    return { ...res, json };
  };
  return Object.assign(call, { checked: () => checked });
}
