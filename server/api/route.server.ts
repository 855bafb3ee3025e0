import type { z } from "zod";
import type { ApiScope } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { PracticeFiles } from "../files/practice-files.server";
import type { ApiKey } from "./keys.server";
import type { Spooled } from "./upload.server";

export type ApiMethod = "GET" | "PUT" | "DELETE";

/** What a handler gets: the practice's transaction (the key was found in it), the key, and the parsed input. */
export type ApiCall<P, Q, B> = {
  trx: PracticeTransaction;
  practice: Practice;
  key: ApiKey;
  now: Date;
  ip: string | null;
  userAgent: string | null;
  params: P;
  query: Q;
  body: B;
  /** The practice's files (docs/decisions/014-file-store.md). */
  files: PracticeFiles;
  /** Runs `task` once the transaction has committed (deleting replaced bytes); a failure is logged, not answered. */
  afterCommit(task: () => Promise<void>): void;
};

export type ApiResult = { status: number; body: unknown };

/**
 * One operation of the API. The zod schemas validate the request and, unchanged, describe it in the OpenAPI
 * document; the response schemas describe (and in tests, check) what the handler answers.
 */
export type ApiRoute<P = unknown, Q = unknown, B = unknown> = {
  method: ApiMethod;
  /** OpenAPI style: `/clients/{externalId}`, relative to `/api/v1`. */
  path: string;
  scope: ApiScope;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /**
   * A raw file body instead of JSON: streamed to a spool (upload.server.ts) after the key was checked, then
   * `prepare`d outside any transaction (type checks, re-encoding); `handle` gets what `prepare` returns as `body`.
   */
  upload?: ApiUpload;
  /** Success statuses and the component schema each answers with (none: an empty answer, such as 204). */
  responses: Record<number, { description: string; schema?: string }>;
  handle(call: ApiCall<P, Q, B>): Promise<ApiResult>;
};

export type ApiUpload = {
  /** The accepted Content-Types, each described in the OpenAPI document as a binary body. */
  types: readonly string[];
  maxBytes: number;
  /** Throws an ApiProblem for bytes it refuses; may spool a transformed copy (released by the returned `discard`). */
  prepare(received: Spooled & { declaredType: string }, params: unknown): Promise<{ body: unknown; discard(): Promise<void> }>;
};

/** Keeps each route's types while the list holds them all. */
export function apiRoute<P, Q, B>(route: ApiRoute<P, Q, B>): ApiRoute {
  return route as unknown as ApiRoute;
}

/** A path pattern's segments: literal text, or `{name}` for one parameter segment. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    const value = got[i]!;
    if (segment.startsWith("{") && segment.endsWith("}")) {
      if (!value) return null;
      params[segment.slice(1, -1)] = decodeURIComponent(value);
    } else if (segment !== value) return null;
  }
  return params;
}
