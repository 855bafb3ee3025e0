import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { ResultNotice } from "~/components/result-notice";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { changeSecurity, getSecurity, SECOND_FACTOR_ON } from "~/use-cases/admin/two-factor.server";

export const meta: MetaFunction = () => [{ title: "My security · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const security = await getSecurity(context, request);
  return { ...security, enabledNotice: new URL(request.url).searchParams.has("enabled") ? SECOND_FACTOR_ON : null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { result, cookie } = await changeSecurity(context, request, await request.formData());
  // The session has a new id, and the old cookie this request carries no longer opens the page: load it again.
  if (cookie) throw redirect("/admin/security?enabled", { headers: { "Set-Cookie": cookie } });
  return data(result, { status: result.ok ? 200 : 400 });
}

// No navigation here: a person who must enrol before anything else sees only this.
export default function SecurityPage() {
  const { shell, page, enabledNotice } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="container main">
      <p>
        <a href="/admin">← Administration</a>
      </p>
      <h1>My security</h1>
      <p className="muted">
        {shell.staffName} · {shell.practiceName}
      </p>
      <ResultNotice result={result ?? (enabledNotice ? { ok: true, message: enabledNotice } : undefined)} />
      {page.required && !page.enrolled ? <p className="notice notice--warning">Your practice requires a second factor. Set it up to continue.</p> : null}
      <section className="card" aria-labelledby="totp-heading">
        <h2 id="totp-heading">Authenticator app</h2>
        {page.enrolled ? (
          <>
            <p>Your second factor is on: signing in asks for a code from your authenticator app.</p>
            {page.required ? null : (
              <Form method="post" className="stack">
                <label htmlFor="disable-code">To turn it off, enter the current code from your app</label>
                <input id="disable-code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={7} required />
                <button type="submit" name="intent" value="disable" className="button button--secondary">
                  Turn off
                </button>
              </Form>
            )}
          </>
        ) : page.pending ? (
          <Form method="post" className="stack">
            <p>In your authenticator app, add an account with this key, or open the link on your phone:</p>
            <p>
              <code className="manual-key">{page.pending.manualKey}</code>
            </p>
            <p>
              <a href={page.pending.uri}>Open in authenticator app</a>
            </p>
            <label htmlFor="code">The 6-digit code your app shows</label>
            <input id="code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={7} required />
            <button type="submit" name="intent" value="confirm" className="button">
              Turn on
            </button>
          </Form>
        ) : (
          <Form method="post">
            <p>Add a second factor so that a stolen password alone cannot open your practice's administration.</p>
            <button type="submit" name="intent" value="start" className="button">
              Set up an authenticator app
            </button>
          </Form>
        )}
      </section>
    </main>
  );
}
