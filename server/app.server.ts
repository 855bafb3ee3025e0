import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { type Kysely, sql } from "kysely";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import type { PorticoLoadContext, Site } from "../app/load-context";
import type { Database } from "../db/schema";
import { practiceDirectory } from "../tenants/find-practice.server";
import type { PracticeRegistry } from "../tenants/registry.server";
import { ROOT } from "./build.server";
import type { Config } from "./config.server";
import { resolveSite } from "./resolve-site.server";
import { renderStatusPage, SERVER_ERROR_PAGE } from "./status-page.server";

export type ServerDeps = {
  config: Config;
  logger: Logger;
  /** Runtime role only: this pool can never bypass row-level security. */
  appDb: Kysely<Database>;
  registry: PracticeRegistry;
  build: ServerBuild | (() => Promise<ServerBuild>);
};

/** Form posts and JSON are small; photo uploads get their own, larger limit where they are accepted. */
const MAX_BODY_BYTES = 1024 * 1024;

type Locals = { site: Site; cspNonce: string };

function locals(res: Response): Locals {
  return res.locals as Locals;
}

export function createServer(deps: ServerDeps): express.Express {
  const { config, logger } = deps;
  const production = config.env === "production";
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);

  // Remix compares Origin with X-Forwarded-Host when present: a client must not be able to choose it.
  if (config.trustProxy === false) {
    app.use((req, _res, next) => {
      delete req.headers["x-forwarded-host"];
      delete req.headers["x-forwarded-proto"];
      delete req.headers["x-forwarded-for"];
      next();
    });
  }

  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => {
        const id = randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" },
    }),
  );

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
  app.get("/readyz", async (_req, res) => {
    try {
      await sql`select 1`.execute(deps.appDb);
      res.type("text").send("ready");
    } catch (error) {
      logger.warn({ err: error }, "readiness check failed");
      res.status(503).type("text").send("database unavailable");
    }
  });

  // Fingerprinted build output never changes under the same name; everything else in public/ may.
  app.use("/build", express.static(path.join(ROOT, "public", "build"), { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static(path.join(ROOT, "public"), { maxAge: "1h", index: false }));

  app.use((req, res, next) => {
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > MAX_BODY_BYTES) {
      res.status(413).type("text").send("Request body too large.");
      return;
    }
    next();
  });

  app.use(resolveSite({ portalDomain: config.portalDomain, registry: deps.registry, directory: practiceDirectory(deps.appDb, config.portalDomain), appDb: deps.appDb }));

  app.all(
    "/{*splat}",
    createRequestHandler({
      build: deps.build,
      mode: production ? "production" : "development",
      getLoadContext: (req, res): PorticoLoadContext => ({
        requestId: String(req.id),
        cspNonce: locals(res).cspNonce,
        site: locals(res).site,
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
