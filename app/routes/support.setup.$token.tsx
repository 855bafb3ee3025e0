import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Page } from "~/components/page";
import { completeSupportSetup, supportSetupView } from "~/use-cases/support/support-auth.server";
import { FormError } from "~/components/form-error";

export const meta: MetaFunction = () => [{ title: "Set up your account · Portico Support" }, { name: "robots", content: "noindex" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  return supportSetupView(context, params.token ?? "");
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const result = await completeSupportSetup(context, params.token ?? "", await request.formData());
  if (result.ok) throw redirect("/support", { headers: { "Set-Cookie": result.cookie } });
  return data({ error: result.error }, { status: 400 });
}

const STATE_MESSAGES = {
  invalid: "This setup link does not work. Ask a platform operator for a new one.",
  used: "This setup link has already been used. Sign in instead.",
  expired: "This setup link has expired. Ask a platform operator for a new one.",
};

export default function SupportSetup() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (view.state !== "valid") {
    return (
      <Page>
        <section className="card sign-in">
          <h1>Set up your support account</h1>
          <p>{STATE_MESSAGES[view.state]}</p>
        </section>
      </Page>
    );
  }
  return (
    <Page>
      <section className="card sign-in" aria-labelledby="support-setup">
        <h1 id="support-setup">Set up your support account</h1>
        <p>
          Welcome, {view.name} ({view.email}). Choose a password, then add Portico Support to your authenticator app and enter the code it shows. Both are needed every time you
          sign in.
        </p>
        <p>
          Key to type into the app: <code className="manual-key">{view.manualKey}</code>
          <br />
          <a href={view.uri}>Open in authenticator app</a>
        </p>
        <Form method="post" className="stack">
          <FormError error={result?.error} />
          <label htmlFor="password">New password (at least 12 characters)</label>
          <input id="password" name="password" type="password" autoComplete="new-password" minLength={12} required />
          <label htmlFor="confirm">The same password again</label>
          <input id="confirm" name="confirm" type="password" autoComplete="new-password" minLength={12} required />
          <label htmlFor="code">Code from your authenticator app</label>
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={8} required />
          <button type="submit" className="button">
            Finish setup
          </button>
        </Form>
      </section>
    </Page>
  );
}
