import { z } from "zod";
import type { AccessLevel, ClientAccountLinkKind, SignInMethods } from "../../db/schema";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { recordAudit } from "../../server/audit.server";
import { recordEvent } from "../../server/events/record-event.server";
import { clientRef } from "../../server/events/refs.server";
import { clientSessions } from "../../server/auth/client-session.server";
import { hashPassword, passwordProblem, verifyPassword } from "../../server/auth/passwords.server";
import { hitRateLimits, ipBucket } from "../../server/auth/rate-limit.server";
import { generateToken, hashToken, isWellFormedToken } from "../../server/auth/tokens.server";
import { sendEmail } from "../../server/email/send-email.server";
import { clientAccountEmail } from "../../server/email/templates/client-account";
import type { PorticoLoadContext, PracticeSite } from "../load-context";
import { requirePracticeSite } from "./require-practice.server";
import { emailSchema, maskEmail } from "./sign-in-link.server";

/**
 * Client accounts with passwords: signing in, forgetting and changing a password, and the links that create or
 * upgrade an account (invitations, access links, password resets). Sessions are the same 24-hour, practice-bound
 * client sessions as magic links; the account's access level is read on every request.
 */

const FIFTEEN_MINUTES = 15 * 60_000;
export const LINK_LIFETIME_MS: Record<ClientAccountLinkKind, number> = {
  invitation: 3 * 86_400_000,
  access_link: 3 * 86_400_000,
  password_reset: 60 * 60_000,
  // As long as a form may wait in an inbox before the visit it is for.
  form_registration: 14 * 86_400_000,
};

export function offersPassword(methods: SignInMethods): boolean {
  return methods === "password" || methods === "both";
}

export function offersMagicLink(methods: SignInMethods): boolean {
  return methods === "magic_link" || methods === "both";
}

async function signInMethods(trx: PracticeTransaction): Promise<{ methods: SignInMethods; portalEnabled: boolean }> {
  const settings = await trx.selectFrom("practice_settings").select(["sign_in_methods", "portal_enabled"]).executeTakeFirstOrThrow();
  return { methods: settings.sign_in_methods, portalEnabled: settings.portal_enabled };
}

const loginSchema = z.object({
  login: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(254)
    .regex(/^[^\p{Cc}]+$/u),
  password: z.string().min(1).max(200),
});

export type PasswordSignInResult = { ok: true; cookie: string; next: string } | { ok: false; error: string; login: string; status: 401 | 404 | 429 };

const NOT_RIGHT = "The email or password is not right.";

/**
 * Email (or username) and password. The same answer for an unknown login, a wrong password, a blocked or inactive
 * client: only "not right". Limits per login and per IP are counted before the (deliberately slow) password check.
 */
