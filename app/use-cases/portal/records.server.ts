import type { DocumentCategory } from "../../../db/schema";
import { CATEGORY_LABELS } from "../../categories";
import { type ContentBlock, parseContent } from "../../document-content";
import type { PorticoLoadContext } from "../../load-context";
import { formatDate, localeFor } from "../../time";
import { renderRecordPdf } from "../../../server/pdf/record-pdf.server";
import { visibleDocuments } from "../../visibility/portal-queries.server";
import { PAGE_AREA } from "../../visibility/portal-rules";
import { requireArea, withSignedInClient } from "../client-session.server";
import { type AttachmentDownload, documentFileLinks, openDocumentFile } from "../document-file-download.server";
import { idParam, notFound, portalPage } from "./portal-page.server";

export type RecordListItem = { id: string; title: string; category: string; visitDate: string; visitDateText: string };
export type PetRecords = { patientId: string; patientName: string; years: { year: string; records: RecordListItem[] }[] };

/** Medical records the practice shares, per pet, grouped by year (newest first). */
export async function listRecords(context: PorticoLoadContext, request: Request) {
  return portalPage(context, request, async ({ trx, client, timeZone }) => {
    requireArea(client, PAGE_AREA.records);
    const locale = localeFor(timeZone);
    const rows = await visibleDocuments(trx, { clientId: client.viewing.clientId, access: client.access })
      .select(["d.id", "d.title", "d.category", "d.visit_date", "p.id as patient_id", "p.name as patient_name"])
      .orderBy("p.name")
      .orderBy("d.visit_date", "desc")
      .orderBy("d.title")
      .execute();
    const pets = await trx.selectFrom("patients as p").select(["p.id", "p.name"]).where("p.client_id", "=", client.viewing.clientId).where("p.status", "=", "active").orderBy("p.name").execute();
    const byPet: PetRecords[] = pets.map((pet) => ({ patientId: pet.id, patientName: pet.name, years: [] }));
    for (const row of rows) {
      const pet = byPet.find((p) => p.patientId === row.patient_id);
      if (!pet) continue;
      const year = row.visit_date.slice(0, 4);
      let group = pet.years.find((y) => y.year === year);
      if (!group) pet.years.push((group = { year, records: [] }));
      group.records.push({ id: row.id, title: row.title, category: CATEGORY_LABELS[row.category as DocumentCategory], visitDate: row.visit_date, visitDateText: formatDate(row.visit_date, locale) });
    }
    return { pets: byPet };
  });
}

export type RecordDetail = {
  id: string;
  title: string;
  category: string;
  visitDate: string;
  visitDateText: string;
  author: string | null;
  patientName: string;
  blocks: ContentBlock[];
  /** The document's current attached files (PDF, JPEG, PNG), each downloaded from /records/{id}/files/{fileId}. */
  files: { id: string; name: string; contentType: string; byteSize: number }[];
};

/** One record, only if the rules let this client see it; otherwise the same 404 as a record that does not exist. */
export async function getRecord(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const id = idParam(rawId);
  return portalPage(context, request, async ({ trx, client, timeZone }): Promise<RecordDetail> => {
    requireArea(client, PAGE_AREA.records);
    const row = await visibleDocuments(trx, { clientId: client.viewing.clientId, access: client.access })
      .select(["d.id", "d.title", "d.category", "d.visit_date", "d.author_name", "d.content", "p.name as patient_name"])
      .where("d.id", "=", id)
      .executeTakeFirst();
    if (!row) throw notFound();
    return {
      files: await documentFileLinks(trx, row.id),
      id: row.id,
      title: row.title,
      category: CATEGORY_LABELS[row.category as DocumentCategory],
      visitDate: row.visit_date,
      visitDateText: formatDate(row.visit_date, localeFor(timeZone)),
      author: row.author_name,
      patientName: row.patient_name,
      blocks: parseContent(row.content),
    };
  });
}

/**
 * One of a record's attached files, through exactly the same visibility check as the record's page (the SQL twin of
 * the rules): another client's, a withdrawn file, a document unshared or voided are all the same 404.
 */
export async function getRecordFile(context: PorticoLoadContext, request: Request, rawDocumentId: string | undefined, rawFileId: string | undefined): Promise<AttachmentDownload> {
  const documentId = idParam(rawDocumentId);
  const fileId = idParam(rawFileId);
  return withSignedInClient(context, request, async ({ trx, client, practiceId }) => {
    requireArea(client, PAGE_AREA.records);
    const visible = await visibleDocuments(trx, { clientId: client.viewing.clientId, access: client.access }).select("d.id").where("d.id", "=", documentId).executeTakeFirst();
    const file = visible && (await openDocumentFile(context, trx, practiceId, documentId, fileId));
    if (!file) throw notFound();
    return file;
  });
}

/** The record as a PDF download, through exactly the same visibility check as the page. */
export async function getRecordPdf(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<{ filename: string; content: Buffer }> {
  return recordPdf(await getRecord(context, request, rawId));
}

/** A record already read through getRecord, as a PDF. */
export async function recordPdf({ shell, page }: Awaited<ReturnType<typeof getRecord>>): Promise<{ filename: string; content: Buffer }> {
  const content = await renderRecordPdf({
    practiceName: shell.practiceName,
    practiceContact: [shell.contact.phone, shell.contact.email].filter(Boolean).join("  ·  "),
    patientName: page.patientName,
    title: page.title,
    category: page.category,
    visitDate: page.visitDateText,
    author: page.author,
    blocks: page.blocks,
  });
  const slug = `${page.patientName}-${page.title}-${page.visitDate}`.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 80);
  return { filename: `${slug || "record"}.pdf`, content };
}
