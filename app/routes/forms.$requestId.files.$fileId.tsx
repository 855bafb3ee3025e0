import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { attachmentHeaders } from "~/use-cases/document-file-download.server";
import { formAnswerFile } from "~/use-cases/portal/forms.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const file = await formAnswerFile(context, request, params.requestId, params.fileId);
  return new Response(createReadableStreamFromReadable(await file.read()), { headers: attachmentHeaders(file) });
}
