import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { PassThrough, type Readable, type Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { sql } from "kysely";
import { ZipFile } from "yazl";
import { PRACTICE_SCHEMA_VERSION } from "../../db/migrate.server";
import type { PracticeScope } from "../../db/with-practice.server";
import type { Practice } from "../../tenants/practice";
import type { PracticeFiles } from "../files/practice-files.server";

/** Rows per practice transaction: keyset pages, never one long cursor (patches/README.md, "Known and not patched"). */
export const EXPORT_BATCH_ROWS = 1000;

/**
 * Live credentials and counters: useless to any other system and dangerous to carry around, so never exported.
 * The practice's file keys are left out too: the files themselves are exported decrypted.
 */
export const OMITTED_TABLES = new Set(["client_sessions", "client_sign_in_links", "staff_sessions", "staff_invitations", "client_account_links", "rate_limit_counters", "file_keys"]);
/** Columns that hold secrets or their hashes (passwords, authenticator seeds, key hashes, sealed signing secrets). */
export const OMITTED_COLUMN = /(hash|sealed|secret|totp|password)/;

type Table = { name: string; columns: string[]; key: string[] };

/** Every practice table the runtime role may read, with its columns and primary key, from the catalogue. */
async function practiceTables(scope: PracticeScope): Promise<Table[]> {
  const rows = await scope(async (trx) => {
    const result = await sql<{ table_name: string; columns: string[]; key: string[] }>`
      select c.relname as table_name,
             array(select a.attname::text from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum) as columns,
             array(select a.attname::text from pg_index i cross join unnest(i.indkey) with ordinality k(attnum, n)
                   join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
                   where i.indrelid = c.oid and i.indisprimary order by k.n) as key
        from pg_class c join pg_namespace ns on ns.oid = c.relnamespace
       where ns.nspname = 'public' and c.relkind = 'r'
         and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'practice_id' and not a.attisdropped)
         and has_table_privilege(c.oid, 'select')
       order by c.relname`.execute(trx);
    return result.rows;
  });
  return rows.filter((t) => !OMITTED_TABLES.has(t.table_name) && t.key.length > 0).map((t) => ({ name: t.table_name, columns: t.columns, key: t.key }));
}

/** A row as JSON: bytes as base64, instants as ISO strings, secret columns left out. */
function exportRow(row: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (OMITTED_COLUMN.test(column)) continue;
    out[column] = Buffer.isBuffer(value) ? value.toString("base64") : typeof value === "bigint" ? value.toString() : value;
  }
  return JSON.stringify(out);
}

/** Where an export goes: a directory of files, or one zip written as it is made. */
export type ExportTarget = {
  /** A writable for one file; the caller ends it. Files are written one after another. */
  file(name: string): Writable;
  close(): Promise<void>;
};

export async function directoryTarget(dir: string): Promise<ExportTarget> {
  await fs.mkdir(dir, { recursive: true });
  if ((await fs.readdir(dir)).length) throw new ExportTargetError(`${dir} is not empty: choose a new or empty directory.`);
  const pending: Promise<void>[] = [];
  return {
    file(name) {
      const file = path.join(dir, name);
      const stream = new PassThrough();
      pending.push(fs.mkdir(path.dirname(file), { recursive: true }).then(() => pipeline(stream, createWriteStream(file, { mode: 0o600 }))));
      return stream;
    },
    async close() {
      await Promise.all(pending);
    },
  };
}

export async function zipTarget(file: string): Promise<ExportTarget> {
  try {
    await fs.access(file);
    throw new ExportTargetError(`${file} exists: choose a new file name.`);
  } catch (error) {
    if (error instanceof ExportTargetError) throw error;
  }
  const zip = new ZipFile();
  const out = createWriteStream(file, { mode: 0o600 });
  const writing = pipeline(zip.outputStream as Readable, out);
  return {
    file(name) {
      const stream = new PassThrough();
      zip.addReadStream(stream, name, { mtime: new Date() });
      return stream;
    },
    async close() {
      zip.end();
      await writing;
    },
  };
}

