import type { IncomingMessage } from "node:http";
import type { NextFunction, Request, Response } from "express";

/** Form posts are small; photo uploads get their own, larger limit where they are accepted. */
export const FORM_BODY_BYTES = 1024 * 1024;
/** A 10 MB photo (or CSV import, about 50,000 rows) plus the multipart envelope; the page says "larger than 10 MB" itself. */
export const UPLOAD_BODY_BYTES = 10 * 1024 * 1024 + 64 * 1024;
const UPLOAD_PATHS = new Set(["/settings", "/settings.data", "/admin/import", "/admin/import.data"]);
/** After refusing a body we read on (so the client sees our answer) but not forever. */
const DRAIN_BYTES = 64 * 1024 * 1024;

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/** The body was larger than its route accepts; raised by the body stream, answered 413 (or a field message). */
export class RequestBodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`Request body larger than ${limit} bytes`);
    this.name = "RequestBodyTooLarge";
  }
}

/** By name, not class: route modules run from the Remix build, which bundles its own copy of this module. */
export function isRequestBodyTooLarge(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) if (cause.name === "RequestBodyTooLarge") return true;
  return false;
}

/** A form with file questions or a drawn signature, in the portal or on the practice's tablet. */
const FORM_UPLOAD_PATH = /^\/(kiosk\/)?forms\/[0-9a-f-]{36}(\.data)?$/;

function isUploadPath(path: string): boolean {
  return UPLOAD_PATHS.has(path) || FORM_UPLOAD_PATH.test(path);
}

export function bodyLimitFor(path: string): number {
  return isUploadPath(path) ? UPLOAD_BODY_BYTES : FORM_BODY_BYTES;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

/**
 * Every action reads a form, so any other body would only fail deeper down. A body is accepted with a
 * Content-Length or chunked (valid HTTP/1.1); either way its bytes are counted as they arrive (`limitedBody`).
 * A declared length over the limit is refused at once, except on upload pages, which answer with the field's message.
 */
export function bodyPolicy(req: Request, res: Response, next: NextFunction): void {
  if (req.method === "GET" || req.method === "HEAD" || !hasBody(req)) {
    next();
    return;
  }
  if (!FORM_TYPES.test(req.headers["content-type"] ?? "")) {
    res.status(415).type("text").send("Send this request as a form (application/x-www-form-urlencoded or multipart/form-data).");
    return;
  }
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > bodyLimitFor(req.path) && !isUploadPath(req.path)) {
    res.status(413).type("text").send("Request body too large.");
    return;
  }
  next();
}

/**
 * The request body as a web stream that fails with RequestBodyTooLarge past `limit` bytes, whatever the headers
 * said. What follows the limit is read and dropped (up to a bound), so the client can still read our answer.
 */
export function limitedBody(req: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  let received = 0;
  let done = false;
  const drain = () => {
    req.removeAllListeners("data");
    let dropped = 0;
    req.on("data", (chunk: Buffer) => {
      dropped += chunk.byteLength;
      if (dropped > DRAIN_BYTES) req.destroy();
    });
    req.resume();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const declared = Number(req.headers["content-length"]);
      if (Number.isFinite(declared) && declared > limit) {
        done = true;
        controller.error(new RequestBodyTooLarge(limit));
        drain();
        return;
      }
      req.on("data", (chunk: Buffer) => {
        if (done) return;
        received += chunk.byteLength;
        if (received > limit) {
          done = true;
          controller.error(new RequestBodyTooLarge(limit));
          drain();
          return;
        }
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on("end", () => {
        if (done) return;
        done = true;
        controller.close();
      });
      req.on("error", (error) => {
        if (done) return;
        done = true;
        controller.error(error);
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      done = true;
      drain();
    },
  });
}
