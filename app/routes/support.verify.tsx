import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { Page } from "~/components/page";
import { requireSupportUser, verifySupportCode } from "~/use-cases/support/support-auth.server";
import { FormError } from "~/components/form-error";

export const meta: MetaFunction = () => [{ title: "Authenticator code · Portico Support" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireSupportUser(context, request, "awaiting_code");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await verifySupportCode(context, request, await request.formData());
  if (result.ok) throw redirect("/support", { headers: { "Set-Cookie": result.cookie } });
  if (result.signedOut) throw redirect("/support/login", { headers: { "Set-Cookie": result.signedOut } });
  return data({ error: result.error }, { status: 401 });
}

export default function SupportVerify() {
  const result = useActionData<typeof action>();
  return (
    <Page>
      <section className="card sign-in" aria-labelledby="support-verify">
        <h1 id="support-verify">Authenticator code</h1>
        <Form method="post" className="stack">
          <FormError error={result?.error} />
          <label htmlFor="code">6-digit code</label>
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" maxLength={8} required />
          <button type="submit" className="button">
            Sign in
          </button>
        </Form>
      </section>
    </Page>
  );
}
