import { escapeHtml } from "./escape";

/**
 * What happened to the booking, as the client reads it. A request is not yet an appointment: it carries no calendar
 * link, and says the practice will answer.
 */
export type BookingEmailKind = "booked" | "moved" | "requested" | "approved";

const WORDING: Record<BookingEmailKind, { subject: string; headline: string }> = {
  booked: { subject: "Booked", headline: "Your appointment is booked:" },
  moved: { subject: "Moved", headline: "Your appointment has been moved to a new time:" },
  requested: { subject: "Requested", headline: "Your request has been sent. The practice will confirm it or suggest another time by email:" },
  approved: { subject: "Confirmed", headline: "The practice has confirmed the appointment you asked for:" },
};

/** To the client who booked (or moved, or asked for) an appointment: what, when and where, how to add it to a calendar, how to change it. */
export function appointmentBookedEmail(input: {
  kind: BookingEmailKind;
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
  /** A new client's first visit to their account (booked at /book): where to sign in to see it. */
  signInLink?: string;
}): { subject: string; html: string; text: string } {
  const { subject: verb, headline } = WORDING[input.kind];
  const subject = `${verb}: ${input.typeName} for ${input.patientName}, ${input.when}`;
  const calendar = input.kind !== "requested";
  const change =
    input.cancelWindowHours > 0
      ? `To cancel or change it, use your appointments page up to ${input.cancelWindowHours} hours before${input.practicePhone ? `, or call ${input.practicePhone}` : ""}.`
      : `To cancel or change it, use your appointments page${input.practicePhone ? ` or call ${input.practicePhone}` : ""}.`;
  const account = input.signInLink ? `Your account with ${input.practiceName} is ready. Sign in to see your appointment: ${input.signInLink}` : null;
  const text = [
    `Hello ${input.clientName},`,
    "",
    `${headline.slice(0, -1)} (${input.practiceName}):`,
    `${input.typeName} for ${input.patientName}`,
    `${input.when}, with ${input.practitioner}`,
    input.location,
    "",
    ...(calendar ? [`Add it to your calendar (the file is attached, or use this link): ${input.calendarLink}`] : []),
    ...(account ? [account] : [`Your appointments: ${input.appointmentsLink}`]),
    "",
    change,
  ].join("\n");
  const p = (content: string) => `<p style="font-size:16px;line-height:1.5;">${content}</p>`;
  const button = (href: string, label: string) =>
    `<p><a href="${escapeHtml(href)}" style="display:inline-block;padding:12px 24px;background:#0b5cad;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">${escapeHtml(label)}</a></p>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f7f9;font-family:Arial,Helvetica,sans-serif;color:#1c2430;">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d5dbe3;border-radius:10px;padding:32px;">
<h1 style="margin:0 0 16px;font-size:22px;">${escapeHtml(input.practiceName)}</h1>
${p(`Hello ${escapeHtml(input.clientName)},`)}
${p(escapeHtml(headline))}
${p(`<strong>${escapeHtml(input.typeName)}</strong> for ${escapeHtml(input.patientName)}<br>${escapeHtml(input.when)}, with ${escapeHtml(input.practitioner)}<br>${escapeHtml(input.location)}`)}
${input.signInLink ? `${p(escapeHtml(`Your account with ${input.practiceName} is ready.`))}\n${button(input.signInLink, "Sign in to see it")}` : ""}
${calendar ? button(input.calendarLink, "Add to calendar") : ""}
${input.signInLink ? "" : p(`<a href="${escapeHtml(input.appointmentsLink)}">Your appointments</a>`)}
${p(escapeHtml(change))}
</div>
</body></html>`;
  return { subject, html, text };
}
