import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ResultNotice } from "~/components/result-notice";
import {
  createManualAccount,
  linkFamilyMember,
  sendClientAccessLink,
  sendClientInvitation,
  setAccountAccessLevel,
  startKiosk,
  unlinkFamilyMember,
} from "~/use-cases/admin/portal-accounts.server";
import { AdminLayout } from "~/components/admin-layout";
import { SharingToggle } from "~/components/sharing-toggle";
import { getClientForStaff, setAvailablePractitioners, setClientPortalBlocked } from "~/use-cases/admin/clients.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.page.client.name ?? "Client"} · Administration` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return getClientForStaff(context, request, params.clientId);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = form.get("intent");
  const accountAction =
    intent === "invite"
      ? sendClientInvitation(context, request, params.clientId)
      : intent === "access-link"
        ? sendClientAccessLink(context, request, params.clientId)
        : intent === "manual-account"
          ? createManualAccount(context, request, params.clientId, form)
          : intent === "access-level"
            ? setAccountAccessLevel(context, request, params.clientId, form.get("accessLevel"))
            : intent === "link-member"
              ? linkFamilyMember(context, request, params.clientId, form)
              : intent === "unlink-member"
                ? unlinkFamilyMember(context, request, params.clientId, form.get("memberId"))
                : undefined;
  if (intent === "kiosk") {
    const kiosk = await startKiosk(context, request, params.clientId);
    if (!kiosk.ok) return data(kiosk, { status: 400 });
    const headers = new Headers();
    for (const cookie of kiosk.cookies) headers.append("Set-Cookie", cookie);
    throw redirect("/kiosk", { headers });
  }
  if (accountAction) {
    const result = await accountAction;
    return data(result, { status: result.ok ? 200 : 400 });
  }
  if (intent === "practitioners") await setAvailablePractitioners(context, request, params.clientId, form.getAll("staffId").map(String));
  else if (intent === "block" || intent === "unblock") await setClientPortalBlocked(context, request, params.clientId, intent === "block");
  else throw new Response("Unknown action", { status: 400 });
  throw redirect(`/admin/clients/${params.clientId}#portal-access`);
}

const STATUS_LABELS = { blocked: "Blocked", never_signed_in: "Never signed in", active: "Active" } as const;

