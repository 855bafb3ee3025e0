import type { LoaderFunctionArgs } from "@remix-run/node";
import { formCopyPdf } from "~/use-cases/portal/forms.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { filename, content } = await formCopyPdf(context, request, params.requestId);
  return new Response(new Uint8Array(content), { headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${filename}"`, "Cache-Control": "private, no-store" } });
}
