import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { Page } from "~/components/page";
import { requireSupportSite, signInSupport } from "~/use-cases/support/support-auth.server";
import { FormError } from "~/components/form-error";

export const meta: MetaFunction = () => [{ title: "Sign in · Portico Support" }, { name: "robots", content: "noindex" }];

export function loader({ context }: LoaderFunctionArgs) {
  requireSupportSite(context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await signInSupport(context, await request.formData());
  if (result.ok) throw redirect("/support/verify", { headers: { "Set-Cookie": result.cookie } });
  return data({ error: result.error, email: result.email }, { status: 401 });
}

export default function SupportSignIn() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <Page>
      <section className="card sign-in" aria-labelledby="support-sign-in">
        <h1 id="support-sign-in">Portico support sign-in</h1>
        <p className="muted">For Portico's support team. You will also need the code from your authenticator app.</p>
        <Form method="post" className="stack">
          <FormError error={result?.error} />
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="username" required defaultValue={result?.email} />
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
          <button type="submit" className="button" disabled={busy}>
            Continue
          </button>
        </Form>
      </section>
    </Page>
  );
}
