import path from "node:path";
import { z } from "zod";
import { parseKey } from "../tenants/sealed-secrets.server";

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, "must be a host name such as localhost or portal.example.com");

// Only named proxies are trusted. `true` and hop counts are refused: Express trusts the direct peer for any hop
// count, so a client reaching the app port directly could choose the Host, protocol and IP the app believes.
const trustProxy = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx): false | string[] => {
    if (value === undefined || value === "" || value === "false") return false;
    if (value === "true" || /^\d+$/.test(value)) {
      ctx.addIssue({ code: "custom", message: "must list the proxies' addresses or subnets (e.g. 10.0.0.0/8 or loopback), not 'true' or a hop count" });
      return z.NEVER;
    }
    return value.split(",").map((part) => part.trim()).filter(Boolean);
  });

const port = z.coerce.number().int().min(1).max(65535);

const encryptionKey = z
  .string()
  .optional()
  .refine((value) => value === undefined || parseKey(value) !== undefined, "must be 32 random bytes as base64 or 64 hex characters (openssl rand -base64 32)");

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().trim().min(1).default("0.0.0.0"),
    PORT: port.default(3000),
    PORTAL_DOMAIN: hostname.default("localhost"),
    DATA_DIR: z.string().trim().min(1).default(".data"),
    FILE_STORE: z.enum(["local", "s3"], { error: "must be local or s3" }).default("local"),
    S3_BUCKET: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)")
      .optional(),
    S3_REGION: z.string().trim().min(1).default("us-east-1"),
    S3_ENDPOINT: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    S3_FORCE_PATH_STYLE: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" }).optional(),
    DATABASE_APP_PASSWORD: z.string().min(16, "must be at least 16 characters").optional(),
    EMBEDDED_PG_PORT: port.default(54329),
    TRUST_PROXY: trustProxy,
    PUBLIC_SCHEME: z.enum(["http", "https"]).optional(),
    PUBLIC_PORT: port.optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
    EMAIL_TRANSPORT: z.enum(["resend", "dev", "log"]).optional(),
    EMAIL_FROM: z.email("must be an email address such as portal@mail.example.com").default("portal@portico.localhost"),
    RESEND_API_KEY: z.string().trim().min(1).optional(),
    RESEND_BASE_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    PLATFORM_ENCRYPTION_KEY: encryptionKey,
    PLATFORM_ENCRYPTION_KEY_PREVIOUS: encryptionKey,
    POOL_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
    POOL_MAX_DATABASES: z.coerce.number().int().min(1).max(10_000).default(50),
    WEBHOOKS_ALLOW_PRIVATE_NETWORKS: z.enum(["true", "false"], { error: "must be true or false" }).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.FILE_STORE === "s3" && !env.S3_BUCKET) {
      ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "is required with FILE_STORE=s3" });
    }
    if (env.NODE_ENV === "production" && !env.DATABASE_URL) {
      ctx.addIssue({ code: "custom", path: ["DATABASE_URL"], message: "is required in production: the embedded Postgres is for development only" });
    }
    const transport = env.EMAIL_TRANSPORT ?? (env.RESEND_API_KEY ? "resend" : "dev");
    if (transport === "resend" && !env.RESEND_API_KEY) {
      ctx.addIssue({ code: "custom", path: ["RESEND_API_KEY"], message: "is required to send email through Resend" });
    }
    if (env.NODE_ENV === "production" && transport === "dev") {
      ctx.addIssue({
        code: "custom",
        path: ["RESEND_API_KEY"],
        message: "is required in production (or set EMAIL_TRANSPORT=log explicitly to only log outgoing mail)",
      });
    }
    if (env.PLATFORM_ENCRYPTION_KEY_PREVIOUS && !env.PLATFORM_ENCRYPTION_KEY) {
      ctx.addIssue({ code: "custom", path: ["PLATFORM_ENCRYPTION_KEY"], message: "is required when PLATFORM_ENCRYPTION_KEY_PREVIOUS is set" });
    }
    if (env.DATABASE_URL && !env.DATABASE_APP_PASSWORD) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_APP_PASSWORD"],
        message: "is required with DATABASE_URL: it is the password of the runtime role the server connects as",
      });
    }
  });

