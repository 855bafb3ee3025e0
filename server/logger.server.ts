import { createRequire } from "node:module";
import { type Logger, pino } from "pino";
import type { Config } from "./config.server";

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve("pino-pretty");
    return true;
  } catch {
    return false;
  }
}

/** JSON lines in production (for the log pipeline); readable lines in development when pino-pretty is installed. */
export function createLogger(config: Pick<Config, "env" | "logLevel">): Logger {
  const pretty = config.env === "development" && prettyAvailable();
  return pino({
    level: config.logLevel,
    redact: { paths: ["req.headers.cookie", "req.headers.authorization", 'res.headers["set-cookie"]'], censor: "[redacted]" },
    ...(pretty ? { transport: { target: "pino-pretty", options: { ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss" } } } : {}),
  });
}
