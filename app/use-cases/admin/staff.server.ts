import { sql } from "kysely";
import { z } from "zod";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { recordAudit } from "../../../server/audit.server";
import { hashPassword, passwordProblem } from "../../../server/auth/passwords.server";
import { issueStaffInvitation } from "../../../server/auth/staff-invitations.server";
import { staffSessions } from "../../../server/auth/staff-session.server";
import { hashToken, isWellFormedToken } from "../../../server/auth/tokens.server";
import { isPermission, PERMISSIONS, PERMISSION_LABELS, type Permission } from "../../admin/permissions";
import type { PorticoLoadContext } from "../../load-context";
import { formatDateTime, localeFor } from "../../time";
import { requirePracticeSite } from "../require-practice.server";
import { adminPage, type StaffScope } from "./admin-page.server";


export type InvitationState = "pending" | "expired" | "accepted" | "none";

export async function listStaff(context: PorticoLoadContext, request: Request) {
  return adminPage(context, request, "manage_staff", async ({ trx, now, staff: me }) => {
    const { time_zone: timeZone, staff_totp_required: secondFactorRequired } = await trx.selectFrom("practice_settings").select(["time_zone", "staff_totp_required"]).executeTakeFirstOrThrow();
    const locale = localeFor(timeZone);
    const staff = await trx
      .selectFrom("staff_members as m")
      .leftJoin("staff_roles as r", (join) => join.onRef("r.practice_id", "=", "m.practice_id").onRef("r.id", "=", "m.role_id"))
      .select(["m.id", "m.name", "m.email", "m.job_title", "m.active", "m.last_sign_in_at", "m.role_id", "m.totp_enabled_at", "r.name as role_name", sql<boolean>`m.password_hash is not null`.as("has_password")])
      .select((eb) =>
        eb.selectFrom("staff_invitations as i").select(sql<Date>`max(i.expires_at)`.as("e")).whereRef("i.staff_id", "=", "m.id").where("i.used_at", "is", null).as("invitation_expires_at"),
      )
      .orderBy("m.name")
      .execute();
    const roles = await trx.selectFrom("staff_roles").select(["id", "name", "permissions"]).orderBy("name").execute();
    return {
      meId: me.id,
      secondFactorRequired,
      permissions: PERMISSIONS.map((p) => ({ value: p, label: PERMISSION_LABELS[p] })),
      roles: roles.map((r) => ({ id: r.id, name: r.name, permissions: r.permissions.filter(isPermission) })),
      staff: staff.map((m) => {
        const invitation: InvitationState = m.has_password ? "accepted" : !m.invitation_expires_at ? "none" : new Date(m.invitation_expires_at) > now ? "pending" : "expired";
        return {
          id: m.id,
          name: m.name,
          email: m.email,
          jobTitle: m.job_title,
          active: m.active,
          roleId: m.role_id,
          roleName: m.role_name,
          lastSignIn: m.last_sign_in_at ? formatDateTime(m.last_sign_in_at, timeZone, locale) : null,
          secondFactor: m.totp_enabled_at !== null,
          invitation,
        };
      }),
    };
  });
}

export type StaffActionResult = { ok: true; message: string } | { ok: false; error: string };

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "23505";
}

// The database refuses, at commit, any change that leaves nobody able to manage staff (see the admin migration).
function isLastManagerViolation(error: unknown): boolean {
  return error instanceof Error && /manage staff/.test(error.message);
}

async function run(context: PorticoLoadContext, request: Request, work: (scope: StaffScope) => Promise<StaffActionResult>): Promise<StaffActionResult> {
  try {
    return (await adminPage(context, request, "manage_staff", work)).page;
  } catch (error) {
    if (isLastManagerViolation(error)) return { ok: false, error: "At least one active staff member must always be able to manage staff. Give that permission to someone else first." };
    if (isUniqueViolation(error)) return { ok: false, error: "That name or email is already used at this practice." };
    throw error;
  }
}

function audit(scope: StaffScope, context: PorticoLoadContext, action: string, subjectId: string, details: Record<string, unknown> = {}) {
  return recordAudit(scope.trx, scope.practiceId, {
    actorType: "staff",
    actorId: scope.staff.id,
    action,
    subjectType: "staff",
    subjectId,
    ip: context.visitor.ip,
    userAgent: context.visitor.userAgent,
    details,
    at: scope.now,
  });
}

async function roleExists(trx: PracticeTransaction, roleId: string): Promise<boolean> {
  return (await trx.selectFrom("staff_roles").select("id").where("id", "=", roleId).executeTakeFirst()) !== undefined;
}

const inviteSchema = z.object({
  name: z.string().trim().min(2, "Enter the person's name.").max(120),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email("Enter an email address such as name@example.com.")),
  roleId: z.uuid("Choose a role."),
});

