import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { listAuditEvents } from "~/use-cases/admin/audit-log.server";

export const meta: MetaFunction = () => [{ title: "Audit log · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return listAuditEvents(context, request);
}

export default function AuditLogPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const query = new URLSearchParams(Object.entries({ actor: page.filters.actor, action: page.filters.action, from: page.filters.from, to: page.filters.to }).filter((e): e is [string, string] => Boolean(e[1])));
  return (
    <AdminLayout shell={shell}>
      <h1>Audit log</h1>
      <Form method="get" className="filters">
        <div>
          <label htmlFor="actor">Person</label>
          <select id="actor" name="actor" defaultValue={page.filters.actor ?? ""}>
            <option value="">Anyone</option>
            {page.staff.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="action">Action</label>
          <select id="action" name="action" defaultValue={page.filters.action ?? ""}>
            <option value="">Any action</option>
            {page.actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="from">From</label>
          <input id="from" name="from" type="date" defaultValue={page.filters.from ?? ""} />
        </div>
        <div>
          <label htmlFor="to">To</label>
          <input id="to" name="to" type="date" defaultValue={page.filters.to ?? ""} />
        </div>
        <button type="submit" className="button">
          Filter
        </button>
        <a className="button button--secondary" href={`/admin/audit.csv${query.size ? `?${query}` : ""}`} download>
          Export CSV
        </a>
      </Form>
      {page.rows.length === 0 ? (
        <p className="empty-state">Nothing matches these filters.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">About</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r) => (
                <tr key={r.seq}>
                  <td>
                    <time dateTime={r.isoTime}>{r.when}</time>
                  </td>
                  <td>{r.actor}</td>
                  <td>{r.action}</td>
                  <td>{r.subject}</td>
                  <td className="muted">
                    {r.detailsInWords}
                    {r.ip ? ` · ${r.ip}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page.older ? (
        <p>
          <Link to={`?${new URLSearchParams([...query, ["before", page.older]])}`}>Older events →</Link>
        </p>
      ) : null}
    </AdminLayout>
  );
}
