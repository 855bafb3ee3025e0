import type { ContentBlock } from "../../app/document-content";

export type RecordForPdf = {
  practiceName: string;
  practiceContact: string;
  patientName: string;
  title: string;
  category: string;
  visitDate: string;
  author: string | null;
  blocks: ContentBlock[];
};

/** A record as a printable PDF (pdfkit: pure JavaScript, maintained, no browser needed on the server). */
export async function renderRecordPdf(record: RecordForPdf): Promise<Buffer> {
  // Loaded on first use: pdfkit and its font data add about 25 MB to a process that may never print a record.
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: `${record.title} — ${record.patientName}`, Author: record.practiceName, Creator: "Portico" } });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  doc.font("Helvetica-Bold").fontSize(16).text(record.practiceName);
  if (record.practiceContact) doc.font("Helvetica").fontSize(9).fillColor("#505b6b").text(record.practiceContact);
  doc.moveDown(1).fillColor("#1c2430");
  doc.font("Helvetica-Bold").fontSize(14).text(record.title);
  doc.font("Helvetica").fontSize(10).fillColor("#505b6b").text([record.patientName, record.category, record.visitDate, record.author ? `by ${record.author}` : ""].filter(Boolean).join("  ·  "));
  doc.moveDown(1).fillColor("#1c2430").fontSize(11);
  for (const block of record.blocks) {
    if (block.kind === "heading") doc.moveDown(0.5).font("Helvetica-Bold").fontSize(12).text(block.text).font("Helvetica").fontSize(11);
    else if (block.kind === "paragraph") doc.text(block.lines.join("\n")).moveDown(0.5);
    else doc.list(block.items, { bulletRadius: 2, textIndent: 12 }).moveDown(0.5);
  }
  doc.end();
  return done;
}
