import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AdminLayout, visibleSections } from "~/components/admin-layout";
import { adminPage } from "~/use-cases/admin/admin-page.server";

export const meta: MetaFunction = () => [{ title: "Practice administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return adminPage(context, request, () => true, async () => null);
}

export default function AdminOverview() {
  const { shell } = useLoaderData<typeof loader>();
  const sections = visibleSections(shell);
  return (
    <AdminLayout shell={shell}>
      <h1>{shell.practiceName}</h1>
      <p className="lead">Welcome, {shell.staffName}.</p>
      {sections.length === 0 ? (
        <p className="empty-state">Your role does not include any administration sections yet. Ask someone who manages staff at your practice.</p>
      ) : (
        <ul className="item-list">
          {sections.map((section) => (
            <li key={section.to} className="card">
              <Link to={section.to}>{section.label}</Link>
            </li>
          ))}
        </ul>
      )}
    </AdminLayout>
  );
}
