import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadMyData } from "~/use-cases/portal/my-data.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { filename, stream } = await downloadMyData(context, request);
  return new Response(stream, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
