import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { endSupportAccess } from "~/use-cases/admin/support-access.server";

export function loader() {
  throw redirect("/admin");
}

export async function action({ request, context }: ActionFunctionArgs) {
  throw redirect("/admin/login", { headers: { "Set-Cookie": await endSupportAccess(context, request) } });
}
