import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, MaxPartSizeExceededError, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { importsPage, startCsvImport, type CsvUpload } from "~/use-cases/admin/imports.server";
import { isRequestBodyTooLarge } from "../../server/http/request-body.server";

export const meta: MetaFunction = () => [{ title: "Import · Administration" }];

const MAX_CSV_BYTES = 10 * 1024 * 1024;

export async function loader({ request, context }: LoaderFunctionArgs) {
  return importsPage(context, request);
}

/** Buffers the CSV (at most 10 MB): the use case calls this only once the staff member's permission is checked. */
async function readCsvUpload(request: Request): Promise<CsvUpload | { error: string; status: 400 | 413 }> {
  try {
    const form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_CSV_BYTES }));
    const file = form.get("file");
    return { kind: form.get("kind"), file: file instanceof Blob ? file : null };
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError || isRequestBodyTooLarge(error)) return { error: "That file is larger than 10 MB. Split it into several files.", status: 413 };
    return { error: "The upload did not arrive complete. Please try again.", status: 400 };
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await startCsvImport(context, request, () => readCsvUpload(request));
  if (result.ok) throw redirect(`/admin/import?id=${result.importId}`);
  return data(result, { status: result.status });
}

const STATUS_LABELS = { queued: "Waiting", running: "Importing", done: "Done", failed: "Failed" } as const;

export default function ImportPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const report = page.report;
  return (
    <AdminLayout shell={shell}>
      <h1>Import clients and patients</h1>
      <p>
        For practices without a connected practice system: fill in a template in a spreadsheet, save it as CSV and upload it. Each row creates or replaces the
        record with its <code>external_id</code>, so uploading the same file again changes nothing. Import clients first, then their patients.
      </p>
      <p>
        Templates: <a href="/admin/import-template.csv?kind=clients">clients.csv</a> · <a href="/admin/import-template.csv?kind=patients">patients.csv</a>. Separate
        several emails or phones in one cell with <code>;</code>. Practice systems send the same records as NDJSON to <code>POST /api/v1/imports</code>.
      </p>
      {result && !result.ok ? (
        <p className="notice notice--warning" role="alert">
          {result.error}
        </p>
      ) : null}
      <section className="card" aria-labelledby="upload-heading">
        <h2 id="upload-heading">Upload a CSV file</h2>
        <Form method="post" encType="multipart/form-data" className="stack">
          <fieldset>
            <legend>The file holds</legend>
            <label>
              <input type="radio" name="kind" value="clients" defaultChecked /> Clients
            </label>{" "}
            <label>
              <input type="radio" name="kind" value="patients" /> {shell.practiceKind === "veterinary" ? "Pets" : "Patients"}
            </label>
          </fieldset>
          <label htmlFor="csv-file">CSV file (up to 10 MB)</label>
          <input id="csv-file" name="file" type="file" accept=".csv,text/csv" required />
          <button type="submit" className="button" disabled={busy}>
            Import
          </button>
        </Form>
      </section>

      {report ? (
        <section className="card" aria-labelledby="report-heading">
          <h2 id="report-heading">
            Import of {report.createdAt}: {STATUS_LABELS[report.status]}
            {report.status === "running" || report.status === "queued" ? ` (${report.percent}%)` : ""}
          </h2>
          <p>
            {report.created} created, {report.updated} updated, {report.unchanged} unchanged, {report.rejected} rejected.
            {report.status === "running" || report.status === "queued" ? (
              <>
                {" "}
                <Link to={`/admin/import?id=${report.id}`}>Refresh</Link>
              </>
            ) : null}
          </p>
          {report.failure ? <p className="notice notice--warning">{report.failure}</p> : null}
          {report.rejections.length ? (
            <div className="table-scroll">
              <table className="data-table">
                <caption>Rejected rows</caption>
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Record</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rejections.map((r) => (
                    <tr key={r.line}>
                      <td>{r.line}</td>
                      <td>{[r.type, r.external_id].filter(Boolean).join(" ")}</td>
                      <td>{r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {report.more ? <p className="muted">Only the first {report.rejections.length} rejected rows are shown.</p> : null}
        </section>
      ) : null}

      <section className="card" aria-labelledby="recent-heading">
        <h2 id="recent-heading">Recent imports</h2>
        {page.imports.length === 0 ? (
          <p className="muted">No imports yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">From</th>
                  <th scope="col">State</th>
                  <th scope="col">Created</th>
                  <th scope="col">Updated</th>
                  <th scope="col">Unchanged</th>
                  <th scope="col">Rejected</th>
                </tr>
              </thead>
              <tbody>
                {page.imports.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <Link to={`/admin/import?id=${i.id}`}>{i.createdAt}</Link>
                    </td>
                    <td>
                      {i.source}
                      {i.by ? <span className="muted"> · {i.by}</span> : null}
                    </td>
                    <td>
                      {STATUS_LABELS[i.status]}
                      {i.status === "running" ? ` ${i.percent}%` : ""}
                    </td>
                    <td>{i.created}</td>
                    <td>{i.updated}</td>
                    <td>{i.unchanged}</td>
                    <td>{i.rejected}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </AdminLayout>
  );
}
