import { createRequire } from "node:module";
import { type DestinationStream, type Logger, pino } from "pino";
import type { Config } from "./config.server";

function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve("pino-pretty");
    return true;
  } catch {
    return false;
  }
}

/**
 * JSON lines in production (for the log pipeline); in development, when pino-pretty is installed, one readable line
 * per request (the request log's message says method, host, path, status and time). Tests may pass a destination.
 */
export function createLogger(config: Pick<Config, "env" | "logLevel">, destination?: DestinationStream): Logger {
  const pretty = !destination && config.env === "development" && prettyAvailable();
  const options = {
    level: config.logLevel,
    redact: { paths: ["req.headers.cookie", "req.headers.authorization", 'res.headers["set-cookie"]'], censor: "[redacted]" },
    ...(pretty ? { transport: { target: "pino-pretty", options: { ignore: "pid,hostname,req,res,reqId,responseTime", translateTime: "SYS:HH:MM:ss" } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
