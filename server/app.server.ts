import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { type Kysely, sql } from "kysely";
import type { Logger } from "pino";
import type { PorticoLoadContext, Site } from "../app/load-context";
import type { Database } from "../db/schema";
import { practiceDirectory } from "../tenants/find-practice.server";
import type { PlatformControl } from "../tenants/platform-control.server";
import type { PracticeDatabases } from "../tenants/practice-databases.server";
import type { PracticeRegistry } from "../tenants/registry.server";
import type { BackgroundTasks } from "./background.server";
import type { PracticeFiles } from "./files/practice-files.server";
import { ROOT } from "./build.server";
import { type Config, publicOrigin } from "./config.server";
import { apiRouter } from "./api/router.server";
import { ImportRunner } from "./imports/import-runner.server";
import { ipRateLimits } from "./auth/platform-rate-limit.server";
import { devMailbox } from "./email/dev-mailbox.server";
import { methodGate } from "./http/method-gate.server";
import { remixHandler } from "./http/remix-handler.server";
import { bodyPolicy } from "./http/request-body.server";
import { requestLog } from "./http/request-log.server";
import { requestTargetGuard } from "./http/request-target.server";
import { routeTableOf } from "./http/route-table.server";
import { resolveSite } from "./resolve-site.server";
import { requireSameOrigin } from "./same-origin.server";
import { renderStatusPage, SERVER_ERROR_PAGE } from "./status-page.server";

export type ServerDeps = {
  config: Config;
  logger: Logger;
  /** Runtime role only: this pool can never bypass row-level security. */
  appDb: Kysely<Database>;
  registry: PracticeRegistry;
  /** The right database for each practice: the shared pool, or a dedicated database's own bounded pool. */
  databases: PracticeDatabases;
  /** The support console's means: the control plane as the owner role. Without it the support host answers 404. */
  control?: PlatformControl;
  build: ServerBuild | (() => Promise<ServerBuild>);
  background: BackgroundTasks;
  /** Runs accepted bulk imports; one spooling to DATA_DIR/imports when not given (main.ts gives one it resumes and stops). */
  imports?: ImportRunner;
  /** The file store with the keys that open each practice's files (docs/decisions/014-file-store.md). */
  files: PracticeFiles;
  /** Development only: the owner-role pools that let the dev mailbox read the outboxes (main and dedicated). */
  mailboxDbs?: () => Kysely<Database>[];
  now?: () => Date;
};

type Locals = { site: Site; cspNonce: string };

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function locals(res: Response): Locals {
  return res.locals as Locals;
}