/** Adds a staff member and emails them a 3-day link to choose their password: one transaction, one audit entry. */
export async function inviteStaff(context: PorticoLoadContext, request: Request, form: FormData): Promise<StaffActionResult> {
  const parsed = inviteSchema.safeParse({ name: form.get("name"), email: form.get("email"), roleId: form.get("roleId") });
  return run(context, request, async (scope) => {
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Check the invitation." };
    if (!(await roleExists(scope.trx, parsed.data.roleId))) return { ok: false, error: "Choose a role." };
    const member = await scope.trx
      .insertInto("staff_members")
      .values({ practice_id: scope.practiceId, name: parsed.data.name, email: parsed.data.email, role_id: parsed.data.roleId })
      .returning("id")
      .executeTakeFirstOrThrow();
    await sendInvitation(scope, { id: member.id, name: parsed.data.name, email: parsed.data.email });
    await audit(scope, context, "staff.invited", member.id, { email: parsed.data.email });
    return { ok: true, message: `An invitation is on its way to ${parsed.data.email}.` };
  });
}

async function sendInvitation(scope: StaffScope, member: { id: string; name: string; email: string }): Promise<void> {
  await issueStaffInvitation(scope.trx, {
    practiceId: scope.practiceId,
    practiceName: scope.site.practice.name,
    origin: scope.site.origin,
    member,
    invitedBy: { id: scope.staff.id, name: scope.staff.name },
    now: scope.now,
  });
}

/** A new invitation for someone who has not chosen a password yet (the earlier ones stay valid until they expire). */
export async function resendInvitation(context: PorticoLoadContext, request: Request, staffId: string): Promise<StaffActionResult> {
  return run(context, request, async (scope) => {
    const member = await scope.trx.selectFrom("staff_members").select(["id", "name", "email", "password_hash"]).where("id", "=", staffId).executeTakeFirst();
    if (!member) return { ok: false, error: "That staff member no longer exists." };
    if (member.password_hash) return { ok: false, error: `${member.name} has already chosen a password.` };
    await sendInvitation(scope, member);
    await audit(scope, context, "staff.invitation_resent", member.id);
    return { ok: true, message: `A new invitation is on its way to ${member.email}.` };
  });
}

export async function changeStaffRole(context: PorticoLoadContext, request: Request, staffId: string, roleId: string): Promise<StaffActionResult> {
  return run(context, request, async (scope) => {
    if (!z.uuid().safeParse(roleId).success || !(await roleExists(scope.trx, roleId))) return { ok: false, error: "Choose a role." };
    const before = await scope.trx.selectFrom("staff_members").select(["role_id", "name"]).where("id", "=", staffId).executeTakeFirst();
    if (!before) return { ok: false, error: "That staff member no longer exists." };
    await scope.trx.updateTable("staff_members").set({ role_id: roleId }).where("id", "=", staffId).execute();
    await audit(scope, context, "staff.role_changed", staffId, { before: { roleId: before.role_id }, after: { roleId } });
    return { ok: true, message: `${before.name}'s role was changed.` };
  });
}

/** Deactivating ends the person's sessions at once; their history stays. */
export async function setStaffActive(context: PorticoLoadContext, request: Request, staffId: string, active: boolean): Promise<StaffActionResult> {
  return run(context, request, async (scope) => {
    const member = await scope.trx.selectFrom("staff_members").select(["name", "active"]).where("id", "=", staffId).executeTakeFirst();
    if (!member) return { ok: false, error: "That staff member no longer exists." };
    if (member.active === active) return { ok: true, message: "Nothing to change." };
    await scope.trx.updateTable("staff_members").set({ active }).where("id", "=", staffId).execute();
    if (!active) await scope.trx.deleteFrom("staff_sessions").where("staff_id", "=", staffId).execute();
    await audit(scope, context, active ? "staff.reactivated" : "staff.deactivated", staffId);
    return { ok: true, message: `${member.name} was ${active ? "reactivated" : "deactivated"}.` };
  });
}

const roleSchema = z.object({
  roleId: z.uuid().optional(),
  name: z.string().trim().min(1, "Give the role a name.").max(60),
  permissions: z.array(z.enum(PERMISSIONS)),
});

