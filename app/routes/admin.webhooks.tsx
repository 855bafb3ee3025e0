import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ResultNotice } from "~/components/result-notice";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhooks,
  replayWebhookDelivery,
  rotateWebhookSecret,
  setWebhookEndpointEnabled,
  type WebhookActionResult,
} from "~/use-cases/admin/webhooks.server";

export const meta: MetaFunction = () => [{ title: "Webhooks · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return listWebhooks(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const endpointId = String(form.get("endpointId") ?? "");
  const intent = form.get("intent");
  const result: WebhookActionResult =
    intent === "create"
      ? await createWebhookEndpoint(context, request, form)
      : intent === "enable" || intent === "disable"
        ? await setWebhookEndpointEnabled(context, request, endpointId, intent === "enable")
        : intent === "delete"
          ? await deleteWebhookEndpoint(context, request, endpointId)
          : intent === "rotate"
            ? await rotateWebhookSecret(context, request, endpointId)
            : intent === "replay"
              ? await replayWebhookDelivery(context, request, String(form.get("deliveryId") ?? ""))
              : { ok: false, error: "Unknown action." };
  return data(result, { status: result.ok ? 200 : 400 });
}

const STATUS_LABELS = { pending: "Pending", succeeded: "Delivered", dead: "Gave up", cancelled: "Cancelled" } as const;

export default function WebhooksPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <AdminLayout shell={shell}>
      <h1>Webhooks</h1>
      <p className="muted">Portico sends what clients do in the portal to your practice system as signed events (Standard Webhooks).</p>
      <ResultNotice result={result} />
      {result?.ok && result.secret ? (
        <section className="card" aria-labelledby="secret-heading">
          <h2 id="secret-heading">Signing secret</h2>
          <p>
            Copy this secret into the system at {result.secret.endpointUrl} now: it is shown only once. It verifies the <code>webhook-signature</code> header of every
            delivery.
          </p>
          <p>
            <code data-testid="webhook-secret">{result.secret.value}</code>
          </p>
        </section>
      ) : null}

      <section className="card" aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        {page.endpoints.length === 0 ? <p>No endpoints yet.</p> : null}
        {page.endpoints.map((endpoint) => (
          <article key={endpoint.id} className="stack">
            <h3>
              <code>{endpoint.url}</code>
            </h3>
            {endpoint.description ? <p>{endpoint.description}</p> : null}
            <p>
              {endpoint.enabled ? "On" : `Off${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ""}`}
              {endpoint.failingSince ? <span className="muted"> · failing since {endpoint.failingSince}</span> : null}
              <span className="muted"> · events: {endpoint.eventTypes.join(", ")}</span>
            </p>
            <Form method="post" className="inline-form">
              <input type="hidden" name="endpointId" value={endpoint.id} />
              <button type="submit" name="intent" value={endpoint.enabled ? "disable" : "enable"} className="button button--secondary button--small">
                {endpoint.enabled ? "Turn off" : "Turn on"}
              </button>
              <button type="submit" name="intent" value="rotate" className="button button--secondary button--small">
                New secret
              </button>
              <button type="submit" name="intent" value="delete" className="button button--secondary button--small">
                Delete
              </button>
            </Form>
          </article>
        ))}
      </section>

      <section className="card" aria-labelledby="add-heading">
        <h2 id="add-heading">Add an endpoint</h2>
        <Form method="post" className="stack">
          <label htmlFor="webhook-url">Address (https://…)</label>
          <input id="webhook-url" name="url" type="url" required maxLength={2000} />
          <label htmlFor="webhook-description">Description (optional)</label>
          <input id="webhook-description" name="description" maxLength={200} />
          <fieldset>
            <legend>Events</legend>
            {page.eventTypes.map((event) => (
              <label key={event.type} className="checkbox">
                <input type="checkbox" name="eventTypes" value={event.type} /> <code>{event.type}</code> — {event.description}
              </label>
            ))}
          </fieldset>
          <button type="submit" name="intent" value="create" className="button">
            Add endpoint
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Deliveries</h2>
        {page.deliveries.length === 0 ? <p>Nothing sent yet.</p> : null}
        {page.deliveries.length > 0 ? (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">Next attempt</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {page.deliveries.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <code>{d.eventType}</code>
                      <br />
                      <span className="muted">
                        {d.created}
                        {d.replay ? " · replay" : ""}
                      </span>
                    </td>
                    <td>
                      <code>{d.endpointUrl}</code>
                    </td>
                    <td>{STATUS_LABELS[d.status]}</td>
                    <td>{d.attempts}</td>
                    <td>
                      {d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : d.lastError ? "No answer" : "—"}
                      {d.lastDurationMs !== null ? <span className="muted"> · {d.lastDurationMs} ms</span> : null}
                      {d.lastError && d.status !== "succeeded" ? <span className="muted"> · {d.lastError}</span> : null}
                      {d.lastAttempt ? <span className="muted"> · {d.lastAttempt}</span> : null}
                    </td>
                    <td>{d.nextAttempt ?? "—"}</td>
                    <td>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="deliveryId" value={d.id} />
                        <button type="submit" name="intent" value="replay" className="button button--secondary button--small">
                          Replay
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </AdminLayout>
  );
}
