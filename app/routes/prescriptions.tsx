import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { EmptyState, PortalLayout } from "~/components/portal-layout";
import { listPrescriptions } from "~/use-cases/portal/prescriptions.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Prescriptions · ${data?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return listPrescriptions(context, request);
}

export default function PrescriptionsPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  return (
    <PortalLayout shell={shell}>
      <h1>Prescriptions</h1>
      {page.prescriptions.length === 0 ? (
        <EmptyState>No prescriptions to show.</EmptyState>
      ) : (
        <ul className="item-list">
          {page.prescriptions.map((rx) => (
            <li key={rx.id} className="card">
              <h2>
                {rx.medication}
                {rx.strength ? <span className="muted"> {rx.strength}</span> : null}
              </h2>
              <p>{rx.directions}</p>
              <dl className="facts">
                <dt>For</dt>
                <dd>{rx.patientName}</dd>
                {rx.quantity ? (
                  <>
                    <dt>Quantity</dt>
                    <dd>{rx.quantity}</dd>
                  </>
                ) : null}
                <dt>Refills remaining</dt>
                <dd>{rx.refillsRemaining}</dd>
                <dt>Prescribed by</dt>
                <dd>{rx.prescriber}</dd>
                <dt>Date</dt>
                <dd>{rx.prescribedOn}</dd>
                <dt>Status</dt>
                <dd>{rx.status === "active" ? "Active" : "Completed"}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </PortalLayout>
  );
}
