import { z } from "zod";
import { type AccessLevel, type ClientAccountLinkKind, PROXY_PERMISSIONS } from "../../../db/schema";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { recordAudit } from "../../../server/audit.server";
import { recordEvent } from "../../../server/events/record-event.server";
import { clientRef } from "../../../server/events/refs.server";
import { clientSessions } from "../../../server/auth/client-session.server";
import { hashPassword, passwordProblem } from "../../../server/auth/passwords.server";
import { staffSessions } from "../../../server/auth/staff-session.server";
import type { Permission } from "../../admin/permissions";
import type { PorticoLoadContext } from "../../load-context";
import { formatDateTime } from "../../time";
import { accountLinkState, issueAccountLink } from "../client-accounts.server";
import { idParam, notFound } from "../portal/portal-page.server";
import { adminPage, type StaffScope } from "./admin-page.server";

/**
 * The Portal Access tab's accounts: the client's password account (if any), and every invitation, access link and
 * password reset with its state. Staff create accounts three ways here; each action is audited.
 */

export type AccountLinkSummary = { kind: ClientAccountLinkKind; email: string; sent: string; state: "sent" | "expired" | "used" };
export type PortalAccountSummary = {
  account: { login: string; accessLevel: AccessLevel; temporary: boolean; createdVia: string; lastSignIn: string | null } | null;
  links: AccountLinkSummary[];
  primaryEmail: string | null;
  family: FamilyLink[];
};

export async function portalAccountSummary(trx: PracticeTransaction, clientId: string, timeZone: string, locale: string, now: Date): Promise<PortalAccountSummary> {
  const account = await trx.selectFrom("client_accounts").select(["login", "access_level", "password_temporary", "created_via", "last_sign_in_at"]).where("client_id", "=", clientId).executeTakeFirst();
  const links = await trx.selectFrom("client_account_links").select(["kind", "email", "created_at", "expires_at", "used_at"]).where("client_id", "=", clientId).orderBy("created_at", "desc").limit(20).execute();
  const primary = await trx.selectFrom("client_emails").select("email").where("client_id", "=", clientId).orderBy("is_primary", "desc").orderBy("email").executeTakeFirst();
  return {
    account: account
      ? { login: account.login, accessLevel: account.access_level, temporary: account.password_temporary, createdVia: account.created_via, lastSignIn: account.last_sign_in_at ? formatDateTime(account.last_sign_in_at, timeZone, locale) : null }
      : null,
    links: links.map((link) => {
      const state = accountLinkState(link, now);
      return { kind: link.kind, email: link.email, sent: formatDateTime(link.created_at, timeZone, locale), state: state === "valid" ? "sent" : state === "invalid" ? "expired" : state };
    }),
    primaryEmail: primary?.email ?? null,
    family: await familyLinks(trx, clientId),
  };
}

export type AccountActionResult = { ok: true; message: string } | { ok: false; error: string };

async function audit(scope: StaffScope, context: PorticoLoadContext, action: string, clientId: string, details: Record<string, unknown> = {}): Promise<void> {
  await recordAudit(scope.trx, scope.practiceId, { actorType: "staff", actorId: scope.staff.id, action, subjectType: "client", subjectId: clientId, ip: context.visitor.ip, userAgent: context.visitor.userAgent, details, at: scope.now });
}

async function clientFor(scope: StaffScope, clientId: string) {
  const client = await scope.trx.selectFrom("clients").select(["id", "first_name", "status", "portal_blocked"]).where("id", "=", clientId).executeTakeFirst();
  if (!client) throw notFound();
  const email = await scope.trx.selectFrom("client_emails").select("email").where("client_id", "=", clientId).orderBy("is_primary", "desc").orderBy("email").executeTakeFirst();
  const account = await scope.trx.selectFrom("client_accounts").select(["id", "access_level"]).where("client_id", "=", clientId).executeTakeFirst();
  return { ...client, email: email?.email ?? null, account };
}

const seesChartOrAccess = (permissions: readonly Permission[]) => permissions.includes("chart_access") || permissions.includes("manage_client_portal_access");

