import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { SupportLayout } from "~/components/support-layout";
import { consoleCreatePractice, consoleNewPractice } from "~/use-cases/support/console-practices.server";

export const meta: MetaFunction = () => [{ title: "New practice · Portico Support" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return consoleNewPractice(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await consoleCreatePractice(context, request, await request.formData());
  if (result.ok) throw redirect(`/support/practices/${result.subdomain}?created=1`);
  return data(result, { status: 400 });
}

type Availability = { available: boolean; message: string; address: string | null };

function SubdomainField({ error }: { error: string | undefined }) {
  const check = useFetcher<Availability>();
  const [value, setValue] = useState("");
  const { load } = check;
  useEffect(() => {
    if (!value.trim()) return;
    const timer = setTimeout(() => load(`/support/subdomain-check?subdomain=${encodeURIComponent(value)}`), 250);
    return () => clearTimeout(timer);
  }, [value, load]);
  const result = value.trim() ? check.data : undefined;
  return (
    <div className="stack">
      <label htmlFor="subdomain">Subdomain</label>
      <input id="subdomain" name="subdomain" required maxLength={63} autoComplete="off" aria-describedby="subdomain-status" value={value} onChange={(event) => setValue(event.target.value)} />
      <p id="subdomain-status" aria-live="polite" className={result && !result.available ? "field-error" : "muted"}>
        {error ?? (result ? `${result.message}${result.address ? ` The portal will be at ${result.address}.` : ""}` : "Lowercase letters, digits and hyphens, 3 to 63 characters.")}
      </p>
    </div>
  );
}

export default function NewPracticePage() {
  const { user, canCreateDatabase } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [deployment, setDeployment] = useState("shared");
  const errorFor = (field: string) => (result && !result.ok && result.field === field ? result.error : undefined);
  const otherError = result && !result.ok && !["subdomain"].includes(result.field) ? result.error : undefined;
  return (
    <SupportLayout user={user}>
      <h1>New practice</h1>
      <section className="card">
        <h2>Locations and databases</h2>
        <p>
          A practice has one subdomain and one portal. Locations that share one database belong to one practice: clients see every location's details and appointments show
          where they take place. Locations that must keep separate databases are separate practices, each created here with its own subdomain and portal.
        </p>
        <p>
          <strong>Shared</strong> keeps the practice's data in the shared database, isolated by row-level security. <strong>Dedicated</strong> gives it a Postgres database of its
          own, with the same schema and the same row-level security.
        </p>
      </section>
      <Form method="post" className="card stack">
        {otherError ? (
          <p className="field-error" role="alert">
            {otherError}
          </p>
        ) : null}
        <label htmlFor="name">Practice name</label>
        <input id="name" name="name" required maxLength={120} />
        <fieldset>
          <legend>Kind</legend>
          <label>
            <input type="radio" name="kind" value="veterinary" defaultChecked /> Veterinary
          </label>
          <label>
            <input type="radio" name="kind" value="human" /> Human health (physio, chiro, medical)
          </label>
        </fieldset>
        <SubdomainField error={errorFor("subdomain")} />
        <label>
          <input type="checkbox" name="confirmPermanent" required /> I understand the subdomain is permanent: it is printed on letters and emails and can never be changed.
        </label>
        <label htmlFor="timeZone">Time zone</label>
        <input id="timeZone" name="timeZone" defaultValue="UTC" maxLength={64} />
        <fieldset>
          <legend>First location</legend>
          <label htmlFor="locationName">Name (defaults to the practice's name)</label>
          <input id="locationName" name="locationName" maxLength={120} />
          <label htmlFor="locationAddress">Address</label>
          <textarea id="locationAddress" name="locationAddress" rows={3} required maxLength={300} />
          <label htmlFor="locationPhone">Phone</label>
          <input id="locationPhone" name="locationPhone" type="tel" maxLength={40} />
        </fieldset>
        <fieldset>
          <legend>Where the data lives</legend>
          <label>
            <input type="radio" name="deployment" value="shared" checked={deployment === "shared"} onChange={() => setDeployment("shared")} /> Shared database
          </label>
          <label>
            <input type="radio" name="deployment" value="dedicated" checked={deployment === "dedicated"} onChange={() => setDeployment("dedicated")} /> Dedicated database
          </label>
          {deployment === "dedicated" ? (
            <div className="stack">
              {canCreateDatabase ? (
                <label>
                  <input type="radio" name="databaseSource" value="new" defaultChecked /> A new database on this development server
                </label>
              ) : null}
              <label>
                <input type="radio" name="databaseSource" value="url" defaultChecked={!canCreateDatabase} /> An empty database I provide
              </label>
              <label htmlFor="databaseUrl">Database URL (its owner role; stored encrypted, never shown again)</label>
              <input id="databaseUrl" name="databaseUrl" type="password" autoComplete="off" maxLength={1000} placeholder="postgres://owner:password@db.example.com:5432/clinic" />
              <label htmlFor="runtimePassword">Password of the role portico_app on that server (only when it is not the main database's server)</label>
              <input id="runtimePassword" name="runtimePassword" type="password" autoComplete="off" maxLength={200} />
            </div>
          ) : (
            <input type="hidden" name="databaseSource" value="" />
          )}
        </fieldset>
        <fieldset>
          <legend>First owner (optional)</legend>
          <p className="muted">They receive an invitation to choose a password for the practice's administration; it works for 3 days.</p>
          <label htmlFor="ownerName">Name</label>
          <input id="ownerName" name="ownerName" maxLength={120} />
          <label htmlFor="ownerEmail">Email</label>
          <input id="ownerEmail" name="ownerEmail" type="email" maxLength={254} />
        </fieldset>
        <button type="submit" className="button" disabled={busy}>
          Create practice
        </button>
      </Form>
    </SupportLayout>
  );
}
