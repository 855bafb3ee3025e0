import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ResultNotice } from "~/components/result-notice";
import { createForm, importQuestionnaire, listForms } from "~/use-cases/admin/forms.server";

export const meta: MetaFunction = () => [{ title: "Forms · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return listForms(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const result = form.get("intent") === "import" ? await importQuestionnaire(context, request, form) : await createForm(context, request, form);
  if (result.ok && result.formId) throw redirect(`/admin/forms/${result.formId}`);
  return data(result, { status: result.ok ? 200 : 400 });
}

export default function FormsPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <AdminLayout shell={shell}>
      <h1>Forms</h1>
      <p className="muted">Intake and consent questionnaires: build one, publish it, then send it to a client from their page, attach it to appointment types, or open it on the practice tablet.</p>
      <ResultNotice result={result} />
      {page.forms.length === 0 ? (
        <p className="empty-state">No forms yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">The practice's forms</caption>
            <thead>
              <tr>
                <th scope="col">Form</th>
                <th scope="col">Published</th>
                <th scope="col">Answers</th>
              </tr>
            </thead>
            <tbody>
              {page.forms.map((f) => (
                <tr key={f.id}>
                  <th scope="row">
                    <Link to={`/admin/forms/${f.id}`}>{f.name}</Link>
                    {f.active ? null : <span className="muted"> · retired</span>}
                  </th>
                  <td>
                    {f.latestVersion ? `Version ${f.latestVersion}, ${f.publishedAt}` : "Not yet"}
                    {f.unpublishedChanges ? <span className="badge badge--warning">Draft changes</span> : null}
                  </td>
                  <td>{f.submissions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Form method="post" className="card stack">
        <h2>New form</h2>
        <label htmlFor="name">Name</label>
        <input id="name" name="name" required maxLength={200} />
        <button type="submit" className="button" disabled={busy}>
          Create form
        </button>
      </Form>
      <Form method="post" className="card stack">
        <h2>Import a FHIR Questionnaire</h2>
        <label htmlFor="questionnaire">Questionnaire (FHIR R4 JSON, as another system or Portico exported it)</label>
        <textarea id="questionnaire" name="questionnaire" rows={6} required />
        <button type="submit" name="intent" value="import" className="button button--secondary" disabled={busy}>
          Import as a new form
        </button>
      </Form>
    </AdminLayout>
  );
}
