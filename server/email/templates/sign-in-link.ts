import { escapeHtml } from "./escape";

/**
 * The sign-in email: one button, the link spelled out for clients whose mail hides buttons, who to contact, and
 * nothing that tracks (no images, no third-party resources).
 */
export type SignInLinkEmail = {
  practiceName: string;
  clientFirstName: string;
  link: string;
  practicePhone: string | null;
  practiceEmail: string | null;
};


function contactLine(email: SignInLinkEmail): string | undefined {
  const ways = [email.practicePhone, email.practiceEmail].filter(Boolean);
  return ways.length ? `Questions? Contact ${email.practiceName}: ${ways.join(" · ")}.` : undefined;
}

export function signInLinkEmail(email: SignInLinkEmail): { subject: string; html: string; text: string } {
  const subject = `Your sign-in link for ${email.practiceName}`;
  const button = `Sign in to ${email.practiceName}`;
  const contact = contactLine(email);
  const text = [
    `Hello ${email.clientFirstName},`,
    "",
    `Use this link to sign in to the client portal of ${email.practiceName}:`,
    email.link,
    "",
    "The link works once and expires in one hour. If you did not ask for it, you can ignore this email.",
    ...(contact ? ["", contact] : []),
  ].join("\n");
  const p = (content: string, style = "") => `<p style="margin:0 0 16px;font-size:16px;line-height:1.5;color:#1c2430;${style}">${content}</p>`;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f6f7f9;font-family:Arial,Helvetica,sans-serif;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f7f9;padding:24px 0;">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border:1px solid #d5dbe3;border-radius:10px;padding:32px;">
<tr><td>
<h1 style="margin:0 0 16px;font-size:22px;color:#1c2430;">${escapeHtml(email.practiceName)}</h1>
${p(`Hello ${escapeHtml(email.clientFirstName)},`)}
${p(`Use the button below to sign in to the client portal of ${escapeHtml(email.practiceName)}.`)}
<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px;"><tr><td style="background:#0b5cad;border-radius:6px;">
<a href="${escapeHtml(email.link)}" style="display:inline-block;padding:12px 24px;font-size:16px;font-weight:bold;color:#ffffff;text-decoration:none;">${escapeHtml(button)}</a>
</td></tr></table>
${p("The link works once and expires in one hour. If you did not ask for it, you can ignore this email.", "color:#505b6b;font-size:14px;")}
${p(`If the button does not work, copy this address into your browser:<br><span style="word-break:break-all;">${escapeHtml(email.link)}</span>`, "color:#505b6b;font-size:14px;")}
${contact ? p(escapeHtml(contact), "color:#505b6b;font-size:14px;") : ""}
</td></tr></table>
</td></tr></table>
</body>
</html>`;
  return { subject, html, text };
}
