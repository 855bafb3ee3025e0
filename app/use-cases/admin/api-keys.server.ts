import { z } from "zod";
import { API_SCOPES, type ApiScope } from "../../../db/schema";
import { recordAudit } from "../../../server/audit.server";
import { issueApiKey } from "../../../server/api/keys.server";
import type { PorticoLoadContext } from "../../load-context";
import { formatDateTime, localeFor } from "../../time";
import { adminPage, type StaffScope } from "./admin-page.server";

/** How long a rotated key keeps working next to its successor, so the practice system can switch without a gap. */
export const ROTATION_OVERLAPS = [
  { hours: 0, label: "Stop the old key now" },
  { hours: 1, label: "1 hour" },
  { hours: 24, label: "24 hours" },
  { hours: 168, label: "7 days" },
] as const;

export type ApiKeyState = "active" | "expiring" | "expired" | "revoked";
export type ApiKeyActionResult = { ok: true; message: string; secret?: { name: string; key: string } } | { ok: false; error: string };

function keyState(row: { revoked_at: Date | null; expires_at: Date | null }, now: Date): ApiKeyState {
  if (row.revoked_at) return "revoked";
  if (row.expires_at) return row.expires_at > now ? "expiring" : "expired";
  return "active";
}

/** The practice's keys: never their secrets (only hashes are kept), newest first. */
export async function listApiKeys(context: PorticoLoadContext, request: Request) {
  return adminPage(context, request, "manage_integrations", async ({ trx, now }) => {
    const { time_zone: timeZone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
    const locale = localeFor(timeZone);
    const rows = await trx
      .selectFrom("api_keys as k")
      .leftJoin("staff_members as s", (join) => join.onRef("s.practice_id", "=", "k.practice_id").onRef("s.id", "=", "k.created_by"))
      .select(["k.id", "k.name", "k.prefix", "k.scopes", "k.created_at", "k.last_used_at", "k.revoked_at", "k.expires_at", "s.name as created_by"])
      .orderBy("k.created_at", "desc")
      .execute();
    const when = (date: Date | null) => (date ? formatDateTime(date, timeZone, locale) : null);
    return {
      overlaps: ROTATION_OVERLAPS,
      keys: rows.map((k) => ({
        id: k.id,
        name: k.name,
        prefix: `pk_live_${k.prefix}_…`,
        scopes: k.scopes,
        createdAt: when(k.created_at),
        createdBy: k.created_by,
        lastUsed: when(k.last_used_at),
        expiresAt: when(k.expires_at),
        state: keyState(k, now),
      })),
    };
  });
}

const createSchema = z.object({
  name: z.string().trim().min(1, "Give the key a name, such as the practice system it is for.").max(80).regex(/^[^\p{Cc}]*$/u, "Use letters, digits and punctuation only."),
  scope: z.enum(["read", "write"], "Choose what the key may do."),
});

function run(context: PorticoLoadContext, request: Request, work: (scope: StaffScope) => Promise<ApiKeyActionResult>): Promise<ApiKeyActionResult> {
  return adminPage(context, request, "manage_integrations", work).then(({ page }) => page);
}

function audit(scope: StaffScope, context: PorticoLoadContext, action: string, keyId: string, details: Record<string, unknown>) {
  return recordAudit(scope.trx, scope.practiceId, {
    actorType: scope.staff.actorType,
    actorId: scope.staff.id,
    action,
    subjectType: "api_key",
    subjectId: keyId,
    ip: context.visitor.ip,
    userAgent: context.visitor.userAgent,
    details,
    at: scope.now,
  });
}

const scopesOf = (scope: "read" | "write"): ApiScope[] => (scope === "write" ? [...API_SCOPES] : ["read"]);

/** A new key; its secret is in the answer once and never again. */
export async function createApiKey(context: PorticoLoadContext, request: Request, form: FormData): Promise<ApiKeyActionResult> {
  const parsed = createSchema.safeParse({ name: form.get("name"), scope: form.get("scope") });
  return run(context, request, async (scope) => {
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Check the key's name and access." };
    const key = await issueApiKey(scope.trx, { practiceId: scope.practiceId, name: parsed.data.name, scopes: scopesOf(parsed.data.scope), createdBy: scope.staff.id, now: scope.now });
    await audit(scope, context, "api_key.created", key.id, { name: key.name, prefix: key.prefix, scopes: key.scopes });
    return { ok: true, message: `Key "${key.name}" created. Copy it now: it is shown only once.`, secret: { name: key.name, key: key.secret } };
  });
}

async function findUsableKey(scope: StaffScope, keyId: string) {
  if (!z.uuid().safeParse(keyId).success) return undefined;
  const key = await scope.trx.selectFrom("api_keys").select(["id", "name", "prefix", "scopes", "revoked_at", "expires_at"]).where("id", "=", keyId).forUpdate().executeTakeFirst();
  return key && keyState(key, scope.now) !== "revoked" && keyState(key, scope.now) !== "expired" ? key : undefined;
}

/** Stops a key at once: its next request is a 401. */
export async function revokeApiKey(context: PorticoLoadContext, request: Request, keyId: string): Promise<ApiKeyActionResult> {
  return run(context, request, async (scope) => {
    const key = await findUsableKey(scope, keyId);
    if (!key) return { ok: false, error: "That key is not in use any more." };
    await scope.trx.updateTable("api_keys").set({ revoked_at: scope.now }).where("id", "=", key.id).execute();
    await audit(scope, context, "api_key.revoked", key.id, { name: key.name, prefix: key.prefix });
    return { ok: true, message: `Key "${key.name}" revoked: it no longer works.` };
  });
}

const overlapSchema = z.coerce.number().pipe(z.union(ROTATION_OVERLAPS.map((o) => z.literal(o.hours))));

/** A successor with the same name and access; the old key keeps working for the chosen overlap, then stops. */
export async function rotateApiKey(context: PorticoLoadContext, request: Request, keyId: string, overlap: FormDataEntryValue | null): Promise<ApiKeyActionResult> {
  const hours = overlapSchema.safeParse(overlap);
  return run(context, request, async (scope) => {
    if (!hours.success) return { ok: false, error: "Choose how long the old key keeps working." };
    const key = await findUsableKey(scope, keyId);
    if (!key) return { ok: false, error: "That key is not in use any more." };
    const ends = new Date(scope.now.getTime() + hours.data * 3_600_000);
    const expiresAt = key.expires_at && key.expires_at < ends ? key.expires_at : ends;
    const successor = await issueApiKey(scope.trx, { practiceId: scope.practiceId, name: key.name, scopes: key.scopes, createdBy: scope.staff.id, now: scope.now, rotatedFrom: key.id });
    await scope.trx.updateTable("api_keys").set({ expires_at: expiresAt }).where("id", "=", key.id).execute();
    await audit(scope, context, "api_key.rotated", key.id, { name: key.name, prefix: key.prefix, successorPrefix: successor.prefix, overlapHours: hours.data });
    const { time_zone: timeZone } = await scope.trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
    const until = hours.data === 0 ? "The old key stopped working." : `The old key works until ${formatDateTime(expiresAt, timeZone, localeFor(timeZone))}.`;
    return { ok: true, message: `Key "${key.name}" rotated. ${until} Copy the new key now: it is shown only once.`, secret: { name: successor.name, key: successor.secret } };
  });
}
