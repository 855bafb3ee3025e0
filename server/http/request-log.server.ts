import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";

/**
 * One line per request: method, host, path, status and time. No headers (cookies, referrers and Location headers
 * can carry secrets), no query string (searches carry names and addresses), and every path segment that a route
 * declares a token shown as `[token]`, decided by the route table rather than by a list of prefixes.
 */
export function requestLog(logger: Logger, redact: (path: string) => string) {
  // Express rewrites `url` inside mounted routers; `originalUrl` is what the client asked for.
  const pathOf = (req: IncomingMessage & { originalUrl?: string }) => {
    const path = (req.originalUrl ?? req.url ?? "/").split("?")[0]!;
    return path.startsWith("/") ? redact(path) : "[not a path]";
  };
  const line = (req: IncomingMessage, res: ServerResponse, ms?: number) =>
    `${req.method} ${req.headers.host ?? "-"}${pathOf(req)} ${res.statusCode}${ms === undefined ? "" : ` ${Math.round(ms)}ms`}`;
  return pinoHttp({
    logger,
    genReqId: (_req, res) => {
      const id = randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" },
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: string }) => ({ id: req.id, method: req.method, host: req.headers.host, path: pathOf(req) }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
    },
    customSuccessMessage: (req, res, ms) => line(req, res, ms),
    customErrorMessage: (req, res) => line(req, res),
  });
}
