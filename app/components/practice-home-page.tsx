import { Link } from "@remix-run/react";
import type { PracticeHome } from "~/use-cases/get-practice-home.server";
import type { LinkRequestResult } from "~/use-cases/sign-in-link.server";
import { PracticeContact } from "./practice-contact";
import { PasswordSignInForm, SignInForm, SignInLinkSent } from "./sign-in";

export type HomeActionResult = LinkRequestResult | { status: "password_refused"; login: string; error: string };

export function PracticeHomePage({ home, result, next }: { home: PracticeHome; result: HomeActionResult | undefined; next: string | undefined }) {
  const available = home.portalEnabled;
  return (
    <>
      <section className="hero">
        <h1>{home.name}</h1>
        <p className="lead">
          {home.kind === "veterinary"
            ? "Your pets' records, prescriptions, appointments and reminders, in one secure place."
            : "Your and your family's records, appointments and treatment plans, in one secure place."}
        </p>
      </section>
      {available ? (
        result?.status === "sent" ? (
          <SignInLinkSent email={result.email} home={home} />
        ) : (
          <>
            {home.signIn.password ? (
              <PasswordSignInForm login={result?.status === "password_refused" ? result.login : undefined} error={result?.status === "password_refused" ? result.error : undefined} next={next} />
            ) : null}
            {home.signIn.magicLink ? (
              <SignInForm email={result?.status === "invalid" ? result.email : undefined} error={result?.status === "invalid" ? result.error : undefined} next={next} />
            ) : null}
          </>
        )
      ) : (
        <p className="notice notice--warning" role="status">
          The online portal of {home.name} is not available at the moment. Please contact the practice directly using the details below.
        </p>
      )}
      {home.newClientBooking ? (
        <section className="card" aria-labelledby="new-client-heading">
          <h2 id="new-client-heading">New to {home.name}?</h2>
          <p>
            <Link to="/book" className="button button--secondary">
              Book a first visit
            </Link>
          </p>
        </section>
      ) : null}
      <PracticeContact home={home} />
    </>
  );
}
