import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { DocumentContent } from "~/components/document-content";
import { SharingToggle } from "~/components/sharing-toggle";
import { parseContent } from "~/document-content";
import { getDocumentForStaff, setDocumentSharing } from "~/use-cases/admin/clients.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.page.title ?? "Record"} · Administration` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return getDocumentForStaff(context, request, params.documentId);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const shared = form.get("shared");
  if (shared !== "on" && shared !== "off") throw new Response("Choose on or off", { status: 400 });
  const { clientId } = await setDocumentSharing(context, request, params.documentId, shared === "on");
  const returnTo = String(form.get("returnTo") ?? "");
  // Back to where the switch was pressed: this record or its client's page, nowhere else.
  throw redirect(returnTo === `/admin/clients/${clientId}` ? returnTo : `/admin/documents/${params.documentId}`);
}

export default function StaffDocumentPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  return (
    <AdminLayout shell={shell}>
      <p>
        <Link to={`/admin/clients/${page.client.id}`}>← {page.client.name}</Link>
      </p>
      <article className="card" aria-labelledby="doc-title">
        <h1 id="doc-title">{page.title}</h1>
        <p className="muted">
          {page.patientName} · {page.category} · {page.visitDate} · {page.status.replace("_", " ")}
          {page.author ? ` · ${page.author}` : ""}
        </p>
        <div className="actions">
          <SharingToggle documentId={page.id} shared={page.portalShared} returnTo={`/admin/documents/${page.id}`} />
        </div>
        <DocumentContent blocks={parseContent(page.content)} />
        {page.files.length ? (
          <section aria-labelledby="doc-files">
            <h2 id="doc-files">Attached files</h2>
            <ul className="record-files">
              {page.files.map((f) => (
                <li key={f.id}>
                  <a href={`/admin/documents/${page.id}/files/${f.id}`} download={f.name}>
                    {f.name}
                  </a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </article>
    </AdminLayout>
  );
}
