import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import type { ClientDraft, FieldErrors, PatientDraft } from "~/use-cases/admin/client-records.server";

type FieldProps = { name: string; label: string; errors: FieldErrors | undefined; hint?: string; children: (aria: Record<string, string | boolean | undefined>) => ReactNode };

const idOf = (name: string) => `field-${name.replace(/\W+/g, "-")}`;

/** One labelled field with its hint and its problems, tied to the input for screen readers. */
function Field({ name, label, errors, hint, children }: FieldProps) {
  const id = idOf(name);
  const problems = errors?.[name] ?? [];
  const describedBy = [hint ? `${id}-hint` : null, problems.length ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="muted form-hint">
          {hint}
        </p>
      ) : null}
      {problems.length ? (
        <p id={`${id}-error`} className="field-error">
          {problems.map((p) => sentence(label, p)).join(" ")}
        </p>
      ) : null}
      {children({ id, "aria-invalid": problems.length ? true : undefined, "aria-describedby": describedBy || undefined })}
    </div>
  );
}

/** "First name" + "must not be empty" → "First name must not be empty." */
function sentence(label: string, message: string): string {
  const text = message.startsWith("line ") ? `${label}, ${message}` : /^[a-z]/.test(message) ? `${label} ${message}` : `${label}: ${message}`;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Every problem at the top of the form, each a link to its field; announced at once. */
function ErrorSummary({ errors, labels }: { errors: FieldErrors | undefined; labels: Record<string, string> }) {
  const entries = Object.entries(errors ?? {});
  if (!entries.length) return null;
  return (
    <div className="notice notice--warning" role="alert">
      <p>Nothing was saved. Please correct:</p>
      <ul>
        {entries.flatMap(([name, problems]) =>
          problems.map((problem) => (
            <li key={`${name}-${problem}`}>
              <a href={`#${idOf(name)}`}>{sentence(labels[name] ?? labelOfContactField(name), problem)}</a>
            </li>
          )),
        )}
      </ul>
    </div>
  );
}

const CONTACT_LABELS: Record<string, string> = { name: "Name", relationship: "Relationship", phone: "Phone", emails: "Emails" };

function labelOfContactField(name: string): string {
  const match = /^contact\.(\d+)\.(\w+)$/.exec(name);
  return match ? `Alternative contact ${Number(match[1]) + 1}: ${(CONTACT_LABELS[match[2]!] ?? match[2]!).toLowerCase()}` : name;
}

const CLIENT_LABELS: Record<string, string> = {
  first_name: "First name",
  last_name: "Last name",
  emails: "Emails",
  phones: "Phones",
  line1: "Address line 1",
  line2: "Address line 2",
  city: "City",
  region: "State or region",
  postal_code: "Postal code",
  country: "Country",
  status: "Record",
  address: "Address",
  alternative_contacts: "Alternative contacts",
};

export function ClientForm({ draft, errors, submitLabel }: { draft: ClientDraft; errors: FieldErrors | undefined; submitLabel: string }) {
  const text = (name: keyof typeof CLIENT_LABELS & keyof ClientDraft, props: { hint?: string; autoComplete?: string; maxLength: number; required?: boolean; type?: string }) => (
    <Field name={name} label={CLIENT_LABELS[name]!} errors={errors} hint={props.hint}>
      {(aria) => <input {...aria} name={name} type={props.type ?? "text"} defaultValue={draft[name] as string} maxLength={props.maxLength} required={props.required} autoComplete={props.autoComplete ?? "off"} />}
    </Field>
  );
  return (
    <Form method="post" className="stack record-form" noValidate>
      <ErrorSummary errors={errors} labels={CLIENT_LABELS} />
      <fieldset className="card">
        <legend>Name</legend>
        {text("first_name", { maxLength: 100, required: true })}
        {text("last_name", { maxLength: 100, required: true })}
      </fieldset>
      <fieldset className="card">
        <legend>Contact</legend>
        <Field name="emails" label="Emails that may sign in to the portal" errors={errors} hint="One a line; the first is the primary one. Each can request a sign-in link for this client.">
          {(aria) => <textarea {...aria} name="emails" rows={3} defaultValue={draft.emails} maxLength={3000} autoComplete="off" spellCheck={false} />}
        </Field>
        <Field name="phones" label="Phones" errors={errors} hint="One a line; the first is the main number (the one staff search by).">
          {(aria) => <textarea {...aria} name="phones" rows={2} defaultValue={draft.phones} maxLength={300} autoComplete="off" />}
        </Field>
      </fieldset>
      <fieldset className="card">
        <legend>Address (optional)</legend>
        {text("line1", { maxLength: 200 })}
        {text("line2", { maxLength: 200 })}
        {text("city", { maxLength: 100 })}
        {text("region", { maxLength: 100 })}
        {text("postal_code", { maxLength: 20 })}
        {text("country", { maxLength: 2, hint: "Two letters, such as US or GB." })}
      </fieldset>
      <fieldset className="card">
        <legend>Alternative contacts</legend>
        <p className="muted">Someone the practice may contact about this client (a family member, a neighbour). Alternative contacts never sign in to the portal. Clear a contact's fields to remove it.</p>
        {draft.contacts.map((contact, i) => (
          <fieldset key={i} className="contact-row">
            <legend>Alternative contact {i + 1}</legend>
            <ContactField index={i} part="name" value={contact.name} errors={errors} maxLength={120} />
            <ContactField index={i} part="relationship" value={contact.relationship} errors={errors} maxLength={60} />
            <ContactField index={i} part="phone" value={contact.phone} errors={errors} maxLength={40} />
            <ContactField index={i} part="emails" value={contact.emails} errors={errors} maxLength={1300} hint="One a line. For the practice's records only." />
          </fieldset>
        ))}
      </fieldset>
      <fieldset className="card">
        <legend>Record</legend>
        {errors?.status ? <p className="field-error">{errors.status.map((p) => sentence("Record", p)).join(" ")}</p> : null}
        <label className="checkbox">
          <input type="radio" name="status" value="active" defaultChecked={draft.status !== "inactive"} /> Active
        </label>
        <label className="checkbox">
          <input type="radio" name="status" value="inactive" defaultChecked={draft.status === "inactive"} /> Inactive (cannot sign in; never deleted)
        </label>
      </fieldset>
      <button type="submit" className="button">
        {submitLabel}
      </button>
    </Form>
  );
}

const CONTACT_INPUT_NAMES = { name: "contactName", relationship: "contactRelationship", phone: "contactPhone", emails: "contactEmails" } as const;

function ContactField({ index, part, value, errors, maxLength, hint }: { index: number; part: keyof typeof CONTACT_INPUT_NAMES; value: string; errors: FieldErrors | undefined; maxLength: number; hint?: string }) {
  return (
    <Field name={`contact.${index}.${part}`} label={CONTACT_LABELS[part]!} errors={errors} hint={hint}>
      {(aria) =>
        part === "emails" ? (
          <textarea {...aria} name={CONTACT_INPUT_NAMES[part]} rows={2} defaultValue={value} maxLength={maxLength} autoComplete="off" spellCheck={false} />
        ) : (
          <input {...aria} name={CONTACT_INPUT_NAMES[part]} type={part === "phone" ? "tel" : "text"} defaultValue={value} maxLength={maxLength} autoComplete="off" />
        )
      }
    </Field>
  );
}

export function PatientForm({ draft, errors, kind, singular, submitLabel }: { draft: PatientDraft; errors: FieldErrors | undefined; kind: "veterinary" | "human"; singular: string; submitLabel: string }) {
  const labels: Record<string, string> = { name: "Name", species: "Species", breed: "Breed", sex: "Sex", date_of_birth: "Date of birth", status: "Status" };
  const input = (name: keyof PatientDraft, props: { maxLength?: number; type?: string; hint?: string }) => (
    <Field name={name} label={labels[name]!} errors={errors} hint={props.hint}>
      {(aria) => <input {...aria} name={name} type={props.type ?? "text"} defaultValue={draft[name]} maxLength={props.maxLength} autoComplete="off" />}
    </Field>
  );
  return (
    <Form method="post" className="stack record-form" noValidate>
      <ErrorSummary errors={errors} labels={labels} />
      <fieldset className="card">
        <legend>About the {singular}</legend>
        {input("name", { maxLength: 100 })}
        {kind === "veterinary" ? input("species", { maxLength: 60, hint: "Required, e.g. Dog, Cat, Rabbit." }) : null}
        {kind === "veterinary" ? input("breed", { maxLength: 100 }) : null}
        {input("sex", { maxLength: 40, hint: kind === "veterinary" ? "e.g. Female, spayed" : undefined })}
        {input("date_of_birth", { type: "date" })}
      </fieldset>
      <fieldset className="card">
        <legend>Status</legend>
        {errors?.status ? <p className="field-error">{errors.status.map((p) => sentence("Status", p)).join(" ")}</p> : null}
        <p className="muted">Inactive and deceased {kind === "veterinary" ? "pets" : "patients"} no longer appear in the client's portal; nothing is deleted.</p>
        {(["active", "inactive", "deceased"] as const).map((status) => (
          <label key={status} className="checkbox">
            <input type="radio" name="status" value={status} defaultChecked={draft.status === status} /> {status.charAt(0).toUpperCase() + status.slice(1)}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button">
        {submitLabel}
      </button>
    </Form>
  );
}
