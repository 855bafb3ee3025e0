import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { canViewPortalSettings, type Permission } from "~/admin/permissions";
import type { StaffShell } from "~/use-cases/admin/admin-page.server";
import { AccountBar } from "./account-bar";

type Section = { to: string; label: string; visible: (permissions: readonly Permission[]) => boolean; staffOnly?: boolean };

/** Staff see only the sections they may use; the server checks again on every request. */
const ADMIN_SECTIONS: Section[] = [
  { to: "/admin/clients", label: "Clients", visible: (p) => p.includes("chart_access") || p.includes("manage_client_portal_access") },
  { to: "/admin/portal-settings", label: "Portal settings", visible: canViewPortalSettings },
  { to: "/admin/staff", label: "Staff", visible: (p) => p.includes("manage_staff") },
  { to: "/admin/schedule", label: "Schedule", visible: (p) => p.includes("manage_booking") },
  { to: "/admin/booking", label: "Online booking", visible: (p) => p.includes("manage_booking") },
  { to: "/admin/forms", label: "Forms", visible: (p) => p.includes("manage_forms") },
  { to: "/admin/form-submissions", label: "Form answers", visible: (p) => p.includes("chart_access") },
  { to: "/admin/webhooks", label: "Webhooks", visible: (p) => p.includes("manage_integrations") },
  { to: "/admin/audit", label: "Audit log", visible: (p) => p.includes("view_audit_log") },
  { to: "/admin/integrations", label: "Integrations", visible: (p) => p.includes("manage_integrations") },
  { to: "/admin/import", label: "Import", visible: (p) => p.includes("manage_integrations") },
  { to: "/admin/security", label: "My security", visible: () => true, staffOnly: true },
];

/** The sections this person may open: by permission, and without the staff member's own pages for support access. */
export function visibleSections(shell: StaffShell): Section[] {
  return ADMIN_SECTIONS.filter((section) => section.visible(shell.permissions) && !(shell.support && section.staffOnly));
}

function SupportAccessBanner({ support }: { support: NonNullable<StaffShell["support"]> }) {
  return (
    <div className="support-banner" role="status">
      <div className="container support-banner__inner">
        <p>
          <strong>Portico support access</strong> by {support.name}, read-only, until {support.until}. Reason: {support.reason}
        </p>
        <Form method="post" action="/admin/support-access/end">
          <button type="submit" className="button button--secondary button--small">
            End support access
          </button>
        </Form>
      </div>
    </div>
  );
}

export function AdminLayout({ shell, children }: { shell: StaffShell; children: ReactNode }) {
  return (
    <>
      {shell.support ? <SupportAccessBanner support={shell.support} /> : null}
      <AccountBar
        label="Admin"
        variant="admin"
        links={[{ to: "/admin", label: "Overview", end: true }, ...visibleSections(shell)]}
        person={`${shell.staffName}${shell.roleName ? ` · ${shell.roleName}` : ""}`}
        signOutAction={shell.support ? "/admin/support-access/end" : "/admin/logout"}
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
