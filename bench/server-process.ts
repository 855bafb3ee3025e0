import { type ChildProcess, spawn } from "node:child_process";
import { ROOT } from "../server/build.server";

/**
 * The real server (`server/main.ts`) in a process of its own, with the production image's heap ceiling, for the
 * benchmarks that measure it from outside: started, waited for until it says it is ready, and stopped gracefully.
 */
export async function startServer(env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<{ child: ChildProcess; tail: () => string }> {
  const child = spawn(process.execPath, ["--max-old-space-size=512", ...nodeArgs, "--import", "tsx", "server/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const onData = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-20_000));
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after 120 s:\n${tail}`)), 120_000);
    const ready = () => {
      if (!tail.includes("Portico is ready")) return;
      clearTimeout(timer);
      child.stdout!.off("data", ready);
      child.removeAllListeners("exit");
      resolve();
    };
    child.stdout!.on("data", ready);
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before ready:\n${tail}`)));
  });
  return { child, tail: () => tail };
}

/** SIGTERM (in-flight requests finish), SIGKILL after 20 s. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** The nearest-rank percentile of sorted samples. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
