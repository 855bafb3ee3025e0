import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { Webhook } from "standardwebhooks";
import { open, type PlatformKeys, seal } from "../../tenants/sealed-secrets.server";
import { guardedLookup, literalAddressProblem } from "./address-guard.server";

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

// The binding ties a sealed secret to its practice and endpoint: copied into another row, it does not open.
const binding = (practiceId: string, endpointId: string) => `webhook_endpoints:${practiceId}:${endpointId}:secret`;

export function sealSigningSecret(keys: PlatformKeys, practiceId: string, endpointId: string, secret: string): string {
  return seal(keys, secret, binding(practiceId, endpointId));
}

export function openSigningSecret(keys: PlatformKeys, practiceId: string, endpointId: string, sealed: string): string {
  return open(keys, sealed, binding(practiceId, endpointId));
}

export type WebhookRequest = { url: string; secret: string; messageId: string; timestamp: Date; body: string };

export type WebhookResult =
  | { ok: true; status: number; durationMs: number }
  | { ok: false; status: number | null; error: string; durationMs: number };

export type SendOptions = { timeoutMs: number; allowPrivateNetworks: boolean };

const USER_AGENT = "Portico-Webhooks/1";
const guardedAgents = { http: new http.Agent({ lookup: guardedLookup }), https: new https.Agent({ lookup: guardedLookup }) };
const openAgents = { http: new http.Agent(), https: new https.Agent() };

/**
 * One signed POST (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` v1). 2xx is success;
 * redirects are not followed (the target they name was never checked) and count as failures, as does anything
 * slower than the timeout. In production the connection only goes to public addresses, checked after DNS.
 */
export async function sendWebhook(request: WebhookRequest, options: SendOptions): Promise<WebhookResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { ok: false, status: null, error: "the URL is not valid", durationMs: 0 };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, status: null, error: "only http and https URLs are delivered", durationMs: 0 };
  if (!options.allowPrivateNetworks) {
    const problem = literalAddressProblem(url);
    if (problem) return { ok: false, status: null, error: `refused: ${problem}`, durationMs: 0 };
  }
  const signature = new Webhook(request.secret).sign(request.messageId, request.timestamp, request.body);
  const agents = options.allowPrivateNetworks ? openAgents : guardedAgents;
  const client = url.protocol === "https:" ? https : http;
  return new Promise<WebhookResult>((resolve) => {
    const req = client.request(
      url,
      {
        method: "POST",
        agent: url.protocol === "https:" ? agents.https : agents.http,
        headers: {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(request.body)),
          "user-agent": USER_AGENT,
          "webhook-id": request.messageId,
          "webhook-timestamp": String(Math.floor(request.timestamp.getTime() / 1000)),
          "webhook-signature": signature,
        },
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // The body is not kept (it may echo anything); it is read so the socket can be reused.
        res.resume();
        res.on("end", () => {
          if (status >= 200 && status < 300) resolve({ ok: true, status, durationMs: elapsed() });
          else if (status >= 300 && status < 400) resolve({ ok: false, status, error: "redirects are not followed", durationMs: elapsed() });
          else resolve({ ok: false, status, error: `answered ${status}`, durationMs: elapsed() });
        });
        res.on("error", (error) => resolve({ ok: false, status, error: error.message, durationMs: elapsed() }));
      },
    );
    req.on("error", (error: Error & { code?: string }) => {
      const message = error.name === "AbortError" || error.name === "TimeoutError" ? `no answer within ${options.timeoutMs / 1000} s` : error.code === "EWEBHOOKADDRESS" ? `refused: ${error.message}` : error.message;
      resolve({ ok: false, status: null, error: message.slice(0, 500), durationMs: elapsed() });
    });
    req.end(request.body);
  });
}
