import type { LoaderFunctionArgs } from "@remix-run/node";
import { appointmentCalendarFile } from "~/use-cases/portal/appointments.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { filename, content } = await appointmentCalendarFile(context, request, params.appointmentId);
  return new Response(content, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
