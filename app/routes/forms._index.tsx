import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EmptyState, PortalLayout } from "~/components/portal-layout";
import { ResultNotice } from "~/components/result-notice";
import { type FormListEntry, listClientForms } from "~/use-cases/portal/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Forms · ${data?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const loaded = await listClientForms(context, request);
  return { ...loaded, submittedNotice: new URL(request.url).searchParams.has("submitted") };
}

function Entry({ entry }: { entry: FormListEntry }) {
  return (
    <li className="card">
      <h3>
        <Link to={`/forms/${entry.id}`}>{entry.title}</Link>
        {entry.patientName ? <span className="muted"> — {entry.patientName}</span> : null}
      </h3>
      <p className="muted">{entry.submittedAt ? `Sent to the practice ${entry.submittedAt}` : `Sent to you ${entry.sentAt}${entry.status === "started" ? " · started" : ""}`}</p>
    </li>
  );
}

export default function FormsPage() {
  const { shell, page, submittedNotice } = useLoaderData<typeof loader>();
  return (
    <PortalLayout shell={shell}>
      <h1>Forms</h1>
      <ResultNotice result={submittedNotice ? { ok: true, message: "Thank you: your form has been sent to the practice." } : undefined} />
      <section aria-labelledby="outstanding-heading">
        <h2 id="outstanding-heading">To fill in</h2>
        {page.outstanding.length ? (
          <ul className="item-list">
            {page.outstanding.map((entry) => (
              <Entry key={entry.id} entry={entry} />
            ))}
          </ul>
        ) : (
          <EmptyState>No forms to fill in.</EmptyState>
        )}
      </section>
      <section aria-labelledby="submitted-heading">
        <h2 id="submitted-heading">Sent to the practice</h2>
        {page.submitted.length ? (
          <ul className="item-list">
            {page.submitted.map((entry) => (
              <Entry key={entry.id} entry={entry} />
            ))}
          </ul>
        ) : (
          <EmptyState>Nothing sent yet.</EmptyState>
        )}
      </section>
    </PortalLayout>
  );
}
