import type { LoaderFunctionArgs } from "@remix-run/node";
import { importTemplate } from "~/use-cases/admin/imports.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { filename, content } = await importTemplate(context, request);
  return new Response(content, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
