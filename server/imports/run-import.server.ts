import { type Selectable, sql } from "kysely";
import type { ImportsTable } from "../../db/schema";
import type { PracticeScope, PracticeTransaction } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { RecordActor } from "../../app/use-cases/record-fields";
import { recordAudit } from "../audit.server";
import { IMPORT_TYPES, type ParsedLine, parseImportLine } from "./import-types.server";
import { ndjsonLines } from "./ndjson-lines.server";

/** Physical lines per transaction: one `withPractice` per batch, never one per line nor one for the whole file. */
export const IMPORT_BATCH_LINES = 500;
/** A longer line is rejected (and skipped) without being held in memory. */
export const MAX_LINE_BYTES = 1_000_000;
/** Rejected lines kept in the report of one import; the count goes on beyond it. */
export const MAX_REPORTED_REJECTIONS = 10_000;
/** An import whose worker has not written for this long was interrupted (its server stopped and did not come back). */
export const IMPORT_STALE_AFTER_MS = 10 * 60_000;

export type ImportRow = Selectable<ImportsTable>;
export type ImportSource = ImportsTable["source"];
export type ImportCreator = { type: ImportsTable["created_by_type"]; id: string | null; name: string };
export type ImportProgress = { linesDone: number; bytes: number; created: number; updated: number; unchanged: number; rejected: number };

/** Creates the import row (queued) and audits it, in the caller's transaction. */
export async function createImport(
  trx: PracticeTransaction,
  options: { practiceId: string; source: ImportSource; bytes: number; linesTotal: number | null; creator: ImportCreator; ip?: string | null; userAgent?: string | null; now: Date },
): Promise<ImportRow> {
  const { creator, now } = options;
  const row = await trx
    .insertInto("imports")
    .values({
      practice_id: options.practiceId,
      source: options.source,
      bytes: options.bytes,
      lines_total: options.linesTotal,
      created_by_type: creator.type,
      created_by: creator.id,
      created_by_name: creator.name.slice(0, 200),
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, options.practiceId, {
    actorType: creator.type,
    actorId: creator.id,
    action: "import.created",
    subjectType: "import",
    subjectId: row.id,
    ip: options.ip ?? null,
    userAgent: options.userAgent ?? null,
    details: { source: options.source, bytes: options.bytes, lines: options.linesTotal, ...(creator.type === "api_key" ? { apiKey: creator.name } : {}) },
    at: now,
  });
  return row;
}

/** Who each row of the import is written by, in the audit log: the import's creator, naming the import. */
function actorOf(row: ImportRow): RecordActor {
  const details: Record<string, unknown> = { importId: row.id };
  if (row.created_by_type === "api_key") details.apiKey = row.created_by_name;
  return { actorType: row.created_by_type, actorId: row.created_by, ip: null, userAgent: null, details };
}

/** Postgres refused a value (a check, a length, a range) the schemas let through: the line's data, not the import. */
function isDataError(error: unknown): boolean {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  return /^2[23]/.test(code);
}

class ImportNotRunning extends Error {}

type Counts = { created: number; updated: number; unchanged: number; rejected: number };
type Rejection = { line: number; type: string | null; external_id: string | null; reason: string };

type GoodLine = Extract<ParsedLine, { ok: true }>;

/**
 * The lines a type's write takes at once. A batch's lines are taken type by type in the order of `IMPORT_TYPES`,
 * which is the order references go (clients before their patients, patients before their documents), so a file
 * that interleaves types (each patient's documents and appointments after it) still writes a few statements per
 * type and batch, and a line may name a record from anywhere in its batch. Within a type the file's order holds: a
 * repeated external id starts a new run, so the later line is written after the earlier one.
 */
function runsOf(lines: GoodLine[]): GoodLine[][] {
  const runs: GoodLine[][] = [];
  for (const type of Object.keys(IMPORT_TYPES)) {
    let run: GoodLine[] = [];
    let ids = new Set<string>();
    for (const line of lines) {
      if (line.type !== type) continue;
      if (ids.has(line.externalId)) {
        runs.push(run);
        run = [];
        ids = new Set();
      }
      run.push(line);
      ids.add(line.externalId);
    }
    if (run.length) runs.push(run);
  }
  return runs;
}

async function applyBatch(
  trx: PracticeTransaction,
  options: { practice: Practice; row: ImportRow; lines: ParsedLine[]; physical: number; reported: number; now: Date; savepoints: boolean },
): Promise<Counts & { reported: number }> {
  const { practice, row, now } = options;
  const actor = actorOf(row);
  const counts: Counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const rejections: Rejection[] = [];
  const reject = (line: ParsedLine, reason: string) => {
    counts.rejected++;
    rejections.push({ line: line.line, type: line.type, external_id: line.externalId, reason: reason.slice(0, 2000) });
  };
  const good: GoodLine[] = [];
  for (const line of options.lines) {
    if (line.ok) good.push(line);
    else reject(line, line.reason);
  }
  // Savepoints only on the second pass of a batch a line broke, one line at a time: a clean batch costs no extra round trips.
  for (const run of options.savepoints ? good.map((line) => [line]) : runsOf(good)) {
    const type = IMPORT_TYPES[run[0]!.type]!;
    if (options.savepoints) await sql`savepoint import_line`.execute(trx);
    try {
      const results = await type.upsert(trx, { practice, items: run.map((line) => ({ externalId: line.externalId, input: line.input })), actor, now });
      if (options.savepoints) await sql`release savepoint import_line`.execute(trx);
      run.forEach((line, i) => {
        const result = results[i]!;
        if (result.ok) counts[result.outcome]++;
        else reject(line, result.errors.map((e) => `${e.path.join(".")} ${e.message}`).join("; "));
      });
    } catch (error) {
      if (!options.savepoints || !isDataError(error)) throw error;
      await sql`rollback to savepoint import_line`.execute(trx);
      reject(run[0]!, "a value was refused by the practice's data rules");
    }
  }
  rejections.sort((a, b) => a.line - b.line);
  const room = Math.max(0, MAX_REPORTED_REJECTIONS - options.reported);
  const kept = rejections.slice(0, room);
  if (kept.length) await trx.insertInto("import_rejections").values(kept.map((r) => ({ practice_id: practice.id, import_id: row.id, ...r }))).execute();
  // Progress commits with the rows it counts: a resumed import starts exactly after the last committed batch.
  const updated = await trx
    .updateTable("imports")
    .set((eb) => ({
      lines_done: eb("lines_done", "+", options.physical),
      created: eb("created", "+", counts.created),
      updated: eb("updated", "+", counts.updated),
      unchanged: eb("unchanged", "+", counts.unchanged),
      rejected: eb("rejected", "+", counts.rejected),
      heartbeat_at: now,
    }))
    .where("id", "=", row.id)
    .where("status", "=", "running")
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) throw new ImportNotRunning();
  return { ...counts, reported: options.reported + kept.length };
}

