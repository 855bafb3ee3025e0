import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportQuestionnaire } from "~/use-cases/admin/forms.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { filename, json } = await exportQuestionnaire(context, request, params.formId);
  return new Response(json, { headers: { "Content-Type": "application/fhir+json; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"`, "Cache-Control": "private, no-store" } });
}