export async function signInWithPassword(context: PorticoLoadContext, form: FormData): Promise<PasswordSignInResult> {
  const site = requirePracticeSite(context);
  const parsed = loginSchema.safeParse({ login: form.get("login") ?? "", password: form.get("password") ?? "" });
  const login = parsed.success ? parsed.data.login : String(form.get("login") ?? "").slice(0, 254);
  const now = context.now();
  const { ip, userAgent } = context.visitor;
  const practiceId = site.practice.id;
  // The IP counts every attempt, well-formed or not, on any practice; the login only well-formed ones (it is a key
  // in the table), on this practice. The IP is counted before the practice transaction, which may use the same pool.
  const [withinIpLimit = true] = ip ? await context.ipRateLimits([{ bucket: `password-ip:${ipBucket(ip)}`, limit: 30, windowMs: FIFTEEN_MINUTES }], now) : [];
  const found = await site.withPractice(async (trx) => {
    const { methods, portalEnabled } = await signInMethods(trx);
    if (!offersPassword(methods) || !portalEnabled) return { kind: "not_offered" as const };
    const [withinLoginLimit = true] = parsed.success ? await hitRateLimits(trx, practiceId, [{ bucket: `password-login:${login}`, limit: 10, windowMs: FIFTEEN_MINUTES }], now) : [];
    if (!withinIpLimit || !withinLoginLimit) {
      await recordAudit(trx, practiceId, { actorType: "anonymous", action: "client.password_rate_limited", ip, userAgent, details: { limit: withinIpLimit ? "login" : "ip" }, at: now });
      return { kind: "rate_limited" as const };
    }
    // Input that can never match costs no password check (and no audit row): nothing about any account is at stake.
    if (!parsed.success) return { kind: "malformed" as const };
    const account = await trx
      .selectFrom("client_accounts as a")
      .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "a.practice_id").onRef("c.id", "=", "a.client_id"))
      .select(["a.id", "a.client_id", "a.login", "a.password_hash", "a.password_temporary", "c.status", "c.portal_blocked"])
      .where("a.login_key", "=", login)
      .executeTakeFirst();
    return { kind: "candidate" as const, account };
  });
  if (found.kind === "not_offered") return { ok: false, error: "This portal does not offer password sign-in.", login, status: 404 };
  if (found.kind === "rate_limited") return { ok: false, error: "Too many attempts. Wait 15 minutes and try again, or use “Forgot your password?”.", login, status: 429 };
  if (found.kind === "malformed") return { ok: false, error: NOT_RIGHT, login, status: 401 };
  const account = found.kind === "candidate" ? found.account : undefined;
  // Outside the transaction: argon2 takes tens of milliseconds and must not hold a connection.
  const matches = await verifyPassword(account?.password_hash ?? null, parsed.success ? parsed.data.password : "");
  return site.withPractice(async (trx) => {
    if (!account || !matches || account.status !== "active" || account.portal_blocked) {
      await recordAudit(trx, practiceId, { actorType: "anonymous", action: "client.sign_in_failed", subjectType: account ? "client" : undefined, subjectId: account?.client_id, ip, userAgent, details: { method: "password" }, at: now });
      return { ok: false as const, error: NOT_RIGHT, login, status: 401 as const };
    }
    const stage = account.password_temporary ? "password_change_required" : "full";
    const cookie = await clientSessions(trx, practiceId, { secure: context.secureCookies, now: context.now }).create({
      clientId: account.client_id,
      accountId: account.id,
      stage,
      email: account.login.toLowerCase(),
      ip,
      userAgent,
    });
    await trx.updateTable("client_accounts").set({ last_sign_in_at: now }).where("id", "=", account.id).execute();
    await recordAudit(trx, practiceId, { actorType: "client", actorId: account.client_id, action: "client.sign_in", ip, userAgent, details: { method: "password" }, at: now });
    await recordEvent(trx, practiceId, { type: "client.signed_in", data: { client: await clientRef(trx, account.client_id), method: "password" } }, now);
    return { ok: true as const, cookie, next: stage === "full" ? "/home" : "/settings/password" };
  });
}

/** Creates a link of `kind` for a client and mails it, in the caller's transaction. */
export async function issueAccountLink(
  trx: PracticeTransaction,
  site: PracticeSite,
  input: { kind: ClientAccountLinkKind; clientId: string; clientFirstName: string; email: string; createdBy: string | null; now: Date; next?: string },
): Promise<void> {
  const token = generateToken();
  await trx
    .insertInto("client_account_links")
    .values({
      practice_id: site.practice.id,
      client_id: input.clientId,
      kind: input.kind,
      email: input.email.toLowerCase(),
      token_hash: hashToken(token),
      created_at: input.now,
      expires_at: new Date(input.now.getTime() + LINK_LIFETIME_MS[input.kind]),
      created_by: input.createdBy,
    })
    .execute();
  const settings = await trx.selectFrom("practice_settings").select("email").executeTakeFirst();
  const message = clientAccountEmail({ kind: input.kind, practiceName: site.practice.name, clientFirstName: input.clientFirstName, link: `${site.origin}/account/${token}${input.next ? `?next=${encodeURIComponent(input.next)}` : ""}` });
  await sendEmail(trx, { kind: `client_${input.kind}`, practiceId: site.practice.id, fromName: site.practice.name, replyTo: settings?.email ?? null, to: input.email, ...message });
}

/** "Forgot your password?": the same answer whatever the address; the lookup and the email happen after the response. */
export async function requestPasswordReset(context: PorticoLoadContext, form: FormData): Promise<{ status: "sent"; email: string } | { status: "invalid"; email: string; error: string }> {
  const site = requirePracticeSite(context);
  const raw = form.get("email");
  const parsed = emailSchema.safeParse(typeof raw === "string" ? raw : undefined);
  if (!parsed.success) return { status: "invalid", email: typeof raw === "string" ? raw.slice(0, 254) : "", error: parsed.error.issues[0]?.message ?? "Enter your email address." };
  const email = parsed.data;
  const { ip, userAgent } = context.visitor;
  const now = context.now();
  await context.runAfterResponse("password reset", async () => {
    const [perIp = true] = ip ? await context.ipRateLimits([{ bucket: `reset-ip:${ipBucket(ip)}`, limit: 30, windowMs: FIFTEEN_MINUTES }], now) : [];
    await site.withPractice(async (trx) => {
      const [perEmail] = await hitRateLimits(trx, site.practice.id, [{ bucket: `reset-email:${email}`, limit: 5, windowMs: FIFTEEN_MINUTES }], now);
      if (!perEmail || !perIp) return;
      const { methods, portalEnabled } = await signInMethods(trx);
      if (!offersPassword(methods) || !portalEnabled) return;
      const account = await trx
        .selectFrom("client_accounts as a")
        .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "a.practice_id").onRef("c.id", "=", "a.client_id"))
        // Only to an address still on the client's record: a username that is not (or no longer) theirs gets nothing.
        .innerJoin("client_emails as e", (join) => join.onRef("e.practice_id", "=", "a.practice_id").onRef("e.client_id", "=", "a.client_id").onRef("e.email_key", "=", "a.login_key"))
        .select(["a.client_id", "a.login", "c.first_name"])
        .where("a.login_key", "=", email)
        .where("c.status", "=", "active")
        .where("c.portal_blocked", "=", false)
        .executeTakeFirst();
      if (!account) return;
      await issueAccountLink(trx, site, { kind: "password_reset", clientId: account.client_id, clientFirstName: account.first_name, email: account.login, createdBy: null, now });
      await recordAudit(trx, site.practice.id, { actorType: "anonymous", action: "client.password_reset_sent", subjectType: "client", subjectId: account.client_id, ip, userAgent, at: now });
    });
  });
  return { status: "sent", email };
}

