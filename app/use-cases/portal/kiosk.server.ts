import { z } from "zod";
import { recordAudit } from "../../../server/audit.server";
import { clientSessions } from "../../../server/auth/client-session.server";
import type { PorticoLoadContext } from "../../load-context";
import { type ClientScope, withSignedInClient } from "../client-session.server";
import type { PracticeFiles } from "../../../server/files/practice-files.server";
import { fieldsOf, formOf, formsOf, type FormsScope, type FormUploads, type SaveFormOutcome, saveAnswers } from "./forms.server";
import { idParam } from "./portal-page.server";
import { requirePracticeSite } from "../require-practice.server";

/** The intake form: what a new client fills in on the practice's tablet before their first visit. */
// Line breaks and tabs are fine in answers; other control characters (NUL above all) are not text.
const answer = (max: number) => z.string().trim().max(max).regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f]*$/, "Some characters in the form are not allowed.");

export const intakeSchema = z.object({
  phone: answer(40).min(5, "Enter a phone number we can reach you on."),
  emergencyContact: answer(200).min(3, "Enter someone we can call in an emergency."),
  reason: answer(2000).min(3, "Tell us briefly why you are coming in."),
  medications: answer(2000),
  allergies: answer(2000),
  consent: z.literal("on", { error: "Please confirm the information is correct." }),
});

/** On the tablet the client acts for themselves, on the practice's clock. */
async function kioskFormsScope(scope: ClientScope, now: Date, files: PracticeFiles): Promise<FormsScope> {
  const { time_zone: timeZone } = await scope.trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
  return { trx: scope.trx, practiceId: scope.practiceId, clientId: scope.client.id, actorId: scope.client.id, timeZone, now, files };
}

/**
 * The tablet's page: the forms the practice sent the client and are still to fill in, when there are any; else the
 * practice's fixed intake form.
 */
export async function kioskPage(context: PorticoLoadContext, request: Request) {
  const site = requirePracticeSite(context);
  return withSignedInClient(
    context,
    request,
    async (scope) => ({ firstName: scope.client.firstName, practiceName: site.practice.name, forms: (await formsOf(await kioskFormsScope(scope, context.now(), context.files))).outstanding }),
    { kioskPage: true },
  );
}

export async function kioskForm(context: PorticoLoadContext, request: Request, rawId: string | undefined) {
  const id = idParam(rawId);
  return withSignedInClient(context, request, async (scope) => formOf(await kioskFormsScope(scope, context.now(), context.files), id), { kioskPage: true });
}

export type KioskFormOutcome = SaveFormOutcome | { ok: true; submitted: true; done: true; cookie: string };

/** Saves or submits one of the client's forms on the tablet; the last one submitted ends the tablet's session. */
export async function saveKioskForm(context: PorticoLoadContext, request: Request, rawId: string | undefined, form: FormData, uploads: FormUploads): Promise<KioskFormOutcome> {
  const id = idParam(rawId);
  const site = requirePracticeSite(context);
  const fields = fieldsOf(form);
  return withSignedInClient(
    context,
    request,
    async (scope): Promise<KioskFormOutcome> => {
      const formsScope = await kioskFormsScope(scope, context.now(), context.files);
      const saved = await saveAnswers(formsScope, id, fields, { submit: form.get("intent") === "submit", uploads, ip: context.visitor.ip, userAgent: context.visitor.userAgent, via: "kiosk" });
      if (!saved.ok || !saved.submitted || (await formsOf(formsScope)).outstanding.length) return saved;
      await scope.trx.deleteFrom("client_sessions").where("id", "=", scope.sessionKey).execute();
      return { ok: true, submitted: true, done: true, cookie: clientSessions(scope.trx, site.practice.id, { secure: context.secureCookies, now: context.now }).blankCookie() };
    },
    { kioskPage: true },
  );
}

export type IntakeResult = { ok: true; cookie: string } | { ok: false; error: string; values: Record<string, string> };

/** Saves the answers and ends the kiosk session in the same transaction: the tablet is free for the next person. */
export async function submitIntake(context: PorticoLoadContext, request: Request, form: FormData): Promise<IntakeResult> {
  const site = requirePracticeSite(context);
  const raw = Object.fromEntries(["phone", "emergencyContact", "reason", "medications", "allergies", "consent"].map((key) => [key, String(form.get(key) ?? "")]));
  const parsed = intakeSchema.safeParse(raw);
  return withSignedInClient(
    context,
    request,
    async ({ trx, client, practiceId, sessionKey }): Promise<IntakeResult> => {
      if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Check the form.", values: raw };
      const { consent: _consent, ...answers } = parsed.data;
      const now = context.now();
      await trx.insertInto("intake_submissions").values({ practice_id: practiceId, client_id: client.id, submitted_at: now, via: "kiosk", answers }).execute();
      await trx.deleteFrom("client_sessions").where("id", "=", sessionKey).execute();
      await recordAudit(trx, practiceId, { actorType: "client", actorId: client.id, action: "client.intake_submitted", ip: context.visitor.ip, userAgent: context.visitor.userAgent, details: { via: "kiosk" }, at: now });
      return { ok: true, cookie: clientSessions(trx, site.practice.id, { secure: context.secureCookies, now: context.now }).blankCookie() };
    },
    { kioskPage: true },
  );
}
