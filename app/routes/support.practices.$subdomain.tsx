import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ResultNotice } from "~/components/result-notice";
import { SupportLayout } from "~/components/support-layout";
import { consolePracticeAction, consolePracticeDetail } from "~/use-cases/support/console-practices.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `${loaded?.practice.name ?? "Practice"} · Portico Support` }];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  return consolePracticeDetail(context, request, params.subdomain ?? "");
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const result = await consolePracticeAction(context, request, params.subdomain ?? "", await request.formData());
  if ("redirectTo" in result) throw redirect(result.redirectTo);
  return data(result, { status: result.ok ? 200 : 400 });
}

export default function PracticeDetailPage() {
  const { user, practice, address, locations, accesses } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const notice = result && !("redirectTo" in result) ? result : params.get("created") ? { ok: true as const, message: `${practice.name} is created.` } : undefined;
  return (
    <SupportLayout user={user}>
      <h1>{practice.name}</h1>
      <ResultNotice result={notice} />
      <section className="card">
        <dl className="details">
          <dt>Portal</dt>
          <dd>
            <a href={address}>{address}</a>
          </dd>
          <dt>Kind</dt>
          <dd>{practice.kind === "veterinary" ? "Veterinary" : "Human health"}</dd>
          <dt>Status</dt>
          <dd>{practice.status}</dd>
          <dt>Deployment</dt>
          <dd>{practice.deployment === "dedicated" ? `Dedicated database at ${practice.placementLocation ?? "?"}` : "Shared database (row-level security)"}</dd>
          <dt>Clients</dt>
          <dd>{practice.clients ?? "unavailable (database not reachable)"}</dd>
          <dt>Created</dt>
          <dd>{practice.createdAt.slice(0, 10)}</dd>
        </dl>
      </section>
      <section className="card">
        <h2>Locations</h2>
        {locations === null ? (
          <p>The practice's database cannot be reached right now.</p>
        ) : locations.length === 0 ? (
          <p>No location recorded yet.</p>
        ) : (
          <ul className="plain-list">
            {locations.map((location) => (
              <li key={`${location.name}-${location.address}`}>
                <strong>{location.name}</strong> · {location.address.replaceAll("\n", ", ")}
                {location.phone ? ` · ${location.phone}` : ""} · {location.timeZone}
              </li>
            ))}
          </ul>
        )}
        <details>
          <summary>Add a location</summary>
          <p className="muted">All locations share this practice's subdomain and portal. A location that needs a database of its own is a separate practice.</p>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="add-location" />
            <label htmlFor="location-name">Name</label>
            <input id="location-name" name="name" required maxLength={120} />
            <label htmlFor="location-address">Address</label>
            <textarea id="location-address" name="address" rows={3} required maxLength={300} />
            <label htmlFor="location-phone">Phone</label>
            <input id="location-phone" name="phone" type="tel" maxLength={40} />
            <label htmlFor="location-zone">Time zone</label>
            <input id="location-zone" name="timeZone" required maxLength={64} defaultValue={locations?.[0]?.timeZone ?? "UTC"} />
            <label htmlFor="location-hours">Opening hours (one line each, such as “Monday to Friday: 8:00 – 18:00”)</label>
            <textarea id="location-hours" name="openingHours" rows={4} maxLength={2000} />
            <button type="submit" className="button button--secondary">
              Add location
            </button>
          </Form>
        </details>
      </section>
      <section className="card">
        <h2>{practice.status === "active" ? "Suspend" : "Resume"}</h2>
        <p>
          {practice.status === "active"
            ? "A suspended practice's portal and administration answer “temporarily unavailable” at once, and every client and staff session ends."
            : "Resuming opens the portal and administration again; everyone signs in afresh."}
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value={practice.status === "active" ? "suspend" : "resume"} />
          <button type="submit" className="button button--secondary">
            {practice.status === "active" ? "Suspend practice" : "Resume practice"}
          </button>
        </Form>
      </section>
      {practice.status === "active" ? (
        <section className="card">
          <h2>Open the practice's administration</h2>
          <p>Read-only, for one hour. The reason is written to the practice's own audit log, where its administrators can read it.</p>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="access" />
            <label htmlFor="reason">Reason</label>
            <textarea id="reason" name="reason" rows={3} minLength={10} maxLength={500} required />
            <button type="submit" className="button">
              Open administration
            </button>
          </Form>
          {accesses.length ? (
            <>
              <h3>Recent support access</h3>
              <ul className="plain-list">
                {accesses.map((access) => (
                  <li key={access.createdAt}>
                    {access.createdAt.slice(0, 16).replace("T", " ")} UTC · {access.name} · {access.reason}
                    {access.endedAt ? " · ended" : ""}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
    </SupportLayout>
  );
}
