import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportAuditEvents } from "~/use-cases/admin/audit-log.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const csv = await exportAuditEvents(context, request);
  return new Response(csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="audit-log.csv"', "Cache-Control": "private, no-store" },
  });
}