/** Creates a role, or changes an existing role's name and permissions. */
export async function saveRole(context: PorticoLoadContext, request: Request, form: FormData): Promise<StaffActionResult> {
  const parsed = roleSchema.safeParse({ roleId: form.get("roleId") || undefined, name: form.get("name"), permissions: form.getAll("permissions") });
  return run(context, request, async (scope) => {
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Check the role." };
    const permissions: Permission[] = PERMISSIONS.filter((p) => parsed.data.permissions.includes(p));
    if (parsed.data.roleId) {
      const before = await scope.trx.selectFrom("staff_roles").select(["name", "permissions"]).where("id", "=", parsed.data.roleId).executeTakeFirst();
      if (!before) return { ok: false, error: "That role no longer exists." };
      await scope.trx.updateTable("staff_roles").set({ name: parsed.data.name, permissions }).where("id", "=", parsed.data.roleId).execute();
      await recordAudit(scope.trx, scope.practiceId, {
        actorType: "staff",
        actorId: scope.staff.id,
        action: "staff.role_saved",
        subjectType: "role",
        subjectId: parsed.data.roleId,
        ip: context.visitor.ip,
        userAgent: context.visitor.userAgent,
        details: { before: { name: before.name, permissions: before.permissions }, after: { name: parsed.data.name, permissions } },
        at: scope.now,
      });
      return { ok: true, message: `The role ${parsed.data.name} was saved.` };
    }
    const created = await scope.trx.insertInto("staff_roles").values({ practice_id: scope.practiceId, name: parsed.data.name, permissions }).returning("id").executeTakeFirstOrThrow();
    await recordAudit(scope.trx, scope.practiceId, {
      actorType: "staff",
      actorId: scope.staff.id,
      action: "staff.role_created",
      subjectType: "role",
      subjectId: created.id,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      details: { name: parsed.data.name, permissions },
      at: scope.now,
    });
    return { ok: true, message: `The role ${parsed.data.name} was created.` };
  });
}

export type InvitationView = { state: "valid"; name: string; email: string } | { state: "expired" | "used" | "invalid" };

async function findInvitation(trx: PracticeTransaction, token: string) {
  if (!isWellFormedToken(token)) return undefined;
  return trx
    .selectFrom("staff_invitations as i")
    .innerJoin("staff_members as m", (join) => join.onRef("m.practice_id", "=", "i.practice_id").onRef("m.id", "=", "i.staff_id"))
    .select(["i.id", "i.expires_at", "i.used_at", "m.id as staff_id", "m.name", "m.email", "m.active", "m.password_hash"])
    .where("i.token_hash", "=", hashToken(token))
    .executeTakeFirst();
}

export async function inspectInvitation(context: PorticoLoadContext, token: string): Promise<InvitationView> {
  const site = requirePracticeSite(context);
  return site.withPractice(async (trx) => {
    const invitation = await findInvitation(trx, token);
    if (!invitation || !invitation.active) return { state: "invalid" };
    if (invitation.used_at || invitation.password_hash) return { state: "used" };
    if (invitation.expires_at <= context.now()) return { state: "expired" };
    return { state: "valid", name: invitation.name, email: invitation.email };
  });
}

export type AcceptResult = { ok: true; cookie: string; next: "/admin" | "/admin/security" } | { ok: false; error: string; state?: InvitationView["state"] };

/** Sets the invited person's password (checked for length and commonness), uses the invitation up and signs them in. */
export async function acceptInvitation(context: PorticoLoadContext, token: string, form: FormData): Promise<AcceptResult> {
  const site = requirePracticeSite(context);
  // A token that cannot be ours costs nothing: argon2 runs only for a well-formed token and an acceptable password.
  if (!isWellFormedToken(token)) return { ok: false, error: "This invitation does not work.", state: "invalid" };
  const password = String(form.get("password") ?? "");
  const confirmation = String(form.get("confirmPassword") ?? "");
  const problem = passwordProblem(password) ?? (password !== confirmation ? "The two passwords are not the same." : undefined);
  const now = context.now();
  return site.withPractice(async (trx): Promise<AcceptResult> => {
    const invitation = await findInvitation(trx, token);
    if (!invitation || !invitation.active) return { ok: false, error: "This invitation does not work.", state: "invalid" };
    if (invitation.used_at || invitation.password_hash) return { ok: false, error: "This invitation has already been used.", state: "used" };
    if (invitation.expires_at <= now) return { ok: false, error: "This invitation has expired.", state: "expired" };
    if (problem) return { ok: false, error: problem };
    const passwordHash = await hashPassword(password);
    const claimed = await trx.updateTable("staff_invitations").set({ used_at: now }).where("id", "=", invitation.id).where("used_at", "is", null).executeTakeFirst();
    if (claimed.numUpdatedRows !== 1n) return { ok: false, error: "This invitation has already been used.", state: "used" };
    await trx.updateTable("staff_members").set({ password_hash: passwordHash, last_sign_in_at: now }).where("id", "=", invitation.staff_id).execute();
    // Where the practice requires a second factor, accepting the invitation leads straight to enrolling one: the one
    // moment the person has just proven they hold the invitation.
    const { staff_totp_required: totpRequired } = await trx.selectFrom("practice_settings").select("staff_totp_required").executeTakeFirstOrThrow();
    const stage = totpRequired ? "enrollment_required" : "full";
    const cookie = await staffSessions(trx, site.practice.id, { secure: context.secureCookies, now: context.now }).create({
      staffId: invitation.staff_id,
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      stage,
    });
    await recordAudit(trx, site.practice.id, {
      actorType: "staff",
      actorId: invitation.staff_id,
      action: "staff.invitation_accepted",
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      at: now,
    });
    return { ok: true, cookie, next: stage === "full" ? "/admin" : "/admin/security" };
  });
}
