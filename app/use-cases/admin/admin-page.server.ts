import { redirect } from "@remix-run/node";
import type { StaffSessionStage } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { type SignedInStaff, staffSessions } from "../../../server/auth/staff-session.server";
import { isPermission, type Permission } from "../../admin/permissions";
import type { PorticoLoadContext, PracticeSite } from "../../load-context";
import { formatTimeOfDay, localeFor } from "../../time";
import { requirePracticeSite } from "../require-practice.server";

/**
 * Present when a Portico support user is looking in through break-glass access: the banner shows it. `until` is the
 * end of the access in the practice's own zone, like every other time its admin shows.
 */
export type SupportAccessShell = { name: string; reason: string; until: string };
export type StaffShell = { staffName: string; roleName: string | null; permissions: Permission[]; practiceName: string; practiceKind: "veterinary" | "human"; support?: SupportAccessShell };
/** Who acts: a staff member, or a support user through break-glass (audited as `support`). */
export type AdminActor = SignedInStaff & { permissions: Permission[]; actorType: "staff" | "support" };
export type StaffScope = { trx: PracticeTransaction; staff: AdminActor; practiceId: string; site: PracticeSite; now: Date };

/**
 * What break-glass access may see: clients and records, portal settings and the audit log, never staff management.
 * It changes nothing: every non-GET request from it is refused.
 */
export const SUPPORT_PERMISSIONS: readonly Permission[] = ["chart_access", "admin_view_pet_owner_portal", "view_audit_log"];

/** A permission, or a rule over the staff member's permissions (e.g. "view or manage"). */
export type Requirement = Permission | ((permissions: readonly Permission[]) => boolean);

function allows(requirement: Requirement, permissions: readonly Permission[]): boolean {
  return typeof requirement === "function" ? requirement(permissions) : permissions.includes(requirement);
}

export function forbidden(): Response {
  return new Response("You do not have permission to open this page.", { status: 403 });
}

/**
 * The door to every admin loader and action: validates the staff session (host-bound, 12 h, 30 min idle) and checks
 * the permission on the server, in the one transaction the work then uses. Signed-out staff go to /admin/login;
 * a missing permission is a 403.
 */
/** Where a session that still owes its second factor must go: nowhere else opens until it is done. */
const STAGE_PAGES: Record<Exclude<StaffSessionStage, "full">, string> = { awaiting_code: "/admin/verify", enrollment_required: "/admin/security" };

export async function adminPage<T>(
  context: PorticoLoadContext,
  request: Request,
  requirement: Requirement,
  work: (scope: StaffScope) => Promise<T>,
  options: { stages?: StaffSessionStage[]; staffOnly?: boolean } = {},
): Promise<{ shell: StaffShell; page: T }> {
  const stages = options.stages ?? ["full"];
  const site = requirePracticeSite(context);
  const cookieHeader = request.headers.get("cookie");
  // Checked before the practice transaction, never inside it: both may use the same pool, and a request holding one
  // connection while it waits for a second can starve the pool.
  const visitor = await site.supportAccess.validate(cookieHeader);
  const outcome = await site.withPractice(async (trx) => {
    const sessions = staffSessions(trx, site.practice.id, { secure: context.secureCookies, now: context.now });
    const signedIn = await sessions.validate(cookieHeader);
    if (!signedIn) {
      if (!visitor) return { kind: "signed_out" as const, blankCookie: sessions.blankCookie() };
      const readOnly = request.method !== "GET" && request.method !== "HEAD";
      if (options.staffOnly || !stages.includes("full") || readOnly || !allows(requirement, SUPPORT_PERMISSIONS)) return { kind: "forbidden" as const };
      const permissions = [...SUPPORT_PERMISSIONS];
      const staff: AdminActor = { id: visitor.supportUserId, name: visitor.name, email: visitor.email, roleName: "Portico support", permissions, stage: "full", sessionKey: "", actorType: "support" };
      const page = await work({ trx, staff, practiceId: site.practice.id, site, now: context.now() });
      const { time_zone: timeZone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
      const support = { name: visitor.name, reason: visitor.reason, until: formatTimeOfDay(visitor.expiresAt, timeZone, localeFor(timeZone)) };
      const shell: StaffShell = { staffName: `${visitor.name} (Portico support)`, roleName: null, permissions, practiceName: site.practice.name, practiceKind: site.practice.kind, support };
      return { kind: "ok" as const, shell, page };
    }
    if (!stages.includes(signedIn.holder.stage)) {
      return { kind: "redirect" as const, to: signedIn.holder.stage === "full" ? "/admin" : STAGE_PAGES[signedIn.holder.stage] };
    }
    const permissions = signedIn.holder.permissions.filter(isPermission);
    if (!allows(requirement, permissions)) return { kind: "forbidden" as const };
    const staff: AdminActor = { ...signedIn.holder, permissions, actorType: "staff" };
    const page = await work({ trx, staff, practiceId: site.practice.id, site, now: context.now() });
    const shell: StaffShell = { staffName: staff.name, roleName: staff.roleName, permissions, practiceName: site.practice.name, practiceKind: site.practice.kind };
    return { kind: "ok" as const, shell, page };
  });
  if (outcome.kind === "signed_out") {
    const next = new URL(request.url).pathname;
    throw redirect(`/admin/login${next.startsWith("/admin") && next !== "/admin/login" ? `?next=${encodeURIComponent(next)}` : ""}`, cookieHeader ? { headers: { "Set-Cookie": outcome.blankCookie } } : undefined);
  }
  if (outcome.kind === "forbidden") throw forbidden();
  if (outcome.kind === "redirect") throw redirect(outcome.to);
  return { shell: outcome.shell, page: outcome.page };
}