/** Marks a queued or running import as running; undefined when it is finished (or not this practice's). */
export async function claimImport(scope: PracticeScope, importId: string, now: Date): Promise<ImportRow | undefined> {
  return scope((trx) =>
    trx
      .updateTable("imports")
      .set((eb) => ({ status: "running", started_at: eb.fn.coalesce("started_at", eb.val(now)), heartbeat_at: now }))
      .where("id", "=", importId)
      .where("status", "in", ["queued", "running"])
      .returningAll()
      .executeTakeFirst(),
  );
}

async function finish(scope: PracticeScope, practice: Practice, row: ImportRow, status: "done" | "failed", failure: string | null, now: Date): Promise<ImportRow | undefined> {
  return scope(async (trx) => {
    const finished = await trx
      .updateTable("imports")
      .set({ status, failure: failure?.slice(0, 1000) ?? null, finished_at: now, heartbeat_at: now })
      .where("id", "=", row.id)
      .where("status", "=", "running")
      .returningAll()
      .executeTakeFirst();
    if (finished) {
      const { created, updated, unchanged, rejected, lines_done } = finished;
      await recordAudit(trx, practice.id, {
        ...actorOf(finished),
        action: status === "done" ? "import.finished" : "import.failed",
        subjectType: "import",
        subjectId: row.id,
        details: { ...actorOf(finished).details, lines: lines_done, created, updated, unchanged, rejected, ...(failure ? { failure } : {}) },
        at: now,
      });
    }
    return finished;
  });
}

