import { Form, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { canViewPortalSettings, type Permission } from "~/admin/permissions";
import type { StaffShell } from "~/use-cases/admin/admin-page.server";

type Section = { to: string; label: string; visible: (permissions: readonly Permission[]) => boolean };

/** Staff see only the sections they may use; the server checks again on every request. */
export const ADMIN_SECTIONS: Section[] = [
  { to: "/admin/clients", label: "Clients", visible: (p) => p.includes("chart_access") || p.includes("manage_client_portal_access") },
  { to: "/admin/portal-settings", label: "Portal settings", visible: canViewPortalSettings },
  { to: "/admin/staff", label: "Staff", visible: (p) => p.includes("manage_staff") },
  { to: "/admin/audit", label: "Audit log", visible: (p) => p.includes("view_audit_log") },
  { to: "/admin/security", label: "My security", visible: () => true },
];

export function AdminLayout({ shell, children }: { shell: StaffShell; children: ReactNode }) {
  return (
    <>
      <div className="portal-bar admin-bar no-print">
        <div className="container portal-bar__inner">
          <nav aria-label="Admin">
            <ul className="portal-nav">
              <li>
                <NavLink to="/admin" end>
                  Overview
                </NavLink>
              </li>
              {ADMIN_SECTIONS.filter((section) => section.visible(shell.permissions)).map((section) => (
                <li key={section.to}>
                  <NavLink to={section.to}>{section.label}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="portal-bar__account">
            <span className="muted">
              {shell.staffName}
              {shell.roleName ? ` · ${shell.roleName}` : ""}
            </span>
            <Form method="post" action="/admin/logout">
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
          <p className="muted">{shell.practiceName} · Practice administration</p>
        </div>
      </footer>
    </>
  );
}
