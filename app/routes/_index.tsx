import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { LandingPage } from "~/components/landing-page";
import { Page } from "~/components/page";
import { PracticeHomePage } from "~/components/practice-home-page";
import { findPracticeForVisitor } from "~/use-cases/find-practice.server";
import { getPracticeHome } from "~/use-cases/get-practice-home.server";
import { signInWithPassword } from "~/use-cases/client-accounts.server";
import { returnPath } from "~/use-cases/return-path";
import { requestSignInLink } from "~/use-cases/sign-in-link.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (data?.page === "practice") return [{ title: `${data.home.name} · Client portal` }];
  return [{ title: "Portico · Your practice's client portal" }, { name: "description", content: "Find your practice's client portal." }];
};

// One address, three faces: the host decides (resolved once by the server, never re-read here).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { site } = context;
  switch (site.kind) {
    case "landing":
      return { page: "landing" as const, search: await findPracticeForVisitor(site, new URL(request.url).searchParams.get("q")) };
    case "support":
      throw redirect("/support");
    case "practice": {
      const { home, signedIn } = await getPracticeHome({ ...context, site }, request);
      const next = returnPath(new URL(request.url).searchParams.get("next"));
      if (signedIn) throw redirect(next ?? "/home");
      return { page: "practice" as const, home, next: next ?? null };
    }
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  if (form.get("intent") !== "password") return requestSignInLink(context, form);
  const result = await signInWithPassword(context, form);
  // A temporary password still goes to be changed first; otherwise back to the page a link brought them to.
  const next = result.ok && result.next === "/home" ? (returnPath(form.get("next")) ?? result.next) : result.ok ? result.next : undefined;
  if (result.ok) throw redirect(next!, { headers: { "Set-Cookie": result.cookie } });
  return data({ status: "password_refused" as const, login: result.login, error: result.error }, { status: result.status });
}

export default function Index() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return <Page>{data.page === "landing" ? <LandingPage search={data.search} /> : <PracticeHomePage home={data.home} result={result} next={data.next ?? undefined} />}</Page>;
}
