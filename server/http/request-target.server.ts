import type { NextFunction, Request, Response } from "express";

/**
 * Refuses request lines and headers that no browser sends and that would otherwise fail deep inside the stack:
 * an absolute-form target (`GET http://other.host/`), two Host headers (RFC 9112 §3.2), a path whose
 * percent-encoding does not decode to UTF-8 (`%`, `%E0%A4%A`, overlong `%C0%AF`), and NUL in the path or query,
 * which Postgres cannot store in text. Each is a 400 here, before any route sees the request.
 */
export function requestTargetGuard(req: Request, res: Response, next: NextFunction): void {
  const problem = targetProblem(req.url, req.rawHeaders);
  if (!problem) {
    next();
    return;
  }
  res.status(400).type("text").send(problem);
}

export function targetProblem(url: string, rawHeaders: readonly string[]): string | null {
  let hosts = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === "host") hosts++;
  if (hosts !== 1) return "A request needs exactly one Host header.";
  if (!url.startsWith("/")) return "Send the request with a path, not a full URL.";
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return "The address is not valid: it has a broken %-escape.";
  }
  if (decoded.includes("\0")) return "The address contains a character that is not allowed.";
  if (queryAt !== -1) {
    for (const [name, value] of new URLSearchParams(url.slice(queryAt + 1))) {
      if (name.includes("\0") || value.includes("\0")) return "The address contains a character that is not allowed.";
    }
  }
  return null;
}
