import { describe, expect, it } from "vitest";
import { onlineChange } from "../../app/booking/change-rules";

const now = new Date("2027-01-10T12:00:00Z");
const at = (hoursFromNow: number) => new Date(now.getTime() + hoursFromNow * 3_600_000);

describe("onlineChange", () => {
  it("allows an online booking to be changed until the window begins, then says to call", () => {
    expect(onlineChange({ status: "confirmed", startsAt: at(48), bookedOnline: true }, now, 24)).toBe("allowed");
    expect(onlineChange({ status: "scheduled", startsAt: at(24.01), bookedOnline: true }, now, 24)).toBe("allowed");
    expect(onlineChange({ status: "confirmed", startsAt: at(24), bookedOnline: true }, now, 24)).toBe("too_late");
    expect(onlineChange({ status: "confirmed", startsAt: at(1), bookedOnline: true }, now, 24)).toBe("too_late");
    expect(onlineChange({ status: "confirmed", startsAt: at(1), bookedOnline: true }, now, 0)).toBe("allowed");
    expect(onlineChange({ status: "requested", startsAt: at(48), bookedOnline: true }, now, 24)).toBe("allowed");
  });

  it("leaves what the practice booked, and what is over or cancelled, to the phone", () => {
    expect(onlineChange({ status: "confirmed", startsAt: at(48), bookedOnline: false }, now, 24)).toBe("by_phone");
    expect(onlineChange({ status: "cancelled", startsAt: at(48), bookedOnline: true }, now, 24)).toBe("by_phone");
    expect(onlineChange({ status: "declined", startsAt: at(48), bookedOnline: true }, now, 24)).toBe("by_phone");
    expect(onlineChange({ status: "completed", startsAt: at(48), bookedOnline: true }, now, 24)).toBe("by_phone");
    expect(onlineChange({ status: "confirmed", startsAt: at(-1), bookedOnline: true }, now, 0)).toBe("by_phone");
  });
});
