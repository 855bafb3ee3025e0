import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ResultNotice } from "~/components/result-notice";
import { changeStaffRole, inviteStaff, listStaff, resendInvitation, saveRole, setStaffActive } from "~/use-cases/admin/staff.server";
import { setSecondFactorRequired } from "~/use-cases/admin/two-factor.server";

export const meta: MetaFunction = () => [{ title: "Staff · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return listStaff(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const staffId = String(form.get("staffId") ?? "");
  const intent = form.get("intent");
  const result =
    intent === "invite"
      ? await inviteStaff(context, request, form)
      : intent === "resend"
        ? await resendInvitation(context, request, staffId)
        : intent === "change-role"
          ? await changeStaffRole(context, request, staffId, String(form.get("roleId") ?? ""))
          : intent === "deactivate" || intent === "reactivate"
            ? await setStaffActive(context, request, staffId, intent === "reactivate")
            : intent === "save-role"
              ? await saveRole(context, request, form)
              : intent === "second-factor"
                ? await setSecondFactorRequired(context, request, form.get("required") === "on")
                : ({ ok: false, error: "Unknown action." } as const);
  return data(result, { status: result.ok ? 200 : 400 });
}

const INVITATION_LABELS = { pending: "Invitation sent", expired: "Invitation expired", accepted: "", none: "Not invited" } as const;

export default function StaffPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <AdminLayout shell={shell}>
      <h1>Staff and roles</h1>
      <ResultNotice result={result} />

      <section className="card" aria-labelledby="staff-heading">
        <h2 id="staff-heading">Staff</h2>
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {page.staff.map((m) => (
                <tr key={m.id}>
                  <td>
                    {m.name}
                    <br />
                    <span className="muted">{m.email}</span>
                  </td>
                  <td>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="staffId" value={m.id} />
                      <label htmlFor={`role-${m.id}`} className="visually-hidden">
                        Role of {m.name}
                      </label>
                      <select id={`role-${m.id}`} name="roleId" defaultValue={m.roleId ?? ""}>
                        {page.roles.map((r) => (
                          <option key={r.id} value={r.id}>
                            {r.name}
                          </option>
                        ))}
                      </select>
                      <button type="submit" name="intent" value="change-role" className="button button--secondary button--small">
                        Change
                      </button>
                    </Form>
                  </td>
                  <td>
                    {m.active ? "Active" : "Deactivated"}
                    {m.invitation !== "accepted" ? <span className="muted"> · {INVITATION_LABELS[m.invitation]}</span> : null}
                    {m.lastSignIn ? <span className="muted"> · last sign-in {m.lastSignIn}</span> : null}
                    <span className="muted"> · {m.secondFactor ? "second factor on" : "no second factor"}</span>
                  </td>
                  <td>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="staffId" value={m.id} />
                      {m.invitation === "pending" || m.invitation === "expired" || m.invitation === "none" ? (
                        <button type="submit" name="intent" value="resend" className="button button--secondary button--small">
                          Send invitation
                        </button>
                      ) : null}
                      {m.id === page.meId ? null : m.active ? (
                        <button type="submit" name="intent" value="deactivate" className="button button--secondary button--small">
                          Deactivate
                        </button>
                      ) : (
                        <button type="submit" name="intent" value="reactivate" className="button button--secondary button--small">
                          Reactivate
                        </button>
                      )}
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="second-factor-heading">
        <h2 id="second-factor-heading">Second factor</h2>
        <Form method="post" className="stack">
          <label className="checkbox">
            <input type="checkbox" name="required" defaultChecked={page.secondFactorRequired} /> Require every staff member to use an authenticator app code when signing in
          </label>
          <p className="muted">Staff who have not set one up are asked to do so the next time they sign in.</p>
          <button type="submit" name="intent" value="second-factor" className="button button--small">
            Save
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite someone</h2>
        <Form method="post" className="stack">
          <label htmlFor="invite-name">Name</label>
          <input id="invite-name" name="name" type="text" required maxLength={120} />
          <label htmlFor="invite-email">Email</label>
          <input id="invite-email" name="email" type="email" required maxLength={254} />
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" name="roleId" required>
            {page.roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <p className="muted">They receive an email with a link to choose their password. The link works once, for 3 days.</p>
          <button type="submit" name="intent" value="invite" className="button">
            Send invitation
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="roles-heading">
        <h2 id="roles-heading">Roles and permissions</h2>
        {[...page.roles, { id: "", name: "", permissions: [] as string[] }].map((role) => (
          <Form key={role.id || "new"} method="post" className="role-form">
            <input type="hidden" name="roleId" value={role.id} />
            <fieldset>
              <legend>{role.id ? role.name : "New role"}</legend>
              <label htmlFor={`role-name-${role.id || "new"}`}>Name</label>
              <input id={`role-name-${role.id || "new"}`} name="name" type="text" defaultValue={role.name} required maxLength={60} />
              {page.permissions.map((p) => (
                <label key={p.value} className="checkbox">
                  <input type="checkbox" name="permissions" value={p.value} defaultChecked={role.permissions.includes(p.value)} /> {p.label}
                </label>
              ))}
              <button type="submit" name="intent" value="save-role" className="button button--small">
                {role.id ? "Save role" : "Create role"}
              </button>
            </fieldset>
          </Form>
        ))}
      </section>
    </AdminLayout>
  );
}
