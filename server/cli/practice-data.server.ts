import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import { SingleBar } from "cli-progress";
import type { PracticeScope } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import { directoryTarget, exportPractice, ExportTargetError, zipTarget } from "../exports/export-practice.server";
import type { PracticeFiles } from "../files/practice-files.server";
import { claimImport, createImport, readImport, runImport } from "../imports/run-import.server";
import { UsageError } from "./run-cli.server";

/** Rejected lines printed after an import; the rest are in the import's report (GET /api/v1/imports/{id}). */
const PRINTED_REJECTIONS = 20;

/** The size of an import file; a missing, unreadable or empty file is the person's mistake. */
export async function importFileSize(file: string): Promise<number> {
  let size: number;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new UsageError(`${file} is not a file.`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  if (size === 0) throw new UsageError(`${file} is empty: an import is one JSON object a line.`);
  return size;
}

/**
 * `practice import`: the same import as `POST /api/v1/imports` (the same lines, batches, use cases, report and
 * audit), run in this process from the file, with a progress bar on a terminal. Exit code 0 when every line was
 * accepted, 1 when the import failed or rejected lines (printed, with their reasons), 2 for bad input.
 */
export async function importCommand(options: { practice: Practice; scope: PracticeScope; file: string; out: NodeJS.WritableStream; err: NodeJS.WritableStream & { isTTY?: boolean } }): Promise<void> {
  const { practice, scope, file, out } = options;
  const size = await importFileSize(file);
  const now = () => new Date();
  const user = (() => {
    try {
      return os.userInfo().username;
    } catch {
      return "unknown";
    }
  })();
  const created = await scope((trx) =>
    createImport(trx, { practiceId: practice.id, source: "cli", bytes: size, linesTotal: null, creator: { type: "system", id: null, name: `practice CLI (${user}@${os.hostname()})` }, now: now() }),
  );
  const row = await claimImport(scope, created.id, now());
  if (!row) throw new Error("the import could not be started");
  const bar = new SingleBar({ stream: options.err, format: "importing [{bar}] {percentage}% | {lines} lines | {rejected} rejected | {eta_formatted} left", hideCursor: true });
  bar.start(size, 0, { lines: 0, rejected: 0 });
  const { outcome, row: finished } = await runImport({
    scope,
    practice,
    row,
    source: createReadStream(file),
    now,
    onProgress: (p) => bar.update(p.bytes, { lines: p.linesDone, rejected: p.rejected }),
  });
  bar.update(size);
  bar.stop();
  const report = await scope((trx) => readImport(trx, created.id, now(), { rejections: PRINTED_REJECTIONS }));
  const final = report?.row ?? finished;
  if (!final) throw new Error(`the import ${created.id} ended ${outcome} without a report`);
  out.write(`import ${final.id} ${final.status}: ${final.lines_done} lines, ${final.created} created, ${final.updated} updated, ${final.unchanged} unchanged, ${final.rejected} rejected\n`);
  for (const r of report?.rejections ?? []) out.write(`  line ${r.line}${r.type ? ` ${r.type}` : ""}${r.external_id ? ` ${r.external_id}` : ""}: ${r.reason}\n`);
  if (final.rejected > PRINTED_REJECTIONS) out.write(`  … and ${final.rejected - PRINTED_REJECTIONS} more rejected lines (GET /api/v1/imports/${final.id})\n`);
  if (final.status === "failed") {
    process.stderr.write(`failed: ${final.failure ?? "the import failed"}\n`);
    process.exitCode = 1;
  } else if (final.rejected > 0) process.exitCode = 1;
}

/**
 * `practice export`: every row of the practice and its files (exportPractice), into a new directory or a new zip,
 * with a line per table on the terminal.
 */
export async function exportCommand(options: { practice: Practice; scope: PracticeScope; files: PracticeFiles | undefined; out: string; stdout: NodeJS.WritableStream }): Promise<void> {
  const target = await asExportUsage(options.out.toLowerCase().endsWith(".zip") ? zipTarget(options.out) : directoryTarget(options.out));
  const started = Date.now();
  const summary = await exportPractice({ practice: options.practice, scope: options.scope, files: options.files, target, now: new Date() });
  for (const [table, rows] of Object.entries(summary.tables)) if (rows) options.stdout.write(`  ${table.padEnd(32)} ${String(rows).padStart(9)} rows\n`);
  const total = Object.values(summary.tables).reduce((a, b) => a + b, 0);
  const files = options.files ? `, ${summary.files} files${summary.missingFiles ? ` (${summary.missingFiles} missing from the store)` : ""}` : ", files not included (no file store)";
  options.stdout.write(`exported ${options.practice.subdomain}: ${total} rows in ${Object.keys(summary.tables).length} tables${files} to ${options.out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

async function asExportUsage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ExportTargetError) throw new UsageError(error.message);
    throw error;
  }
}
