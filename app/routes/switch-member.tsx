import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { switchFamilyMember } from "~/use-cases/portal/family.server";

export function loader() {
  throw redirect("/home");
}

export async function action({ request, context }: ActionFunctionArgs) {
  await switchFamilyMember(context, request, (await request.formData()).get("clientId"));
  throw redirect("/home");
}
