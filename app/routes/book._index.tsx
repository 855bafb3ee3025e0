import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ChoiceSelect } from "~/components/choice-select";
import { FreeTimes } from "~/components/free-times";
import { TimeChoiceFields } from "~/components/time-choice-fields";
import { Page } from "~/components/page";
import { EmptyState } from "~/components/portal-layout";
import { ResultNotice } from "~/components/result-notice";
import { holdForNewClient, newClientBookingPage } from "~/use-cases/public/book-as-new-client.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `Book a first visit · ${loaded?.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return newClientBookingPage(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const outcome = await holdForNewClient(context, await request.formData());
  if (!outcome.ok) return data({ ok: false as const, error: outcome.message }, { status: outcome.status });
  throw redirect(`/book/${outcome.holdId}`);
}

export default function BookFirstVisitPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!page.available) {
    return (
      <Page>
        <h1>Book a first visit</h1>
        <EmptyState>{`${page.practiceName} does not take bookings from new clients online at the moment. Please contact the practice.`}</EmptyState>
        <p>
          <Link to="/">Already a client? Sign in</Link>
        </p>
      </Page>
    );
  }
  const choice = (next: Record<string, string | null>) => {
    const query = new URLSearchParams(Object.entries({ location: page.locationId, type: page.typeId, practitioner: page.practitionerId, date: page.date, ...next }).filter((e): e is [string, string] => Boolean(e[1])));
    return `?${query}`;
  };
  return (
    <Page>
      <h1>{`Book a first visit at ${page.practiceName}`}</h1>
      <p>
        {page.asRequest ? "Choose a time and tell us about yourself; the practice confirms each request by email." : "Choose a time and tell us about yourself; you will get a confirmation by email."}{" "}
        <Link to="/">Already a client? Sign in to book.</Link>
      </p>
      <p className="muted">{`${page.location ? `At ${page.location.name}. ` : ""}Times are shown in the practice's time zone.`}</p>
      <ResultNotice result={result} />
      <Form method="get" className="card stack">
        {page.locations.length > 1 ? <ChoiceSelect id="location" label="Where?" value={page.locationId} options={page.locations} empty="Choose…" required /> : null}
        {page.locationId ? (
          <ChoiceSelect id="type" label="Kind of appointment" value={page.typeId} options={page.types.map((t) => ({ id: t.id, name: `${t.name} (${t.durationMinutes} min)` }))} empty="Choose…" required />
        ) : null}
        {page.typeId ? <TimeChoiceFields practitioners={page.practitioners} practitionerId={page.practitionerId} date={page.date} /> : null}
        <button type="submit" className="button button--secondary">
          {page.typeId ? "Show free times" : "Next"}
        </button>
      </Form>
      {page.locationId && page.types.length === 0 ? <EmptyState>No first visit can be booked online here. Please contact the practice.</EmptyState> : null}
      {page.typeId ? <FreeTimes times={page} linkTo={(date) => choice({ date })} fields={{ location: page.locationId, type: page.typeId }} busy={busy} /> : null}
    </Page>
  );
}
