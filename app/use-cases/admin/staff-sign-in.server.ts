import { z } from "zod";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import { recordAudit } from "../../../server/audit.server";
import { verifyPassword } from "../../../server/auth/passwords.server";
import { hitRateLimits, ipBucket } from "../../../server/auth/rate-limit.server";
import { staffSessions } from "../../../server/auth/staff-session.server";
import type { PorticoLoadContext } from "../../load-context";
import { requirePracticeSite } from "../require-practice.server";

const FIFTEEN_MINUTES = 15 * 60_000;
const UNIFORM_ERROR = "That email and password do not match an account here. Please check them and try again.";

const credentials = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  password: z.string().min(1).max(200),
});

export type StaffSignInResult = { ok: true; cookie: string; next: "requested" | "/admin/verify" | "/admin/security" } | { ok: false; error: string; email: string };

/**
 * Email and password for staff of this practice. Every failure reads the same, whether the account exists or not,
 * and costs the same (a password check runs either way); attempts are limited per account and per address.
 */
export async function signInStaff(context: PorticoLoadContext, form: FormData): Promise<StaffSignInResult> {
  const site = requirePracticeSite(context);
  const rawEmail = typeof form.get("email") === "string" ? String(form.get("email")).slice(0, 254) : "";
  const parsed = credentials.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { ok: false, error: "Enter your email address and password.", email: rawEmail };
  const { email, password } = parsed.data;
  const { ip, userAgent } = context.visitor;
  const now = context.now();
  const practiceId = site.practice.id;
  const audit = (trx: PracticeTransaction, staffId: string | undefined, action: string, details: Record<string, unknown>) =>
    recordAudit(trx, practiceId, {
      actorType: action === "staff.sign_in" ? "staff" : "anonymous",
      actorId: action === "staff.sign_in" ? (staffId ?? null) : null,
      subjectType: staffId ? "staff" : undefined,
      subjectId: staffId,
      action,
      ip,
      userAgent,
      details,
      at: now,
    });
  // The address is counted across every practice, before the practice transaction (which may use the same pool).
  const [withinIpLimit = true] = ip ? await context.ipRateLimits([{ bucket: `staff-login-ip:${ipBucket(ip)}`, limit: 30, windowMs: FIFTEEN_MINUTES }], now) : [];
  const found = await site.withPractice(async (trx) => {
    const [withinAccountLimit] = await hitRateLimits(trx, practiceId, [{ bucket: `staff-login-account:${email}`, limit: 10, windowMs: FIFTEEN_MINUTES }], now);
    const staff = await trx.selectFrom("staff_members").select(["id", "password_hash"]).where("email_key", "=", email).executeTakeFirst();
    if (!withinIpLimit || !withinAccountLimit) {
      await audit(trx, staff?.id, "staff.sign_in_failed", { reason: "rate_limited" });
      return { rateLimited: true as const };
    }
    return { rateLimited: false as const, staff };
  });
  if (found.rateLimited) return { ok: false, error: "Too many attempts. Please wait 15 minutes and try again.", email };
  // After the limit check, so a flood of attempts costs no argon2 work; before any branch on the account, so known
  // and unknown accounts cost the same; outside any transaction, so no connection waits on argon2.
  const passwordMatches = await verifyPassword(found.staff?.password_hash ?? null, password);
  return site.withPractice(async (trx): Promise<StaffSignInResult> => {
    // Read again (the account may have been deactivated meanwhile), by the same query whether or not it exists, so
    // the timing does not tell; the hash checked must be this account's.
    const current = await trx.selectFrom("staff_members").select(["id", "active", "totp_enabled_at"]).where("email_key", "=", email).executeTakeFirst();
    const staff = current && current.id === found.staff?.id ? current : undefined;
    if (!staff || !staff.active || !passwordMatches) {
      await audit(trx, staff?.id, "staff.sign_in_failed", { reason: !staff ? "unknown_account" : !staff.active ? "deactivated" : "wrong_password" });
      return { ok: false, error: UNIFORM_ERROR, email };
    }
    // A correct password opens the admin only once the second factor is given (or, where the practice requires
    // one, enrolled).
    const { staff_totp_required: totpRequired } = await trx.selectFrom("practice_settings").select("staff_totp_required").executeTakeFirstOrThrow();
    const stage = staff.totp_enabled_at ? "awaiting_code" : totpRequired ? "enrollment_required" : "full";
    const sessions = staffSessions(trx, practiceId, { secure: context.secureCookies, now: context.now });
    const cookie = await sessions.create({ staffId: staff.id, ip, userAgent, stage });
    if (stage === "full") {
      await trx.updateTable("staff_members").set({ last_sign_in_at: now }).where("id", "=", staff.id).execute();
      await audit(trx, staff.id, "staff.sign_in", {});
    } else {
      await audit(trx, staff.id, "staff.sign_in_password_accepted", { stage });
    }
    return { ok: true, cookie, next: stage === "awaiting_code" ? "/admin/verify" : stage === "enrollment_required" ? "/admin/security" : "requested" };
  });
}

export async function signOutStaff(context: PorticoLoadContext, request: Request): Promise<string> {
  const site = requirePracticeSite(context);
  return site.withPractice(async (trx) => {
    const sessions = staffSessions(trx, site.practice.id, { secure: context.secureCookies, now: context.now });
    const signedIn = await sessions.validate(request.headers.get("cookie"));
    if (signedIn) {
      await sessions.invalidate(signedIn.sessionKey);
      await recordAudit(trx, site.practice.id, {
        actorType: "staff",
        actorId: signedIn.holder.id,
        action: "staff.sign_out",
        ip: context.visitor.ip,
        userAgent: context.visitor.userAgent,
        at: context.now(),
      });
    }
    return sessions.blankCookie();
  });
}

/** Where to go after signing in: only a path inside /admin, never another site. */
export function safeNext(next: string | null): string {
  return next && /^\/admin(\/[A-Za-z0-9/_.-]*)?$/.test(next) ? next : "/admin";
}
