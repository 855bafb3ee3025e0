import { redirect } from "@remix-run/node";
import { z } from "zod";
import type { SupportSessionStage } from "../../../db/schema";
import { hashPassword, passwordProblem, verifyPassword } from "../../../server/auth/passwords.server";
import { hitPlatformRateLimits } from "../../../server/auth/platform-rate-limit.server";
import { ipBucket } from "../../../server/auth/rate-limit.server";
import { type SignedInSupport, supportSessions } from "../../../server/auth/support-session.server";
import { hashToken, isWellFormedToken } from "../../../server/auth/tokens.server";
import { matchTotpStep, totpEnrolment } from "../../../server/auth/totp.server";
import { recordPlatformAudit } from "../../../tenants/platform-audit.server";
import type { PorticoLoadContext, SupportSite } from "../../load-context";

/**
 * Support users sign in on the support host only, with a password and then a code from their authenticator (always:
 * there is no way to turn it off). Sessions last 8 hours on a cookie only that host reads.
 */

const FIFTEEN_MINUTES = 15 * 60_000;
const WRONG_CODES_PER_SESSION = 5;
const CODES_PER_ACCOUNT = 10;

export function requireSupportSite(context: PorticoLoadContext): SupportSite {
  if (context.site.kind !== "support") throw new Response("Not found", { status: 404 });
  return context.site;
}

function sessionsFor(context: PorticoLoadContext, site: SupportSite) {
  return supportSessions(site.control.db, { secure: context.secureCookies, now: context.now });
}

/** The door to every console page: a full (password and code) support session, or off to sign in. */
export async function requireSupportUser(context: PorticoLoadContext, request: Request, stage: SupportSessionStage = "full"): Promise<SignedInSupport & { site: SupportSite }> {
  const site = requireSupportSite(context);
  const signedIn = await sessionsFor(context, site).validate(request.headers.get("cookie"));
  if (!signedIn) throw redirect("/support/login");
  const user = signedIn.holder;
  if (user.stage !== stage) throw redirect(user.stage === "full" ? "/support" : "/support/verify");
  return { ...user, site };
}

const credentialsSchema = z.object({ email: z.string().trim().toLowerCase().max(254), password: z.string().max(200) });

export type SupportSignInResult = { ok: true; cookie: string } | { ok: false; error: string; email: string };

export async function signInSupport(context: PorticoLoadContext, form: FormData): Promise<SupportSignInResult> {
  const site = requireSupportSite(context);
  const parsed = credentialsSchema.safeParse({ email: form.get("email") ?? "", password: form.get("password") ?? "" });
  const email = parsed.success ? parsed.data.email : "";
  const refused = { ok: false as const, error: "The email or password is not right.", email };
  if (!parsed.success || !parsed.data.email || !parsed.data.password) return refused;
  const now = context.now();
  const ip = context.visitor.ip ?? "unknown";
  const [perAccount, perIp] = await hitPlatformRateLimits(
    site.control.db,
    [
      { bucket: `support-password:${email}`, limit: 10, windowMs: FIFTEEN_MINUTES },
      { bucket: `support-password-ip:${ipBucket(ip)}`, limit: 30, windowMs: FIFTEEN_MINUTES },
    ],
    now,
  );
  if (!perAccount || !perIp) return { ok: false, error: "Too many attempts. Wait 15 minutes and try again.", email };
  const user = await site.control.db.selectFrom("platform.support_users").select(["id", "password_hash", "active", "totp_key"]).where("email_key", "=", email).executeTakeFirst();
  const matches = await verifyPassword(user?.password_hash ?? null, parsed.data.password);
  if (!user || !matches || !user.active || !user.totp_key) {
    await recordPlatformAudit(site.control.db, { supportUserId: user?.id ?? null, action: "support.sign_in_failed", details: { email }, ip, userAgent: context.visitor.userAgent });
    return refused;
  }
  const cookie = await sessionsFor(context, site).create({ userId: user.id, ip, userAgent: context.visitor.userAgent, stage: "awaiting_code" });
  return { ok: true, cookie };
}

export type CodeResult = { ok: true; cookie: string } | { ok: false; error: string; signedOut?: string };