type LinkRow = { id: string; client_id: string; kind: ClientAccountLinkKind; email: string; expires_at: Date; used_at: Date | null };
export type AccountLinkState = "valid" | "expired" | "used" | "invalid";

async function findAccountLink(trx: PracticeTransaction, token: string): Promise<LinkRow | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  return trx.selectFrom("client_account_links").select(["id", "client_id", "kind", "email", "expires_at", "used_at"]).where("token_hash", "=", hashToken(token)).executeTakeFirst();
}

export function accountLinkState(link: { expires_at: Date; used_at: Date | null } | undefined, now: Date): AccountLinkState {
  if (!link) return "invalid";
  if (link.used_at) return "used";
  if (link.expires_at <= now) return "expired";
  return "valid";
}

export type AccountLinkView =
  | { state: Exclude<AccountLinkState, "valid"> }
  | { state: "valid"; kind: ClientAccountLinkKind; maskedEmail: string; hasAccount: boolean; accessLevel: AccessLevel | null };

/** What the link page shows; opening it changes nothing. */
export async function inspectAccountLink(context: PorticoLoadContext, token: string): Promise<AccountLinkView> {
  const site = requirePracticeSite(context);
  return site.withPractice(async (trx) => {
    const link = await findAccountLink(trx, token);
    const state = accountLinkState(link, context.now());
    if (!link || state !== "valid") return { state: state === "valid" ? "invalid" : state };
    const account = await trx.selectFrom("client_accounts").select("access_level").where("client_id", "=", link.client_id).executeTakeFirst();
    return { state: "valid", kind: link.kind, maskedEmail: maskEmail(link.email), hasAccount: Boolean(account), accessLevel: account?.access_level ?? null };
  });
}

export type UseLinkResult = { ok: true; cookie: string } | { ok: false; error: string };

const LINK_NOT_WORKING = "This link does not work any more. Ask the practice for a new one.";

/**
 * Uses a link once, then:
 * - invitation: creates the client's full account with the chosen password;
 * - access link: creates a full account, or makes an existing (limited) one full — with a new password, since the
 *   limited account's password was chosen by someone the practice never verified;
 * - password reset: sets the new password;
 * - form registration: creates a limited account (the client registered to answer a form the practice sent).
 * Every other session of the client and every other outstanding link end; then the client is signed in. All checks
 * come before the link is used up, in the same transaction: a refused link stays usable.
 */
