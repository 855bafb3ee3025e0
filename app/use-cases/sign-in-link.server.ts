import { sql } from "kysely";
import { z } from "zod";
import { recordEvent } from "../../server/events/record-event.server";
import { clientRef } from "../../server/events/refs.server";
import type { PracticeTransaction } from "../../db/with-practice.server";
import { recordAudit } from "../../server/audit.server";
import { clientSessions } from "../../server/auth/client-session.server";
import type { IpRateLimits } from "../../server/auth/platform-rate-limit.server";
import { hitRateLimits, SIGN_IN_LIMITS } from "../../server/auth/rate-limit.server";
import { generateToken, hashToken, isWellFormedToken } from "../../server/auth/tokens.server";
import { sendEmail } from "../../server/email/send-email.server";
import { signInLinkEmail } from "../../server/email/templates/sign-in-link";
import type { PorticoLoadContext, PracticeSite } from "../load-context";
import { requirePracticeSite } from "./require-practice.server";
import { returnPath } from "./return-path";

const LINK_LIFETIME_MS = 60 * 60_000;

/** Emails are compared trimmed and without case; what is stored is trimmed by a table constraint. */
export const emailSchema = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long.")
  .pipe(z.email("Enter an email address such as name@example.com."));

export type LinkRequestResult = { status: "sent"; email: string } | { status: "invalid"; email: string; error: string };

/**
 * The sign-in form. The answer is the same whether or not the address belongs to anyone: the lookup, the rate
 * limits and the email are done after the response (see issueSignInLinks), so neither the page nor its timing tells.
 * Whether the portal is open is the page's business (its loader runs after this action) and the issuer's.
 */
export async function requestSignInLink(context: PorticoLoadContext, form: FormData): Promise<LinkRequestResult> {
  const site = requirePracticeSite(context);
  const raw = form.get("email");
  const parsed = emailSchema.safeParse(typeof raw === "string" ? raw : undefined);
  if (!parsed.success) return { status: "invalid", email: typeof raw === "string" ? raw.slice(0, 254) : "", error: parsed.error.issues[0]?.message ?? "Enter your email address." };
  await scheduleSignInLinks(context, site, parsed.data, returnPath(form.get("next")));
  return { status: "sent", email: parsed.data };
}

function scheduleSignInLinks(context: PorticoLoadContext, site: PracticeSite, email: string, next?: string): Promise<void> {
  const { ip, userAgent } = context.visitor;
  return context.runAfterResponse("sign-in link", () => issueSignInLinks({ site, email, ip, userAgent, now: context.now(), ipRateLimits: context.ipRateLimits, next }));
}

export type IssueOutcome = "sent" | "no_match" | "rate_limited" | "portal_disabled";

/**
 * Sends a link to every active, unblocked client record that has this email as one of its own addresses (never an
 * alternative contact's). Token and email are written in one transaction: the email exists exactly when the link does.
 */
