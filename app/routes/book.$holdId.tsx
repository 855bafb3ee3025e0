import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Page } from "~/components/page";
import { ResultNotice } from "~/components/result-notice";
import { confirmNewClientBooking, newClientHold } from "~/use-cases/public/book-as-new-client.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `Your details · ${loaded?.practiceName ?? "Portal"}` }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  return newClientHold(context, params.holdId);
}

export async function action({ params, context, request }: ActionFunctionArgs) {
  const outcome = await confirmNewClientBooking(context, params.holdId, await request.formData());
  if (!outcome.ok) return data({ ok: false as const, error: outcome.message }, { status: outcome.status });
  // Away from the hold's page at once: the work after the response uses the hold up, and this page's loader would
  // then answer "gone" sooner or later depending on whether the address was known.
  throw redirect("/book/sent");
}

export default function NewClientDetailsPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const veterinary = page.kind === "veterinary";
  return (
    <Page>
      <h1>{page.asRequest ? "Your details, to send the request" : "Your details, to book"}</h1>
      <ResultNotice result={result} />
      <section className="card" aria-labelledby="held-heading">
        <h2 id="held-heading">{page.typeName}</h2>
        <dl className="facts">
          <dt>When</dt>
          <dd>
            <time dateTime={page.startsAt}>{page.when}</time>
          </dd>
          <dt>With</dt>
          <dd>{page.practitioner}</dd>
          <dt>Where</dt>
          <dd>{`${page.location.name}, ${page.location.address.replace(/\n/g, ", ")}`}</dd>
        </dl>
        <p className="muted">{`This time is held for you until ${page.heldUntil}.`}</p>
      </section>
      <Form method="post" className="card stack booking-form">
        <fieldset className="stack">
          <legend>About you</legend>
          <label htmlFor="first-name">First name</label>
          <input id="first-name" name="firstName" required maxLength={100} autoComplete="given-name" />
          <label htmlFor="last-name">Last name</label>
          <input id="last-name" name="lastName" required maxLength={100} autoComplete="family-name" />
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" required maxLength={254} autoComplete="email" />
          <label htmlFor="phone">Phone</label>
          <input id="phone" name="phone" type="tel" required maxLength={40} autoComplete="tel" />
          {veterinary ? null : (
            <>
              <label htmlFor="date-of-birth">Date of birth</label>
              <input id="date-of-birth" name="dateOfBirth" type="date" required autoComplete="bday" />
            </>
          )}
        </fieldset>
        {veterinary ? (
          <fieldset className="stack">
            <legend>Your pet</legend>
            <label htmlFor="patient-name">Name</label>
            <input id="patient-name" name="patientName" required maxLength={100} />
            <label htmlFor="species">Kind of animal (for example Dog or Cat)</label>
            <input id="species" name="species" required maxLength={60} />
            <label htmlFor="breed">Breed (optional)</label>
            <input id="breed" name="breed" maxLength={100} />
          </fieldset>
        ) : null}
        <label htmlFor="reason">What is the visit for?</label>
        <textarea id="reason" name="reason" required maxLength={500} rows={3} />
        {page.password === "none" ? null : (
          <>
            <label htmlFor="password">{page.password === "required" ? "Choose a password (at least 12 characters)" : "Choose a password (optional: at least 12 characters; without one, sign in with emailed links)"}</label>
            <input id="password" name="password" type="password" required={page.password === "required"} minLength={12} maxLength={200} autoComplete="new-password" />
          </>
        )}
        <p className="muted">Your account starts with access to what you book here; the practice can give you access to your records later.</p>
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            {page.asRequest ? "Send request" : "Book this appointment"}
          </button>
          <Link to="/book" className="button button--secondary">
            Choose another time
          </Link>
        </div>
      </Form>
    </Page>
  );
}
