import { describe, expect, it } from "vitest";
import { addDays, ageFrom, zonedToUtc } from "../../app/time";

describe("zonedToUtc", () => {
  it.each([
    ["2026-11-23", "10:30", "America/New_York", "2026-11-23T15:30:00.000Z"],
    ["2026-07-01", "10:30", "America/New_York", "2026-07-01T14:30:00.000Z"],
    ["2026-07-01", "09:00", "Europe/London", "2026-07-01T08:00:00.000Z"],
    ["2026-12-01", "09:00", "Europe/London", "2026-12-01T09:00:00.000Z"],
    ["2026-03-08", "12:00", "America/New_York", "2026-03-08T16:00:00.000Z"],
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
