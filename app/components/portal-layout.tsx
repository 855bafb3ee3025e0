import type { ReactNode } from "react";
import type { PortalShell } from "~/use-cases/portal/portal-page.server";
import { AccountBar } from "./account-bar";

export function PortalLayout({ shell, children }: { shell: PortalShell; children: ReactNode }) {
  const links = [
    { to: "/home", label: shell.patientsLabel },
    { to: "/records", label: "Records" },
    { to: "/prescriptions", label: "Prescriptions" },
    { to: "/appointments", label: "Appointments" },
    { to: "/reminders", label: "Reminders" },
    { to: "/settings", label: "Settings" },
  ];
  return (
    <>
      <AccountBar label="Portal" links={links} person={shell.clientName} signOutAction="/sign-out" />
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
