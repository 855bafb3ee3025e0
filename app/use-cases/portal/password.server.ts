import { recordAudit } from "../../../server/audit.server";
import { hashPassword, passwordProblem, verifyPassword } from "../../../server/auth/passwords.server";
import { clientSessions } from "../../../server/auth/client-session.server";
import { hitRateLimits } from "../../../server/auth/rate-limit.server";
import type { PorticoLoadContext } from "../../load-context";
import { endOtherAccess } from "../client-accounts.server";
import { withSignedInClient } from "../client-session.server";
import { portalPage } from "./portal-page.server";

export type PasswordView = { hasAccount: boolean; login: string | null; temporary: boolean };

/** Settings → Password: open even while a temporary password must be replaced (and then nothing else is). */
export async function passwordPage(context: PorticoLoadContext, request: Request) {
  return portalPage(
    context,
    request,
    async ({ trx, client }): Promise<PasswordView> => {
      const account = await trx.selectFrom("client_accounts").select(["login", "password_temporary", "password_hash"]).where("client_id", "=", client.id).executeTakeFirst();
      return { hasAccount: Boolean(account?.password_hash), login: account?.login ?? null, temporary: client.stage === "password_change_required" };
    },
    { passwordChangePage: true },
  );
}

/** Also shown on the page the browser is sent back to with the session's new cookie. */
export const PASSWORD_CHANGED = "Your password is changed. You are signed out everywhere else.";

/** `cookie` is the session's new id, for the response only, never for the page; `next` is where to go with it. */
export type PasswordChangeResult = { ok: true; next: string; cookie: string } | { ok: false; error: string };

/**
 * Needs the current password (the temporary one on a first sign-in); the new one is checked for length and
 * commonness. Every other session of the client ends; this one stays, and opens fully, under a new id.
 */
export async function changePassword(context: PorticoLoadContext, request: Request, form: FormData): Promise<PasswordChangeResult> {
  const current = String(form.get("current") ?? "").slice(0, 200);
  const next = String(form.get("password") ?? "");
  const problem = passwordProblem(next);
  const found = await withSignedInClient(
    context,
    request,
    async ({ trx, client, practiceId }) => {
      const [withinLimit] = await hitRateLimits(trx, practiceId, [{ bucket: `password-change:${client.id}`, limit: 10, windowMs: 15 * 60_000 }], context.now());
      const account = await trx.selectFrom("client_accounts").select(["id", "password_hash"]).where("client_id", "=", client.id).executeTakeFirst();
      return { account, withinLimit };
    },
    { passwordChangePage: true },
  );
  if (!found.account?.password_hash) return { ok: false, error: "You sign in with email links: there is no password to change." };
  if (!found.withinLimit) return { ok: false, error: "Too many attempts. Wait 15 minutes and try again." };
  if (!(await verifyPassword(found.account.password_hash, current))) return { ok: false, error: "Your current password is not right." };
  if (problem) return { ok: false, error: problem };
  if (next === current) return { ok: false, error: "Choose a password different from the current one." };
  if (next !== String(form.get("confirm") ?? "")) return { ok: false, error: "The two new passwords are not the same." };
  const hash = await hashPassword(next);
  const accountId = found.account.id;
  return withSignedInClient(
    context,
    request,
    async ({ trx, client, practiceId, sessionKey }): Promise<PasswordChangeResult> => {
      const now = context.now();
      const wasTemporary = client.stage === "password_change_required";
      await trx.updateTable("client_accounts").set({ password_hash: hash, password_temporary: false, updated_at: now }).where("id", "=", accountId).execute();
      await endOtherAccess(trx, client.id, now, sessionKey);
      const cookie = await clientSessions(trx, practiceId, { secure: context.secureCookies, now: context.now }).rotate(sessionKey, "full");
      if (!cookie) return { ok: false, error: "Your session has ended. Sign in again." };
      await recordAudit(trx, practiceId, { actorType: "client", actorId: client.id, action: "client.password_changed", ip: context.visitor.ip, userAgent: context.visitor.userAgent, details: { wasTemporary }, at: now });
      return { ok: true, cookie, next: wasTemporary ? "/home" : "/settings/password?changed" };
    },
    { passwordChangePage: true },
  );
}
