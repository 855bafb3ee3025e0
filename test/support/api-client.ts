import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import type { ApiScope } from "../../db/schema";
import { withPractice } from "../../db/with-practice.server";
import { issueApiKey } from "../../server/api/keys.server";
import type { Practice } from "../../tenants/practice";
import type { TestDatabase } from "./database";
import type { TestServer } from "./http";

export type ApiAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: unknown; contentType: string };

/** A key of `practice` with the given scopes, issued as the admin page does (the secret, once). */
export async function apiKeyFor(db: TestDatabase, practice: Practice, scopes: ApiScope[] = ["read", "write"]): Promise<string> {
  const issued = await withPractice(db.owner.db, practice, (trx) => issueApiKey(trx, { practiceId: practice.id, name: `Test key ${scopes.join("+")}`, scopes, createdBy: null, now: new Date() }));
  return issued.secret;
}

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };

/**
 * Checks answers against the server's own OpenAPI document: the status must be one the operation declares, and
 * the body must match the schema declared for it (problem+json for errors).
 */
export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(private readonly doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } }) {
    addFormats.default(this.ajv);
    this.ajv.addSchema({ $id: "https://portico.test/openapi.json", components: doc.components });
  }

  static async load(server: TestServer, host: string): Promise<ContractChecker> {
    const res = await server.request(host, "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    return new ContractChecker(JSON.parse(res.body));
  }

  check(method: string, path: string, answer: ApiAnswer): void {
    const [pattern, operations] = Object.entries(this.doc.paths).find(([p]) => new RegExp(`^${p.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path)) ?? [];
    expect(pattern, `${path} is in the OpenAPI document`).toBeDefined();
    const operation = operations![method.toLowerCase()];
    // A method the path does not have: the router's 405, a problem like any other.
    const notAllowed: Operation = { responses: { 405: { content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } } } };
    if (!operation) expect(answer.status, `${method} ${pattern} is not an operation`).toBe(405);
    const response = (operation ?? notAllowed).responses[String(answer.status)];
    expect(response, `${method} ${pattern} declares ${answer.status}`).toBeDefined();
    const [type, content] = Object.entries(response!.content ?? {})[0] ?? [];
    if (!type || !content?.schema) return;
    expect(answer.contentType).toContain(type);
    const schema = JSON.stringify(content.schema).replaceAll('"#/components', '"https://portico.test/openapi.json#/components');
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(schema) as object);
      this.validators.set(schema, validate);
    }
    const valid = validate(answer.body);
    expect(valid ? [] : validate.errors, `${method} ${path} ${answer.status} matches the contract`).toEqual([]);
  }
}

/** JSON requests to the API of one practice host with one key; every answer is checked against the contract. */
export function apiClient(server: TestServer, host: string, key: string, contract: ContractChecker) {
  return async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const res = await server.request(host, `/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(text !== undefined ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) } : {}), ...headers },
      body: text,
    });
    const contentType = String(res.headers["content-type"] ?? "");
    const answer = { status: res.status, headers: res.headers, body: res.body && /json/.test(contentType) ? (JSON.parse(res.body) as unknown) : res.body, contentType };
    contract.check(method, path.split("?")[0]!, answer);
    return answer;
  };
}

export type ApiCallFn = ReturnType<typeof apiClient>;

/** The field paths a problem+json answer names, joined with dots. */
export function problemPaths(answer: ApiAnswer): string[] {
  const errors = (answer.body as { errors?: { path: (string | number)[] }[] }).errors ?? [];
  return errors.map((e) => e.path.join("."));
}
