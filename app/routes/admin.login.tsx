import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useRouteLoaderData } from "@remix-run/react";
import { Page } from "~/components/page";
import type { loader as rootLoader } from "~/root";
import { requirePracticeSite } from "~/use-cases/require-practice.server";
import { safeNext, signInStaff } from "~/use-cases/admin/staff-sign-in.server";

export const meta: MetaFunction = () => [{ title: "Staff sign-in" }, { name: "robots", content: "noindex" }];

export async function loader({ context }: LoaderFunctionArgs) {
  requirePracticeSite(context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await signInStaff(context, await request.formData());
  if (result.ok) {
    const next = result.next === "requested" ? safeNext(new URL(request.url).searchParams.get("next")) : result.next;
    throw redirect(next, { headers: { "Set-Cookie": result.cookie } });
  }
  return data({ error: result.error, email: result.email }, { status: 401 });
}

export default function StaffSignIn() {
  const result = useActionData<typeof action>();
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const busy = useNavigation().state === "submitting";
  const practiceName = root?.site.kind === "practice" ? root.site.name : "your practice";
  return (
    <Page>
      <section className="card sign-in" aria-labelledby="staff-sign-in">
        <h1 id="staff-sign-in">Staff sign-in</h1>
        <p className="muted">Practice administration for {practiceName}.</p>
        <Form method="post" className="stack">
          {result?.error ? (
            <p className="field-error" role="alert">
              {result.error}
            </p>
          ) : null}
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="username" required defaultValue={result?.email} />
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
          <button type="submit" className="button" disabled={busy}>
            Sign in
          </button>
        </Form>
      </section>
    </Page>
  );
}
