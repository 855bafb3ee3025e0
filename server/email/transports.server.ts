import type { Logger } from "pino";
import { Resend } from "resend";
import type { EmailAttachment } from "../../db/schema";
import type { Config } from "../config.server";

export type Message = { id: string; from: string; replyTo: string | null; to: string; subject: string; html: string; text: string; attachments: EmailAttachment[] };

export type SendResult =
  | { outcome: "sent"; providerMessageId: string }
  | { outcome: "retry"; error: string; retryAfterMs?: number }
  | { outcome: "failed"; error: string };

/** Hands one message over. Must be idempotent per message id: a retry after a crash may repeat a call that succeeded. */
export type Transport = { name: string; send(message: Message): Promise<SendResult> };

const SEND_TIMEOUT_MS = 10_000;

function retryAfterMs(headers: Record<string, string> | null): number | undefined {
  const value = headers?.["retry-after"];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Resend, with the outbox row id as Idempotency-Key so a retried send is never delivered twice. Rate limiting,
 * server errors, network errors and timeouts are retried; any other refusal is permanent.
 */
export function resendTransport(options: { apiKey: string; baseUrl?: string }): Transport {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  return {
    name: "resend",
    async send(message) {
      const { data, error, headers } = await resend.emails.send(
        {
          from: message.from,
          to: message.to,
          subject: message.subject,
          html: message.html,
          text: message.text,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          ...(message.attachments.length ? { attachments: message.attachments } : {}),
        },
        { idempotencyKey: message.id, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) } as { idempotencyKey: string },
      );
      if (data) return { outcome: "sent", providerMessageId: data.id };
      const status = error?.statusCode ?? null;
      const description = `${status ?? "network"}: ${error?.name ?? "error"}: ${error?.message ?? "no details"}`;
      if (status === null || status === 429 || status === 409 || status >= 500) {
        return { outcome: "retry", error: description, retryAfterMs: retryAfterMs(headers) };
      }
      return { outcome: "failed", error: description };
    },
  };
}

/** Development: the message stays in the outbox, where the dev mailbox shows it. */
export function devMailboxTransport(): Transport {
  return { name: "dev", send: async (message) => ({ outcome: "sent", providerMessageId: `dev-mailbox:${message.id}` }) };
}

/** Explicitly chosen in production when mail must not leave: records that a message would have been sent. */
export function logTransport(logger: Logger): Transport {
  return {
    name: "log",
    send: async (message) => {
      logger.info({ emailId: message.id, subject: message.subject }, "email not sent (EMAIL_TRANSPORT=log)");
      return { outcome: "sent", providerMessageId: `log:${message.id}` };
    },
  };
}

export function transportFor(config: Config, logger: Logger): Transport {
  if (config.email.transport === "resend" && config.email.resend) return resendTransport(config.email.resend);
  if (config.email.transport === "log") return logTransport(logger);
  return devMailboxTransport();
}
