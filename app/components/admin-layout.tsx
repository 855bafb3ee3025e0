import type { ReactNode } from "react";
import { canViewPortalSettings, type Permission } from "~/admin/permissions";
import type { StaffShell } from "~/use-cases/admin/admin-page.server";
import { AccountBar } from "./account-bar";

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
      <AccountBar
        label="Admin"
        variant="admin"
        links={[{ to: "/admin", label: "Overview", end: true }, ...ADMIN_SECTIONS.filter((section) => section.visible(shell.permissions))]}
        person={`${shell.staffName}${shell.roleName ? ` · ${shell.roleName}` : ""}`}
        signOutAction="/admin/logout"
      />
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
