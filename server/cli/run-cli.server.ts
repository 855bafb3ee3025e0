import { PracticeInputError } from "../../tenants/practices.server";
import { ConfigError, type Config, loadConfig } from "../config.server";
import { openPlatformDatabase, type PlatformDatabase } from "../platform.server";

/** A mistake by the person at the keyboard: one line on stderr, exit code 2, no stack trace. */
export class UsageError extends Error {}

/** A platform use case refusing its input is the person's mistake too: it becomes a UsageError. */
export async function asUsage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof PracticeInputError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Runs an operator command against the platform database (the running embedded server of DATA_DIR, started for the
 * duration of the command when none runs, or DATABASE_URL) and turns failures into exit codes: 2 for bad input,
 * 1 for anything else.
 */
export async function runCli(command: (context: { config: Config; platform: () => Promise<PlatformDatabase> }) => Promise<void>): Promise<void> {
  let platform: PlatformDatabase | undefined;
  try {
    const config = loadConfig();
    await command({
      config,
      platform: async () => (platform ??= await openPlatformDatabase(config, () => undefined)),
    });
    if (process.exitCode === undefined) process.exitCode = 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  } finally {
    await platform?.release();
  }
}
