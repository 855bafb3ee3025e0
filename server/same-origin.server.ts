import type { NextFunction, Request, Response } from "express";
import type { Site } from "../app/load-context";
import { renderStatusPage } from "./status-page.server";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery guard for every state-changing request. Sibling practice subdomains are the same
 * *site*, so SameSite=Lax cookies do not stop one practice's page from posting to another's: the request's Origin
 * must be exactly this host's origin (or, without an Origin, the browser must say the request is same-origin).
 */
export function requireSameOrigin(req: Request, res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method)) {
    next();
    return;
  }
  const site = res.locals.site as Site;
  const origin = req.get("origin");
  const sameOrigin = origin !== undefined ? origin === site.origin : req.get("sec-fetch-site") === "same-origin";
  if (sameOrigin) {
    next();
    return;
  }
  req.log.warn({ origin, expected: site.origin }, "cross-origin request refused");
  res
    .status(403)
    .type("html")
    .send(
      renderStatusPage({
        status: 403,
        title: "Request refused",
        message: "This form was sent from another website, so it was not accepted. Please go back, reload the page and try again.",
      }),
    );
}
