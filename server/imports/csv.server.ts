import { parse } from "csv-parse";
import { stringify } from "csv-stringify/sync";

/**
 * The CSV path for practices without a practice system: one file of clients or one of patients, a row per record,
 * with the columns of the templates below. Each row becomes exactly one import line (the API's PUT body), written
 * where the spreadsheet has it: the header is line 1 (left blank, so it is skipped), row N of the sheet is line N of
 * the import, and the per-line report names spreadsheet rows.
 */
export type CsvKind = "clients" | "patients";

const LIST_SEPARATOR = ";";

export const CSV_COLUMNS: Record<CsvKind, string[]> = {
  clients: ["external_id", "first_name", "last_name", "email", "other_emails", "phone", "other_phones", "address_line1", "address_line2", "city", "region", "postal_code", "country", "status"],
  patients: ["external_id", "client_external_id", "name", "species", "breed", "sex", "date_of_birth", "status"],
};

const EXAMPLES: Record<CsvKind, string[][]> = {
  clients: [
    ["C-1001", "Maria", "Lopez", "maria@example.com", "maria.work@example.com", "+1 555 0100", "", "12 Oak Street", "", "Springfield", "IL", "62701", "US", "active"],
    ["C-1002", "James", "Okafor", "james@example.com", "", "+1 555 0101", "+1 555 0199", "", "", "", "", "", "", "active"],
  ],
  patients: [
    ["P-2001", "C-1001", "Biscuit", "Dog", "Beagle", "Male, neutered", "2019-04-12", "active"],
    ["P-2002", "C-1002", "Luna", "Cat", "", "Female, spayed", "", "active"],
  ],
};

/** The template: the header and two example rows to replace (human-health practices leave species and breed empty). */
export function csvTemplate(kind: CsvKind): string {
  return stringify([CSV_COLUMNS[kind], ...EXAMPLES[kind]]);
}

const list = (value: string) =>
  value
    .split(LIST_SEPARATOR)
    .map((v) => v.trim())
    .filter(Boolean);

/** A row as the API's PUT body: empty cells are left out (their defaults apply), lists are separated by ';'. */
function toResource(kind: CsvKind, row: Record<string, string>): Record<string, unknown> {
  const cell = (name: string) => (row[name] ?? "").trim();
  const present = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== "" && v !== undefined));
  if (kind === "clients") {
    const addressFields = present({ line1: cell("address_line1"), line2: cell("address_line2"), city: cell("city"), region: cell("region"), postal_code: cell("postal_code"), country: cell("country") });
    return {
      type: "client",
      ...present({ external_id: cell("external_id"), first_name: cell("first_name"), last_name: cell("last_name"), status: cell("status") }),
      emails: [cell("email"), ...list(cell("other_emails"))].filter(Boolean),
      phones: [cell("phone"), ...list(cell("other_phones"))].filter(Boolean),
      ...(Object.keys(addressFields).length ? { address: addressFields } : {}),
    };
  }
  return {
    type: "patient",
    ...present({ external_id: cell("external_id"), client_external_id: cell("client_external_id"), name: cell("name"), species: cell("species"), breed: cell("breed"), sex: cell("sex"), date_of_birth: cell("date_of_birth"), status: cell("status") }),
  };
}

export class CsvError extends Error {}

/**
 * Reads a CSV file (a stream of bytes) and yields import lines: a blank line for the header, then one JSON line per
 * row. A row the CSV parser cannot read becomes a line the import rejects with the parser's reason, so one bad row
 * never stops the others. The header must name exactly the template's columns (in any order).
 */
export async function* csvToImportLines(kind: CsvKind, source: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const parser = parse({ bom: true, columns: false, relax_column_count: true, skip_empty_lines: false, trim: false, max_record_size: 100_000, info: true });
  const feeding = (async () => {
    try {
      for await (const chunk of source) if (!parser.write(chunk)) await new Promise((resolve) => parser.once("drain", resolve));
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  let header: string[] | undefined;
  let previousLine = 0;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // Quoted cells may span lines: keep the import's line numbers on the sheet's lines (the row's first line).
    const { lines } = info;
    const startLine = previousLine + 1;
    previousLine = lines;
    if (!header) {
      header = record.map((h) => h.trim().toLowerCase());
      const expected = CSV_COLUMNS[kind];
      const missing = expected.filter((c) => !header!.includes(c));
      const unknown = header.filter((c) => c && !expected.includes(c));
      if (missing.length || unknown.length) {
        throw new CsvError(
          [missing.length ? `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` : "", unknown.length ? `unknown column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}` : ""].filter(Boolean).join("; ") +
            ` (the ${kind} template has ${expected.join(", ")})`,
        );
      }
      yield "\n".repeat(lines - startLine + 1);
      continue;
    }
    const padding = "\n".repeat(Math.max(0, lines - startLine));
    if (record.every((v) => !v.trim())) {
      yield "\n" + padding;
      continue;
    }
    if (record.length > header.length) {
      yield JSON.stringify({ $rejected: `the row has ${record.length} cells, the header ${header.length}` }) + "\n" + padding;
      continue;
    }
    const row = Object.fromEntries(header.map((name, i) => [name, record[i] ?? ""]));
    yield JSON.stringify(toResource(kind, row)) + "\n" + padding;
  }
  await feeding;
  if (!header) throw new CsvError("the file is empty: start from the template");
}
