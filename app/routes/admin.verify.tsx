import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { Page } from "~/components/page";
import { adminPage } from "~/use-cases/admin/admin-page.server";
import { verifySignInCode } from "~/use-cases/admin/two-factor.server";

export const meta: MetaFunction = () => [{ title: "Enter your code" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await adminPage(context, request, () => true, async () => null, { stages: ["awaiting_code"] });
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  return data(await verifySignInCode(context, request, await request.formData()), { status: 401 });
}

export default function VerifyCode() {
  const result = useActionData<typeof action>();
  return (
    <Page>
      <section className="card sign-in" aria-labelledby="code-heading">
        <h1 id="code-heading">Enter your code</h1>
        <p className="muted">Open your authenticator app and enter the 6-digit code for Portico.</p>
        <Form method="post" className="stack">
          {result ? (
            <p className="field-error" role="alert">
              {result.error}
            </p>
          ) : null}
          <label htmlFor="code">Code</label>
          <input id="code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" maxLength={7} required />
          <button type="submit" className="button">
            Continue
          </button>
        </Form>
        <Form method="post" action="/admin/logout">
          <button type="submit" className="button button--secondary button--small">
            Cancel
          </button>
        </Form>
      </section>
    </Page>
  );
}
