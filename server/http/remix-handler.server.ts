import { type AppLoadContext, createReadableStreamFromReadable, createRequestHandler, type ServerBuild } from "@remix-run/node";
import type { NextFunction, Request, Response } from "express";
import { guardedBuild } from "./guarded-build.server";
import { bodyLimitFor, limitedBody } from "./request-body.server";
import type { RouteTable } from "./route-table.server";

/**
 * Express → Remix, in place of @remix-run/express's adapter, for three reasons: the body Remix reads is counted
 * against the route's limit as it streams (chunked bodies included), every action reads its form through the guard,
 * and every answer is `private, no-store` (pages, data, PDFs, calendar files, photos and CSVs are one person's
 * data), with no referrer leaving a page whose address holds a token.
 */
export type RemixHandlerOptions = {
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: "production" | "development";
  routes: () => Promise<RouteTable>;
  getLoadContext: (req: Request, res: Response) => AppLoadContext;
};

export function remixHandler(options: RemixHandlerOptions) {
  const { build } = options;
  // A build object is derived once by Remix; a function (development) is re-read per request, as before.
  const handle = createRequestHandler(typeof build === "function" ? async () => guardedBuild(await build()) : guardedBuild(build), options.mode);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const response = await handle(remixRequest(req, res), options.getLoadContext(req, res));
      const table = await options.routes();
      await sendResponse(res, response, table.carriesSecret(req.path));
    } catch (error) {
      next(error);
    }
  };
}

function remixRequest(req: Request, res: Response): globalThis.Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const controller = new AbortController();
  // Abort loaders and actions only when the client is gone before the answer was written.
  let finished = false;
  res.on("finish", () => (finished = true));
  res.on("close", () => {
    if (!finished) controller.abort();
  });
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0 ? limitedBody(req, bodyLimitFor(req.path)) : createReadableStreamFromReadable(req);
    init.duplex = "half";
  }
  // Host is the canonical one resolveSite settled on; the target is origin-form (requestTargetGuard).
  return new globalThis.Request(`${req.protocol}://${req.headers.host}${req.originalUrl}`, init);
}

async function sendResponse(res: Response, response: globalThis.Response, carriesSecret: boolean): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) {
    if (name === "cache-control") continue;
    res.append(name, value);
  }
  res.setHeader("Cache-Control", "private, no-store");
  if (carriesSecret) res.setHeader("Referrer-Policy", "no-referrer");
  if (response.body) await writeBody(response.body, res);
  else res.end();
}

/**
 * Writes the body at the client's pace: the next chunk is read only once the socket has taken the last one
 * (Remix's writeReadableStreamToWritable ignores backpressure, so a file streamed to a slow client would pile up in
 * memory whole). A client that goes away cancels the body, which closes its source (a stored file's stream).
 */
async function writeBody(body: ReadableStream<Uint8Array>, res: Response): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value) && !(await drained(res))) {
        await reader.cancel();
        return;
      }
    }
    res.end();
  } catch (error) {
    res.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

/** True once the response can take more; false if the connection closed first. */
function drained(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (value: boolean) => () => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(value);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}
