import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { searchClients } from "~/use-cases/admin/clients.server";

export const meta: MetaFunction = () => [{ title: "Clients · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return searchClients(context, request);
}

export default function ClientDirectory() {
  const { shell, page } = useLoaderData<typeof loader>();
  return (
    <AdminLayout shell={shell}>
      <h1>Clients</h1>
      {shell.permissions.includes("chart_access") ? (
        <p>
          <Link to="/admin/clients/new" className="button button--small">
            New client
          </Link>
        </p>
      ) : null}
      <Form method="get" className="inline-form" role="search">
        <label htmlFor="q" className="visually-hidden">
          Search clients
        </label>
        <input id="q" name="q" type="search" defaultValue={page.q} placeholder="Name, email, phone or patient name" maxLength={100} />
        <button type="submit" className="button">
          Search
        </button>
      </Form>
      {page.clients.length === 0 ? (
        <p className="empty-state">No clients match “{page.q}”.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">Clients</caption>
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Email</th>
                <th scope="col">Phone</th>
                <th scope="col">{shell.practiceKind === "veterinary" ? "Pets" : "Patients"}</th>
                <th scope="col">Portal</th>
              </tr>
            </thead>
            <tbody>
              {page.clients.map((client) => (
                <tr key={client.id}>
                  <td>
                    <Link to={`/admin/clients/${client.id}`}>{client.name}</Link>
                    {client.status === "inactive" ? <span className="muted"> (inactive)</span> : null}
                  </td>
                  <td>{client.email ?? "—"}</td>
                  <td>{client.phone ?? "—"}</td>
                  <td>{client.patients || "—"}</td>
                  <td>{client.portalBlocked ? "Blocked" : "Allowed"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.next ? (
        <p>
          <Link to={`?${new URLSearchParams({ ...(page.q ? { q: page.q } : {}), after: page.next })}`}>Next page →</Link>
        </p>
      ) : null}
    </AdminLayout>
  );
}
