import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { Page } from "~/components/page";
import { SignInForm } from "~/components/sign-in";
import type { loader as rootLoader } from "~/root";
import { returnPath } from "~/use-cases/return-path";
import { inspectSignInLink, redeemSignInLink, resendSignInLink } from "~/use-cases/sign-in-link.server";

export const meta: MetaFunction = () => [{ title: "Sign in" }, { name: "robots", content: "noindex" }, { name: "referrer", content: "no-referrer" }];

// Opening the link only looks at it; signing in is the button's POST, so mail scanners that fetch links use nothing up.
export async function loader({ params, context }: LoaderFunctionArgs) {
  return inspectSignInLink(context, params.token ?? "");
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const intent = (await request.formData()).get("intent");
  if (intent === "resend") {
    await resendSignInLink(context, token);
    return { outcome: "resent" as const };
  }
  if (intent !== "sign-in") throw new Response("Unknown action", { status: 400 });
  const result = await redeemSignInLink(context, token);
  if (result.status === "signed_in") throw redirect(returnPath(new URL(request.url).searchParams.get("next")) ?? "/home", { headers: { "Set-Cookie": result.cookie } });
  return data({ outcome: result.status }, { status: result.status === "rate_limited" ? 429 : 200 });
}

export default function SignInWithLinkPage() {
  return (
    <Page>
      <SignInWithLink />
    </Page>
  );
}

function SignInWithLink() {
  const { state, maskedEmail } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const practiceName = root?.site.kind === "practice" ? root.site.name : "the practice";
  const outcome = result?.outcome ?? state;

  if (outcome === "resent") {
    return (
      <section className="card sign-in" role="status">
        <h1>Check your email</h1>
        <p>If your address is still on file at {practiceName}, a new sign-in link is on its way. It expires in one hour and works once.</p>
      </section>
    );
  }
  if (outcome === "valid") {
    return (
      <section className="card sign-in">
        <h1>Sign in to {practiceName}</h1>
        <p>
          This link signs in the account of <strong>{maskedEmail}</strong>. Press the button to open your portal on this device.
        </p>
        <Form method="post">
          <button type="submit" name="intent" value="sign-in" className="button">
            Sign in to {practiceName}
          </button>
        </Form>
      </section>
    );
  }
  if (outcome === "expired" || outcome === "used") {
    return (
      <section className="card sign-in">
        <h1>{outcome === "expired" ? "This sign-in link has expired" : "This sign-in link has already been used"}</h1>
        <p>Links work once and for one hour, to keep your information safe. We can send a new one to the same address.</p>
        <Form method="post">
          <button type="submit" name="intent" value="resend" className="button">
            Send me a new link
          </button>
        </Form>
      </section>
    );
  }
  if (outcome === "rate_limited") {
    return (
      <section className="card sign-in" role="alert">
        <h1>Too many attempts</h1>
        <p>Please wait a few minutes before trying again.</p>
      </section>
    );
  }
  return (
    <>
      <section className="card sign-in">
        <h1>This sign-in link does not work</h1>
        <p>It may be incomplete, or it belongs to another practice. Enter your email address to get a new one.</p>
      </section>
      <SignInForm action="/?index" />
    </>
  );
}
