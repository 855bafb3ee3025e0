import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { Page } from "~/components/page";
import { requestPasswordReset } from "~/use-cases/client-accounts.server";
import { requirePracticeSite } from "~/use-cases/require-practice.server";

export const meta: MetaFunction = () => [{ title: "Forgot your password?" }, { name: "robots", content: "noindex" }];

export function loader({ context }: LoaderFunctionArgs) {
  requirePracticeSite(context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  return requestPasswordReset(context, await request.formData());
}

export default function ForgotPasswordPage() {
  const result = useActionData<typeof action>();
  if (result?.status === "sent") {
    return (
      <Page>
        <section className="card sign-in" role="status">
          <h1>Check your email</h1>
          <p>
            If <strong>{result.email}</strong> signs in to an account here, a link to choose a new password is on its way. It works once, for one hour.
          </p>
        </section>
      </Page>
    );
  }
  return (
    <Page>
      <section className="card sign-in" aria-labelledby="forgot-heading">
        <h1 id="forgot-heading">Forgot your password?</h1>
        <Form method="post" className="stack" noValidate>
          <label htmlFor="email">The email address you sign in with</label>
          <input id="email" name="email" type="email" autoComplete="email" required maxLength={254} defaultValue={result?.email} aria-invalid={result ? true : undefined} />
          {result?.status === "invalid" ? (
            <p className="field-error" role="alert">
              {result.error}
            </p>
          ) : null}
          <button type="submit" className="button">
            Email me a link
          </button>
        </Form>
      </section>
    </Page>
  );
}
