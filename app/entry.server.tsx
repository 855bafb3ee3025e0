import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./nonce";

const ABORT_DELAY_MS = 5_000;

export const streamTimeout = ABORT_DELAY_MS;

/**
 * Remix passes a thrown Response's headers only to the failing route's own `headers` export, and the routes have
 * none: a 503's Retry-After (a full work queue, a practice database down) would be lost on the way to the page.
 */
function keepRetryAfter(status: number, headers: Headers, context: EntryContext["staticHandlerContext"]): void {
  if (status !== 503 || headers.has("Retry-After")) return;
  const retryAfter = [...Object.values(context.actionHeaders), ...Object.values(context.loaderHeaders)].map((thrown) => thrown.get("Retry-After")).find(Boolean);
  if (retryAfter) headers.set("Retry-After", retryAfter);
}

/**
 * Renders the whole document, then sends it in one piece with a Content-Length. Every loader has finished before
 * rendering starts (no page defers data), so streaming would send nothing sooner; it would only cut the same bytes
 * into a chunked response of many small socket writes (docs/decisions/011-request-round-trips.md).
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  keepRetryAfter(responseStatusCode, responseHeaders, remixContext.staticHandlerContext);
  return new Promise<Response>((resolve, reject) => {
    const chunks: Buffer[] = [];
    // Errors that abort the shell reach Remix, which reports them; the others leave a 500 page and are reported here.
    const renderErrors: unknown[] = [];
    // Armed before rendering starts, because React may report a failed shell before renderToPipeableStream returns.
    let abortRender: () => void = () => undefined;
    const deadline = setTimeout(() => abortRender(), ABORT_DELAY_MS + 1_000);
    const document = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
      final(done) {
        clearTimeout(deadline);
        // eslint-disable-next-line no-console
        for (const error of renderErrors) console.error(error);
        const body = Buffer.concat(chunks);
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        responseHeaders.set("Content-Length", String(body.byteLength));
        resolve(new Response(body, { headers: responseHeaders, status: responseStatusCode }));
        done();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={loadContext.cspNonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} nonce={loadContext.cspNonce} />
      </NonceProvider>,
      {
        nonce: loadContext.cspNonce,
        onAllReady() {
          pipe(document);
        },
        onShellError(error: unknown) {
          clearTimeout(deadline);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          renderErrors.push(error);
        },
      },
    );
    abortRender = abort;
  });
}
