import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  MaxPartSizeExceededError,
  type MetaFunction,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { LocationCard } from "~/components/location-card";
import { PetPhoto } from "~/components/pet-photo";
import { PortalLayout } from "~/components/portal-layout";
import { getAccountSettings, MAX_PHOTO_BYTES, type PhotoUpload, type UnreadableUpload, uploadPetPhoto } from "~/use-cases/portal/settings.server";
import { isRequestBodyTooLarge } from "../../server/http/request-body.server";

const PERMISSION_WORDS = { view_records: "records", view_appointments: "appointments", book: "booking", fill_forms: "forms" } as const;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Settings · ${data?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return getAccountSettings(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await uploadPetPhoto(context, request, () => readPhotoUpload(request));
  return data(result, { status: result.ok ? 200 : result.status });
}

/** Buffers the multipart body (the photo at most 10 MB): the use case calls this only once the session is checked. */
async function readPhotoUpload(request: Request): Promise<PhotoUpload | UnreadableUpload> {
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_PHOTO_BYTES }));
  } catch (error) {
    // The server stops reading a body past the upload limit (ADR 013); either way the page says why, not a 413 page.
    if (error instanceof MaxPartSizeExceededError || isRequestBodyTooLarge(error)) return { problem: "That photo is larger than 10 MB. Please choose a smaller one.", status: 413 };
    return { problem: "The upload did not arrive complete. Please try again.", status: 400 };
  }
  const file = form.get("photo");
  const patientId = form.get("patientId");
  return { patientId: typeof patientId === "string" ? patientId : undefined, file: file instanceof Blob ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0) };
}

export default function SettingsPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const vet = shell.practiceKind === "veterinary";
  return (
    <PortalLayout shell={shell}>
      <h1>Settings</h1>
      <section className="card" aria-labelledby="people-heading">
        <h2 id="people-heading">People who can see your records</h2>
        {page.access.people.length === 0 ? (
          <p>Only you. The practice can link a family member or carer to your records; you will see them here.</p>
        ) : (
          <ul className="plain-list">
            {page.access.people.map((person) => (
              <li key={`${person.name}-${person.relationship}`}>
                <strong>{person.name}</strong> (you are linked as their {person.relationship.toLowerCase()}): {person.permissions.map((permission: keyof typeof PERMISSION_WORDS) => PERMISSION_WORDS[permission]).join(", ")}
                {person.endsOn ? ` · until ${person.endsOn}` : ""}
              </li>
            ))}
          </ul>
        )}
        {page.access.history.length ? (
          <>
            <h3>Recently looked at your records</h3>
            <ul className="plain-list">
              {page.access.history.map((event, index) => (
                <li key={index}>
                  {event.who} · {event.when}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      <section className="card" aria-labelledby="account-heading">
        <h2 id="account-heading">Your account</h2>
        <p>
          <Link to="/settings/password">Password and sign-in</Link>
        </p>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{page.client.name}</dd>
          <dt>Phone</dt>
          <dd>{page.client.phone ?? "Not on file"}</dd>
          <dt>Email addresses</dt>
          <dd>
            <ul className="plain-list">
              {page.client.emails.map((e) => (
                <li key={e.email}>
                  {e.email}
                  {e.primary ? " (primary)" : ""}
                </li>
              ))}
            </ul>
          </dd>
        </dl>
        <p className="muted">These details are kept by {shell.practiceName}. To change them, please contact the practice.</p>
        <p>
          {/* A download, not a page: the browser saves the zip (reloadDocument skips client-side routing). */}
          <Link to="/settings/my-data.zip" reloadDocument download>
            Download my data
          </Link>{" "}
          <span className="muted">(a zip: your details, records as PDFs, appointments, prescriptions and reminders)</span>
        </p>
      </section>

      {vet ? (
        <section className="card" aria-labelledby="photos-heading">
          <h2 id="photos-heading">Pet photos</h2>
          <p className="muted">Photos are shared with the practice. JPEG, PNG or WebP, up to 10 MB.</p>
          {result ? (
            <p className={result.ok ? "notice" : "notice notice--warning"} role={result.ok ? "status" : "alert"}>
              {result.ok ? `The photo of ${result.patientName} was updated.` : result.problem}
            </p>
          ) : null}
          <ul className="photo-list">
            {page.pets.map((pet) => (
              <li key={pet.id} className="photo-row">
                <PetPhoto patientId={pet.id} name={pet.name} version={pet.photoVersion} />
                <Form method="post" encType="multipart/form-data" className="photo-form">
                  <input type="hidden" name="patientId" value={pet.id} />
                  <label htmlFor={`photo-${pet.id}`}>New photo of {pet.name}</label>
                  <input id={`photo-${pet.id}`} name="photo" type="file" accept="image/jpeg,image/png,image/webp" required />
                  <button type="submit" className="button button--small" disabled={busy}>
                    Upload
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="practice-heading">
        <h2 id="practice-heading">{shell.practiceName}</h2>
        <dl className="facts">
          {shell.contact.phone ? (
            <>
              <dt>Phone</dt>
              <dd>{shell.contact.phone}</dd>
            </>
          ) : null}
          {shell.contact.email ? (
            <>
              <dt>Email</dt>
              <dd>
                <a href={`mailto:${shell.contact.email}`}>{shell.contact.email}</a>
              </dd>
            </>
          ) : null}
        </dl>
        <div className="location-grid">
          {page.locations.map((location) => (
            <LocationCard key={location.id} location={location} />
          ))}
        </div>
      </section>
    </PortalLayout>
  );
}
