import type { MetaFunction } from "@remix-run/node";
import { Page } from "~/components/page";

export const meta: MetaFunction = () => [{ title: "Check your email" }];

/** The same words whether or not the address was already a client's: the email says which. */
export default function BookingSentPage() {
  return (
    <Page>
      <h1>Check your email</h1>
      <p role="status" className="notice notice--success">
        Thank you. We have sent you an email about your booking. Follow it to see your appointment, or to sign in if you are already a client.
      </p>
      <p className="muted">If nothing arrives within a few minutes, check your spam folder or call the practice.</p>
    </Page>
  );
}