/** An invitation to an existing client without an account: 3 days, single use, to the email on their record. */
export async function sendClientInvitation(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<AccountActionResult> {
  const id = idParam(rawId);
  const { page } = await adminPage(context, request, "manage_client_portal_access", async (scope): Promise<AccountActionResult> => {
    const client = await clientFor(scope, id);
    if (client.account) return { ok: false, error: "This client already has an account. Send an access link to upgrade it, or they can reset their password." };
    if (!client.email) return { ok: false, error: "This client has no email address on file." };
    if (client.status !== "active" || client.portal_blocked) return { ok: false, error: "Unblock the client (and make the record active) first." };
    await issueAccountLink(scope.trx, scope.site, { kind: "invitation", clientId: id, clientFirstName: client.first_name, email: client.email, createdBy: scope.staff.id, now: scope.now });
    await audit(scope, context, "staff.client_invitation_sent", id, { email: client.email });
    return { ok: true, message: `An invitation is on its way to ${client.email}. It works for 3 days.` };
  });
  return page;
}

/** An access link ("medical access code"): creates a full account, or upgrades a limited one. Admins and practitioners. */
export async function sendClientAccessLink(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<AccountActionResult> {
  const id = idParam(rawId);
  const { page } = await adminPage(context, request, seesChartOrAccess, async (scope): Promise<AccountActionResult> => {
    const client = await clientFor(scope, id);
    if (!client.email) return { ok: false, error: "This client has no email address on file." };
    if (client.status !== "active" || client.portal_blocked) return { ok: false, error: "Unblock the client (and make the record active) first." };
    await issueAccountLink(scope.trx, scope.site, { kind: "access_link", clientId: id, clientFirstName: client.first_name, email: client.email, createdBy: scope.staff.id, now: scope.now });
    await audit(scope, context, "staff.client_access_link_sent", id, { email: client.email, upgrade: client.account?.access_level === "limited" });
    return { ok: true, message: `An access link is on its way to ${client.email}. It works for 3 days.` };
  });
  return page;
}

const manualSchema = z.object({
  login: z
    .string()
    .trim()
    .min(3, "The username needs at least 3 characters.")
    .max(254)
    .regex(/^[^\s\p{Cc}]+$/u, "The username cannot contain spaces or control characters."),
  password: z.string().max(200),
  accessLevel: z.enum(["full", "limited"], { error: "Choose the access level." }),
});

/** A username and a temporary password, for a client who asks for help (or a training profile). */
export async function createManualAccount(context: PorticoLoadContext, request: Request, rawId: string | undefined, form: FormData): Promise<AccountActionResult> {
  const id = idParam(rawId);
  const parsed = manualSchema.safeParse({ login: form.get("login"), password: form.get("password"), accessLevel: form.get("accessLevel") });
  const { page } = await adminPage(context, request, "manage_client_portal_access", async (scope): Promise<AccountActionResult> => {
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Check the account." };
    const problem = passwordProblem(parsed.data.password);
    if (problem) return { ok: false, error: `Temporary password: ${problem}` };
    const client = await clientFor(scope, id);
    if (client.account) return { ok: false, error: "This client already has an account." };
    const login = parsed.data.login.toLowerCase();
    const taken = await scope.trx.selectFrom("client_accounts").select("id").where("login_key", "=", login).executeTakeFirst();
    if (taken) return { ok: false, error: "That username is taken. Choose another." };
    // An address as a username must be this client's own: a password reset is mailed to the username.
    if (login.includes("@")) {
      const own = await scope.trx.selectFrom("client_emails").select("id").where("client_id", "=", id).where("email_key", "=", login).executeTakeFirst();
      if (!own) return { ok: false, error: "An email address as username must be one of this client's own addresses." };
    }
    // Hashed only once the permission and the account are checked; inside the transaction, which a rare staff action
    // may hold for the tens of milliseconds this takes.
    const hash = await hashPassword(parsed.data.password);
    const account = await scope.trx
      .insertInto("client_accounts")
      .values({ practice_id: scope.practiceId, client_id: id, login: parsed.data.login, password_hash: hash, password_temporary: true, access_level: parsed.data.accessLevel, created_via: "manual" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await audit(scope, context, "staff.client_account_created", id, { login: parsed.data.login, accessLevel: parsed.data.accessLevel });
    const created = { id: account.id, accessLevel: parsed.data.accessLevel, createdVia: "manual" };
    await recordEvent(scope.trx, scope.practiceId, { type: "client.account_created", data: { client: await clientRef(scope.trx, id), account: created } }, scope.now);
    return { ok: true, message: `Account ${parsed.data.login} created. Give the client the temporary password in person or by phone; they choose their own at first sign-in.` };
  });
  return page;
}

/** Upgrade (or back down) an account's access by staff action; it applies on the client's next request. */
export async function setAccountAccessLevel(context: PorticoLoadContext, request: Request, rawId: string | undefined, rawLevel: unknown): Promise<AccountActionResult> {
  const id = idParam(rawId);
  const level = z.enum(["full", "limited"]).safeParse(rawLevel);
  const { page } = await adminPage(context, request, "manage_client_portal_access", async (scope): Promise<AccountActionResult> => {
    if (!level.success) return { ok: false, error: "Choose the access level." };
    const client = await clientFor(scope, id);
    if (!client.account) return { ok: false, error: "This client has no account yet." };
    if (client.account.access_level === level.data) return { ok: true, message: "Nothing to change." };
    await scope.trx.updateTable("client_accounts").set({ access_level: level.data, updated_at: scope.now }).where("id", "=", client.account.id).execute();
    await audit(scope, context, "staff.client_access_level_changed", id, { from: client.account.access_level, to: level.data });
    if (level.data === "full") {
      const data = { client: await clientRef(scope.trx, id), account: { id: client.account.id, accessLevel: "full" as const }, via: "staff" as const };
      await recordEvent(scope.trx, scope.practiceId, { type: "client.account_upgraded", data }, scope.now);
    }
    return { ok: true, message: level.data === "full" ? "The account now has full access." : "The account now has limited access." };
  });
  return page;
}

const memberSchema = z.object({
  memberEmail: z.string().trim().toLowerCase().max(254).pipe(z.email("Enter the email address on the family member's record.")),
  relationship: z.string().trim().min(1, "Say how they are related (e.g. Parent).").max(60).regex(/^[^\p{Cc}]*$/u),
  permissions: z.array(z.enum(PROXY_PERMISSIONS)).min(1, "Give at least one right."),
  endsOn: z.iso
    .date("The end date must be a date.")
    .refine((date) => date >= "1900-01-01" && date <= "2200-12-31", "The end date must be a date between 1900 and 2200.")
    .optional(),
});

/**
 * Links another client record to this client's login: a family member, or a proxy with a subset of rights and an
 * optional end date. Re-linking the same person replaces the rights.
 */
export async function linkFamilyMember(context: PorticoLoadContext, request: Request, rawId: string | undefined, form: FormData): Promise<AccountActionResult> {
  const id = idParam(rawId);
  const parsed = memberSchema.safeParse({
    memberEmail: form.get("memberEmail"),
    relationship: form.get("relationship"),
    permissions: form.getAll("permissions"),
    endsOn: form.get("endsOn") || undefined,
  });
  const { page } = await adminPage(context, request, "manage_client_portal_access", async (scope): Promise<AccountActionResult> => {
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Check the family member." };
    const holder = await clientFor(scope, id);
    if (!holder.account) return { ok: false, error: "This client needs an account first (invitation, access link or manual account)." };
    const matches = await scope.trx.selectFrom("client_emails").select("client_id").where("email_key", "=", parsed.data.memberEmail).execute();
    const members = [...new Set(matches.map((m) => m.client_id))];
    if (members.length === 0) return { ok: false, error: "No client record has that email address." };
    if (members.length > 1) return { ok: false, error: "More than one client record has that email address; link from the other record's page." };
    const memberId = members[0]!;
    if (memberId === id) return { ok: false, error: "That is this client's own record." };
    const values = { relationship: parsed.data.relationship, permissions: parsed.data.permissions, ends_on: parsed.data.endsOn ?? null };
    await scope.trx
      .insertInto("client_account_members")
      .values({ practice_id: scope.practiceId, account_id: holder.account.id, client_id: memberId, created_by: scope.staff.id, ...values })
      .onConflict((oc) => oc.columns(["practice_id", "account_id", "client_id"]).doUpdateSet(values))
      .execute();
    await audit(scope, context, "staff.family_member_linked", id, { member: memberId, ...values });
    return { ok: true, message: `Linked. ${holder.first_name} can now switch to that record in the portal.` };
  });
  return page;
}

/** Unlinks a family member: nothing of theirs stays visible, from the next request on. */
export async function unlinkFamilyMember(context: PorticoLoadContext, request: Request, rawId: string | undefined, rawMember: unknown): Promise<AccountActionResult> {
  const id = idParam(rawId);
  const member = z.uuid().safeParse(rawMember);
  const { page } = await adminPage(context, request, "manage_client_portal_access", async (scope): Promise<AccountActionResult> => {
    if (!member.success) return { ok: false, error: "Unknown family member." };
    const holder = await clientFor(scope, id);
    if (!holder.account) return { ok: false, error: "This client has no account." };
    const removed = await scope.trx.deleteFrom("client_account_members").where("account_id", "=", holder.account.id).where("client_id", "=", member.data).executeTakeFirst();
    if (removed.numDeletedRows === 0n) return { ok: false, error: "That person is not linked." };
    await scope.trx.updateTable("client_sessions").set({ acting_client_id: null }).where("account_id", "=", holder.account.id).where("acting_client_id", "=", member.data).execute();
    await audit(scope, context, "staff.family_member_unlinked", id, { member: member.data });
    return { ok: true, message: "Unlinked." };
  });
  return page;
}

export type FamilyLink = { clientId: string; name: string; relationship: string; permissions: string[]; endsOn: string | null };

export async function familyLinks(trx: PracticeTransaction, clientId: string): Promise<FamilyLink[]> {
  const rows = await trx
    .selectFrom("client_accounts as a")
    .innerJoin("client_account_members as m", (join) => join.onRef("m.practice_id", "=", "a.practice_id").onRef("m.account_id", "=", "a.id"))
    .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "m.practice_id").onRef("c.id", "=", "m.client_id"))
    .select(["m.client_id", "c.first_name", "c.last_name", "m.relationship", "m.permissions", "m.ends_on"])
    .where("a.client_id", "=", clientId)
    .orderBy("c.first_name")
    .execute();
  return rows.map((row) => ({ clientId: row.client_id, name: `${row.first_name} ${row.last_name}`, relationship: row.relationship, permissions: row.permissions, endsOn: row.ends_on }));
}

/**
 * Kiosk intake: this browser (the practice's tablet) stops being the staff member's and opens the intake form for
 * the client, and nothing else. The session ends when the form is sent, or after 15 minutes idle.
 */
export async function startKiosk(context: PorticoLoadContext, request: Request, rawId: string | undefined): Promise<{ ok: true; cookies: string[] } | { ok: false; error: string }> {
  const id = idParam(rawId);
  const { page } = await adminPage(context, request, "manage_client_portal_access", async (scope) => {
    const client = await clientFor(scope, id);
    if (client.status !== "active" || client.portal_blocked) return { ok: false as const, error: "Unblock the client (and make the record active) first." };
    await scope.trx.deleteFrom("staff_sessions").where("id", "=", scope.staff.sessionKey).execute();
    const clientCookie = await clientSessions(scope.trx, scope.practiceId, { secure: context.secureCookies, now: context.now }).create({
      clientId: id,
      stage: "kiosk",
      email: "kiosk",
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
    });
    await audit(scope, context, "staff.kiosk_started", id);
    const staffCookie = staffSessions(scope.trx, scope.practiceId, { secure: context.secureCookies, now: context.now }).blankCookie();
    return { ok: true as const, cookies: [staffCookie, clientCookie] };
  });
  return page;
}
