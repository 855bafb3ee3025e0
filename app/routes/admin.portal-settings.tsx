import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ResultNotice } from "~/components/result-notice";
import { CopyButton } from "~/components/copy-button";
import { getPortalSettings, removePatientPhoto, updatePortalSettings } from "~/use-cases/admin/portal-settings.server";

export const meta: MetaFunction = () => [{ title: "Portal settings · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return getPortalSettings(context, request);
}

/**
 * Turning the portal off signs every client out, so the server asks first: a save that would turn it off, without
 * `confirm=yes`, writes nothing and answers with a confirmation step that re-posts the same form (no JavaScript
 * needed). Only for someone who may change the settings: anyone else gets the use case's 403 as before.
 */
async function turnOffNeedsConfirmation(context: ActionFunctionArgs["context"], request: Request, form: FormData): Promise<boolean> {
  if (form.get("portalEnabled") === "on" || form.get("confirm") === "yes") return false;
  const { page } = await getPortalSettings(context, request);
  return page.canEdit && page.portalEnabled;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  if (form.get("intent") === "remove-photo") {
    await removePatientPhoto(context, request, String(form.get("patientId") ?? ""));
    return { ok: true as const, message: "The photo was removed." };
  }
  if (await turnOffNeedsConfirmation(context, request, form)) {
    if (form.has("confirm")) return data({ ok: false as const, error: "To turn the portal off, confirm with the button below." }, { status: 400 });
    const fields = [...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === "string");
    return { confirmTurnOff: true as const, fields };
  }
  const result = await updatePortalSettings(context, request, form);
  return data(result.ok ? { ok: true as const, message: "Settings saved." } : result, { status: result.ok ? 200 : 400 });
}

const THRESHOLDS = [
  { value: "to_review", label: "To Review", help: "Clients see results as soon as they arrive, before a clinician has reviewed them." },
  { value: "to_share", label: "To Share", help: "Clients see results once a clinician has marked them ready to share." },
  { value: "completed", label: "Completed", help: "Clients see results only when they are completed." },
] as const;

const SIGN_IN_METHODS = [
  { value: "magic_link", label: "A link sent to their email (no password)" },
  { value: "password", label: "Email and password" },
  { value: "both", label: "Either" },
] as const;

/** The second step of turning the portal off: the same form again, with the confirmation, or back to the settings. */
function ConfirmTurnOff({ fields }: { fields: [string, string][] }) {
  return (
    <section className="card notice--warning" role="alert" aria-labelledby="confirm-heading">
      <h2 id="confirm-heading">Turn the client portal off?</h2>
      <p>Every client is signed out at once, and nobody can sign in until the portal is turned on again. Your settings are kept.</p>
      <Form method="post" className="stack">
        {fields.map(([name, value], index) => (
          <input key={`${name}-${index}`} type="hidden" name={name} value={value} />
        ))}
        <button type="submit" name="confirm" value="yes" className="button">
          Turn the portal off
        </button>
      </Form>
      <p>
        <a href="/admin/portal-settings">Keep the portal on</a>
      </p>
    </section>
  );
}

export default function PortalSettingsPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const disabled = !page.canEdit;
  const confirming = actionData && "fields" in actionData ? actionData.fields : undefined;
  const result = actionData?.ok === true ? { ok: true as const, message: actionData.message } : actionData?.ok === false ? { ok: false as const, error: actionData.error } : undefined;
  return (
    <AdminLayout shell={shell}>
      <h1>Client portal settings</h1>
      {disabled ? <p className="notice">You can view these settings. Changing them needs the “Change client portal settings” permission.</p> : null}
      {confirming ? <ConfirmTurnOff fields={confirming} /> : null}
      <ResultNotice result={result} />

      <section className="card" aria-labelledby="address-heading">
        <h2 id="address-heading">Portal address</h2>
        <p>
          <strong>{page.url}</strong> <CopyButton text={page.url} label="Copy URL" />
        </p>
        <p className="muted">
          The subdomain <code>{page.subdomain}</code> was chosen when the practice joined and can never be changed: it is printed on letters, reminders
          and emails your clients keep.
        </p>
      </section>

      <Form method="post" className="stack">
        <fieldset className="card" disabled={disabled}>
          <legend>Availability</legend>
          <label className="checkbox">
            <input type="checkbox" name="portalEnabled" defaultChecked={page.portalEnabled} /> Enable the client portal
          </label>
          <p className="muted">Turning the portal off signs every client out at once. All settings below are kept, so turning it on again restores them.</p>
        </fieldset>

        <fieldset className="card" disabled={disabled}>
          <legend>How clients sign in</legend>
          {SIGN_IN_METHODS.map((method) => (
            <label key={method.value} className="checkbox">
              <input type="radio" name="signInMethods" value={method.value} defaultChecked={page.signInMethods === method.value} /> {method.label}
            </label>
          ))}
        </fieldset>

        <fieldset className="card" disabled={disabled}>
          <legend>Record categories shared with clients</legend>
          {page.categories.map((category) => (
            <label key={category.value} className="checkbox">
              <input type="checkbox" name="sharedCategories" value={category.value} defaultChecked={page.sharedCategories.includes(category.value)} /> {category.label}
            </label>
          ))}
        </fieldset>

        <fieldset className="card" disabled={disabled}>
          <legend>Lab results and imaging become visible at</legend>
          {THRESHOLDS.map((threshold) => (
            <label key={threshold.value} className="checkbox">
              <input type="radio" name="diagnosticsShareStatus" value={threshold.value} defaultChecked={page.diagnosticsShareStatus === threshold.value} /> {threshold.label}
              <span className="muted"> — {threshold.help}</span>
            </label>
          ))}
        </fieldset>

        <fieldset className="card" disabled={disabled}>
          <legend>Templates shared with the portal</legend>
          <p className="muted">A record created from a shared template starts with portal sharing on; from an internal template, off. Staff can still switch each record.</p>
          {page.templates.map((template) => (
            <label key={template.id} className="checkbox">
              <input type="checkbox" name="sharedTemplates" value={template.id} defaultChecked={template.shared} /> {template.name}
              <span className="muted"> ({template.category})</span>
            </label>
          ))}
        </fieldset>

        {disabled ? null : (
          <button type="submit" name="intent" value="save" className="button" disabled={busy}>
            Save settings
          </button>
        )}
      </Form>

      {page.photos ? (
        <section className="card" aria-labelledby="photos-heading">
          <h2 id="photos-heading">Pet photos clients can see</h2>
          <p className="muted">Every photo below is visible to the pet's owner in the portal. Remove any that should not be shown.</p>
          {page.photos.length === 0 ? (
            <p className="empty-state">No pet photos yet.</p>
          ) : (
            <ul className="photo-list">
              {page.photos.map((photo) => (
                <li key={photo.patientId} className="photo-row">
                  <img className="pet-photo" src={`/admin/photos/${photo.patientId}`} alt={`Photo of ${photo.patientName}`} width={96} height={96} />
                  <span>
                    {photo.patientName} <span className="muted">({photo.clientName})</span>
                  </span>
                  {disabled ? null : (
                    <Form method="post">
                      <input type="hidden" name="patientId" value={photo.patientId} />
                      <button type="submit" name="intent" value="remove-photo" className="button button--secondary button--small">
                        Remove photo
                      </button>
                    </Form>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </AdminLayout>
  );
}
