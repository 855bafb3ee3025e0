import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { SupportLayout } from "~/components/support-layout";
import { consolePracticeList } from "~/use-cases/support/console-practices.server";

export const meta: MetaFunction = () => [{ title: "Practices · Portico Support" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return consolePracticeList(context, request);
}

const count = (value: number | null) => (value === null ? "unavailable" : String(value));

export default function PracticesPage() {
  const { user, search, practices, more } = useLoaderData<typeof loader>();
  return (
    <SupportLayout user={user}>
      <h1>Practices</h1>
      <Form method="get" className="filters" role="search">
        <div>
          <label htmlFor="q">Name or subdomain</label>
          <input id="q" name="q" type="search" defaultValue={search} maxLength={100} />
        </div>
        <button type="submit" className="button button--secondary">
          Search
        </button>
      </Form>
      {practices.length === 0 ? (
        <p>{search ? "No practice matches." : "No practices yet."}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Practice</th>
                <th scope="col">Subdomain</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Deployment</th>
                <th scope="col">Locations</th>
                <th scope="col">Clients</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {practices.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/support/practices/${p.subdomain}`}>{p.name}</Link>
                  </td>
                  <td>{p.subdomain}</td>
                  <td>{p.kind === "veterinary" ? "Veterinary" : "Human health"}</td>
                  <td>{p.status}</td>
                  <td>{p.deployment}</td>
                  <td>{count(p.locations)}</td>
                  <td>{count(p.clients)}</td>
                  <td>{p.createdAt.slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more ? <p className="muted">Showing the first 50. Narrow the search to find others.</p> : null}
    </SupportLayout>
  );
}
