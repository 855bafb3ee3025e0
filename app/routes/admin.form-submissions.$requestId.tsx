import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ResultNotice } from "~/components/result-notice";
import { getSubmission, markReviewed } from "~/use-cases/admin/form-requests.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `${loaded?.page.title ?? "Form"} · Form answers · Administration` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return getSubmission(context, request, params.requestId);
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const result = await markReviewed(context, request, params.requestId);
  return data(result, { status: result.ok ? 200 : 400 });
}

export default function SubmissionPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <AdminLayout shell={shell}>
      <p>
        <Link to="/admin/form-submissions">← Form answers</Link>
      </p>
      <h1>{page.title}</h1>
      <ResultNotice result={result} />
      <dl className="facts">
        <dt>Client</dt>
        <dd>
          <Link to={`/admin/clients/${page.client.id}`}>{page.client.name}</Link>
          {page.patientName ? ` · about ${page.patientName}` : ""}
        </dd>
        <dt>Version</dt>
        <dd>{page.version}</dd>
        <dt>Sent</dt>
        <dd>{page.sentAt}</dd>
        <dt>Submitted</dt>
        <dd>{page.submittedAt ? `${page.submittedAt}${page.submittedFrom ? ` from ${page.submittedFrom}` : ""}` : "Not yet"}</dd>
        <dt>Reviewed</dt>
        <dd>{page.reviewedAt ?? "Not yet"}</dd>
      </dl>
      <p>
        <a href={`/admin/form-submissions/${page.id}.pdf`} download>
          Download as PDF
        </a>
        {" · "}
        <a href={`/admin/form-submissions/${page.id}/response.json`} download>
          Download as a FHIR QuestionnaireResponse
        </a>
      </p>
      {page.status === "submitted" ? (
        <Form method="post">
          <button type="submit" className="button" disabled={busy}>
            Mark reviewed
          </button>
        </Form>
      ) : null}
      {page.sections.map((section) => (
        <section key={section.title} className="card stack" aria-label={section.title}>
          <h2>{section.title}</h2>
          <dl className="facts">
            {section.answers.map((a) => (
              <div key={a.question}>
                <dt>{a.question}</dt>
                {a.consentText ? <dd className="consent-text">{a.consentText}</dd> : null}
                <dd>
                  {a.fileId && a.image ? <img src={`/admin/form-submissions/${page.id}/files/${a.fileId}`} alt={`${a.question}: the drawn signature`} className="signature-pad__saved" /> : null}
                  {a.fileId && !a.image ? (
                    <a href={`/admin/form-submissions/${page.id}/files/${a.fileId}`} download>
                      {a.answer}: download
                    </a>
                  ) : (
                    a.answer
                  )}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </AdminLayout>
  );
}
