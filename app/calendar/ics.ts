import type { EmailAttachment } from "../../db/schema";

export type CalendarEvent = {
  /** Globally unique and stable across updates, e.g. `<appointment id>@<practice host>`. */
  uid: string;
  /** When this file was made. */
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  location: string;
  description: string;
};

function icsText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n|\r|\n/g, "\\n");
}

// UTC in the basic format (20261210T090000Z), which every calendar reads without a VTIMEZONE.
function icsTime(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function utf8Octets(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

// RFC 5545 wants lines of at most 75 octets, continued with a leading space, never splitting a character.
function fold(line: string): string {
  const lines: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = utf8Octets(char.codePointAt(0) ?? 0);
    if (octets + size > 75) {
      lines.push(current);
      current = " ";
      octets = 1;
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.join("\r\n");
}

/** One event as an RFC 5545 calendar file (CRLF line endings, folded lines). */
export function calendarFile(event: CalendarEvent): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Portico//Client portal//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${event.uid}`,
    `DTSTAMP:${icsTime(event.stamp)}`,
    `DTSTART:${icsTime(event.start)}`,
    `DTEND:${icsTime(event.end)}`,
    `SUMMARY:${icsText(event.summary)}`,
    `LOCATION:${icsText(event.location)}`,
    `DESCRIPTION:${icsText(event.description)}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.map(fold).join("\r\n")}\r\n`;
}

// btoa takes one character per byte; going through the UTF-8 bytes keeps this module free of Node's Buffer.
function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A calendar file ready to go out with an email through `sendEmail`. */
export function icsAttachment(filename: string, calendarText: string): EmailAttachment {
  return { filename, contentType: "text/calendar; charset=utf-8; method=PUBLISH", content: base64(calendarText) };
}

/** One appointment as the client's calendar shows it: the same file from the appointments page and in the emails. */
export function appointmentEvent(appointment: {
  id: string;
  host: string;
  stamp: Date;
  startsAt: Date;
  endsAt: Date;
  title: string;
  patientName: string;
  practiceName: string;
  practitioner: string;
  location: { name: string; address: string; phone: string | null };
}): CalendarEvent {
  const { location } = appointment;
  return {
    uid: `${appointment.id}@${appointment.host}`,
    stamp: appointment.stamp,
    start: appointment.startsAt,
    end: appointment.endsAt,
    summary: `${appointment.title} — ${appointment.patientName} at ${appointment.practiceName}`,
    location: `${location.name}, ${location.address.replace(/\n/g, ", ")}`,
    description: `With ${appointment.practitioner}.${location.phone ? ` To change this appointment call ${location.phone}.` : ""}`,
  };
}
