import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EmptyState, PortalLayout } from "~/components/portal-layout";
import { listRecords } from "~/use-cases/portal/records.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Medical records · ${data?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return listRecords(context, request);
}

export default function RecordsPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  return (
    <PortalLayout shell={shell}>
      <h1>Medical records</h1>
      {page.pets.length === 0 ? <EmptyState>No records have been shared yet.</EmptyState> : null}
      {page.pets.map((pet) => (
        <section key={pet.patientId} className="stack records-pet" aria-labelledby={`records-${pet.patientId}`}>
          <h2 id={`records-${pet.patientId}`}>{pet.patientName}</h2>
          {pet.years.length === 0 ? (
            <EmptyState>No records have been shared for {pet.patientName} yet.</EmptyState>
          ) : (
            pet.years.map((year) => (
              <div key={year.year}>
                <h3>{year.year}</h3>
                <ul className="record-list">
                  {year.records.map((record) => (
                    <li key={record.id}>
                      <Link to={`/records/${record.id}`} className="record-list__link">
                        <span className="record-list__title">{record.title}</span>
                        <span className="muted">
                          {record.category} · <time dateTime={record.visitDate}>{record.visitDateText}</time>
                        </span>
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
            ))
          )}
        </section>
      ))}
    </PortalLayout>
  );
}
