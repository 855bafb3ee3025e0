import { Form, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import type { PortalShell } from "~/use-cases/portal/portal-page.server";

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
      <div className="portal-bar no-print">
        <div className="container portal-bar__inner">
          <nav aria-label="Portal">
            <ul className="portal-nav">
              {links.map((link) => (
                <li key={link.to}>
                  <NavLink to={link.to} prefetch="intent">
                    {link.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="portal-bar__account">
            <span className="muted">{shell.clientName}</span>
            <Form method="post" action="/sign-out">
              <button type="submit" className="button button--secondary button--small">
                Sign out
              </button>
            </Form>
          </div>
        </div>
      </div>
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
