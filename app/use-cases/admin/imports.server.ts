import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { CsvError, type CsvKind, csvTemplate, csvToImportLines } from "../../../server/imports/csv.server";
import { createImport, readImport } from "../../../server/imports/run-import.server";
import type { PorticoLoadContext } from "../../load-context";
import { formatDateTime, localeFor } from "../../time";
import { adminPage } from "./admin-page.server";

/**
 * Bulk import in admin needs `manage_integrations`, like API keys: one file can create or replace every client
 * record of the practice, including the addresses that may sign in, which is the power of a write key rather than
 * of editing one chart (`chart_access`).
 */
const PERMISSION = "manage_integrations";

const kindSchema = z.enum(["clients", "patients"]);

/** The recent imports (API, CLI and CSV alike) and, when one is chosen, its report. */
export async function importsPage(context: PorticoLoadContext, request: Request) {
  const selected = z.uuid().safeParse(new URL(request.url).searchParams.get("id"));
  return adminPage(context, request, PERMISSION, async ({ trx, now }) => {
    const { time_zone: timeZone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
    const when = (date: Date | null) => (date ? formatDateTime(date, timeZone, localeFor(timeZone)) : null);
    const rows = await trx.selectFrom("imports").select(["id"]).orderBy("created_at", "desc").limit(20).execute();
    const views = await Promise.all(rows.map((r) => readImport(trx, r.id, now, { rejections: 0 })));
    const report = selected.success ? await readImport(trx, selected.data, now, { rejections: 500 }) : undefined;
    const summary = (view: NonNullable<(typeof views)[number]>) => {
      const { row } = view;
      return {
        id: row.id,
        source: { api: "API", cli: "Command line", csv: "CSV upload" }[row.source],
        by: row.created_by_name,
        createdAt: when(row.created_at),
        status: row.status,
        percent: row.status === "done" ? 100 : row.lines_total ? Math.floor((100 * row.lines_done) / row.lines_total) : 0,
        created: row.created,
        updated: row.updated,
        unchanged: row.unchanged,
        rejected: row.rejected,
        failure: row.failure,
      };
    };
    return {
      imports: views.flatMap((v) => (v ? [summary(v)] : [])),
      report: report ? { ...summary(report), rejections: report.rejections, more: report.moreRejections } : null,
    };
  });
}

export type CsvUpload = { kind: unknown; file: Blob | null };
export type CsvImportResult = { ok: true; importId: string } | { ok: false; error: string; status: 400 | 413 | 422 };

/**
 * Starts an import of a CSV file of clients or patients: checked for its header, converted to the import's lines in
 * a spool file, and handed to the server's import runner; the page then shows its progress and report.
 */
export async function startCsvImport(context: PorticoLoadContext, request: Request, readUpload: () => Promise<CsvUpload | { error: string; status: 400 | 413 }>): Promise<CsvImportResult> {
  // The permission is checked before the body is read.
  const { page: staff } = await adminPage(context, request, PERMISSION, async ({ staff, site }) => ({ id: staff.id, name: staff.name, actorType: staff.actorType, site }));
  const upload = await readUpload();
  if ("error" in upload) return { ok: false, ...upload };
  const kind = kindSchema.safeParse(upload.kind);
  if (!kind.success) return { ok: false, error: "Choose whether the file holds clients or patients.", status: 422 };
  if (!upload.file || upload.file.size === 0) return { ok: false, error: "Choose a CSV file (start from the template).", status: 422 };
  const { site } = staff;
  const temporary = await context.imports.temporaryPath();
  let lines = 0;
  try {
    const counted = async function* (source: AsyncIterable<string>) {
      for await (const chunk of source) {
        for (let i = chunk.indexOf("\n"); i !== -1; i = chunk.indexOf("\n", i + 1)) lines++;
        yield chunk;
      }
    };
    await pipeline(Readable.from(counted(csvToImportLines(kind.data, Readable.fromWeb(upload.file.stream() as never)))), createWriteStream(temporary, { mode: 0o600 }));
  } catch (error) {
    await fs.rm(temporary, { force: true });
    if (error instanceof CsvError) return { ok: false, error: `The file is not a ${kind.data} CSV like the template: ${error.message}.`, status: 422 };
    return { ok: false, error: `The file could not be read as CSV: ${error instanceof Error ? error.message : String(error)}.`, status: 422 };
  }
  const row = await site.withPractice(async (trx) => {
    const created = await createImport(trx, {
      practiceId: site.practice.id,
      source: "csv",
      bytes: upload.file!.size,
      linesTotal: lines,
      creator: { type: "staff", id: staff.id, name: staff.name },
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      now: context.now(),
    });
    await context.imports.adopt(temporary, site.practice, created.id);
    return created;
  });
  context.imports.enqueue(site.practice, site.withPractice, row.id);
  return { ok: true, importId: row.id };
}

/** The template to fill in, after the same permission check as the page. */
export async function importTemplate(context: PorticoLoadContext, request: Request): Promise<{ filename: string; content: string }> {
  const kind = kindSchema.safeParse(new URL(request.url).searchParams.get("kind"));
  await adminPage(context, request, PERMISSION, async () => null);
  if (!kind.success) throw new Response("Not found", { status: 404 });
  return { filename: `portico-${kind.data}-template.csv`, content: csvTemplate(kind.data as CsvKind) };
}
