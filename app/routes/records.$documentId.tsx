import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DocumentContent } from "~/components/document-content";
import { PortalLayout } from "~/components/portal-layout";
import { PrintButton } from "~/components/print-button";
import { getRecord } from "~/use-cases/portal/records.server";

const FILE_KINDS: Record<string, string> = { "application/pdf": "PDF", "image/jpeg": "JPEG image", "image/png": "PNG image" };

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.page.title ?? "Record"} · ${data?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return getRecord(context, request, params.documentId);
}

export default function RecordPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  return (
    <PortalLayout shell={shell}>
      <p className="no-print">
        <Link to="/records">← All records</Link>
      </p>
      <article className="card record" aria-labelledby="record-title">
        <p className="print-only">{shell.practiceName}</p>
        <h1 id="record-title">{page.title}</h1>
        <p className="muted">
          {page.patientName} · {page.category} · <time dateTime={page.visitDate}>{page.visitDateText}</time>
          {page.author ? ` · ${page.author}` : ""}
        </p>
        <DocumentContent blocks={page.blocks} />
        {page.files.length ? (
          <section aria-labelledby="record-files">
            <h2 id="record-files">Attached files</h2>
            <ul className="record-files">
              {page.files.map((file) => (
                <li key={file.id}>
                  <a href={`/records/${page.id}/files/${file.id}`} download={file.name}>
                    {file.name}
                  </a>{" "}
                  <span className="muted">
                    ({FILE_KINDS[file.contentType] ?? "File"}, {formatSize(file.byteSize)})
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </article>
      <div className="actions no-print">
        <a className="button" href={`/records/${page.id}.pdf`} download>
          Download PDF
        </a>
        <PrintButton />
      </div>
    </PortalLayout>
  );
}
