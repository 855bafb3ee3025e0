import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { WebhookDeliveryStatus } from "../../../db/schema";
import { recordAudit } from "../../../server/audit.server";
import { EVENT_CATALOGUE, EVENT_TYPES, type EventType, isEventType } from "../../../server/events/catalogue";
import { literalAddressProblem } from "../../../server/webhooks/address-guard.server";
import { listDeliveries, replayDelivery } from "../../../server/webhooks/deliveries.server";
import { newSigningSecret, sealSigningSecret } from "../../../server/webhooks/send-webhook.server";
import type { PorticoLoadContext } from "../../load-context";
import { formatDateTime, localeFor } from "../../time";
import { notFound } from "../portal/portal-page.server";
import { adminPage, type StaffScope } from "./admin-page.server";

/**
 * Webhook endpoints of the practice (`/admin/webhooks`, permission `manage_integrations`): add one (its signing
 * secret is shown once), turn it on or off, rotate its secret, delete it; the delivery log with replay. Every
 * action is audited. Delivery itself is the worker's (server/webhooks/webhook-worker.server.ts).
 */

export type EndpointSummary = { id: string; url: string; description: string; eventTypes: string[]; enabled: boolean; disabledReason: string | null; failingSince: string | null; created: string };
export type DeliverySummary = {
  id: string;
  endpointUrl: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  lastAttempt: string | null;
  nextAttempt: string | null;
  created: string;
  replay: boolean;
};
export type WebhooksPage = { endpoints: EndpointSummary[]; deliveries: DeliverySummary[]; eventTypes: { type: EventType; description: string }[] };
export type WebhookActionResult = { ok: true; message: string; secret?: { endpointUrl: string; value: string } } | { ok: false; error: string };

const PERMISSION = "manage_integrations";
const DELIVERIES_SHOWN = 100;

export async function listWebhooks(context: PorticoLoadContext, request: Request) {
  return adminPage(context, request, PERMISSION, async ({ trx }): Promise<WebhooksPage> => {
    const { time_zone: timeZone } = await trx.selectFrom("practice_settings").select("time_zone").executeTakeFirstOrThrow();
    const locale = localeFor(timeZone);
    const when = (value: Date | string | null) => (value ? formatDateTime(value, timeZone, locale) : null);
    const endpoints = await trx.selectFrom("webhook_endpoints").selectAll().orderBy("created_at").execute();
    const deliveries = await listDeliveries(trx, { limit: DELIVERIES_SHOWN });
    return {
      endpoints: endpoints.map((e) => ({ id: e.id, url: e.url, description: e.description, eventTypes: e.event_types, enabled: e.enabled, disabledReason: e.disabled_reason, failingSince: when(e.failing_since), created: when(e.created_at)! })),
      deliveries: deliveries.map((d) => ({
        id: d.id,
        endpointUrl: d.url,
        eventId: d.event_id,
        eventType: d.type,
        status: d.status,
        attempts: d.attempts,
        lastStatusCode: d.last_status_code,
        lastError: d.last_error,
        lastDurationMs: d.last_duration_ms,
        lastAttempt: when(d.last_attempt_at),
        nextAttempt: d.status === "pending" ? when(d.next_attempt_at) : null,
        created: when(d.created_at)!,
        replay: d.replay_of !== null,
      })),
      eventTypes: EVENT_TYPES.map((type) => ({ type, description: EVENT_CATALOGUE[type].description })),
    };
  });
}

async function audit(scope: StaffScope, context: PorticoLoadContext, action: string, subjectType: string, subjectId: string, details: Record<string, unknown> = {}): Promise<void> {
  await recordAudit(scope.trx, scope.practiceId, { actorType: scope.staff.actorType, actorId: scope.staff.id, action, subjectType, subjectId, ip: context.visitor.ip, userAgent: context.visitor.userAgent, details, at: scope.now });
}

/**
 * A URL Portico may send to: http(s), no credentials in it, https in production. In production an IP literal must
 * be public here already; names are checked again on every delivery, after DNS.
 */
export function endpointUrlProblem(raw: string, production: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter the full address, starting with https://.";
  }
  if (raw.length > 2000) return "That address is too long.";
  if (url.protocol !== "https:" && url.protocol !== "http:") return "The address must start with https://.";
  if (production && url.protocol !== "https:") return "The address must start with https:// (events carry client data).";
  if (url.username || url.password) return "Put no user name or password in the address: every delivery is signed instead.";
  if (production) {
    const problem = literalAddressProblem(url);
    if (problem) return `Portico cannot send to that address: ${problem}.`;
  }
  return undefined;
}

const createSchema = z.object({
  url: z.string().trim().min(1, "Enter the address to send events to."),
  description: z.string().trim().max(200, "Keep the description under 200 characters.").regex(/^[^\p{Cc}]*$/u, "The description cannot contain control characters."),
  eventTypes: z.array(z.string()).min(1, "Choose at least one event.").max(EVENT_TYPES.length * 2),
});

