import { redirect } from "@remix-run/node";
import type { StaffSessionStage } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { type SignedInStaff, staffSessions } from "../../../server/auth/staff-session.server";
import { isPermission, type Permission } from "../../admin/permissions";
import type { PorticoLoadContext, PracticeSite } from "../../load-context";
import { requirePracticeSite } from "../require-practice.server";

export type StaffShell = { staffName: string; roleName: string | null; permissions: Permission[]; practiceName: string; practiceKind: "veterinary" | "human" };
export type StaffScope = { trx: PracticeTransaction; staff: SignedInStaff & { permissions: Permission[] }; practiceId: string; site: PracticeSite; now: Date };

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
  options: { stages?: StaffSessionStage[] } = {},
): Promise<{ shell: StaffShell; page: T }> {
  const stages = options.stages ?? ["full"];
  const site = requirePracticeSite(context);
  const cookieHeader = request.headers.get("cookie");
  const outcome = await site.withPractice(async (trx) => {
    const sessions = staffSessions(trx, site.practice.id, { secure: context.secureCookies, now: context.now });
    const signedIn = await sessions.validate(cookieHeader);
    if (!signedIn) return { kind: "signed_out" as const, blankCookie: sessions.blankCookie() };
    if (!stages.includes(signedIn.staff.stage)) {
      return { kind: "redirect" as const, to: signedIn.staff.stage === "full" ? "/admin" : STAGE_PAGES[signedIn.staff.stage] };
    }
    const permissions = signedIn.staff.permissions.filter(isPermission);
    if (!allows(requirement, permissions)) return { kind: "forbidden" as const };
    const staff = { ...signedIn.staff, permissions };
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
