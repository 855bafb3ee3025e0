import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { signOutSupport } from "~/use-cases/support/support-auth.server";

export function loader() {
  throw redirect("/support/login");
}

export async function action({ request, context }: ActionFunctionArgs) {
  throw redirect("/support/login", { headers: { "Set-Cookie": await signOutSupport(context, request) } });
}
