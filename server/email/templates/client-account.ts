import type { ClientAccountLinkKind } from "../../../db/schema";
import { escapeHtml } from "./escape";

const WORDING: Record<ClientAccountLinkKind, { subject: (practice: string) => string; intro: (practice: string) => string; button: string; lifetime: string }> = {
  invitation: {
    subject: (practice) => `Your invitation to the ${practice} portal`,
    intro: (practice) => `${practice} invites you to its client portal. Choose your password here:`,
    button: "Create my account",
    lifetime: "The link works once and expires in 3 days.",
  },
  access_link: {
    subject: (practice) => `Your access link for the ${practice} portal`,
    intro: (practice) => `${practice} has given you full access to your records in its client portal. Open it here:`,
    button: "Open my records",
    lifetime: "The link works once and expires in 3 days.",
  },
  form_registration: {
    subject: (practice) => `Your forms from ${practice}`,
    intro: (practice) => `${practice} asks you to fill in a form. Choose a password for your portal account, then you go straight to it:`,
    button: "Create my account",
    lifetime: "The link works once and expires in 14 days.",
  },
  password_reset: {
    subject: (practice) => `Choose a new password for the ${practice} portal`,
    intro: (practice) => `Someone asked to reset the password of your ${practice} portal account. Choose a new one here:`,
    button: "Choose a new password",
    lifetime: "The link works once and expires in one hour. If you did not ask for it, you can ignore this email: your password stays as it is.",
  },
};

/** Invitation, access link or password reset: one button, the link spelled out, how long it works. No tracking. */
export function clientAccountEmail(input: { kind: ClientAccountLinkKind; practiceName: string; clientFirstName: string; link: string }): { subject: string; html: string; text: string } {
  const wording = WORDING[input.kind];
  const subject = wording.subject(input.practiceName);
  const text = [`Hello ${input.clientFirstName},`, "", wording.intro(input.practiceName), input.link, "", wording.lifetime].join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Arial,Helvetica,sans-serif;color:#1c2430;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d5dbe3;border-radius:10px;padding:32px;">
<h1 style="margin:0 0 16px;font-size:22px;">${escapeHtml(input.practiceName)}</h1>
<p style="font-size:16px;line-height:1.5;">Hello ${escapeHtml(input.clientFirstName)},</p>
<p style="font-size:16px;line-height:1.5;">${escapeHtml(wording.intro(input.practiceName))}</p>
<p style="margin:24px 0;"><a href="${escapeHtml(input.link)}" style="background:#0b57a4;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold;">${escapeHtml(wording.button)}</a></p>
<p style="font-size:14px;line-height:1.5;color:#4a5566;">Or copy this address into your browser:<br>${escapeHtml(input.link)}</p>
<p style="font-size:14px;line-height:1.5;color:#4a5566;">${escapeHtml(wording.lifetime)}</p>
</div></body></html>`;
  return { subject, html, text };
}
