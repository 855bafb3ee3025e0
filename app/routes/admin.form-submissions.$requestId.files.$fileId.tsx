import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { submissionFile } from "~/use-cases/admin/form-requests.server";
import { attachmentHeaders } from "~/use-cases/document-file-download.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const file = await submissionFile(context, request, params.requestId, params.fileId);
  return new Response(createReadableStreamFromReadable(await file.read()), { headers: attachmentHeaders(file) });
}
