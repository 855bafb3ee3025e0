import { describe, expect, it } from "vitest";
import { calendarFile, icsAttachment, type CalendarEvent } from "../../app/calendar/ics";

const event: CalendarEvent = {
  uid: "3f0c2a9e-5d1b-4c3a-9f7e-0a1b2c3d4e5f@mail-vet.portico.test",
  stamp: new Date("2026-12-08T01:02:03.456Z"),
  start: new Date("2026-12-10T09:00:00.000Z"),
  end: new Date("2026-12-10T09:30:00.000Z"),
  summary: "Vaccination — Rex at Mail Vet",
  location: "Mail Vet, 1 High Street, Town",
  description: "With Dr Smith.",
};

// RFC 5545 unfolding: a line break followed by one space is removed.
const unfold = (text: string) => text.replace(/\r\n /g, "");
const property = (text: string, name: string) => unfold(text).split("\r\n").find((line) => line.startsWith(`${name}:`));

describe("calendarFile", () => {
  it("describes one event, with its times in UTC basic format", () => {
    const text = calendarFile(event);
    expect(unfold(text).split("\r\n")).toEqual([
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Portico//Client portal//EN",
      "CALSCALE:GREGORIAN",
      "METHOD:PUBLISH",
      "BEGIN:VEVENT",
      "UID:3f0c2a9e-5d1b-4c3a-9f7e-0a1b2c3d4e5f@mail-vet.portico.test",
      "DTSTAMP:20261208T010203Z",
      "DTSTART:20261210T090000Z",
      "DTEND:20261210T093000Z",
      "SUMMARY:Vaccination — Rex at Mail Vet",
      "LOCATION:Mail Vet\\, 1 High Street\\, Town",
      "DESCRIPTION:With Dr Smith.",
      "END:VEVENT",
      "END:VCALENDAR",
      "",
    ]);
  });

  it("ends every line with CRLF and has no bare LF or CR", () => {
    const text = calendarFile({ ...event, description: "Line one\nLine two\r\nLine three\rLine four" });
    expect(text.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  });

  it("escapes backslashes, semicolons, commas and newlines in text", () => {
    const text = calendarFile({ ...event, summary: "a\\b;c,d\ne\r\nf", location: "Room 1; door B, left" });
    expect(property(text, "SUMMARY")).toBe("SUMMARY:a\\\\b\\;c\\,d\\ne\\nf");
    expect(property(text, "LOCATION")).toBe("LOCATION:Room 1\\; door B\\, left");
  });

  it("folds long lines at 75 octets without splitting a multi-byte character", () => {
    const description = "Café — 🐕 Ünterwegs ".repeat(12);
    const text = calendarFile({ ...event, description });
    const lines = text.split("\r\n");
    for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    const folded = lines.filter((line) => line.startsWith(" "));
    expect(folded.length).toBeGreaterThan(3);
    // A split character would turn into U+FFFD or a lone surrogate once encoded.
    for (const line of lines) expect(new TextDecoder().decode(new TextEncoder().encode(line))).toBe(line);
    expect(property(text, "DESCRIPTION")).toBe(`DESCRIPTION:${description}`);
  });

  it("leaves a line of exactly 75 octets whole", () => {
    const summary = "x".repeat(75 - "SUMMARY:".length);
    const text = calendarFile({ ...event, summary });
    expect(text).toContain(`\r\nSUMMARY:${summary}\r\nLOCATION:`);
  });
});

describe("icsAttachment", () => {
  it("carries the calendar text as base64 UTF-8 with the calendar content type", () => {
    const text = calendarFile(event);
    const attachment = icsAttachment("appointment-2026-12-10.ics", text);
    expect(attachment).toMatchObject({ filename: "appointment-2026-12-10.ics", contentType: "text/calendar; charset=utf-8; method=PUBLISH" });
    expect(Buffer.from(attachment.content, "base64").toString("utf8")).toBe(text);
  });
});
