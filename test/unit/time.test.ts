import { describe, expect, it } from "vitest";
import { addDays, ageFrom, zonedToUtc } from "../../app/time";

describe("zonedToUtc", () => {
  it.each([
    ["2026-11-23", "10:30", "America/New_York", "2026-11-23T15:30:00.000Z"],
    ["2026-07-01", "10:30", "America/New_York", "2026-07-01T14:30:00.000Z"],
    ["2026-07-01", "09:00", "Europe/London", "2026-07-01T08:00:00.000Z"],
    ["2026-12-01", "09:00", "Europe/London", "2026-12-01T09:00:00.000Z"],
    ["2026-03-08", "12:00", "America/New_York", "2026-03-08T16:00:00.000Z"],
    ["2026-03-08", "00:00", "America/New_York", "2026-03-08T05:00:00.000Z"],
    // Skipped (02:00–03:00 does not exist that night): the moment the clock jumps, 03:00 EDT.
    ["2026-03-08", "02:30", "America/New_York", "2026-03-08T07:00:00.000Z"],
    ["2026-03-08", "03:00", "America/New_York", "2026-03-08T07:00:00.000Z"],
    // Repeated (01:00–02:00 comes twice): the first pass, still EDT.
    ["2026-11-01", "01:30", "America/New_York", "2026-11-01T05:30:00.000Z"],
    ["2026-11-01", "02:00", "America/New_York", "2026-11-01T07:00:00.000Z"],
    ["2026-07-01", "09:00", "Asia/Kolkata", "2026-07-01T03:30:00.000Z"],
    // Lord Howe moves its clock by 30 minutes: 01:45 on 5 April comes twice (+11, then +10:30).
    ["2026-04-05", "01:45", "Australia/Lord_Howe", "2026-04-04T14:45:00.000Z"],
    // …and on 4 October 02:00–02:30 is skipped.
    ["2026-10-04", "02:15", "Australia/Lord_Howe", "2026-10-03T15:30:00.000Z"],
  ])("%s %s in %s is %s", (date, time, zone, expected) => {
    expect(zonedToUtc(date, time, zone).toISOString()).toBe(expected);
  });
});

describe("calendar helpers", () => {
  it("adds days across months and years", () => {
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });

  it("gives an age in months, then years", () => {
    expect(ageFrom("2026-01-15", "2026-11-23")).toBe("10 months");
    expect(ageFrom("2025-11-23", "2026-11-23")).toBe("12 months");
    expect(ageFrom("2019-04-12", "2026-11-23")).toBe("7 years");
    expect(ageFrom("2019-12-12", "2026-11-23")).toBe("6 years");
  });
});
