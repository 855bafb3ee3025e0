import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Page } from "~/components/page";
import { startSupportAccess } from "~/use-cases/admin/support-access.server";
import { requirePracticeSite } from "~/use-cases/require-practice.server";
import { FormError } from "~/components/form-error";

export const meta: MetaFunction = () => [{ title: "Support access · Administration" }];

// GET only shows the page: a link opened by a preview bot or prefetch must not use the one-time token up.
export function loader({ context }: LoaderFunctionArgs) {
  return { practiceName: requirePracticeSite(context).practice.name };
}

export async function action({ params, context }: ActionFunctionArgs) {
  const result = await startSupportAccess(context, params.token ?? "");
  if (!result.ok) return data({ error: "This support access link does not work: it was already used, has expired or belongs to another practice. Open a new one from the support console." }, { status: 400 });
  throw redirect("/admin", { headers: { "Set-Cookie": result.cookie } });
}

export default function SupportAccessPage() {
  const { practiceName } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  return (
    <Page>
      <section className="card sign-in">
        <h1>Open {practiceName}'s administration as Portico support</h1>
        <p>Access is read-only and time-limited. The practice's audit log records it with the reason you gave.</p>
        <FormError error={failed?.error} />
        <Form method="post">
          <button type="submit" className="button">
            Open administration
          </button>
        </Form>
      </section>
    </Page>
  );
}
