import { escapeHtml } from "./escape";

/** To the client who booked (or moved) online: what, when and where, how to add it to a calendar, how to change it. */
export function appointmentBookedEmail(input: {
  kind: "booked" | "moved";
  practiceName: string;
  clientName: string;
  patientName: string;
  typeName: string;
  practitioner: string;
  when: string;
  location: string;
  practicePhone: string | null;
  cancelWindowHours: number;
  appointmentsLink: string;
  calendarLink: string;
}): { subject: string; html: string; text: string } {
  const subject = `${input.kind === "booked" ? "Booked" : "Moved"}: ${input.typeName} for ${input.patientName}, ${input.when}`;
  const headline = input.kind === "booked" ? "Your appointment is booked:" : "Your appointment has been moved to a new time:";
  const change =
    input.cancelWindowHours > 0
      ? `To cancel or change it, use your appointments page up to ${input.cancelWindowHours} hours before${input.practicePhone ? `, or call ${input.practicePhone}` : ""}.`
      : `To cancel or change it, use your appointments page${input.practicePhone ? ` or call ${input.practicePhone}` : ""}.`;
  const text = [
    `Hello ${input.clientName},`,
    "",
    `${headline.slice(0, -1)} at ${input.practiceName}:`,
    `${input.typeName} for ${input.patientName}`,
    `${input.when}, with ${input.practitioner}`,
    input.location,
    "",
    `Add it to your calendar: ${input.calendarLink}`,
    `Your appointments: ${input.appointmentsLink}`,
    "",
    change,
  ].join("\n");
  const p = (content: string) => `<p style="font-size:16px;line-height:1.5;">${content}</p>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Arial,Helvetica,sans-serif;color:#1c2430;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d5dbe3;border-radius:10px;padding:32px;">
<h1 style="margin:0 0 16px;font-size:22px;">${escapeHtml(input.practiceName)}</h1>
${p(`Hello ${escapeHtml(input.clientName)},`)}
${p(escapeHtml(headline))}
${p(`<strong>${escapeHtml(input.typeName)}</strong> for ${escapeHtml(input.patientName)}<br>${escapeHtml(input.when)}, with ${escapeHtml(input.practitioner)}<br>${escapeHtml(input.location)}`)}
<p><a href="${escapeHtml(
    input.calendarLink
  )}" style="display:inline-block;padding:12px 24px;background:#0b5cad;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">Add to calendar</a></p>
${p(`<a href="${escapeHtml(input.appointmentsLink)}">Your appointments</a>`)}
${p(escapeHtml(change))}
</div>
</body></html>`;
  return { subject, html, text };
}
