import type { LoaderFunctionArgs } from "@remix-run/node";
import { consoleSubdomainCheck } from "~/use-cases/support/console-practices.server";

/** The new-practice form's live availability check (JSON). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return Response.json(await consoleSubdomainCheck(context, request), { headers: { "Cache-Control": "no-store" } });
}