export async function createWebhookEndpoint(context: PorticoLoadContext, request: Request, form: FormData): Promise<WebhookActionResult> {
  const parsed = createSchema.safeParse({ url: form.get("url") ?? "", description: form.get("description") ?? "", eventTypes: form.getAll("eventTypes") });
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<WebhookActionResult> => {
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Check the endpoint." };
    const urlProblem = endpointUrlProblem(parsed.data.url, context.secureCookies);
    if (urlProblem) return { ok: false, error: urlProblem };
    const unknown = parsed.data.eventTypes.find((type) => !isEventType(type));
    if (unknown !== undefined) return { ok: false, error: "Choose events from the list." };
    if (!context.platformKeys) return { ok: false, error: "Webhooks need PLATFORM_ENCRYPTION_KEY to be configured on the server." };
    const id = randomUUID();
    const secret = newSigningSecret();
    const url = new URL(parsed.data.url).toString();
    const eventTypes = [...new Set(parsed.data.eventTypes)];
    await scope.trx
      .insertInto("webhook_endpoints")
      .values({ practice_id: scope.practiceId, id, url, description: parsed.data.description, event_types: eventTypes, secret_sealed: sealSigningSecret(context.platformKeys, scope.practiceId, id, secret), created_by: scope.staff.id, created_at: scope.now, updated_at: scope.now })
      .execute();
    await audit(scope, context, "staff.webhook_endpoint_created", "webhook_endpoint", id, { url, eventTypes });
    return { ok: true, message: `Events will be sent to ${url}.`, secret: { endpointUrl: url, value: secret } };
  });
  return page;
}

async function endpointFor(scope: StaffScope, rawId: string) {
  const id = z.uuid().safeParse(rawId);
  if (!id.success) throw notFound();
  const endpoint = await scope.trx.selectFrom("webhook_endpoints").select(["id", "url", "enabled"]).where("id", "=", id.data).executeTakeFirst();
  if (!endpoint) throw notFound();
  return endpoint;
}

/** Off: nothing more is sent and pending deliveries are cancelled (replay them later). On: a fresh start. */
export async function setWebhookEndpointEnabled(context: PorticoLoadContext, request: Request, rawId: string, enabled: boolean): Promise<WebhookActionResult> {
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<WebhookActionResult> => {
    const endpoint = await endpointFor(scope, rawId);
    if (endpoint.enabled === enabled) return { ok: true, message: "Nothing to change." };
    const { trx, now } = scope;
    if (enabled) {
      await trx.updateTable("webhook_endpoints").set({ enabled: true, disabled_reason: null, disabled_at: null, failing_since: null, updated_at: now }).where("id", "=", endpoint.id).execute();
    } else {
      await trx.updateTable("webhook_endpoints").set({ enabled: false, disabled_reason: `turned off by ${scope.staff.name}`, disabled_at: now, updated_at: now }).where("id", "=", endpoint.id).execute();
      await trx.updateTable("webhook_deliveries").set({ status: "cancelled", next_attempt_at: null }).where("endpoint_id", "=", endpoint.id).where("status", "=", "pending").execute();
    }
    await audit(scope, context, enabled ? "staff.webhook_endpoint_enabled" : "staff.webhook_endpoint_disabled", "webhook_endpoint", endpoint.id, { url: endpoint.url });
    return { ok: true, message: enabled ? `Events go to ${endpoint.url} again.` : `Nothing more is sent to ${endpoint.url}.` };
  });
  return page;
}

export async function deleteWebhookEndpoint(context: PorticoLoadContext, request: Request, rawId: string): Promise<WebhookActionResult> {
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<WebhookActionResult> => {
    const endpoint = await endpointFor(scope, rawId);
    // Its deliveries go with it; their queue entries are dropped by the worker when they come due.
    await scope.trx.deleteFrom("webhook_endpoints").where("id", "=", endpoint.id).execute();
    await audit(scope, context, "staff.webhook_endpoint_deleted", "webhook_endpoint", endpoint.id, { url: endpoint.url });
    return { ok: true, message: `${endpoint.url} was removed.` };
  });
  return page;
}

/** A new secret, effective for the next attempt; the old one stops working at once. */
export async function rotateWebhookSecret(context: PorticoLoadContext, request: Request, rawId: string): Promise<WebhookActionResult> {
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<WebhookActionResult> => {
    const endpoint = await endpointFor(scope, rawId);
    if (!context.platformKeys) return { ok: false, error: "Webhooks need PLATFORM_ENCRYPTION_KEY to be configured on the server." };
    const secret = newSigningSecret();
    await scope.trx.updateTable("webhook_endpoints").set({ secret_sealed: sealSigningSecret(context.platformKeys, scope.practiceId, endpoint.id, secret), updated_at: scope.now }).where("id", "=", endpoint.id).execute();
    await audit(scope, context, "staff.webhook_secret_rotated", "webhook_endpoint", endpoint.id, { url: endpoint.url });
    return { ok: true, message: `New signing secret for ${endpoint.url}. Deliveries are signed with it from now on.`, secret: { endpointUrl: endpoint.url, value: secret } };
  });
  return page;
}

/** Sends a delivery's event to its endpoint again, as a new delivery in the log (same webhook-id, so receivers can tell). */
export async function replayWebhookDelivery(context: PorticoLoadContext, request: Request, rawId: string): Promise<WebhookActionResult> {
  const id = z.uuid().safeParse(rawId);
  const { page } = await adminPage(context, request, PERMISSION, async (scope): Promise<WebhookActionResult> => {
    if (!id.success) throw notFound();
    const outcome = await replayDelivery(scope.trx, scope.practiceId, id.data, scope.now);
    if (!outcome.ok && outcome.reason === "not_found") throw notFound();
    if (!outcome.ok) return { ok: false, error: `Turn ${outcome.url} on first.` };
    await audit(scope, context, "staff.webhook_delivery_replayed", "webhook_delivery", id.data, { replay: outcome.replayId, url: outcome.url });
    return { ok: true, message: `The event is on its way to ${outcome.url} again.` };
  });
  return page;
}