export default function ClientPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const here = `/admin/clients/${page.client.id}`;
  return (
    <AdminLayout shell={shell}>
      <p>
        <Link to="/admin/clients">← All clients</Link>
      </p>
      <h1>{page.client.name}</h1>
      {shell.permissions.includes("manage_forms") ? (
        <p>
          <Link to={`${here}/forms`} className="button button--small button--secondary">
            Forms: send one, see what was answered
          </Link>
        </p>
      ) : null}
      <section className="card" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        {page.can.chart ? (
          <p>
            <Link to={`${here}/edit`} className="button button--small button--secondary">
              Edit client
            </Link>
          </p>
        ) : null}
        <dl className="facts">
          <dt>Phone</dt>
          <dd>{page.client.phone ?? "—"}</dd>
          <dt>Record</dt>
          <dd>{page.client.status === "active" ? "Active" : "Inactive"}</dd>
          <dt>Emails (can sign in)</dt>
          <dd>
            <ul className="plain-list">
              {page.emails.map((e) => (
                <li key={e.email}>
                  {e.email}
                  {e.primary ? " (primary)" : ""}
                </li>
              ))}
            </ul>
          </dd>
        </dl>
        {page.contacts.length > 0 ? (
          <>
            <h3>Alternative contacts</h3>
            <p className="muted">Alternative contacts cannot sign in to the portal with their own email.</p>
            <ul className="plain-list">
              {page.contacts.map((c) => (
                <li key={c.id}>
                  {c.name}
                  {c.relationship ? ` (${c.relationship})` : ""} {c.phone ? `· ${c.phone}` : ""} {c.emails ? `· ${c.emails}` : ""}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="patients-heading">
        <h2 id="patients-heading">{shell.practiceKind === "veterinary" ? "Pets" : "Patients"}</h2>
        {page.can.chart ? (
          <p>
            <Link to={`${here}/patients/new`} className="button button--small button--secondary">
              {`Add a ${page.words.singular}`}
            </Link>
          </p>
        ) : null}
        <ul className="plain-list">
          {page.patients.map((p) => (
            <li key={p.id}>
              {p.name} {p.species ? <span className="muted">· {[p.species, p.breed].filter(Boolean).join(", ")}</span> : null} <span className="muted">· {p.status}</span>
              {p.photoBy ? (
                <span className="muted">
                  {" "}
                  · <img className="pet-photo pet-photo--small" src={`/admin/photos/${p.id}`} alt={`Photo of ${p.name}`} width={40} height={40} /> photo by{" "}
                  {p.photoBy === "client" ? "the client" : "staff"}
                </span>
              ) : null}
              {page.can.chart ? (
                <>
                  {" "}
                  · <Link to={`/admin/patients/${p.id}/edit`}>
                    Edit<span className="visually-hidden">{` ${p.name}`}</span>
                  </Link>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      {page.can.chart ? (
        <section className="card" aria-labelledby="documents-heading">
          <h2 id="documents-heading">Records</h2>
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Status</th>
                  <th scope="col">Client sees it</th>
                  <th scope="col">Portal sharing</th>
                </tr>
              </thead>
              <tbody>
                {page.documents.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Link to={`/admin/documents/${d.id}`}>{d.title}</Link>
                      <br />
                      <span className="muted">
                        {d.patientName} · {d.category} · {d.visitDate}
                      </span>
                      {d.files.length ? (
                        <ul className="record-files">
                          {d.files.map((f) => (
                            <li key={f.id}>
                              <a href={`/admin/documents/${d.id}/files/${f.id}`} download={f.name}>
                                {f.name}
                              </a>
                            </li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                    <td>{d.status.replace("_", " ")}</td>
                    <td>{d.visibleToClient ? "Yes" : "No"}</td>
                    <td>
                      <SharingToggle documentId={d.id} shared={d.portalShared} returnTo={here} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {page.can.chart ? (
        <section className="card" aria-labelledby="appointments-heading">
          <h2 id="appointments-heading">Appointments</h2>
          <ul className="plain-list">
            {page.appointments.map((a) => (
              <li key={a.id}>
                {a.when} — {a.reason} ({a.patientName}) · {a.status}
                {a.confirmedFromPortal ? <span className="badge badge--success"> confirmed in the portal</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {page.intake.length ? (
        <section className="card" aria-labelledby="intake-heading">
          <h2 id="intake-heading">Intake forms</h2>
          {page.intake.map((form) => (
            <div key={form.id}>
              <h3>
                {form.submitted} ({form.via === "kiosk" ? "on the practice tablet" : "in the portal"})
              </h3>
              <dl className="facts">
                {Object.entries(INTAKE_LABELS).map(([key, label]) => (
                  <div key={key}>
                    <dt>{label}</dt>
                    <dd>{form.answers[key] || "—"}</dd>
                  </div>
                ))}
              </dl>
            </div>
          ))}
        </section>
      ) : null}

      {page.access ? (
        <section className="card" id="portal-access" aria-labelledby="access-heading">
          <h2 id="access-heading">Portal access</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd>{STATUS_LABELS[page.access.status]}</dd>
            <dt>Last sign-in</dt>
            <dd>{page.access.lastSignIn ?? "Never"}</dd>
          </dl>
          <Form method="post">
            {page.access.status === "blocked" ? (
              <button type="submit" name="intent" value="unblock" className="button">
                Unblock portal access
              </button>
            ) : (
              <button type="submit" name="intent" value="block" className="button button--secondary">
                Block portal access
              </button>
            )}
          </Form>
          <p className="muted">Blocking signs the client out at once and stops new sign-in links.</p>
          {page.accounts ? <AccountPanel accounts={page.accounts} canManage result={result} /> : null}
          <Form method="post" className="stack">
            <fieldset>
              <legend>Available practitioners</legend>
              <p className="muted">Online booking offers this client only the practitioners ticked here.</p>
              {page.access.practitioners.map((p) => (
                <label key={p.id} className="checkbox">
                  <input type="checkbox" name="staffId" value={p.id} defaultChecked={p.available} /> {p.name}
                  {p.jobTitle ? <span className="muted"> ({p.jobTitle})</span> : null}
                </label>
              ))}
            </fieldset>
            <button type="submit" name="intent" value="practitioners" className="button button--small">
              Save practitioners
            </button>
          </Form>
        </section>
      ) : page.accounts ? (
        <section className="card" id="portal-access" aria-labelledby="access-heading">
          <h2 id="access-heading">Portal access</h2>
          <AccountPanel accounts={page.accounts} canManage={false} result={result} />
        </section>
      ) : null}
    </AdminLayout>
  );
}

const INTAKE_LABELS = { phone: "Phone", emergencyContact: "Emergency contact", reason: "Reason for the visit", medications: "Medications", allergies: "Allergies" } as const;

const RIGHTS = [
  { value: "view_records", label: "See records" },
  { value: "view_appointments", label: "See appointments" },
  { value: "book", label: "Book" },
  { value: "fill_forms", label: "Fill in forms" },
] as const;

function FamilyPanel({ accounts }: { accounts: Accounts }) {
  return (
    <>
      <h3>Family members and proxies</h3>
      <p className="muted">Records linked here appear in this client's portal, each with the rights given; an end date stops it automatically (e.g. at 18).</p>
      {accounts.family.length ? (
        <ul className="plain-list">
          {accounts.family.map((member) => (
            <li key={member.clientId}>
              <Form method="post" className="button-row">
                <span>
                  <strong>{member.name}</strong> ({member.relationship}): {member.permissions.map((p) => RIGHTS.find((r) => r.value === p)?.label ?? p).join(", ")}
                  {member.endsOn ? ` · until ${member.endsOn}` : ""}
                </span>
                <input type="hidden" name="memberId" value={member.clientId} />
                <button type="submit" name="intent" value="unlink-member" className="button button--small button--secondary">
                  Unlink
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : null}
      <details>
        <summary>Link a family member</summary>
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="link-member" />
          <label htmlFor="member-email">Email address on the family member's record</label>
          <input id="member-email" name="memberEmail" type="email" required maxLength={254} />
          <label htmlFor="member-relationship">Relationship (e.g. Child, Parent, Carer)</label>
          <input id="member-relationship" name="relationship" required maxLength={60} />
          <fieldset>
            <legend>Rights</legend>
            {RIGHTS.map((right) => (
              <label key={right.value} className="checkbox">
                <input type="checkbox" name="permissions" value={right.value} defaultChecked={right.value !== "book"} /> {right.label}
              </label>
            ))}
          </fieldset>
          <label htmlFor="member-ends">Ends on (optional)</label>
          <input id="member-ends" name="endsOn" type="date" />
          <button type="submit" className="button button--small">
            Link
          </button>
        </Form>
      </details>
    </>
  );
}

const LINK_LABELS = { invitation: "Invitation", access_link: "Access link", password_reset: "Password reset", form_registration: "Form registration" } as const;
const VIA_LABELS: Record<string, string> = { invitation: "invitation", access_link: "access link", manual: "created by staff", self_registration: "self-registration" };

type Accounts = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["page"]["accounts"]>;

/** The client's password account and its links; creating accounts needs the portal-access permission, access links also chart access. */
function AccountPanel({ accounts, canManage, result }: { accounts: Accounts; canManage: boolean; result: { ok: true; message: string } | { ok: false; error: string } | undefined }) {
  const account = accounts.account;
  return (
    <div className="stack">
      <ResultNotice result={result} />
      <h3>Account</h3>
      {account ? (
        <dl className="facts">
          <dt>Signs in as</dt>
          <dd>{account.login}</dd>
          <dt>Access</dt>
          <dd>{account.accessLevel === "full" ? "Full: everything the practice shares" : "Limited: only what the client created or was asked to do"}</dd>
          <dt>Password</dt>
          <dd>{account.temporary ? "Temporary: the client must choose their own at the next sign-in" : "Chosen by the client"}</dd>
          <dt>Created by</dt>
          <dd>{VIA_LABELS[account.createdVia] ?? account.createdVia}</dd>
          <dt>Last password sign-in</dt>
          <dd>{account.lastSignIn ?? "Never"}</dd>
        </dl>
      ) : (
        <p>No password account yet{accounts.primaryEmail ? "; the client can still sign in with links sent to their email." : "."}</p>
      )}
      <Form method="post" className="button-row">
        {canManage && !account ? (
          <button type="submit" name="intent" value="invite" className="button button--small" disabled={!accounts.primaryEmail}>
            Send invitation
          </button>
        ) : null}
        <button type="submit" name="intent" value="access-link" className="button button--small button--secondary" disabled={!accounts.primaryEmail}>
          {account?.accessLevel === "limited" ? "Send access link (upgrades to full access)" : "Send access link"}
        </button>
      </Form>
      {canManage && account ? (
        <Form method="post">
          <input type="hidden" name="accessLevel" value={account.accessLevel === "full" ? "limited" : "full"} />
          <button type="submit" name="intent" value="access-level" className="button button--small button--secondary">
            {account.accessLevel === "full" ? "Limit access" : "Give full access"}
          </button>
        </Form>
      ) : null}
      {accounts.links.length ? (
        <>
          <h3>Links sent</h3>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">To</th>
                <th scope="col">Sent</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {accounts.links.map((link, index) => (
                <tr key={`${link.sent}-${index}`}>
                  <td>{LINK_LABELS[link.kind]}</td>
                  <td>{link.email}</td>
                  <td>{link.sent}</td>
                  <td>{link.state === "sent" ? "Sent" : link.state === "used" ? "Used" : "Expired"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {canManage && account ? <FamilyPanel accounts={accounts} /> : null}
      {canManage ? (
        <Form method="post">
          <button type="submit" name="intent" value="kiosk" className="button button--small button--secondary">
            Open intake form on this tablet (signs you out here)
          </button>
        </Form>
      ) : null}
      {canManage && !account ? (
        <details>
          <summary>Create an account for the client</summary>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="manual-account" />
            <label htmlFor="manual-login">Username (normally the client's email)</label>
            <input id="manual-login" name="login" required maxLength={254} defaultValue={accounts.primaryEmail ?? ""} autoComplete="off" />
            <label htmlFor="manual-password">Temporary password (at least 12 characters)</label>
            <input id="manual-password" name="password" type="text" required minLength={12} maxLength={200} autoComplete="off" />
            <fieldset>
              <legend>Access</legend>
              <label>
                <input type="radio" name="accessLevel" value="full" defaultChecked /> Full
              </label>
              <label>
                <input type="radio" name="accessLevel" value="limited" /> Limited
              </label>
            </fieldset>
            <button type="submit" className="button button--small">
              Create account
            </button>
          </Form>
        </details>
      ) : null}
    </div>
  );
}
