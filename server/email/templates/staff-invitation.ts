import { escapeHtml } from "./escape";

/** An invitation to a practice's administration: one button, the link spelled out, when it expires. */
export function staffInvitationEmail(input: { practiceName: string; staffName: string; invitedBy: string; link: string }): { subject: string; html: string; text: string } {
  const subject = `You are invited to ${input.practiceName}'s practice administration`;
  const text = [
    `Hello ${input.staffName},`,
    "",
    `${input.invitedBy} invited you to the practice administration of ${input.practiceName}. Choose your password here:`,
    input.link,
    "",
    "The link works once and expires in 3 days. If you did not expect it, you can ignore this email.",
  ].join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Arial,Helvetica,sans-serif;color:#1c2430;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d5dbe3;border-radius:10px;padding:32px;">
<h1 style="margin:0 0 16px;font-size:22px;">${escapeHtml(input.practiceName)}</h1>
<p style="font-size:16px;line-height:1.5;">Hello ${escapeHtml(input.staffName)},</p>
<p style="font-size:16px;line-height:1.5;">${escapeHtml(input.invitedBy)} invited you to the practice administration of ${escapeHtml(input.practiceName)}.</p>
<p><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:12px 24px;background:#0b5cad;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">Choose your password</a></p>
<p style="font-size:14px;color:#505b6b;">The link works once and expires in 3 days. If the button does not work, copy this address into your browser:<br><span style="word-break:break-all;">${escapeHtml(input.link)}</span></p>
</div>
</body></html>`;
  return { subject, html, text };
}
