import { escapeHtml } from "./escape";

/**
 * To the client whose online booking the practice cancelled, or whose request it declined: which one, the
 * practice's words if it wrote any (a decline usually says why), and how to book another time.
 */
export function appointmentCancelledEmail(input: {
  kind: "cancelled" | "declined";
  practiceName: string;
  clientName: string;
  patientName: string;
  title: string;
  when: string;
  message?: string | null;
  practicePhone: string | null;
  bookLink: string;
}): { subject: string; html: string; text: string } {
  const declined = input.kind === "declined";
  const subject = `${declined ? "Not available" : "Cancelled"}: ${input.title} for ${input.patientName}, ${input.when}`;
  const headline = declined ? `${input.practiceName} cannot offer the appointment you asked for:` : `${input.practiceName} had to cancel this appointment:`;
  const next = `Please book another time${input.practicePhone ? ` or call ${input.practicePhone}` : ""}.`;
  const text = [`Hello ${input.clientName},`, "", headline, `${input.title} for ${input.patientName}, ${input.when}`, ...(input.message ? ["", input.message] : []), "", next, input.bookLink].join("\n");
  const p = (content: string) => `<p style="font-size:16px;line-height:1.5;">${content}</p>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Arial,Helvetica,sans-serif;color:#1c2430;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d5dbe3;border-radius:10px;padding:32px;">
<h1 style="margin:0 0 16px;font-size:22px;">${escapeHtml(input.practiceName)}</h1>
${p(`Hello ${escapeHtml(input.clientName)},`)}
${p(escapeHtml(headline))}
${p(`<strong>${escapeHtml(input.title)}</strong> for ${escapeHtml(input.patientName)}<br>${escapeHtml(input.when)}`)}
${input.message ? p(escapeHtml(input.message).replace(/\n/g, "<br>")) : ""}
${p(escapeHtml(next))}
<p><a href="${escapeHtml(input.bookLink)}" style="display:inline-block;padding:12px 24px;background:#0b5cad;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">Book another time</a></p>
</div>
</body></html>`;
  return { subject, html, text };
}
