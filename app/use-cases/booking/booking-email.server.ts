import type { PracticeTransaction } from "../../../db/with-practice.server";
import { appointmentBookedEmail, type BookingEmailKind } from "../../../server/email/templates/appointment-booked";
import { appointmentCancelledEmail } from "../../../server/email/templates/appointment-cancelled";
import { sendEmail } from "../../../server/email/send-email.server";
import { appointmentEvent, calendarFile, icsAttachment } from "../../calendar/ics";
import type { PracticeSite } from "../../load-context";
import { formatDateTime, localeFor } from "../../time";

/** Who the email goes to: the account that acted (a proxy booking for the family), or else the client's primary address. */
export type BookingRecipient = { email: string; firstName: string };

/** Everything an email about one appointment says, read in the transaction that changed it. */
async function appointmentFacts(trx: PracticeTransaction, appointmentId: string, to: BookingRecipient | undefined) {
  const row = await trx
    .selectFrom("appointments as a")
    .innerJoin("patients as p", (join) => join.onRef("p.practice_id", "=", "a.practice_id").onRef("p.id", "=", "a.patient_id"))
    .innerJoin("clients as c", (join) => join.onRef("c.practice_id", "=", "p.practice_id").onRef("c.id", "=", "p.client_id"))
    .innerJoin("locations as l", (join) => join.onRef("l.practice_id", "=", "a.practice_id").onRef("l.id", "=", "a.location_id"))
    .leftJoin("client_emails as e", (join) => join.onRef("e.practice_id", "=", "c.practice_id").onRef("e.client_id", "=", "c.id").on("e.is_primary", "=", true))
    .select(["a.id", "a.reason", "a.practitioner_name", "a.starts_at", "a.ends_at", "p.name as patient_name", "c.first_name", "e.email", "l.name as location_name", "l.address", "l.phone as location_phone"])
    .where("a.id", "=", appointmentId)
    .executeTakeFirstOrThrow();
  const settings = await trx.selectFrom("practice_settings").select(["time_zone", "email", "phone", "booking_cancel_window_hours"]).executeTakeFirstOrThrow();
  const recipient = to ?? (row.email ? { email: row.email, firstName: row.first_name } : undefined);
  const when = formatDateTime(row.starts_at, settings.time_zone, localeFor(settings.time_zone));
  return { row, settings, recipient, when };
}

/**
 * Tells the client about a booking (booked, moved, requested, or a request approved), from the practice, in the
 * transaction that made it: the outbox sends it once that commits. A client without an address gets nothing.
 */
export async function emailBookingToClient(trx: PracticeTransaction, site: PracticeSite, input: { kind: BookingEmailKind; appointmentId: string; to?: BookingRecipient; signInLink?: string }): Promise<void> {
  const { row, settings, recipient, when } = await appointmentFacts(trx, input.appointmentId, input.to);
  if (!recipient) return;
  const message = appointmentBookedEmail({
    kind: input.kind,
    practiceName: site.practice.name,
    clientName: recipient.firstName,
    patientName: row.patient_name,
    typeName: row.reason,
    practitioner: row.practitioner_name,
    when,
    location: `${row.location_name}, ${row.address.replace(/\n/g, ", ")}`,
    practicePhone: row.location_phone ?? settings.phone,
    cancelWindowHours: settings.booking_cancel_window_hours,
    appointmentsLink: `${site.origin}/appointments`,
    calendarLink: `${site.origin}/appointments/${row.id}.ics`,
    ...(input.signInLink ? { signInLink: input.signInLink } : {}),
  });
  // The calendar file travels with the email: it works before the client has ever signed in (a new client at /book).
  const calendar =
    input.kind === "requested"
      ? undefined
      : calendarFile(
          appointmentEvent({
            id: row.id,
            host: new URL(site.origin).hostname,
            stamp: new Date(),
            startsAt: row.starts_at,
            endsAt: row.ends_at,
            title: row.reason,
            patientName: row.patient_name,
            practiceName: site.practice.name,
            practitioner: row.practitioner_name,
            location: { name: row.location_name, address: row.address, phone: row.location_phone ?? settings.phone },
          }),
        );
  await sendEmail(trx, {
    kind: `client_appointment_${input.kind}`,
    practiceId: site.practice.id,
    fromName: site.practice.name,
    replyTo: settings.email,
    to: recipient.email,
    ...message,
    ...(calendar ? { attachments: [icsAttachment(`appointment-${row.starts_at.toISOString().slice(0, 10)}.ics`, calendar)] } : {}),
  });
}

/** Tells the client the practice cancelled their booking or declined their request, with the practice's words if any. */
export async function emailCancellationToClient(trx: PracticeTransaction, site: PracticeSite, input: { kind: "cancelled" | "declined"; appointmentId: string; message?: string | null }): Promise<void> {
  const { row, settings, recipient, when } = await appointmentFacts(trx, input.appointmentId, undefined);
  if (!recipient) return;
  const message = appointmentCancelledEmail({
    kind: input.kind,
    practiceName: site.practice.name,
    clientName: recipient.firstName,
    patientName: row.patient_name,
    title: row.reason,
    when,
    message: input.message ?? null,
    practicePhone: row.location_phone ?? settings.phone,
    bookLink: `${site.origin}/appointments/book`,
  });
  await sendEmail(trx, { kind: `client_appointment_${input.kind}`, practiceId: site.practice.id, fromName: site.practice.name, replyTo: settings.email, to: recipient.email, ...message });
}
