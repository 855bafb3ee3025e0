import type { NextFunction, Request, Response } from "express";
import type { Kysely } from "kysely";
import type { Site } from "../app/load-context";
import type { Database } from "../db/schema";
import type { PlatformControl } from "../tenants/platform-control.server";
import { supportAccessDoor } from "./auth/support-access.server";
import type { PracticeScope } from "../db/with-practice.server";
import type { PracticeDirectory } from "../tenants/find-practice.server";
import { parseHost } from "../tenants/host";
import type { Practice } from "../tenants/practice";
import { isPracticeUnavailable, type PracticeDatabases, type PracticeUnavailableError } from "../tenants/practice-databases.server";
import type { PracticeRegistry } from "../tenants/registry.server";
import { NO_PRACTICE_PAGE, type PracticeContact, practiceUnavailablePage, renderStatusPage, suspendedPracticePage } from "./status-page.server";

export type SiteResolverDeps = {
  portalDomain: string;
  origin: (hostname: string) => string;
  registry: PracticeRegistry;
  directory: PracticeDirectory;
  databases: PracticeDatabases;
  /** Runtime role on the main database: break-glass grants are checked with it. */
  platformReads: Kysely<Database>;
  /** The support console's means; without it the support host answers 404. */
  control: PlatformControl | undefined;
  secureCookies: boolean;
  now: () => Date;
  log: (practice: Practice, error: PracticeUnavailableError) => void;
};

const RETRY_AFTER_SECONDS = "30";

/** A practice's scope for route code: its database being unavailable becomes a 503 answer, like a suspended practice. */
function requestScope(deps: SiteResolverDeps, practice: Practice): PracticeScope {
  const scope = deps.databases.scope(practice);
  return async (work) => {
    try {
      return await scope(work);
    } catch (error) {
      if (!(isPracticeUnavailable(error))) throw error;
      deps.log(practice, error);
      // Remix renders a thrown Response with the root error boundary and its status; the boundary shows the contact.
      const contact: PracticeContact = { name: practice.name, contactPhone: practice.contactPhone, contactEmail: practice.contactEmail };
      throw Response.json(contact, { status: 503, headers: { "Retry-After": RETRY_AFTER_SECONDS } });
    }
  };
}

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
        if (!deps.control) {
          res.status(404).type("html").send(renderStatusPage(NO_PRACTICE_PAGE));
          return;
        }
        site = { kind: "support", origin: origin(target.hostname), control: deps.control };
        break;
      case "practice": {
        const practice = await deps.registry.resolve(target.subdomain);
        if (!practice) {
          res.status(404).type("html").send(renderStatusPage(NO_PRACTICE_PAGE));
          return;
        }
        if (practice.status === "suspended") {
          res.status(503).set("Retry-After", "3600").type("html").send(renderStatusPage(suspendedPracticePage(practice)));
          return;
        }
        const unavailable = deps.databases.knownUnavailable(practice);
        if (unavailable) {
          res.status(503).set("Retry-After", RETRY_AFTER_SECONDS).type("html").send(renderStatusPage(practiceUnavailablePage(practice)));
          return;
        }
        site = {
          kind: "practice",
          origin: origin(target.hostname),
          practice,
          withPractice: requestScope(deps, practice),
          supportAccess: supportAccessDoor(deps.platformReads, practice.id, { secure: deps.secureCookies, now: deps.now }),
        };
        break;
      }
    }
    res.locals.site = site;
    // Remix compares Origin with Host on its own: give it the canonical public host our Origin check uses.
    req.headers.host = new URL(site.origin).host;
    next();
  };
}
