import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { getDocumentFileForStaff } from "~/use-cases/admin/document-files.server";
import { attachmentHeaders } from "~/use-cases/document-file-download.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const file = await getDocumentFileForStaff(context, request, params.documentId, params.fileId);
  return new Response(createReadableStreamFromReadable(await file.read()), { headers: attachmentHeaders(file) });
}
