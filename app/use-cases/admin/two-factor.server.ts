import { redirect } from "@remix-run/node";
import { z } from "zod";
import { recordAudit } from "../../../server/audit.server";
import { hitRateLimits } from "../../../server/auth/rate-limit.server";
import { staffSessions } from "../../../server/auth/staff-session.server";
import { matchTotpStep, newTotpKey, totpEnrolment } from "../../../server/auth/totp.server";
import type { PracticeTransaction } from "../../../db/with-practice.server";
import type { PorticoLoadContext } from "../../load-context";
import { adminPage, type StaffScope } from "./admin-page.server";

const MAX_CODE_ATTEMPTS = 5;
/** Across all half-open sessions of one account: new sessions must not mean new guesses. */
const WRONG_CODES_PER_ACCOUNT = { limit: 10, windowMs: 60 * 60_000 };

/**
 * Accepts a code once: its time step must be later than the last one this person used, recorded in the same
 * statement, so a code seen over someone's shoulder (or relayed by a phishing page) does not work again.
 */
async function acceptCode(trx: PracticeTransaction, staffId: string, key: Uint8Array, code: string, now: Date): Promise<boolean> {
  const step = matchTotpStep(key, code, now);
  if (step === undefined) return false;
  const used = await trx
    .updateTable("staff_members")
    .set({ totp_last_step: String(step) })
    .where("id", "=", staffId)
    .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", String(step))]))
    .executeTakeFirst();
  return used.numUpdatedRows === 1n;
}

/**
 * The session becomes a full one under a new id: a cookie seen or planted before the second factor was given opens
 * nothing. Undefined when the session ended meanwhile.
 */
function promoteSession(scope: StaffScope, context: PorticoLoadContext): Promise<string | undefined> {
  return staffSessions(scope.trx, scope.practiceId, { secure: context.secureCookies, now: context.now }).rotate(scope.staff.sessionKey, "full");
}

function audit(scope: StaffScope, context: PorticoLoadContext, action: string, details: Record<string, unknown> = {}) {
  return recordAudit(scope.trx, scope.practiceId, {
    actorType: "staff",
    actorId: scope.staff.id,
    action,
    subjectType: "staff",
    subjectId: scope.staff.id,
    ip: context.visitor.ip,
    userAgent: context.visitor.userAgent,
    details,
    at: scope.now,
  });
}

export type CodeResult = { ok: false; error: string };

/**
 * The second step of signing in: a code from the authenticator app. Five wrong codes end the half-open session;
 * the person starts again from the password.
 */
export async function verifySignInCode(context: PorticoLoadContext, request: Request, form: FormData): Promise<CodeResult> {
  const code = String(form.get("code") ?? "").slice(0, 20);
  const { page } = await adminPage(
    context,
    request,
    () => true,
    async (scope): Promise<{ to: string; cookie?: string } | CodeResult> => {
      const { trx, staff } = scope;
      const member = await trx.selectFrom("staff_members").select(["totp_secret", "totp_enabled_at"]).where("id", "=", staff.id).executeTakeFirstOrThrow();
      const [withinAccountLimit] = await hitRateLimits(trx, scope.practiceId, [{ bucket: `staff-code:${staff.id}`, ...WRONG_CODES_PER_ACCOUNT }], scope.now);
      if (!withinAccountLimit) {
        await trx.deleteFrom("staff_sessions").where("id", "=", staff.sessionKey).execute();
        await audit(scope, context, "staff.sign_in_failed", { reason: "too_many_codes" });
        return { to: "/admin/login" };
      }
      if (member.totp_secret && member.totp_enabled_at && (await acceptCode(trx, staff.id, member.totp_secret, code, scope.now))) {
        const cookie = await promoteSession(scope, context);
        if (!cookie) return { to: "/admin/login" };
        await trx.updateTable("staff_members").set({ last_sign_in_at: scope.now }).where("id", "=", staff.id).execute();
        await audit(scope, context, "staff.sign_in", { secondFactor: "totp" });
        return { to: "/admin", cookie };
      }
      const { code_attempts: attempts } = await trx
        .updateTable("staff_sessions")
        .set((eb) => ({ code_attempts: eb("code_attempts", "+", 1) }))
        .where("id", "=", staff.sessionKey)
        .returning("code_attempts")
        .executeTakeFirstOrThrow();
      await audit(scope, context, "staff.sign_in_failed", { reason: "wrong_code", attempts });
      if (attempts >= MAX_CODE_ATTEMPTS) {
        await trx.deleteFrom("staff_sessions").where("id", "=", staff.sessionKey).execute();
        return { to: "/admin/login" };
      }
      return { ok: false, error: "That code is not right. Check the time on your phone and try the newest code." };
    },
    { stages: ["awaiting_code"] },
  );
  if ("to" in page) throw redirect(page.to, page.cookie ? { headers: { "Set-Cookie": page.cookie } } : undefined);
  return page;
}

