import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Page } from "~/components/page";
import { acceptInvitation, inspectInvitation } from "~/use-cases/admin/staff.server";

export const meta: MetaFunction = () => [{ title: "Choose your password" }, { name: "robots", content: "noindex" }, { name: "referrer", content: "no-referrer" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  return inspectInvitation(context, params.token ?? "");
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const result = await acceptInvitation(context, params.token ?? "", await request.formData());
  if (result.ok) throw redirect(result.next, { headers: { "Set-Cookie": result.cookie } });
  return data(result, { status: 400 });
}

export default function AcceptInvitation() {
  const invitation = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const state = result && !result.ok && result.state ? result.state : invitation.state;
  if (state !== "valid" || invitation.state !== "valid") {
    return (
      <Page>
        <section className="card sign-in">
          <h1>{state === "expired" ? "This invitation has expired" : state === "used" ? "This invitation has already been used" : "This invitation does not work"}</h1>
          <p>Ask someone who manages staff at your practice to send you a new invitation{state === "used" ? ", or sign in with your password" : ""}.</p>
          <p>
            <a href="/admin/login">Staff sign-in</a>
          </p>
        </section>
      </Page>
    );
  }
  return (
    <Page>
      <section className="card sign-in" aria-labelledby="choose-heading">
        <h1 id="choose-heading">Welcome, {invitation.name}</h1>
        <p className="muted">Choose the password you will sign in with, as {invitation.email}.</p>
        <Form method="post" className="stack">
          {result && !result.ok ? (
            <p className="field-error" role="alert">
              {result.error}
            </p>
          ) : null}
          <label htmlFor="password">New password (at least 12 characters)</label>
          <input id="password" name="password" type="password" autoComplete="new-password" required minLength={12} />
          <label htmlFor="confirmPassword">The same password again</label>
          <input id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" required minLength={12} />
          <button type="submit" className="button">
            Save password and sign in
          </button>
        </Form>
      </section>
    </Page>
  );
}