export class ExportTargetError extends Error {}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve, reject) => {
    stream.once("drain", resolve);
    stream.once("error", reject);
  });
}

export type ExportProgress = { table: string; rows: number };
export type ExportSummary = { tables: Record<string, number>; files: number; missingFiles: number };

/**
 * Everything of one practice: each readable practice table as `<table>.ndjson` (one row a line, keyset-paged in
 * batches of 1,000 rows, one practice transaction per batch), each stored file decrypted under `files/<id>`, and
 * `manifest.json` saying what is where and what was left out on purpose.
 */
export async function exportPractice(options: { practice: Practice; scope: PracticeScope; files: PracticeFiles | undefined; target: ExportTarget; now: Date; onProgress?: (p: ExportProgress) => void }): Promise<ExportSummary> {
  const { practice, scope, target } = options;
  const tables = await practiceTables(scope);
  const summary: ExportSummary = { tables: {}, files: 0, missingFiles: 0 };
  for (const table of tables) {
    const stream = target.file(`${table.name}.ndjson`);
    let after: unknown[] | undefined;
    let rows = 0;
    for (;;) {
      const keys = table.key.map((k) => sql.ref(k));
      const page = await scope(async (trx) => {
        const where = after ? sql`where (${sql.join(keys)}) > (${sql.join(after.map((v) => sql`${v}`))})` : sql``;
        const result = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)} ${where} order by ${sql.join(keys)} limit ${EXPORT_BATCH_ROWS}`.execute(trx);
        return result.rows;
      });
      for (const row of page) await write(stream, `${exportRow(row)}\n`);
      rows += page.length;
      options.onProgress?.({ table: table.name, rows });
      if (page.length < EXPORT_BATCH_ROWS) break;
      const last = page.at(-1)!;
      after = table.key.map((k) => last[k]);
    }
    stream.end();
    await finished(stream);
    summary.tables[table.name] = rows;
  }

  // Files: opened from their rows in the practice's scope, read after the transaction, written decrypted.
  if (options.files && tables.some((t) => t.name === "files")) {
    let after: string | undefined;
    for (;;) {
      const ids = await scope((trx) => {
        let query = trx.selectFrom("files").select("id").orderBy("id").limit(EXPORT_BATCH_ROWS);
        if (after) query = query.where("id", ">", after);
        return query.execute();
      });
      for (const { id } of ids) {
        const opened = await scope((trx) => options.files!.openFile(trx, practice, id));
        if (!opened) continue;
        try {
          const body = await opened.read();
          const stream = target.file(`files/${id}`);
          await pipeline(body, stream);
          summary.files++;
        } catch {
          // Bytes gone from the store: listed in the manifest, never a half-written file.
          summary.missingFiles++;
        }
      }
      options.onProgress?.({ table: "files", rows: summary.files });
      if (ids.length < EXPORT_BATCH_ROWS) break;
      after = ids.at(-1)!.id;
    }
  }

  const manifest = target.file("manifest.json");
  manifest.end(
    `${JSON.stringify(
      {
        practice: { id: practice.id, subdomain: practice.subdomain, name: practice.name, kind: practice.kind },
        exported_at: options.now.toISOString(),
        schema_version: PRACTICE_SCHEMA_VERSION,
        format: "One <table>.ndjson per table, one row a line as JSON (bytea as base64); files/<id> holds each stored file's bytes, its metadata in files.ndjson.",
        tables: summary.tables,
        files: { exported: summary.files, missing: summary.missingFiles, included: Boolean(options.files) },
        omitted: { tables: [...OMITTED_TABLES].sort(), columns: `every column whose name matches ${String(OMITTED_COLUMN)}` },
      },
      null,
      2,
    )}\n`,
  );
  await finished(manifest);
  await target.close();
  return summary;
}
