import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { PortalLayout } from "~/components/portal-layout";
import { ResultNotice } from "~/components/result-notice";
import { changePassword, PASSWORD_CHANGED, passwordPage } from "~/use-cases/portal/password.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `Password · ${loaded?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const loaded = await passwordPage(context, request);
  return { ...loaded, changedNotice: new URL(request.url).searchParams.has("changed") ? PASSWORD_CHANGED : null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await changePassword(context, request, await request.formData());
  if (!result.ok) return data(result, { status: 400 });
  // The session has a new id, and the old cookie this request carries no longer opens any page.
  throw redirect(result.next, { headers: { "Set-Cookie": result.cookie } });
}

export default function PasswordSettingsPage() {
  const { shell, page, changedNotice } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <PortalLayout shell={shell}>
      <h1>Password</h1>
      {page.temporary ? (
        <p className="notice notice--warning" role="status">
          You signed in with a temporary password from the practice. Choose your own password to continue.
        </p>
      ) : null}
      <ResultNotice result={result ?? (changedNotice ? { ok: true, message: changedNotice } : undefined)} />
      {page.hasAccount ? (
        <Form method="post" className="card stack sign-in">
          <p className="muted">You sign in as {page.login}. Changing your password signs you out on every other device.</p>
          <label htmlFor="current">{page.temporary ? "Temporary password" : "Current password"}</label>
          <input id="current" name="current" type="password" autoComplete="current-password" required maxLength={200} />
          <label htmlFor="password">New password (at least 12 characters)</label>
          <input id="password" name="password" type="password" autoComplete="new-password" required minLength={12} maxLength={200} />
          <label htmlFor="confirm">The same new password again</label>
          <input id="confirm" name="confirm" type="password" autoComplete="new-password" required minLength={12} maxLength={200} />
          <button type="submit" className="button">
            Change password
          </button>
        </Form>
      ) : (
        <p className="card">You sign in with links sent to your email: there is no password to change.</p>
      )}
    </PortalLayout>
  );
}