export async function issueSignInLinks(input: {
  site: PracticeSite;
  email: string;
  ip: string | null;
  userAgent: string | null;
  now: Date;
  ipRateLimits: IpRateLimits;
  /** The portal page the link lands on once signed in (a form), instead of the home page. */
  next?: string | undefined;
}): Promise<IssueOutcome> {
  const { site, email, now } = input;
  const practiceId = site.practice.id;
  // Counted before the practice transaction: the main database and the practice's may share one pool.
  const [withinIpLimit = true] = input.ip ? await input.ipRateLimits([SIGN_IN_LIMITS.linkPerIp(input.ip)], now) : [];
  return site.withPractice(async (trx) => {
    const [withinEmailLimit] = await hitRateLimits(trx, practiceId, [SIGN_IN_LIMITS.linkPerEmail(email)], now);
    if (!withinEmailLimit || !withinIpLimit) {
      await recordAudit(trx, practiceId, {
        actorType: "anonymous",
        action: "client.sign_in_link_rate_limited",
        ip: input.ip,
        userAgent: input.userAgent,
        details: { limit: withinEmailLimit ? "ip" : "email" },
        at: now,
      });
      return "rate_limited";
    }

    const settings = await trx.selectFrom("practice_settings").select(["portal_enabled", "phone", "email", "sign_in_methods"]).executeTakeFirst();
    if (!settings?.portal_enabled || settings.sign_in_methods === "password") return "portal_disabled";

    const matches = await trx
      .selectFrom("client_emails as e")
      .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "e.practice_id").onRef("c.id", "=", "e.client_id"))
      .select(["e.id as emailId", "e.email", "c.id as clientId", "c.first_name"])
      .where("e.email_key", "=", email)
      .where("c.status", "=", "active")
      .where("c.portal_blocked", "=", false)
      .execute();
    if (matches.length === 0) return "no_match";

    for (const match of matches) {
      const token = await createSignInLink(trx, practiceId, match, now);
      const message = signInLinkEmail({
        practiceName: site.practice.name,
        clientFirstName: match.first_name,
        link: `${site.origin}/sign-in/${token}${input.next ? `?next=${encodeURIComponent(input.next)}` : ""}`,
        practicePhone: settings.phone,
        practiceEmail: settings.email,
      });
      await sendEmail(trx, { kind: "client_sign_in_link", practiceId, fromName: site.practice.name, replyTo: settings.email, to: match.email, ...message });
      await recordAudit(trx, practiceId, {
        actorType: "anonymous",
        action: "client.sign_in_link_sent",
        subjectType: "client",
        subjectId: match.clientId,
        ip: input.ip,
        userAgent: input.userAgent,
        at: now,
      });
    }
    return "sent";
  });
}

/** A one-hour sign-in link for one of the client's own addresses; the caller emails `/sign-in/<token>` in the same transaction. */
export async function createSignInLink(trx: PracticeTransaction, practiceId: string, to: { clientId: string; emailId: string; email: string }, now: Date): Promise<string> {
  const token = generateToken();
  await trx
    .insertInto("client_sign_in_links")
    .values({
      practice_id: practiceId,
      client_id: to.clientId,
      client_email_id: to.emailId,
      email: to.email.toLowerCase(),
      token_hash: hashToken(token),
      created_at: now,
      expires_at: new Date(now.getTime() + LINK_LIFETIME_MS),
    })
    .execute();
  return token;
}

export type LinkState = "valid" | "expired" | "used" | "invalid";

type LinkRow = { id: string; client_id: string; client_email_id: string; email: string; expires_at: Date; used_at: Date | null; revoked_at: Date | null };

async function findLink(trx: PracticeTransaction, token: string): Promise<LinkRow | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  return trx
    .selectFrom("client_sign_in_links")
    .select(["id", "client_id", "client_email_id", "email", "expires_at", "used_at", "revoked_at"])
    .where("token_hash", "=", hashToken(token))
    .executeTakeFirst();
}

function stateOf(link: LinkRow | undefined, now: Date): LinkState {
  if (!link) return "invalid";
  if (link.used_at || link.revoked_at) return "used";
  if (link.expires_at <= now) return "expired";
  return "valid";
}

