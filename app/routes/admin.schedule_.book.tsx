import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ChoiceSelect } from "~/components/choice-select";
import { ResultNotice } from "~/components/result-notice";
import { bookForClient, bookForClientPage } from "~/use-cases/admin/book-for-client.server";

export const meta: MetaFunction = () => [{ title: "Book for a client · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return bookForClientPage(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await bookForClient(context, request, await request.formData());
  return data(result, { status: result.ok ? 200 : result.status });
}

export default function BookForClientPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const choice = (next: Record<string, string | null>) =>
    `?${new URLSearchParams(Object.entries({ client: page.client?.id ?? null, location: page.locationId, patient: page.patientId, type: page.typeId, practitioner: page.practitionerId, date: page.date, ...next }).filter((e): e is [string, string] => Boolean(e[1])))}`;
  return (
    <AdminLayout shell={shell}>
      <h1>Book for a client</h1>
      <p>
        <Link to="/admin/schedule">← Schedule</Link>
      </p>
      <ResultNotice result={result} />
      {page.client ? null : (
        <Form method="get" className="filters">
          <div>
            <label htmlFor="q">Client (name, email, pet or phone)</label>
            <input id="q" name="q" type="search" defaultValue={page.q} maxLength={100} />
          </div>
          <button type="submit" className="button">
            Find
          </button>
        </Form>
      )}
      {page.client ? null : page.matches.length ? (
        <ul className="plain-list">
          {page.matches.map((m) => (
            <li key={m.id}>
              <Link to={`?client=${m.id}`}>{m.name}</Link>
              <span className="muted">{` ${[m.email, m.patients].filter(Boolean).join(" · ")}`}</span>
            </li>
          ))}
        </ul>
      ) : page.q ? (
        <p className="empty-state">No client matches.</p>
      ) : null}
      {page.client ? (
        <>
          <h2>{page.client.name}</h2>
          {page.offered ? (
            <Form method="get" className="filters">
              <input type="hidden" name="client" value={page.client.id} />
              {page.locations.length > 1 ? (
                <div>
                  <ChoiceSelect id="location" label="Where" value={page.locationId} options={page.locations} empty="Choose…" />
                </div>
              ) : null}
              <div>
                <ChoiceSelect id="patient" label="For" value={page.patientId} options={page.patients} empty="Choose…" />
              </div>
              <div>
                <ChoiceSelect id="type" label="Kind" value={page.typeId} options={page.types.map((t) => ({ id: t.id, name: `${t.name} (${t.durationMinutes} min)` }))} empty="Choose…" />
              </div>
              <div>
                <ChoiceSelect id="practitioner" label="With" value={page.practitionerId} options={page.practitioners} empty="Anyone available" />
              </div>
              <div>
                <label htmlFor="date">Day</label>
                <input id="date" name="date" type="date" defaultValue={page.date} />
              </div>
              <button type="submit" className="button">
                Show free times
              </button>
            </Form>
          ) : (
            <p className="empty-state">Nothing can be booked for this client: online booking is off, or nothing bookable is offered to them.</p>
          )}
          {page.typeId ? (
            <section aria-labelledby="free-heading">
              <h2 id="free-heading">Free times</h2>
              <p>
                {page.previousDate ? <Link to={choice({ date: page.previousDate })}>← Day before</Link> : null} <Link to={choice({ date: page.nextDate })}>Day after →</Link>
              </p>
              {page.slots.length === 0 ? (
                <p className="empty-state">No free times on this day.</p>
              ) : (
                <Form method="post" className="button-row">
                  <input type="hidden" name="client" value={page.client.id} />
                  <input type="hidden" name="location" value={page.locationId ?? ""} />
                  <input type="hidden" name="patient" value={page.patientId ?? ""} />
                  <input type="hidden" name="type" value={page.typeId} />
                  {page.slots.map((slot) => (
                    <button key={slot.value} type="submit" name="slot" value={slot.value} className="button button--secondary" disabled={busy}>
                      {`Book ${slot.time} with ${slot.practitioner}`}
                    </button>
                  ))}
                </Form>
              )}
            </section>
          ) : null}
        </>
      ) : null}
    </AdminLayout>
  );
}
