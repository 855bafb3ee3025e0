import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { Page } from "~/components/page";
import type { loader as rootLoader } from "~/root";
import { inspectAccountLink, useAccountLink } from "~/use-cases/client-accounts.server";
import { returnPath } from "~/use-cases/return-path";
import { FormError } from "~/components/form-error";

export const meta: MetaFunction = () => [{ title: "Your portal account" }, { name: "robots", content: "noindex" }, { name: "referrer", content: "no-referrer" }];

// Opening the link only looks at it; the form's POST uses it.
export async function loader({ params, context }: LoaderFunctionArgs) {
  return inspectAccountLink(context, params.token ?? "");
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const result = await useAccountLink(context, params.token ?? "", await request.formData());
  if (result.ok) throw redirect(returnPath(new URL(request.url).searchParams.get("next")) ?? "/home", { headers: { "Set-Cookie": result.cookie } });
  return data({ error: result.error }, { status: 400 });
}

const TITLES = { invitation: "Create your account", access_link: "Open your records", password_reset: "Choose a new password", form_registration: "Create your account to fill in your forms" };

export default function AccountLinkPage() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const practiceName = root?.site.kind === "practice" ? root.site.name : "the practice";
  if (view.state !== "valid") {
    return (
      <Page>
        <section className="card sign-in">
          <h1>This link does not work</h1>
          <p>
            {view.state === "expired" ? "It has expired." : view.state === "used" ? "It has already been used." : "It is not a link we issued."} Ask {practiceName} for a new one, or sign in
            from the <a href="/">home page</a>.
          </p>
        </section>
      </Page>
    );
  }
  const upgradeOnly = view.kind === "access_link" && view.hasAccount;
  return (
    <Page>
      <section className="card sign-in" aria-labelledby="account-heading">
        <h1 id="account-heading">{TITLES[view.kind]}</h1>
        <p>
          For the account of <strong>{view.maskedEmail}</strong> at {practiceName}.
          {upgradeOnly ? " Your account gets full access to what the practice shares with you. Choose a new password for it: it signs you out everywhere else." : null}
        </p>
        <Form method="post" className="stack">
          <FormError error={result?.error} />
          <label htmlFor="password">New password (at least 12 characters)</label>
          <input id="password" name="password" type="password" autoComplete="new-password" required minLength={12} maxLength={200} />
          <label htmlFor="confirm">The same password again</label>
          <input id="confirm" name="confirm" type="password" autoComplete="new-password" required minLength={12} maxLength={200} />
          <button type="submit" className="button">
            {upgradeOnly ? "Get full access" : view.kind === "password_reset" ? "Save and sign in" : "Create account and sign in"}
          </button>
        </Form>
      </section>
    </Page>
  );
}
