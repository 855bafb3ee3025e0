import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportQuestionnaireResponse } from "~/use-cases/admin/form-requests.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { filename, json } = await exportQuestionnaireResponse(context, request, params.requestId);
  return new Response(json, { headers: { "Content-Type": "application/fhir+json; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"`, "Cache-Control": "private, no-store" } });
}
