import { recordAudit } from "../../../server/audit.server";
import type { PorticoLoadContext } from "../../load-context";
import { requirePracticeSite } from "../require-practice.server";

/**
 * The practice side of break-glass access: the support user's arrival and departure go into the practice's own audit
 * log, with the reason, so the practice's admins see that support looked and why.
 */
export async function startSupportAccess(context: PorticoLoadContext, token: string): Promise<{ ok: true; cookie: string } | { ok: false }> {
  const site = requirePracticeSite(context);
  const redeemed = await site.supportAccess.redeem(token);
  if (!redeemed) return { ok: false };
  const { visitor } = redeemed;
  await site.withPractice((trx) =>
    recordAudit(trx, site.practice.id, {
      actorType: "support",
      actorId: visitor.supportUserId,
      action: "support.access_started",
      ip: context.visitor.ip,
      userAgent: context.visitor.userAgent,
      details: { supportUser: `${visitor.name} <${visitor.email}>`, reason: visitor.reason, expiresAt: visitor.expiresAt.toISOString() },
      at: context.now(),
    }),
  );
  return { ok: true, cookie: redeemed.cookie };
}

export async function endSupportAccess(context: PorticoLoadContext, request: Request): Promise<string> {
  const site = requirePracticeSite(context);
  const { cookie, visitor } = await site.supportAccess.end(request.headers.get("cookie"));
  if (visitor) {
    await site.withPractice((trx) =>
      recordAudit(trx, site.practice.id, {
        actorType: "support",
        actorId: visitor.supportUserId,
        action: "support.access_ended",
        ip: context.visitor.ip,
        userAgent: context.visitor.userAgent,
        details: { supportUser: `${visitor.name} <${visitor.email}>` },
        at: context.now(),
      }),
    );
  }
  return cookie;
}