export function createServer(deps: ServerDeps): express.Express {
  const { config, logger } = deps;
  const production = config.env === "production";
  const now = deps.now ?? (() => new Date());
  const platformIpLimits = ipRateLimits(deps.appDb);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);

  // One host for everything downstream: Express resolves it (X-Forwarded-Host only from a trusted proxy) and Remix,
  // which would otherwise read X-Forwarded-Host whoever sent it, sees only that resolved value.
  app.use((req, _res, next) => {
    const host = req.host;
    if (host) req.headers.host = host;
    delete req.headers["x-forwarded-host"];
    next();
  });

  const loadBuildNow = typeof deps.build === "function" ? deps.build : async () => deps.build as ServerBuild;
  // The log line is written after the answer; by then this request has read the table of the build it ran on.
  let latestRoutes = typeof deps.build === "function" ? undefined : routeTableOf(deps.build);
  const routes = async () => (latestRoutes = routeTableOf(await loadBuildNow()));
  app.use(requestLog(logger, (path) => (latestRoutes ? latestRoutes.redact(path) : "[build loading]")));
  app.use(requestTargetGuard);

  app.use((_req, res, next) => {
    locals(res).cspNonce = randomBytes(16).toString("base64");
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${locals(res as Response).cspNonce}'`],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", "data:"],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          ...(production ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: production ? { maxAge: 31536000, includeSubDomains: true } : false,
      referrerPolicy: { policy: "same-origin" },
      crossOriginEmbedderPolicy: false,
    }),
  );

  app.get("/healthz", (_req, res) => {
    res.type("text").send("ok");
  });
  // Ready means the main database answers. Dedicated databases are reported one by one but never fail the instance:
  // a practice whose database is down answers 503 on its own while this instance keeps serving everyone else.
  app.get("/readyz", async (req, res) => {
    try {
      await sql`select 1`.execute(deps.appDb);
    } catch (error) {
      logger.warn({ err: error }, "readiness check failed");
      res.status(503).json({ status: "unavailable", main: "down" });
      return;
    }
    const dedicated = await deps.databases.health().catch(() => []);
    const states: Record<string, number> = {};
    for (const db of dedicated) states[db.state] = (states[db.state] ?? 0) + 1;
    // Where each database lives and which practices are dedicated is for the operator on the machine, not the world.
    const local = LOOPBACK.has(req.socket.remoteAddress ?? "");
    res.json({
      status: "ready",
      main: "ok",
      dedicatedStates: states,
      ...(local ? { dedicated: dedicated.map((db) => ({ location: db.location, practices: db.practices, state: db.state })) } : {}),
    });
  });

  // Fingerprinted build output never changes under the same name; everything else in public/ may.
  app.use("/build", express.static(path.join(ROOT, "public", "build"), { immutable: true, maxAge: "1y", index: false }));
  // The rest of public/ is mounted name by name (never its dot-files), so a page request costs no file-system lookup.
  const publicDir = path.join(ROOT, "public");
  const publicFiles = new Set<string>();
  for (const entry of fs.readdirSync(publicDir, { withFileTypes: true })) {
    if (entry.name === "build" || entry.name.startsWith(".")) continue;
    if (entry.isDirectory()) app.use(`/${entry.name}`, express.static(path.join(publicDir, entry.name), { maxAge: "1h", index: false }));
    else publicFiles.add(`/${entry.name}`);
  }
  // Compared as strings, not as route patterns, whatever characters a file name holds.
  app.use((req, res, next) => {
    if ((req.method === "GET" || req.method === "HEAD") && publicFiles.has(req.path)) res.sendFile(req.path.slice(1), { root: publicDir, maxAge: "1h" });
    else next();
  });
  // Browsers ask for /favicon.ico on pages that name no icon (raw email previews, plain-text answers).
  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));

  app.use(
    resolveSite({
      portalDomain: config.portalDomain,
      origin: (hostname) => publicOrigin(config, hostname),
      registry: deps.registry,
      directory: practiceDirectory(deps.appDb, config.portalDomain),
      databases: deps.databases,
      platformReads: deps.appDb,
      control: deps.control,
      secureCookies: production,
      now,
      log: (practice, error) => logger.warn({ practice: practice.subdomain, reason: error.reason, detail: error.message }, "practice database unavailable"),
    }),
  );
  // The integration API (bearer keys, JSON) mounts here: after the site is known, before the page rules below.
  const imports = deps.imports ?? new ImportRunner({ spoolDir: path.join(config.dataDir, "imports"), logger, now });
  app.use("/api/v1", apiRouter({ logger, now, imports, files: deps.files, uploadDir: path.join(config.dataDir, "uploads") }));
  app.use(methodGate(routes));
  app.use(bodyPolicy);
  app.use(requireSameOrigin);
  if (deps.mailboxDbs && !production) app.use("/__dev", devMailbox(deps.mailboxDbs));

  app.all(
    "/{*splat}",
    remixHandler({
      build: deps.build,
      mode: production ? "production" : "development",
      routes,
      getLoadContext: (req, res): PorticoLoadContext => ({
        requestId: String(req.id),
        cspNonce: locals(res).cspNonce,
        site: locals(res).site,
        visitor: { ip: req.ip ?? null, userAgent: req.get("user-agent")?.slice(0, 500) ?? null },
        ipRateLimits: platformIpLimits,
        now,
        runAfterResponse: (label, task) => deps.background.run(label, task),
        platformKeys: deps.control?.keys,
        secureCookies: production,
        files: deps.files,
        imports,
      }),
    }),
  );

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    req.log.error({ err: error }, "unhandled error");
    if (res.headersSent) return;
    res.status(500).type("html").send(renderStatusPage(SERVER_ERROR_PAGE));
  });

  return app;
}
