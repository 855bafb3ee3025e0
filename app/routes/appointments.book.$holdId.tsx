import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PortalLayout } from "~/components/portal-layout";
import { ResultNotice } from "~/components/result-notice";
import { confirmHold, heldSlot } from "~/use-cases/portal/booking.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `Confirm your booking · ${loaded?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return heldSlot(context, request, params.holdId);
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const outcome = await confirmHold(context, request, params.holdId, await request.formData());
  if (!outcome.ok) return data({ ok: false as const, error: outcome.message }, { status: outcome.status });
  throw redirect(outcome.requested ? "/appointments?requested=1" : outcome.moved ? "/appointments?moved=1" : "/appointments?booked=1");
}

export default function ConfirmBookingPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <PortalLayout shell={shell}>
      <h1>{page.movingFrom ? "Confirm the new time" : page.asRequest ? "Send your request" : "Confirm your booking"}</h1>
      <ResultNotice result={result} />
      <section className="card" aria-labelledby="held-heading">
        <h2 id="held-heading">{`${page.typeName} for ${page.patientName}`}</h2>
        <dl className="facts">
          {page.movingFrom ? (
            <>
              <dt>Now</dt>
              <dd>{page.movingFrom}</dd>
            </>
          ) : null}
          <dt>{page.movingFrom ? "New time" : "When"}</dt>
          <dd>
            <time dateTime={page.startsAt}>{page.when}</time>
          </dd>
          <dt>With</dt>
          <dd>{page.practitioner}</dd>
          <dt>Where</dt>
          <dd>{`${page.location.name}, ${page.location.address.replace(/\n/g, ", ")}`}</dd>
        </dl>
        <p className="muted">{`This time is held for you until ${page.heldUntil}.`}</p>
        {page.asRequest ? <p>The practice confirms each request and emails you. The time stays kept for you until they answer.</p> : null}
      </section>
      <Form method="post" className="card stack booking-form">
        {page.movingFrom ? null : (
          <>
            <label htmlFor="reason">What is the visit for?</label>
            <textarea id="reason" name="reason" required maxLength={500} rows={3} />
          </>
        )}
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            {page.movingFrom ? (page.asRequest ? "Ask for the new time" : "Move my appointment") : page.asRequest ? "Send request" : "Book this appointment"}
          </button>
          <Link to="/appointments/book" className="button button--secondary">
            Choose another time
          </Link>
        </div>
      </Form>
    </PortalLayout>
  );
}
