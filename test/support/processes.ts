import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { ROOT } from "../../server/build.server";

export const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

/** A clean environment, as on a fresh machine: only what the test passes, not the test runner's variables. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NODE_ENV: "test", ...env };
}

export type Finished = { code: number | null; stdout: string; stderr: string };

/** Runs a TypeScript entry point to completion, with stdin closed (as in CI) and the given environment. */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [script, ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts a long-running entry point and resolves once its stdout contains `readyText`. With `nodeArgs` (e.g.
 * --cpu-prof) it runs as `node <nodeArgs> --import tsx <script>`: one process, flags applied to the server itself.
 */
export function startScript(
  script: string,
  env: Record<string, string>,
  readyText: string,
  options: { timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<{ child: ChildProcess; output: () => string }> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const [command, args] = options.nodeArgs ? [process.execPath, [...options.nodeArgs, "--import", "tsx", script]] : [TSX, [script]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyText)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${output}`));
    });
  });
}

export function stopScript(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, withinMs: number): Promise<{ value: T; elapsedMs: number }> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    const elapsedMs = Date.now() - started;
    if (accept(value) || elapsedMs > withinMs) return { value, elapsedMs };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