/** `maria.lopez@example.com` → `m••••••••@example.com`: enough to notice a link meant for someone else. */
export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}${"•".repeat(Math.max(1, Math.min(8, local.length - 1)))}@${domain}`;
}

/**
 * What the link page shows: its state and, for a valid link, the masked address it signs in (so nobody is tricked
 * into signing in to someone else's account). Read-only: opening a link, as mail scanners do, never uses it up.
 */
export async function inspectSignInLink(context: PorticoLoadContext, token: string): Promise<{ state: LinkState; maskedEmail: string | null }> {
  const site = requirePracticeSite(context);
  return site.withPractice(async (trx) => {
    const link = await findLink(trx, token);
    const state = stateOf(link, context.now());
    return { state, maskedEmail: link && state === "valid" ? maskEmail(link.email) : null };
  });
}

export type RedeemResult = { status: "signed_in"; cookie: string } | { status: LinkState | "rate_limited" | "not_allowed" };

/**
 * Uses a link once: marks it used, revokes the client's other outstanding links, opens a session and records the
 * sign-in, all in one transaction. A link of another practice is simply not found here (row-level security).
 */
export async function redeemSignInLink(context: PorticoLoadContext, token: string): Promise<RedeemResult> {
  const site = requirePracticeSite(context);
  const practiceId = site.practice.id;
  const now = context.now();
  const { ip, userAgent } = context.visitor;
  // Whoever holds a link is not known to be its client until it works: failures are anonymous, about the client.
  const audit = (trx: PracticeTransaction, action: "client.sign_in" | "client.sign_in_failed", details: Record<string, unknown>, clientId?: string) =>
    recordAudit(trx, practiceId, {
      actorType: action === "client.sign_in" ? "client" : "anonymous",
      actorId: action === "client.sign_in" ? (clientId ?? null) : null,
      subjectType: clientId ? "client" : undefined,
      subjectId: clientId,
      action,
      ip,
      userAgent,
      details,
      at: now,
    });

  const [withinIpLimit = true] = ip ? await context.ipRateLimits([SIGN_IN_LIMITS.redeemPerIp(ip)], now) : [];
  return site.withPractice(async (trx): Promise<RedeemResult> => {
    if (!withinIpLimit) {
      await audit(trx, "client.sign_in_failed", { reason: "rate_limited" });
      return { status: "rate_limited" };
    }
    const link = await findLink(trx, token);
    const state = stateOf(link, now);
    if (!link || state !== "valid") {
      await audit(trx, "client.sign_in_failed", { reason: state }, link?.client_id);
      return { status: state };
    }
    // The conditional update is what makes a link single-use under concurrent clicks.
    const claimed = await trx
      .updateTable("client_sign_in_links")
      .set({ used_at: now })
      .where("id", "=", link.id)
      .where("used_at", "is", null)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (claimed.numUpdatedRows !== 1n) {
      await audit(trx, "client.sign_in_failed", { reason: "used" }, link.client_id);
      return { status: "used" };
    }
    // The link proves the address: a password chosen when booking a first visit (/book) is now the account's.
    await trx
      .updateTable("client_accounts")
      .set({ password_hash: sql<string>`pending_password_hash`, pending_password_hash: null, updated_at: now })
      .where("client_id", "=", link.client_id)
      .where("login_key", "=", link.email)
      .where("pending_password_hash", "is not", null)
      .execute();

    const client = await trx
      .selectFrom("clients as c")
      .innerJoin("client_emails as e", (join) => join.onRef("e.practice_id", "=", "c.practice_id").onRef("e.client_id", "=", "c.id"))
      .innerJoin("practice_settings as p", "p.practice_id", "c.practice_id")
      .select(["c.id", "c.status", "c.portal_blocked", "e.email", "p.portal_enabled"])
      .where("c.id", "=", link.client_id)
      .where("e.id", "=", link.client_email_id)
      // The address must still be the one the link was mailed to.
      .where("e.email_key", "=", link.email)
      .executeTakeFirst();
    if (!client || client.status !== "active" || client.portal_blocked || !client.portal_enabled) {
      await audit(trx, "client.sign_in_failed", { reason: "not_allowed" }, link.client_id);
      return { status: "not_allowed" };
    }

    await trx
      .updateTable("client_sign_in_links")
      .set({ revoked_at: now })
      .where("client_id", "=", link.client_id)
      .where("used_at", "is", null)
      .where("revoked_at", "is", null)
      .execute();
    const sessions = clientSessions(trx, practiceId, { secure: context.secureCookies, now: context.now });
    const cookie = await sessions.create({ clientId: client.id, clientEmailId: link.client_email_id, email: client.email, ip, userAgent });
    await audit(trx, "client.sign_in", { method: "email_link" }, client.id);
    await recordEvent(trx, practiceId, { type: "client.signed_in", data: { client: await clientRef(trx, client.id), method: "email_link" } }, now);
    return { status: "signed_in", cookie };
  });
}

/**
 * "Send me a new link" from an expired or used link: to the same address, through the same uniform flow. The page
 * never shows the address; an unknown token schedules nothing.
 */
export async function resendSignInLink(context: PorticoLoadContext, token: string): Promise<void> {
  const site = requirePracticeSite(context);
  const email = await site.withPractice(async (trx) => {
    const link = await findLink(trx, token);
    if (!link) return undefined;
    const row = await trx.selectFrom("client_emails").select("email").where("id", "=", link.client_email_id).executeTakeFirst();
    return row?.email.toLowerCase();
  });
  if (email) await scheduleSignInLinks(context, site, email);
}
