import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { signOutStaff } from "~/use-cases/admin/staff-sign-in.server";

export async function loader() {
  throw redirect("/admin/login");
}

export async function action({ request, context }: ActionFunctionArgs) {
  throw redirect("/admin/login", { headers: { "Set-Cookie": await signOutStaff(context, request) } });
}
