import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type ResendRequest = { idempotencyKey: string | undefined; authorization: string | undefined; body: Record<string, unknown>; receivedAt: number };
export type ScriptedReply = { status: number; headers?: Record<string, string>; body?: Record<string, unknown>; delayMs?: number };
/** An attachment as Resend's API receives it: `content` is base64. */
export type DeliveredAttachment = { filename?: string; content?: string; content_type?: string };
export type Delivery = { id: string; idempotencyKey: string | undefined; from: string; to: string; subject: string; html: string; text: string; replyTo?: string; attachments?: DeliveredAttachment[] };

/**
 * A local stand-in for Resend's `POST /emails`, reached through RESEND_BASE_URL. Like Resend, it remembers
 * idempotency keys: a repeated key returns the first answer without delivering again. Replies can be scripted
 * (500, 429 with Retry-After, 422…) for the next requests; after the script it accepts.
 */
export class FakeResend {
  readonly requests: ResendRequest[] = [];
  readonly deliveries: Delivery[] = [];
  readonly #script: ScriptedReply[] = [];
  readonly #byKey = new Map<string, string>();
  readonly #waiters: (() => void)[] = [];
  #server: http.Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** The next requests get these replies, in order. */
  script(...replies: ScriptedReply[]): void {
    this.#script.push(...replies);
  }

  reset(): void {
    this.requests.length = 0;
    this.deliveries.length = 0;
    this.#script.length = 0;
  }

  /** Resolves when a request arrives (the next one, or at once if `count` have arrived already). */
  async waitForRequests(count: number): Promise<void> {
    while (this.requests.length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
    const idempotencyKey = req.headers["idempotency-key"] as string | undefined;
    this.requests.push({ idempotencyKey, authorization: req.headers.authorization, body, receivedAt: Date.now() });
    for (const wake of this.#waiters.splice(0)) wake();

    const reply = (status: number, payload: Record<string, unknown>, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== "POST" || req.url !== "/emails") return reply(404, { statusCode: 404, name: "not_found", message: "Not found" });
    if (req.headers.authorization !== "Bearer re_test_key") return reply(401, { statusCode: 401, name: "missing_api_key", message: "Missing API key" });

    const scripted = this.#script.shift();
    const pause = () => new Promise((resolve) => setTimeout(resolve, scripted?.delayMs ?? 0));
    if (scripted && scripted.status >= 300) {
      await pause();
      return reply(scripted.status, scripted.body ?? { statusCode: scripted.status, name: "scripted_error", message: `scripted ${scripted.status}` }, scripted.headers);
    }
    // Accepted on receipt, like the real service: a reply that is delayed or lost does not undo the delivery.
    let id = idempotencyKey ? this.#byKey.get(idempotencyKey) : undefined;
    if (!id) {
      id = randomUUID();
      if (idempotencyKey) this.#byKey.set(idempotencyKey, id);
      this.deliveries.push({
        id,
        idempotencyKey,
        from: String(body.from),
        to: Array.isArray(body.to) ? String(body.to[0]) : String(body.to),
        subject: String(body.subject),
        html: String(body.html),
        text: String(body.text),
        ...(body.reply_to ? { replyTo: String(body.reply_to) } : {}),
        ...(Array.isArray(body.attachments) ? { attachments: body.attachments as DeliveredAttachment[] } : {}),
      });
    }
    await pause();
    return reply(200, { id });
  }
}

/** The sign-in link inside a delivered email's plain text. */
export function linkIn(delivery: Delivery | undefined): string {
  const match = delivery ? /https?:\/\/\S+\/sign-in\/[A-Za-z0-9_-]+/.exec(delivery.text) : null;
  if (!match) throw new Error(`no sign-in link in ${JSON.stringify(delivery)}`);
  return match[0];
}
