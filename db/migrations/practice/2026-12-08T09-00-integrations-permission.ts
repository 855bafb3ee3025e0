import { type Kysely, sql } from "kysely";

// Frozen in time: never import application code here. The permission names are copied from
// app/admin/permissions.ts as they were on this date.
const PERMISSIONS = [
  "admin_manage_pet_owner_portal",
  "admin_view_pet_owner_portal",
  "chart_access",
  "manage_client_portal_access",
  "manage_integrations",
  "manage_staff",
  "view_audit_log",
];

export async function up(db: Kysely<any>): Promise<void> {
  const known = PERMISSIONS.map((p) => `'${p}'`).join(", ");
  await sql`alter table staff_roles drop constraint staff_roles_permissions_check`.execute(db);
  await sql.raw(`alter table staff_roles add constraint staff_roles_permissions_check check (permissions <@ array[${known}])`).execute(db);
  // The roles every practice started with as having every permission get the new one too, as a new practice's do.
  // The owner is subject to forced row-level security, which would hide every practice's rows from this update.
  await sql`alter table staff_roles no force row level security`.execute(db);
  await sql`
    update staff_roles set permissions = array_append(permissions, 'manage_integrations')
    where name in ('Owner', 'Practice manager') and not ('manage_integrations' = any(permissions))`.execute(db);
  await sql`alter table staff_roles force row level security`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table staff_roles no force row level security`.execute(db);
  await sql`update staff_roles set permissions = array_remove(permissions, 'manage_integrations')`.execute(db);
  await sql`alter table staff_roles force row level security`.execute(db);
  const known = PERMISSIONS.filter((p) => p !== "manage_integrations").map((p) => `'${p}'`).join(", ");
  await sql`alter table staff_roles drop constraint staff_roles_permissions_check`.execute(db);
  await sql.raw(`alter table staff_roles add constraint staff_roles_permissions_check check (permissions <@ array[${known}])`).execute(db);
}
