import { escapeHtml } from "./escape";

/**
 * To an address given on the public booking page when no booking was made from it: the address is already a
 * client's (they are asked to sign in and book there; the page said the same to everyone), or the time was no longer
 * held when the booking was completed.
 */
export function bookingNotMadeEmail(input: { reason: "existing_client" | "time_gone"; practiceName: string; signInLink: string; bookLink: string; practicePhone: string | null }): { subject: string; html: string; text: string } {
  const existing = input.reason === "existing_client";
  const subject = existing ? `Sign in to book with ${input.practiceName}` : `Your booking with ${input.practiceName} was not completed`;
  const lines = existing
    ? [
        `Someone asked to book a first visit with ${input.practiceName} as a new client, using this email address.`,
        "This address is already on our records, so no new account or appointment was made. Please sign in to your portal and book there.",
        "If this was not you, you can ignore this email.",
      ]
    : ["The time you chose was no longer held for you when your booking was completed, so no appointment was made. Please choose a time again."];
  const call = input.practicePhone ? `You can also call us on ${input.practicePhone}.` : "";
  const [link, label] = existing ? [input.signInLink, "Sign in"] : [input.bookLink, "Choose a time"];
  const text = [...lines, "", `${label}: ${link}`, ...(call ? ["", call] : [])].join("\n");
  const p = (content: string) => `<p style="font-size:16px;line-height:1.5;">${content}</p>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Arial,Helvetica,sans-serif;color:#1c2430;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d5dbe3;border-radius:10px;padding:32px;">
<h1 style="margin:0 0 16px;font-size:22px;">${escapeHtml(input.practiceName)}</h1>
${lines.map((line) => p(escapeHtml(line))).join("\n")}
<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:12px 24px;background:#0b5cad;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">${escapeHtml(label)}</a></p>
${call ? p(escapeHtml(call)) : ""}
</div>
</body></html>`;
  return { subject, html, text };
}