/** The second step: a code not used before (RFC 6238 §5.2). Five wrong codes end the half-open session. */
export async function verifySupportCode(context: PorticoLoadContext, request: Request, form: FormData): Promise<CodeResult> {
  const user = await requireSupportUser(context, request, "awaiting_code");
  const { db } = user.site.control;
  const now = context.now();
  const [perSession, perAccount] = await hitPlatformRateLimits(
    db,
    [
      { bucket: `support-code:${user.sessionKey}`, limit: WRONG_CODES_PER_SESSION, windowMs: 8 * 3_600_000 },
      // New password sign-ins make new sessions: the account as a whole gets few guesses too.
      { bucket: `support-code-account:${user.id}`, limit: CODES_PER_ACCOUNT, windowMs: FIFTEEN_MINUTES },
    ],
    now,
  );
  if (!perSession || !perAccount) {
    await db.deleteFrom("platform.support_sessions").where("id", "=", user.sessionKey).execute();
    return { ok: false, error: "Too many wrong codes. Sign in again.", signedOut: sessionsFor(context, user.site).blankCookie() };
  }
  const account = await db.selectFrom("platform.support_users").select(["totp_key", "totp_last_step"]).where("id", "=", user.id).executeTakeFirstOrThrow();
  const step = account.totp_key ? matchTotpStep(account.totp_key, String(form.get("code") ?? "").slice(0, 20), now) : undefined;
  const claimed =
    step !== undefined &&
    (await db
      .updateTable("platform.support_users")
      .set({ totp_last_step: step })
      .where("id", "=", user.id)
      .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", String(step))]))
      .executeTakeFirst()).numUpdatedRows > 0n;
  if (!claimed) return { ok: false, error: "That code is not right. Enter the current 6-digit code from your authenticator app." };
  // A new session id for the signed-in session: the half-open one's cookie is worth nothing from here on.
  const cookie = await sessionsFor(context, user.site).rotate(user.sessionKey, "full");
  if (!cookie) return { ok: false, error: "Your sign-in has ended. Sign in again.", signedOut: sessionsFor(context, user.site).blankCookie() };
  await recordPlatformAudit(db, { supportUserId: user.id, action: "support.signed_in", ip: context.visitor.ip, userAgent: context.visitor.userAgent });
  return { ok: true, cookie };
}

export async function signOutSupport(context: PorticoLoadContext, request: Request): Promise<string> {
  const site = requireSupportSite(context);
  const sessions = sessionsFor(context, site);
  const signedIn = await sessions.validate(request.headers.get("cookie"));
  if (signedIn) await sessions.invalidate(signedIn.sessionKey);
  return sessions.blankCookie();
}

async function findSetup(site: SupportSite, token: string, now: Date) {
  if (!isWellFormedToken(token)) return { state: "invalid" as const };
  const row = await site.control.db
    .selectFrom("platform.support_setup_tokens as t")
    .innerJoin("platform.support_users as u", "u.id", "t.support_user_id")
    .select(["t.token_hash", "t.expires_at", "t.used_at", "u.id", "u.email", "u.name", "u.totp_key", "u.active"])
    .where("t.token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (!row || !row.active || !row.totp_key) return { state: "invalid" as const };
  if (row.used_at) return { state: "used" as const };
  if (row.expires_at <= now) return { state: "expired" as const };
  return { state: "valid" as const, row: { ...row, totp_key: row.totp_key } };
}

export type SetupView = { state: "invalid" | "used" | "expired" } | { state: "valid"; name: string; email: string; uri: string; manualKey: string };

export async function supportSetupView(context: PorticoLoadContext, token: string): Promise<SetupView> {
  const site = requireSupportSite(context);
  const found = await findSetup(site, token, context.now());
  if (found.state !== "valid") return { state: found.state };
  const enrolment = totpEnrolment(found.row.totp_key, "Portico Support", found.row.email);
  return { state: "valid", name: found.row.name, email: found.row.email, ...enrolment };
}

/** Sets the password and confirms the authenticator with a first code, in one step; then signs the user in. */
export async function completeSupportSetup(context: PorticoLoadContext, token: string, form: FormData): Promise<{ ok: true; cookie: string } | { ok: false; error: string }> {
  const site = requireSupportSite(context);
  const now = context.now();
  const found = await findSetup(site, token, now);
  if (found.state !== "valid") return { ok: false, error: "This setup link does not work any more. Ask for a new one." };
  const password = String(form.get("password") ?? "");
  const problem = passwordProblem(password);
  if (problem) return { ok: false, error: problem };
  if (password !== String(form.get("confirm") ?? "")) return { ok: false, error: "The two passwords are not the same." };
  const step = matchTotpStep(found.row.totp_key, String(form.get("code") ?? "").slice(0, 20), now);
  if (step === undefined) return { ok: false, error: "That code is not right. Add the key to your authenticator app and enter the code it shows." };
  const passwordHash = await hashPassword(password);
  const used = await site.control.db.transaction().execute(async (trx) => {
    const claimed = await trx.updateTable("platform.support_setup_tokens").set({ used_at: now }).where("token_hash", "=", found.row.token_hash).where("used_at", "is", null).executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return false;
    await trx.updateTable("platform.support_users").set({ password_hash: passwordHash, totp_last_step: step }).where("id", "=", found.row.id).execute();
    await recordPlatformAudit(trx, { supportUserId: found.row.id, action: "support.account_set_up", ip: context.visitor.ip, userAgent: context.visitor.userAgent });
    return true;
  });
  if (!used) return { ok: false, error: "This setup link has already been used." };
  const cookie = await sessionsFor(context, site).create({ userId: found.row.id, ip: context.visitor.ip, userAgent: context.visitor.userAgent, stage: "full" });
  return { ok: true, cookie };
}
