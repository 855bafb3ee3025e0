import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import type { PortalShell } from "~/use-cases/portal/portal-page.server";
import { PAGE_AREA } from "~/visibility/portal-rules";
import { AccountBar } from "./account-bar";

/** One login, several records: the client picks whose records the portal shows. */
function FamilySwitcher({ shell }: { shell: PortalShell }) {
  return (
    <div className="family-bar no-print">
      <Form method="post" action="/switch-member" className="container family-bar__inner">
        <label htmlFor="member">Showing the records of</label>
        <select id="member" name="clientId" defaultValue={shell.viewing.clientId}>
          {shell.family.map((member) => (
            <option key={member.clientId} value={member.clientId}>
              {member.name} ({member.relationship})
            </option>
          ))}
        </select>
        <button type="submit" className="button button--secondary button--small">
          Switch
        </button>
      </Form>
    </div>
  );
}

export function PortalLayout({ shell, children }: { shell: PortalShell; children: ReactNode }) {
  const { areas } = shell.viewing;
  const links = [
    { to: "/home", label: shell.patientsLabel, show: true },
    { to: "/records", label: "Records", show: areas[PAGE_AREA.records] },
    { to: "/prescriptions", label: "Prescriptions", show: areas[PAGE_AREA.prescriptions] },
    { to: "/appointments", label: "Appointments", show: areas[PAGE_AREA.appointments] },
    { to: "/reminders", label: "Reminders", show: areas[PAGE_AREA.reminders] },
    { to: "/forms", label: "Forms", show: areas.forms },
    { to: "/settings", label: "Settings", show: true },
  ].filter((link) => link.show);
  return (
    <>
      <AccountBar label="Portal" links={links} person={shell.viewing.self ? shell.clientName : `${shell.clientName}, for ${shell.viewing.name}`} signOutAction="/sign-out" />
      {shell.family.length > 1 ? <FamilySwitcher shell={shell} /> : null}
      <main id="main" className="container main">
        {children}
      </main>
      <footer className="site-footer no-print">
        <div className="container">
          <p>
            <strong>{shell.practiceName}</strong>
            {shell.contact.phone ? <> · Phone {shell.contact.phone}</> : null}
            {shell.contact.email ? (
              <>
                {" "}
                · <a href={`mailto:${shell.contact.email}`}>{shell.contact.email}</a>
              </>
            ) : null}
          </p>
          <p className="muted">Questions about your records or appointments? Please contact the practice directly.</p>
        </div>
      </footer>
    </>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty-state">{children}</p>;
}
