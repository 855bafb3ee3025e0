import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { listSubmissions } from "~/use-cases/admin/form-requests.server";

export const meta: MetaFunction = () => [{ title: "Form answers · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return listSubmissions(context, request);
}

const FILTERS = [
  { value: "submitted", label: "Submitted, to review" },
  { value: "reviewed", label: "Reviewed" },
  { value: "outstanding", label: "Sent, not yet submitted" },
  { value: "all", label: "All" },
];

export default function FormSubmissionsPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  return (
    <AdminLayout shell={shell}>
      <h1>Form answers</h1>
      <Form method="get" className="filters">
        <div>
          <label htmlFor="status">Show</label>
          <select id="status" name="status" defaultValue={page.status}>
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Show
        </button>
      </Form>
      {page.rows.length === 0 ? (
        <p className="empty-state">Nothing here.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">Forms</caption>
            <thead>
              <tr>
                <th scope="col">Form</th>
                <th scope="col">Client</th>
                <th scope="col">Status</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <Link to={`/admin/form-submissions/${r.id}`}>{r.title}</Link>
                    {r.patientName ? <span className="muted"> · {r.patientName}</span> : null}
                  </th>
                  <td>
                    <Link to={`/admin/clients/${r.clientId}`}>{r.client}</Link>
                  </td>
                  <td>{r.status}</td>
                  <td>{r.when}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}
