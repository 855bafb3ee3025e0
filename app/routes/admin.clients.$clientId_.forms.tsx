import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ChoiceSelect } from "~/components/choice-select";
import { ResultNotice } from "~/components/result-notice";
import { getClientForms, sendFormToClient } from "~/use-cases/admin/form-requests.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `Forms for ${loaded?.page.client.name ?? "a client"} · Administration` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return getClientForms(context, request, params.clientId);
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const result = await sendFormToClient(context, request, params.clientId, await request.formData());
  return data(result, { status: result.ok ? 200 : 400 });
}

export default function ClientFormsPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <AdminLayout shell={shell}>
      <p>
        <Link to={`/admin/clients/${page.client.id}`}>← {page.client.name}</Link>
      </p>
      <h1>Forms for {page.client.name}</h1>
      <ResultNotice result={result} />
      {page.forms.length === 0 ? (
        <p className="notice">
          No form is published yet. <Link to="/admin/forms">Build and publish one</Link>.
        </p>
      ) : (
        <Form method="post" className="card stack">
          <h2>Send a form</h2>
          {page.client.hasEmail ? null : <p className="notice notice--warning">This client has no email address: the form will be waiting in their portal, but no email can tell them.</p>}
          <ChoiceSelect id="formId" label="Form" value={null} options={page.forms} empty="Choose…" required />
          <ChoiceSelect id="patientId" label={shell.practiceKind === "veterinary" ? "About which pet (optional)" : "About whom (optional)"} value={null} options={page.patients} empty="No one in particular" />
          <button type="submit" className="button" disabled={busy}>
            Send form
          </button>
        </Form>
      )}
      <h2>Sent</h2>
      {page.requests.length === 0 ? (
        <p className="empty-state">No forms sent yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">Forms sent to {page.client.name}</caption>
            <thead>
              <tr>
                <th scope="col">Form</th>
                <th scope="col">Status</th>
                <th scope="col">Sent</th>
                <th scope="col">Submitted</th>
              </tr>
            </thead>
            <tbody>
              {page.requests.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    {r.answered && page.canReadAnswers ? <Link to={`/admin/form-submissions/${r.id}`}>{r.title}</Link> : r.title}
                    {r.patientName ? <span className="muted"> · {r.patientName}</span> : null}
                  </th>
                  <td>{r.status}</td>
                  <td>{r.sentAt}</td>
                  <td>{r.submittedAt ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}
