import { escapeHtml } from "./escape";

/** To staff who manage integrations: an endpoint kept failing, so Portico stopped sending to it. */
export function webhookEndpointDisabledEmail(input: { practiceName: string; staffName: string; endpointUrl: string; reason: string; link: string }): { subject: string; html: string; text: string } {
  const subject = `Webhooks to ${new URL(input.endpointUrl).host} were turned off`;
  const text = [
    `Hello ${input.staffName},`,
    "",
    `Portico stopped sending ${input.practiceName}'s events to ${input.endpointUrl}: ${input.reason}.`,
    "Events are still recorded. Once the receiving system works again, turn the endpoint back on and replay what it missed:",
    input.link,
  ].join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Arial,Helvetica,sans-serif;color:#1c2430;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d5dbe3;border-radius:10px;padding:32px;">
<h1 style="margin:0 0 16px;font-size:22px;">${escapeHtml(input.practiceName)}</h1>
<p style="font-size:16px;line-height:1.5;">Hello ${escapeHtml(input.staffName)},</p>
<p style="font-size:16px;line-height:1.5;">Portico stopped sending ${escapeHtml(input.practiceName)}'s events to <span style="word-break:break-all;">${escapeHtml(input.endpointUrl)}</span>: ${escapeHtml(input.reason)}.</p>
<p style="font-size:16px;line-height:1.5;">Events are still recorded. Once the receiving system works again, turn the endpoint back on and replay what it missed.</p>
<p><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:12px 24px;background:#0b5cad;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">Open webhooks</a></p>
</div>
</body></html>`;
  return { subject, html, text };
}