export type SecurityView = { enrolled: boolean; required: boolean; pending: { uri: string; manualKey: string } | null };

/** The staff member's own second factor: whether it is on, whether the practice requires it, and a pending enrolment. */
export async function getSecurity(context: PorticoLoadContext, request: Request) {
  return adminPage(
    context,
    request,
    () => true,
    async ({ trx, staff, site }): Promise<SecurityView> => {
      const member = await trx.selectFrom("staff_members").select(["totp_secret", "totp_enabled_at", "email"]).where("id", "=", staff.id).executeTakeFirstOrThrow();
      const { staff_totp_required: required } = await trx.selectFrom("practice_settings").select("staff_totp_required").executeTakeFirstOrThrow();
      const pending = member.totp_secret && !member.totp_enabled_at ? totpEnrolment(member.totp_secret, `Portico · ${site.practice.name}`, member.email) : null;
      return { enrolled: member.totp_enabled_at !== null, required, pending };
    },
    { stages: ["full", "enrollment_required"], staffOnly: true },
  );
}

export type SecurityResult = { ok: true; message: string } | { ok: false; error: string };

/** Also shown on the page the browser is sent back to with the session's new cookie. */
export const SECOND_FACTOR_ON = "Your second factor is on. Next time you sign in, we will ask for a code.";

/**
 * Starts an enrolment (a new key), confirms it with a first code, or turns the second factor off where allowed.
 * Confirming gives the session a new id (`cookie`, for the response only, never for the page).
 */
export async function changeSecurity(context: PorticoLoadContext, request: Request, form: FormData): Promise<{ result: SecurityResult; cookie?: string }> {
  const intent = z.enum(["start", "confirm", "disable"]).safeParse(form.get("intent"));
  const { page } = await adminPage(
    context,
    request,
    () => true,
    async (scope): Promise<{ result: SecurityResult; cookie?: string }> => {
      const refused = (error: string) => ({ result: { ok: false as const, error } });
      if (!intent.success) return refused("Unknown action.");
      const { trx, staff } = scope;
      const member = await trx.selectFrom("staff_members").select(["totp_secret", "totp_enabled_at"]).where("id", "=", staff.id).executeTakeFirstOrThrow();
      const { staff_totp_required: required } = await trx.selectFrom("practice_settings").select("staff_totp_required").executeTakeFirstOrThrow();
      if (intent.data === "start") {
        if (member.totp_enabled_at) return refused("Your second factor is already on.");
        await trx.updateTable("staff_members").set({ totp_secret: newTotpKey(), totp_enabled_at: null, totp_last_step: null }).where("id", "=", staff.id).execute();
        await audit(scope, context, "staff.second_factor_enrolment_started");
        return { result: { ok: true, message: "Add the key to your authenticator app, then enter the code it shows." } };
      }
      if (intent.data === "confirm") {
        if (!member.totp_secret || member.totp_enabled_at) return refused("Start by adding a new key.");
        if (!(await acceptCode(trx, staff.id, member.totp_secret, String(form.get("code") ?? ""), scope.now))) {
          return refused("That code is not right. Try the newest code from your app.");
        }
        await trx.updateTable("staff_members").set({ totp_enabled_at: scope.now }).where("id", "=", staff.id).execute();
        // Where enrolling was the step this session owed, it is now a full session; either way, under a new id.
        const cookie = await promoteSession(scope, context);
        await audit(scope, context, "staff.second_factor_enabled");
        return { result: { ok: true, message: SECOND_FACTOR_ON }, cookie };
      }
      if (required) return refused("Your practice requires a second factor for all staff.");
      // A stolen session alone must not be able to remove the factor: the current code proves the phone is at hand.
      if (!member.totp_secret || !(await acceptCode(trx, staff.id, member.totp_secret, String(form.get("code") ?? ""), scope.now))) {
        return refused("Enter the current code from your authenticator app to turn it off.");
      }
      await trx.updateTable("staff_members").set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null }).where("id", "=", staff.id).execute();
      await audit(scope, context, "staff.second_factor_disabled");
      return { result: { ok: true, message: "Your second factor is off." } };
    },
    { stages: ["full", "enrollment_required"], staffOnly: true },
  );
  return page;
}

/** Requires (or stops requiring) a second factor of every staff member; those without one enrol at next sign-in. */
export async function setSecondFactorRequired(context: PorticoLoadContext, request: Request, required: boolean): Promise<{ ok: true; message: string }> {
  const { page } = await adminPage(context, request, "manage_staff", async (scope) => {
    await scope.trx.updateTable("practice_settings").set({ staff_totp_required: required }).execute();
    await recordAudit(scope.trx, scope.practiceId, {
      actorType: "staff",
      actorId: scope.staff.id,
      action: "staff.second_factor_requirement_changed",
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      details: { after: { required } },
      at: scope.now,
    });
    return { ok: true as const, message: required ? "Every staff member now needs a second factor to sign in." : "A second factor is now optional." };
  });
  return page;
}
