import { recordAudit } from "../../../server/audit.server";
import type { PorticoLoadContext } from "../../load-context";
import { type AttachmentDownload, openDocumentFile } from "../document-file-download.server";
import { idParam, notFound } from "../portal/portal-page.server";
import { adminPage } from "./admin-page.server";

/**
 * A document's attached file for staff who see charts (chart_access), whether or not the document is shared with
 * the client; audited like opening the record. A withdrawn file, or another document's, is a 404.
 */
export async function getDocumentFileForStaff(context: PorticoLoadContext, request: Request, rawDocumentId: string | undefined, rawFileId: string | undefined): Promise<AttachmentDownload> {
  const documentId = idParam(rawDocumentId);
  const fileId = idParam(rawFileId);
  const { page } = await adminPage(context, request, "chart_access", async ({ trx, staff, practiceId, now }) => {
    const file = await openDocumentFile(context, trx, practiceId, documentId, fileId);
    if (!file) throw notFound();
    await recordAudit(trx, practiceId, { actorType: staff.actorType, actorId: staff.id, action: "staff.document_file_downloaded", subjectType: "document", subjectId: documentId, ip: context.visitor.ip, userAgent: context.visitor.userAgent, details: { name: file.name }, at: now });
    return file;
  });
  return page;
}
