import { escapeHtml } from "./escape";

/** To a client the practice sent a form: which one, and the way to it (signing in first if need be). */
export function formsSentEmail(input: { practiceName: string; clientName: string; titles: string[]; patientName: string | null; link: string; practicePhone: string | null }): { subject: string; html: string; text: string } {
  const one = input.titles.length === 1;
  const subject = one ? `${input.practiceName}: please fill in “${input.titles[0]}”` : `${input.practiceName}: please fill in ${input.titles.length} forms`;
  const about = input.patientName ? ` about ${input.patientName}` : "";
  const lead = `${input.practiceName} asks you to fill in ${one ? "a form" : "these forms"}${about}:`;
  const call = input.practicePhone ? `Questions? Call ${input.practicePhone}.` : "";
  const text = [`Hello ${input.clientName},`, "", lead, ...input.titles.map((t) => `- ${t}`), "", `Take me to my forms: ${input.link}`, "You can save your answers and finish later.", ...(call ? ["", call] : [])].join("\n");
  const p = (content: string) => `<p style="font-size:16px;line-height:1.5;">${content}</p>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Arial,Helvetica,sans-serif;color:#1c2430;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d5dbe3;border-radius:10px;padding:32px;">
<h1 style="margin:0 0 16px;font-size:22px;">${escapeHtml(input.practiceName)}</h1>
${p(`Hello ${escapeHtml(input.clientName)},`)}
${p(escapeHtml(lead))}
<ul>${input.titles.map((t) => `<li style="font-size:16px;line-height:1.5;">${escapeHtml(t)}</li>`).join("")}</ul>
<p><a href="${escapeHtml(input.link)}" style="display:inline-block;padding:12px 24px;background:#0b5cad;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">Take me to my forms</a></p>
${p("You can save your answers and finish later.")}
${call ? p(escapeHtml(call)) : ""}
</div>
</body></html>`;
  return { subject, html, text };
}
