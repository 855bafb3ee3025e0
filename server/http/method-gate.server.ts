import type { NextFunction, Request, Response } from "express";
import type { RouteTable } from "./route-table.server";

/**
 * Every route answers GET and HEAD (the splat route renders the 404 page), POST only where the route Remix would
 * pick has an action. Anything else is refused here with the methods that do work, before Remix would run an action
 * for it or log a stack trace. OPTIONS is answered plainly: no CORS grant, since no other origin may call us.
 */
export function methodGate(table: () => Promise<RouteTable>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.method === "GET" || req.method === "HEAD") {
      next();
      return;
    }
    const search = req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
    const allowed = (await table()).allowedMethods(req.path, search);
    if (req.method === "OPTIONS") {
      res.set("Allow", allowed.join(", ")).status(204).end();
      return;
    }
    if (allowed.includes(req.method)) {
      next();
      return;
    }
    res.set("Allow", allowed.join(", ")).status(405).type("text").send(`This address does not accept ${req.method} requests.`);
  };
}