export async function useAccountLink(context: PorticoLoadContext, token: string, form: FormData): Promise<UseLinkResult> {
  const site = requirePracticeSite(context);
  const now = context.now();
  const { ip, userAgent } = context.visitor;
  const password = String(form.get("password") ?? "");
  const problem = passwordProblem(password);
  if (problem) return { ok: false, error: problem };
  if (password !== String(form.get("confirm") ?? "")) return { ok: false, error: "The two passwords are not the same." };
  // argon2 only for a link that works: a made-up token costs one indexed read. Hashed between the two transactions
  // so no connection is held meanwhile; the second checks everything again.
  const usable = await site.withPractice(async (trx) => accountLinkState(await findAccountLink(trx, token), now) === "valid");
  if (!usable) return { ok: false, error: LINK_NOT_WORKING };
  const passwordHash = await hashPassword(password);
  return site.withPractice(async (trx): Promise<UseLinkResult> => {
    const link = await findAccountLink(trx, token);
    if (!link || accountLinkState(link, now) !== "valid") return { ok: false, error: LINK_NOT_WORKING };
    const client = await trx
      .selectFrom("clients as c")
      .innerJoin("practice_settings as p", "p.practice_id", "c.practice_id")
      .select(["c.id", "c.status", "c.portal_blocked", "p.portal_enabled"])
      .where("c.id", "=", link.client_id)
      .executeTakeFirst();
    if (!client || client.status !== "active" || client.portal_blocked || !client.portal_enabled) return { ok: false, error: "The portal is not open to this account. Contact the practice." };
    // The address the link went to must still be on the client's record (a corrected address voids old links).
    const stillTheirs = await trx.selectFrom("client_emails").select("id").where("client_id", "=", link.client_id).where("email_key", "=", link.email).executeTakeFirst();
    if (!stillTheirs) return { ok: false, error: LINK_NOT_WORKING };
    const existing = await trx.selectFrom("client_accounts").select(["id", "login", "access_level"]).where("client_id", "=", link.client_id).executeTakeFirst();
    if ((link.kind === "invitation" || link.kind === "form_registration") && existing) return { ok: false, error: "You already have an account: sign in with your password, or use “Forgot your password?”." };
    if (link.kind === "password_reset" && !existing) return { ok: false, error: LINK_NOT_WORKING };
    if (!existing) {
      const taken = await trx.selectFrom("client_accounts").select("id").where("login_key", "=", link.email).executeTakeFirst();
      if (taken) return { ok: false, error: "Another account already signs in with this address. Contact the practice." };
    }
    const claimed = await trx.updateTable("client_account_links").set({ used_at: now }).where("id", "=", link.id).where("used_at", "is", null).executeTakeFirst();
    if (claimed.numUpdatedRows !== 1n) return { ok: false, error: "This link has already been used." };

    let account: { id: string; login: string };
    let action: string;
    if (existing) {
      const upgrade = link.kind === "access_link" && existing.access_level !== "full";
      await trx
        .updateTable("client_accounts")
        .set({ password_hash: passwordHash, password_temporary: false, updated_at: now, ...(link.kind === "access_link" ? { access_level: "full" as const } : {}) })
        .where("id", "=", existing.id)
        .execute();
      action = link.kind === "password_reset" ? "client.password_reset" : upgrade ? "client.account_upgraded" : "client.access_link_used";
      account = existing;
    } else {
      account = await trx
        .insertInto("client_accounts")
        .values({
          practice_id: site.practice.id,
          client_id: link.client_id,
          login: link.email,
          password_hash: passwordHash,
          // Registered to answer a form: what the practice sent, not yet its records (an access link upgrades it).
          access_level: link.kind === "form_registration" ? "limited" : "full",
          created_via: link.kind === "invitation" ? "invitation" : link.kind === "form_registration" ? "self_registration" : "access_link",
        })
        .returning(["id", "login"])
        .executeTakeFirstOrThrow();
      action = "client.account_created";
    }
    await endOtherAccess(trx, link.client_id, now);
    await recordAudit(trx, site.practice.id, { actorType: "client", actorId: link.client_id, action, subjectType: "client", subjectId: link.client_id, ip, userAgent, details: { via: link.kind }, at: now });
    if (action === "client.account_created" || action === "client.account_upgraded") {
      const client = await clientRef(trx, link.client_id);
      const event =
        action === "client.account_created"
          ? ({ type: "client.account_created", data: { client, account: { id: account.id, accessLevel: link.kind === "form_registration" ? "limited" : "full", createdVia: link.kind } } } as const)
          : ({ type: "client.account_upgraded", data: { client, account: { id: account.id, accessLevel: "full" }, via: "access_link" } } as const);
      await recordEvent(trx, site.practice.id, event, now);
    }
    const cookie = await clientSessions(trx, site.practice.id, { secure: context.secureCookies, now: context.now }).create({
      clientId: link.client_id,
      accountId: account.id,
      email: account.login.toLowerCase(),
      ip,
      userAgent,
    });
    await trx.updateTable("client_accounts").set({ last_sign_in_at: now }).where("id", "=", account.id).execute();
    return { ok: true, cookie };
  });
}

/**
 * After a password is set or changed: every session of the client ends (the caller's own, if any, is kept by
 * passing its key) and every link still outstanding is used up, so nothing issued before the change still works.
 */
export async function endOtherAccess(trx: PracticeTransaction, clientId: string, now: Date, keepSessionKey?: string): Promise<void> {
  let sessions = trx.deleteFrom("client_sessions").where("client_id", "=", clientId);
  if (keepSessionKey) sessions = sessions.where("id", "!=", keepSessionKey);
  await sessions.execute();
  await trx.updateTable("client_account_links").set({ used_at: now }).where("client_id", "=", clientId).where("used_at", "is", null).execute();
}
