import { z } from "zod";

/**
 * RFC 9457 problem details: every error the API answers has this shape, served as `application/problem+json`.
 * `type` is a stable URI per class of problem (a page of the API reference), `errors` names each failing field by its
 * path in the request (body fields from the zod issue path; query parameters and headers by their name).
 */
export const problemSchema = z
  .object({
    type: z.string().meta({ description: "Identifies the class of problem; stable, documented in the API reference." }),
    title: z.string().meta({ description: "Short summary of the class of problem." }),
    status: z.int().min(400).max(599),
    detail: z.string().meta({ description: "What went wrong with this request, for a person to read." }),
    errors: z
      .array(z.object({ path: z.array(z.union([z.string(), z.int()])), message: z.string() }))
      .optional()
      .meta({ description: "One entry per failing field: its path in the body (or the query parameter's name)." }),
  })
  .meta({ description: "RFC 9457 problem details." });

export type Problem = z.infer<typeof problemSchema>;
export type FieldError = { path: (string | number)[]; message: string };

const PROBLEM_TYPES = {
  bad_request: "Malformed request",
  invalid_body: "The body does not match the schema",
  unauthorized: "Missing or invalid API key",
  forbidden: "The API key may not do this",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  not_acceptable: "Not acceptable",
  payload_too_large: "Request body too large",
  unsupported_media_type: "Unsupported media type",
  rate_limited: "Too many requests",
  unavailable: "Temporarily unavailable",
  server_error: "Server error",
} as const;

export type ProblemType = keyof typeof PROBLEM_TYPES;

/** Thrown anywhere in an API handler; the router answers it. Anything else thrown is a 500 and a bug. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly kind: ProblemType,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "ApiProblem";
  }

  body(): Problem {
    return {
      type: `/api/v1/docs#problem-${this.kind.replaceAll("_", "-")}`,
      title: PROBLEM_TYPES[this.kind],
      status: this.status,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export function problemTypes(): { kind: ProblemType; title: string }[] {
  return Object.entries(PROBLEM_TYPES).map(([kind, title]) => ({ kind: kind as ProblemType, title }));
}

/** zod issues as field errors; the path is the issue's own path, prefixed where the value came from (query, header). */
export function fieldErrors(error: z.ZodError, prefix: (string | number)[] = []): FieldError[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    message: issue.message,
  }));
}
