import { redirect } from "@remix-run/node";
import { returnPath } from "./return-path";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { recordAudit } from "../../server/audit.server";
import { clientSessions, type SignedInClient } from "../../server/auth/client-session.server";
import type { PorticoLoadContext } from "../load-context";
import { type PortalArea, proxyAllows } from "../visibility/portal-rules";
import { requirePracticeSite } from "./require-practice.server";

/** `sessionKey` is the stored (hashed) id of this request's session: "end my other sessions" keeps this one. */
export type ClientScope = { trx: PracticeTransaction; client: SignedInClient; practiceId: string; sessionKey: string };

/**
 * A use case names the part of the portal it belongs to; a linked person without that right gets the answer a page
 * that is not there gets. (Named by the use case, never read from the URL, which routing matches more loosely.)
 */
export function requireArea(client: SignedInClient, area: PortalArea): void {
  if (!proxyAllows(client.viewing.permissions, area)) throw new Response("Not found", { status: 404 });
}

/** The one page a session with a temporary password may open. */
export const PASSWORD_CHANGE_PATH = "/settings/password";

/** The same address again, where the browser returns with its new session cookie. */
function sameAddress(request: Request): string {
  const url = new URL(request.url);
  return `${url.pathname}${url.search}`;
}

/**
 * Runs `work` for the signed-in client in the same practice transaction that validated the session: one round trip
 * of setup per request, and the session cannot change between the check and the read. Without a valid session the
 * visitor is sent to the sign-in page, and a cookie that no longer signs anyone in is cleared. A session whose
 * account changed since its id was issued (an access upgrade) gets a new id first, and nothing runs under the old one:
 * the browser is sent back to the same address with the new cookie (a form posted at that moment is not processed,
 * and is sent again by its owner).
 */
export async function withSignedInClient<T>(context: PorticoLoadContext, request: Request, work: (scope: ClientScope) => Promise<T>, options: { passwordChangePage?: boolean; kioskPage?: boolean } = {}): Promise<T> {
  const site = requirePracticeSite(context);
  const cookieHeader = request.headers.get("cookie");
  const outcome = await site.withPractice(async (trx) => {
    const sessions = clientSessions(trx, site.practice.id, { secure: context.secureCookies, now: context.now });
    const signedIn = await sessions.validate(cookieHeader);
    if (!signedIn) return { signedIn: false as const, blankCookie: sessions.blankCookie() };
    // Undefined when a concurrent request rotated it first: its response carries the cookie, this one must not clear it.
    if (signedIn.rotationDue) return { signedIn: true as const, rotated: await sessions.rotate(signedIn.sessionKey) };
    // A temporary password (a manual account's first sign-in) must be replaced before anything else opens.
    if (signedIn.holder.stage === "password_change_required" && !options.passwordChangePage) return { signedIn: true as const, mustChangePassword: true as const };
    // A kiosk session opens the intake form and nothing else.
    if (signedIn.holder.stage === "kiosk" && !options.kioskPage) return { signedIn: true as const, kioskOnly: true as const };
    if (signedIn.holder.stage !== "kiosk" && options.kioskPage) return { signedIn: true as const, notFound: true as const };
    return { signedIn: true as const, result: await work({ trx, client: signedIn.holder, practiceId: site.practice.id, sessionKey: signedIn.sessionKey }) };
  });
  if (!outcome.signedIn) {
    // A form's emailed link: back to the form once signed in. (Other pages start again from the home page.)
    const url = new URL(request.url);
    const next = request.method === "GET" && url.pathname.startsWith("/forms") ? returnPath(`${url.pathname}${url.search}`) : undefined;
    throw redirect(next ? `/?next=${encodeURIComponent(next)}` : "/", cookieHeader ? { headers: { "Set-Cookie": outcome.blankCookie } } : undefined);
  }
  if ("rotated" in outcome) throw redirect(sameAddress(request), outcome.rotated ? { headers: { "Set-Cookie": outcome.rotated } } : undefined);
  if ("mustChangePassword" in outcome) throw redirect(PASSWORD_CHANGE_PATH);
  if ("kioskOnly" in outcome) throw new Response("This tablet session is for the intake form only.", { status: 403 });
  if ("notFound" in outcome) throw new Response("Not found", { status: 404 });
  return outcome.result;
}

/** Ends the session (if any) and clears the cookie; recorded in the practice's audit log. */
export async function signOut(context: PorticoLoadContext, request: Request): Promise<string> {
  const site = requirePracticeSite(context);
  return site.withPractice(async (trx) => {
    const sessions = clientSessions(trx, site.practice.id, { secure: context.secureCookies, now: context.now });
    const signedIn = await sessions.validate(request.headers.get("cookie"));
    if (signedIn) {
      await sessions.invalidate(signedIn.sessionKey);
      await recordAudit(trx, site.practice.id, {
        actorType: "client",
        actorId: signedIn.holder.id,
        action: "client.sign_out",
        ip: context.visitor.ip,
        userAgent: context.visitor.userAgent,
        at: context.now(),
      });
    }
    return sessions.blankCookie();
  });
}
