import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { signOut } from "~/use-cases/client-session.server";

export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  throw redirect("/", { headers: { "Set-Cookie": await signOut(context, request) } });
}
