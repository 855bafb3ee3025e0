import type { PracticeKind } from "../../db/schema";

/** What staff may do in /admin. A role is a named set of these; every admin loader and action checks one. */
export const PERMISSIONS = [
  "admin_manage_pet_owner_portal",
  "admin_view_pet_owner_portal",
  "chart_access",
  "manage_booking",
  "manage_client_portal_access",
  "manage_forms",
  "manage_integrations",
  "manage_staff",
  "view_audit_log",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const PERMISSION_LABELS: Record<Permission, string> = {
  admin_manage_pet_owner_portal: "Change client portal settings",
  admin_view_pet_owner_portal: "View client portal settings",
  chart_access: "See clients, patients and records; switch a record's portal sharing",
  manage_booking: "Manage online booking: settings, bookable types and practitioners, hours",
  manage_client_portal_access: "Manage clients' portal access (Portal Access tab)",
  manage_forms: "Build, publish and send forms (reading the answers also needs chart access)",
  manage_integrations: "Manage integrations: API keys and webhooks for the practice's own system",
  manage_staff: "Manage staff and roles",
  view_audit_log: "View the audit log",
};

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/** The roles every new practice starts with; practices edit them and add their own. */
export function defaultRoles(kind: PracticeKind): { name: string; permissions: Permission[] }[] {
  return [
    { name: "Owner", permissions: [...PERMISSIONS] },
    { name: "Practice manager", permissions: [...PERMISSIONS] },
    { name: kind === "veterinary" ? "Veterinarian" : "Practitioner", permissions: ["chart_access", "admin_view_pet_owner_portal"] },
    { name: "Front desk", permissions: ["chart_access", "manage_client_portal_access"] },
  ];
}

/** Settings can be seen by anyone who may change them. */
export function canViewPortalSettings(permissions: readonly Permission[]): boolean {
  return permissions.includes("admin_view_pet_owner_portal") || permissions.includes("admin_manage_pet_owner_portal");
}
