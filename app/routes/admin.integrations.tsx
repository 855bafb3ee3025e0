import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ResultNotice } from "~/components/result-notice";
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from "~/use-cases/admin/api-keys.server";

export const meta: MetaFunction = () => [{ title: "Integrations · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return listApiKeys(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = form.get("intent");
  const keyId = String(form.get("keyId") ?? "");
  const result =
    intent === "create"
      ? await createApiKey(context, request, form)
      : intent === "revoke"
        ? await revokeApiKey(context, request, keyId)
        : intent === "rotate"
          ? await rotateApiKey(context, request, keyId, form.get("overlapHours"))
          : ({ ok: false, error: "Unknown action." } as const);
  // The one answer that carries a secret: never stored by a cache.
  return data(result, { status: result.ok ? 200 : 400, headers: { "Cache-Control": "no-store" } });
}

const STATE_LABELS = { active: "Active", expiring: "Stops at", expired: "Expired", revoked: "Revoked" } as const;

export default function IntegrationsPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <AdminLayout shell={shell}>
      <h1>Integrations</h1>
      <p>
        API keys let the practice's own system (EMR/PIMS) keep Portico in step through the <a href="/api/v1/docs">integration API</a>. A key works only at
        this practice's address.
      </p>
      <ResultNotice result={result} />
      {result?.ok && "secret" in result && result.secret ? (
        <section className="card" aria-labelledby="secret-heading">
          <h2 id="secret-heading">New key: {result.secret.name}</h2>
          <p>Copy it into the practice system now. Portico keeps only a fingerprint of it and cannot show it again.</p>
          <p>
            <code className="manual-key" data-testid="new-api-key">
              {result.secret.key}
            </code>
          </p>
        </section>
      ) : null}

      <section className="card" aria-labelledby="keys-heading">
        <h2 id="keys-heading">API keys</h2>
        {page.keys.length === 0 ? (
          <p className="muted">No keys yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Access</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {page.keys.map((k) => (
                  <tr key={k.id}>
                    <td>
                      {k.name}
                      <br />
                      <span className="muted">
                        created {k.createdAt}
                        {k.createdBy ? ` by ${k.createdBy}` : ""}
                      </span>
                    </td>
                    <td>
                      <code>{k.prefix}</code>
                    </td>
                    <td>{k.scopes.includes("write") ? "Read and write" : "Read only"}</td>
                    <td>{k.lastUsed ?? <span className="muted">Never</span>}</td>
                    <td>
                      {STATE_LABELS[k.state]}
                      {k.state === "expiring" || k.state === "expired" ? ` ${k.expiresAt}` : ""}
                    </td>
                    <td>
                      {k.state === "active" || k.state === "expiring" ? (
                        <>
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="keyId" value={k.id} />
                            <label htmlFor={`overlap-${k.id}`}>Old key keeps working</label>
                            <select id={`overlap-${k.id}`} name="overlapHours" defaultValue="24">
                              {page.overlaps.map((o) => (
                                <option key={o.hours} value={o.hours}>
                                  {o.label}
                                </option>
                              ))}
                            </select>
                            <button type="submit" name="intent" value="rotate" className="button button--secondary button--small">
                              Rotate
                            </button>
                          </Form>
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="keyId" value={k.id} />
                            <button type="submit" name="intent" value="revoke" className="button button--secondary button--small">
                              Revoke
                            </button>
                          </Form>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="create-heading">
        <h2 id="create-heading">Create a key</h2>
        <Form method="post" className="stack">
          <label htmlFor="key-name">Name</label>
          <input id="key-name" name="name" type="text" required maxLength={80} placeholder="e.g. Practice system (production)" />
          <fieldset>
            <legend>Access</legend>
            <label className="checkbox">
              <input type="radio" name="scope" value="write" defaultChecked /> Read and write (to keep clients and patients in step)
            </label>
            <label className="checkbox">
              <input type="radio" name="scope" value="read" /> Read only
            </label>
          </fieldset>
          <button type="submit" name="intent" value="create" className="button">
            Create key
          </button>
        </Form>
      </section>
    </AdminLayout>
  );
}
