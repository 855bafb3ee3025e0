import type { NextFunction, Request, Response } from "express";
import type { Kysely } from "kysely";
import type { Site } from "../app/load-context";
import type { Database } from "../db/schema";
import { practiceScope } from "../db/with-practice.server";
import type { PracticeDirectory } from "../tenants/find-practice.server";
import { parseHost } from "../tenants/host";
import type { PracticeRegistry } from "../tenants/registry.server";
import { NO_PRACTICE_PAGE, renderStatusPage, suspendedPracticePage } from "./status-page.server";

export type SiteResolverDeps = {
  portalDomain: string;
  origin: (hostname: string) => string;
  registry: PracticeRegistry;
  directory: PracticeDirectory;
  appDb: Kysely<Database>;
};

/**
 * Decides once, from the Host, which part of Portico a request is for, and stores it in `res.locals.site`.
 * Unknown hosts and suspended practices are answered here; nothing after this reads the Host again.
 */
export function resolveSite(deps: SiteResolverDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    // `req.host` honours X-Forwarded-Host only when a trusted proxy is configured.
    const target = parseHost(req.host, deps.portalDomain);
    // A host spelled differently from its canonical form (a trailing dot, capitals) would never match the origin
    // that form posts are checked against: send readers to the canonical address instead.
    if (target.kind !== "unknown" && (req.method === "GET" || req.method === "HEAD") && req.hostname !== target.hostname) {
      res.redirect(301, `${deps.origin(target.hostname)}${req.originalUrl}`);
      return;
    }
    const { origin } = deps;
    let site: Site;
    switch (target.kind) {
      case "unknown":
        res.status(404).type("html").send(renderStatusPage(NO_PRACTICE_PAGE));
        return;
      case "landing":
        site = {
          kind: "landing",
          origin: origin(target.hostname),
          portalDomain: deps.portalDomain,
          directory: deps.directory,
          practiceOrigin: (subdomain) => origin(`${subdomain}.${deps.portalDomain}`),
        };
        break;
      case "support":
        site = { kind: "support", origin: origin(target.hostname) };
        break;
      case "practice": {
        const practice = await deps.registry.resolve(target.subdomain);
        if (!practice) {
          res.status(404).type("html").send(renderStatusPage(NO_PRACTICE_PAGE));
          return;
        }
        if (practice.status === "suspended") {
          res.status(503).set("Retry-After", "3600").type("html").send(renderStatusPage(suspendedPracticePage(practice.name)));
          return;
        }
        site = { kind: "practice", origin: origin(target.hostname), practice, withPractice: practiceScope(deps.appDb, practice) };
        break;
      }
    }
    res.locals.site = site;
    // Remix compares Origin with Host on its own: give it the canonical public host our Origin check uses.
    req.headers.host = new URL(site.origin).host;
    next();
  };
}
