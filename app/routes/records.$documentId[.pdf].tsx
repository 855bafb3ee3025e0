import type { LoaderFunctionArgs } from "@remix-run/node";
import { getRecordPdf } from "~/use-cases/portal/records.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { filename, content } = await getRecordPdf(context, request, params.documentId);
  return new Response(new Uint8Array(content), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
