import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { attachmentHeaders } from "~/use-cases/document-file-download.server";
import { getRecordFile } from "~/use-cases/portal/records.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const file = await getRecordFile(context, request, params.documentId, params.fileId);
  return new Response(createReadableStreamFromReadable(await file.read()), { headers: attachmentHeaders(file) });
}