export type Config = {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  portalDomain: string;
  dataDir: string;
  /**
   * Where file bytes live (docs/decisions/014-file-store.md): the local disk under DATA_DIR/files, or an
   * S3-compatible bucket (credentials through the AWS SDK's standard chain).
   */
  files: { store: "local"; directory: string } | { store: "s3"; bucket: string; region: string; endpoint?: string; forcePathStyle: boolean };
  database: { kind: "embedded"; port: number } | { kind: "external"; ownerUrl: string; appPassword: string };
  trustProxy: false | string[];
  /**
   * How clients reach Portico: every absolute URL (links in email, links between practices) and the origin that
   * form posts must come from are built from this, never from request headers.
   */
  publicUrl: { scheme: "http" | "https"; port: number | undefined };
  logLevel: string;
  email: {
    /** dev: kept for the dev mailbox; log: only logged; resend: delivered through Resend. */
    transport: "resend" | "dev" | "log";
    from: string;
    resend?: { apiKey: string; baseUrl?: string };
  };
  /**
   * Seals the credentials of dedicated databases. Outside production a key is generated into DATA_DIR when none is
   * configured; production without one can run shared practices only.
   */
  encryption: { key?: Buffer; previousKey?: Buffer };
  /** Per dedicated database: connections in its pool, and how many such pools stay open (least recently used close first). */
  pools: { maxConnections: number; maxDatabases: number };
  /**
   * Whether webhooks may be delivered to loopback, private, link-local and metadata addresses (checked on the
   * resolved address). On by default outside production (local receivers); off by default in production.
   */
  webhooks: { allowPrivateNetworks: boolean };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** The origin of a host under the portal domain, as clients reach it. */
export function publicOrigin(config: Pick<Config, "publicUrl">, hostname: string): string {
  const { scheme, port } = config.publicUrl;
  const defaultPort = scheme === "https" ? 443 : 80;
  return `${scheme}://${hostname}${port !== undefined && port !== defaultPort ? `:${port}` : ""}`;
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // A blank line in an .env file (`PORT=`) means "not set", not "set to nothing".
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`));
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    portalDomain: env.PORTAL_DOMAIN,
    dataDir: path.resolve(env.DATA_DIR),
    files:
      env.FILE_STORE === "s3" && env.S3_BUCKET
        ? { store: "s3", bucket: env.S3_BUCKET, region: env.S3_REGION, ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}), forcePathStyle: env.S3_FORCE_PATH_STYLE === "true" }
        : { store: "local", directory: path.join(path.resolve(env.DATA_DIR), "files") },
    database:
      env.DATABASE_URL && env.DATABASE_APP_PASSWORD
        ? { kind: "external", ownerUrl: env.DATABASE_URL, appPassword: env.DATABASE_APP_PASSWORD }
        : { kind: "embedded", port: env.EMBEDDED_PG_PORT },
    trustProxy: env.TRUST_PROXY,
    publicUrl: {
      scheme: env.PUBLIC_SCHEME ?? (env.NODE_ENV === "production" ? "https" : "http"),
      // Behind a production load balancer the default port is the scheme's own; in development it is PORT.
      port: env.PUBLIC_PORT ?? (env.NODE_ENV === "production" ? undefined : env.PORT),
    },
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === "test" ? "silent" : env.NODE_ENV === "development" ? "debug" : "info"),
    email: {
      transport: env.EMAIL_TRANSPORT ?? (env.RESEND_API_KEY ? "resend" : "dev"),
      from: env.EMAIL_FROM,
      ...(env.RESEND_API_KEY ? { resend: { apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL } } : {}),
    },
    encryption: {
      ...(env.PLATFORM_ENCRYPTION_KEY ? { key: parseKey(env.PLATFORM_ENCRYPTION_KEY) } : {}),
      ...(env.PLATFORM_ENCRYPTION_KEY_PREVIOUS ? { previousKey: parseKey(env.PLATFORM_ENCRYPTION_KEY_PREVIOUS) } : {}),
    },
    pools: { maxConnections: env.POOL_MAX_CONNECTIONS, maxDatabases: env.POOL_MAX_DATABASES },
    webhooks: { allowPrivateNetworks: env.WEBHOOKS_ALLOW_PRIVATE_NETWORKS ? env.WEBHOOKS_ALLOW_PRIVATE_NETWORKS === "true" : env.NODE_ENV !== "production" },
  };
}