export type RunImportOptions = {
  scope: PracticeScope;
  practice: Practice;
  /** A claimed (running) import: processing starts after its `lines_done`. */
  row: ImportRow;
  source: AsyncIterable<Uint8Array | string>;
  now: () => Date;
  onProgress?: (progress: ImportProgress) => void;
  /** Checked between batches: true leaves the import running, to be resumed by the next start. */
  stopping?: () => boolean;
};

/**
 * Reads the source line by line and upserts through the API's own use cases, a batch of lines per practice
 * transaction. A line that fails its schema, names what does not exist or is refused by the database is reported
 * with its reason, and the lines after it go on. Anything else (the database gone) fails the import with its reason.
 */
export async function runImport(options: RunImportOptions): Promise<{ outcome: "done" | "failed" | "paused"; row: ImportRow | undefined }> {
  const { scope, practice, row, now } = options;
  const progress: ImportProgress = { linesDone: row.lines_done, bytes: 0, created: row.created, updated: row.updated, unchanged: row.unchanged, rejected: row.rejected };
  let reported = Math.min(row.rejected, MAX_REPORTED_REJECTIONS);
  let batch: ParsedLine[] = [];
  let physical = 0;
  let bytes = 0;
  const commit = async () => {
    const run = (savepoints: boolean) => scope((trx) => applyBatch(trx, { practice, row, lines: batch, physical, reported, now: now(), savepoints }));
    let counts: Awaited<ReturnType<typeof run>>;
    try {
      counts = await run(false);
    } catch (error) {
      if (!isDataError(error)) throw error;
      counts = await run(true);
    }
    reported = counts.reported;
    progress.linesDone += physical;
    progress.bytes = bytes;
    progress.created += counts.created;
    progress.updated += counts.updated;
    progress.unchanged += counts.unchanged;
    progress.rejected += counts.rejected;
    batch = [];
    physical = 0;
    options.onProgress?.({ ...progress });
  };
  try {
    for await (const source of ndjsonLines(options.source, { maxLineBytes: MAX_LINE_BYTES, skip: row.lines_done })) {
      physical++;
      bytes = source.bytes;
      const parsed = source.ok ? parseImportLine(source.line, source.text) : { ok: false as const, line: source.line, type: null, externalId: null, reason: source.reason };
      if (parsed) batch.push(parsed);
      if (physical >= IMPORT_BATCH_LINES) {
        await commit();
        if (options.stopping?.()) return { outcome: "paused", row: undefined };
      }
    }
    if (physical > 0) await commit();
  } catch (error) {
    if (error instanceof ImportNotRunning) return { outcome: "failed", row: undefined };
    const reason = error instanceof Error ? error.message : String(error);
    return { outcome: "failed", row: await finish(scope, practice, row, "failed", `The import stopped after line ${progress.linesDone}: ${reason}`, now()).catch(() => undefined) };
  }
  return { outcome: "done", row: await finish(scope, practice, row, "done", null, now()) };
}

/** Marks an import whose worker stopped long ago (and will not resume it) as failed, so nobody waits for it forever. */
export async function failIfStale(trx: PracticeTransaction, row: ImportRow, now: Date): Promise<ImportRow> {
  if (row.status !== "queued" && row.status !== "running") return row;
  const lastSign = row.heartbeat_at ?? row.created_at;
  if (now.getTime() - lastSign.getTime() < IMPORT_STALE_AFTER_MS) return row;
  const failed = await trx
    .updateTable("imports")
    .set({ status: "failed", failure: `The import was interrupted after line ${row.lines_done} and did not resume. Send the file again: lines already imported are left unchanged.`, finished_at: now })
    .where("id", "=", row.id)
    .where("status", "in", ["queued", "running"])
    .returningAll()
    .executeTakeFirst();
  return failed ?? row;
}

/** An import and the first page of its report, as the API and admin show it. */
export async function readImport(trx: PracticeTransaction, importId: string, now: Date, options: { rejections?: number } = {}) {
  const found = await trx.selectFrom("imports").selectAll().where("id", "=", importId).executeTakeFirst();
  if (!found) return undefined;
  const row = await failIfStale(trx, found, now);
  const limit = options.rejections ?? 1000;
  const rejections = await trx.selectFrom("import_rejections").select(["line", "type", "external_id", "reason"]).where("import_id", "=", row.id).orderBy("line").limit(limit + 1).execute();
  const shown = rejections.slice(0, limit);
  return { row, rejections: shown, moreRejections: row.rejected > shown.length };
}
