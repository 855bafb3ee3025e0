import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import type { PracticeScope } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import { claimImport, runImport } from "./run-import.server";

/** A practice and its scope, found again by subdomain when an import resumes after a restart. */
export type PracticeLookup = (subdomain: string) => Promise<{ practice: Practice; scope: PracticeScope } | undefined>;

const SPOOL_NAME = /^([a-z0-9-]+)~([0-9a-f-]{36})\.ndjson$/;

/**
 * Runs accepted imports in the background, one at a time per server (an import is heavy on purpose: it should not
 * take the pool from the requests being served). The body of an import is spooled to `DATA_DIR/imports` before the
 * request is answered; the spool file is the job: it is deleted when the import is done or failed, and a server that
 * starts finds the files of imports it had not finished and resumes each after its last committed batch
 * (docs/decisions/018-bulk-import-and-export.md). The spool is on this server's disk: with several servers, the one that
 * accepted an import runs it, and an import whose server never comes back is reported failed after ten minutes.
 */
export class ImportRunner {
  readonly #logger: Logger;
  readonly #now: () => Date;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #stopping = false;

  constructor(options: { spoolDir: string; logger: Logger; now?: () => Date }) {
    this.spoolDir = options.spoolDir;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
  }

  readonly spoolDir: string;

  spoolPath(practice: Practice, importId: string): string {
    return path.join(this.spoolDir, `${practice.subdomain}~${importId}.ndjson`);
  }

  /** A file to write an upload into before its import exists; rename it with `adopt`. */
  async temporaryPath(): Promise<string> {
    await fs.mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
    return path.join(this.spoolDir, `upload-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}.part`);
  }

  async adopt(temporary: string, practice: Practice, importId: string): Promise<void> {
    await fs.rename(temporary, this.spoolPath(practice, importId));
  }

  /** Queues the import; it runs after those queued before it. */
  enqueue(practice: Practice, scope: PracticeScope, importId: string): void {
    this.#pending++;
    this.#tail = this.#tail
      .then(() => this.#run(practice, scope, importId))
      .catch((error: unknown) => this.#logger.error({ err: error, importId }, "import failed to run"))
      .finally(() => this.#pending--);
  }

  async #run(practice: Practice, scope: PracticeScope, importId: string): Promise<void> {
    if (this.#stopping) return;
    const file = this.spoolPath(practice, importId);
    const row = await claimImport(scope, importId, this.#now());
    if (!row) {
      await fs.rm(file, { force: true });
      return;
    }
    const started = Date.now();
    const { outcome, row: finished } = await runImport({ scope, practice, row, source: createReadStream(file), now: this.#now, stopping: () => this.#stopping });
    if (outcome !== "paused") await fs.rm(file, { force: true });
    this.#logger.info({ practice: practice.subdomain, importId, outcome, ms: Date.now() - started, lines: finished?.lines_done, rejected: finished?.rejected }, `import ${outcome}`);
  }

  /** Finds the imports this server had accepted and not finished (a crash, a restart) and queues them again. */
  async resume(lookup: PracticeLookup): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(this.spoolDir);
    } catch {
      return 0;
    }
    let resumed = 0;
    for (const name of names) {
      if (name.endsWith(".part")) {
        // An upload cut off before its import existed: nothing refers to it.
        await fs.rm(path.join(this.spoolDir, name), { force: true });
        continue;
      }
      const match = SPOOL_NAME.exec(name);
      if (!match) continue;
      const found = await lookup(match[1]!).catch(() => undefined);
      if (!found) {
        this.#logger.warn({ file: name }, "import spool file of an unknown practice left alone");
        continue;
      }
      this.enqueue(found.practice, found.scope, match[2]!);
      resumed++;
    }
    return resumed;
  }

  /** Imports queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Resolves when every queued import has run. */
  async settled(): Promise<void> {
    while (this.#pending > 0) await this.#tail;
  }

  /** Stops after the batch in progress; unfinished imports stay running and resume at the next start. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.settled();
  }
}
