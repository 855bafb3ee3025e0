import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freeSlots, type ScheduleException, type Slot, type SlotQuery, type WeeklyHours } from "../../app/booking/slots";

const at = (iso: string) => new Date(iso);
const starts = (slots: Slot[]) => slots.map((s) => s.startsAt.toISOString());

function query(overrides: Partial<SlotQuery>): SlotQuery {
  return {
    timeZone: "America/New_York",
    from: at("2026-12-07T00:00:00Z"),
    to: at("2026-12-08T12:00:00Z"),
    durationMinutes: 30,
    bufferMinutes: 0,
    stepMinutes: 15,
    practitionerIds: ["p1"],
    locationId: "L",
    hours: [],
    exceptions: [],
    busy: [],
    ...overrides,
  };
}

// 2026-12-07 is a Monday; New York is at UTC-5 then, so 09:00 local is 14:00Z.
const mondayMorning: WeeklyHours = { practitionerId: "p1", locationId: "L", weekday: 1, starts: "09:00", ends: "12:00" };

describe("freeSlots on an ordinary day", () => {
  it("offers every step from opening until the last start that ends by closing", () => {
    const slots = freeSlots(query({ hours: [mondayMorning] }));
    expect(starts(slots)).toEqual([
      "2026-12-07T14:00:00.000Z", "2026-12-07T14:15:00.000Z", "2026-12-07T14:30:00.000Z", "2026-12-07T14:45:00.000Z",
      "2026-12-07T15:00:00.000Z", "2026-12-07T15:15:00.000Z", "2026-12-07T15:30:00.000Z", "2026-12-07T15:45:00.000Z",
      "2026-12-07T16:00:00.000Z", "2026-12-07T16:15:00.000Z", "2026-12-07T16:30:00.000Z",
    ]);
    expect(slots.every((s) => s.practitionerId === "p1" && s.endsAt.getTime() - s.startsAt.getTime() === 30 * 60_000)).toBe(true);
  });

  it("removes exactly the starts whose appointment plus buffer would overlap busy time", () => {
    const slots = freeSlots(query({
      hours: [mondayMorning],
      bufferMinutes: 10,
      busy: [{ practitionerId: "p1", startsAt: at("2026-12-07T15:00:00Z"), endsAt: at("2026-12-07T15:30:00Z") }],
    }));
    // Starts in (09:20, 10:30) local are gone: 09:30, 09:45, 10:00 and 10:15. 09:15 + 30 + 10 ends at 09:55 < 10:00.
    expect(starts(slots)).toEqual([
      "2026-12-07T14:00:00.000Z", "2026-12-07T14:15:00.000Z",
      "2026-12-07T15:30:00.000Z", "2026-12-07T15:45:00.000Z", "2026-12-07T16:00:00.000Z", "2026-12-07T16:15:00.000Z", "2026-12-07T16:30:00.000Z",
    ]);
  });

  it("fits an appointment exactly before, after and between busy times", () => {
    const slots = freeSlots(query({
      hours: [mondayMorning],
      stepMinutes: 30,
      busy: [
        { practitionerId: "p1", startsAt: at("2026-12-07T14:30:00Z"), endsAt: at("2026-12-07T15:00:00Z") },
        { practitionerId: "p1", startsAt: at("2026-12-07T15:30:00Z"), endsAt: at("2026-12-07T16:00:00Z") },
      ],
    }));
    expect(starts(slots)).toEqual(["2026-12-07T14:00:00.000Z", "2026-12-07T15:00:00.000Z", "2026-12-07T16:00:00.000Z", "2026-12-07T16:30:00.000Z"]);
  });

  it("lets the buffer run past closing and ignores other practitioners' busy time", () => {
    const slots = freeSlots(query({
      hours: [mondayMorning],
      bufferMinutes: 60,
      busy: [{ practitionerId: "p2", startsAt: at("2026-12-07T14:00:00Z"), endsAt: at("2026-12-07T17:00:00Z") }],
    }));
    expect(slots).toHaveLength(11);
    expect(starts(slots).at(-1)).toBe("2026-12-07T16:30:00.000Z");
  });

  it("puts starts on the local grid, not at the opening time", () => {
    const slots = freeSlots(query({ hours: [{ ...mondayMorning, starts: "09:10", ends: "10:00" }] }));
    expect(starts(slots)).toEqual(["2026-12-07T14:15:00.000Z", "2026-12-07T14:30:00.000Z"]);
  });

  it("sorts by start, then practitioner", () => {
    const slots = freeSlots(query({
      practitionerIds: ["p2", "p1", "p2"],
      hours: [{ ...mondayMorning, ends: "09:30" }, { ...mondayMorning, practitionerId: "p2", starts: "09:15", ends: "09:45" }],
    }));
    expect(slots.map((s) => `${s.startsAt.toISOString()} ${s.practitionerId}`)).toEqual([
      "2026-12-07T14:00:00.000Z p1",
      "2026-12-07T14:15:00.000Z p2",
    ]);
  });
});

describe("freeSlots with schedule exceptions", () => {
  const exception = (kind: ScheduleException["kind"], from: string, to: string, who: string | null, where: string | null): ScheduleException =>
    ({ kind, practitionerId: who, locationId: where, startsAt: at(from), endsAt: at(to) });

  it("takes out time off at any location and closures of the practice or the location, not of another location", () => {
    const slots = freeSlots(query({
      hours: [mondayMorning],
      exceptions: [
        exception("time_off", "2026-12-07T14:00:00Z", "2026-12-07T15:00:00Z", "p1", "elsewhere"),
        exception("closure", "2026-12-07T16:00:00Z", "2026-12-07T17:00:00Z", null, null),
        exception("closure", "2026-12-07T15:00:00Z", "2026-12-07T16:00:00Z", null, "elsewhere"),
        exception("time_off", "2026-12-07T15:00:00Z", "2026-12-07T16:00:00Z", "p2", null),
      ],
    }));
    expect(starts(slots)).toEqual(["2026-12-07T15:00:00.000Z", "2026-12-07T15:15:00.000Z", "2026-12-07T15:30:00.000Z"]);
  });

  it("applies a closure of the location itself", () => {
    const slots = freeSlots(query({
      hours: [mondayMorning],
      exceptions: [exception("closure", "2026-12-07T14:30:00Z", "2026-12-07T17:00:00Z", null, "L")],
    }));
    expect(starts(slots)).toEqual(["2026-12-07T14:00:00.000Z"]);
  });

  it("opens extra hours of the practitioner at the location on a day without weekly hours", () => {
    const slots = freeSlots(query({
      from: at("2026-12-06T00:00:00Z"),
      to: at("2026-12-07T00:00:00Z"),
      hours: [mondayMorning],
      exceptions: [
        exception("extra_hours", "2026-12-06T19:00:00Z", "2026-12-06T20:00:00Z", "p1", "L"),
        exception("extra_hours", "2026-12-06T15:00:00Z", "2026-12-06T16:00:00Z", "p1", "elsewhere"),
        exception("extra_hours", "2026-12-06T16:00:00Z", "2026-12-06T17:00:00Z", "p2", "L"),
        exception("extra_hours", "2026-12-06T17:00:00Z", "2026-12-06T18:00:00Z", null, "L"),
      ],
    }));
    expect(starts(slots)).toEqual(["2026-12-06T19:00:00.000Z", "2026-12-06T19:15:00.000Z", "2026-12-06T19:30:00.000Z"]);
  });

  it("joins extra hours to weekly hours so an appointment may span both", () => {
    const slots = freeSlots(query({
      durationMinutes: 60,
      stepMinutes: 60,
      hours: [mondayMorning],
      exceptions: [exception("extra_hours", "2026-12-07T17:00:00Z", "2026-12-07T18:30:00Z", "p1", "L")],
    }));
    expect(starts(slots)).toEqual(["2026-12-07T14:00:00.000Z", "2026-12-07T15:00:00.000Z", "2026-12-07T16:00:00.000Z", "2026-12-07T17:00:00.000Z"]);
  });
});

describe("freeSlots within from and to", () => {
  it("starts at or after from, on the grid, and ends by to", () => {
    const slots = freeSlots(query({ hours: [mondayMorning], from: at("2026-12-07T14:07:30Z"), to: at("2026-12-07T15:40:00Z") }));
    expect(starts(slots)).toEqual(["2026-12-07T14:15:00.000Z", "2026-12-07T14:30:00.000Z", "2026-12-07T14:45:00.000Z", "2026-12-07T15:00:00.000Z"]);
  });

  it("includes a start equal to from and an end equal to to", () => {
    const slots = freeSlots(query({ hours: [mondayMorning], from: at("2026-12-07T14:15:00Z"), to: at("2026-12-07T15:00:00Z") }));
    expect(starts(slots)).toEqual(["2026-12-07T14:15:00.000Z", "2026-12-07T14:30:00.000Z"]);
  });

  it("is empty when the window is shorter than the appointment", () => {
    expect(freeSlots(query({ hours: [mondayMorning], from: at("2026-12-07T14:00:00Z"), to: at("2026-12-07T14:29:00Z") }))).toEqual([]);
  });
});

describe("freeSlots across daylight-saving changes in New York", () => {
  // Both days are Sundays.
  const nightShift = (starts: string, ends: string): WeeklyHours => ({ practitionerId: "p1", locationId: "L", weekday: 7, starts, ends });
  const night = (day: string, hours: WeeklyHours, durationMinutes = 60, stepMinutes = 30) =>
    starts(freeSlots(query({ from: at(`${day}T00:00:00Z`), to: at(`${day}T23:00:00Z`), durationMinutes, stepMinutes, hours: [hours] })));

  it("skips the missing hour on 2026-03-08: 00:00–04:00 is three real hours", () => {
    // 00:00 EST = 05:00Z; the clock jumps from 02:00 EST (07:00Z) to 03:00 EDT; 04:00 EDT = 08:00Z.
    expect(night("2026-03-08", nightShift("00:00", "04:00"))).toEqual([
      "2026-03-08T05:00:00.000Z", "2026-03-08T05:30:00.000Z", "2026-03-08T06:00:00.000Z", "2026-03-08T06:30:00.000Z", "2026-03-08T07:00:00.000Z",
    ]);
  });

  it("opens hours that start in the missing hour at the change", () => {
    expect(night("2026-03-08", nightShift("02:30", "04:00"), 30)).toEqual(["2026-03-08T07:00:00.000Z", "2026-03-08T07:30:00.000Z"]);
  });

  it("offers both passes of the repeated hour on 2026-11-01: 00:00–04:00 is five real hours", () => {
    // 00:00 EDT = 04:00Z; 01:00–02:00 is shown twice, 05:00–06:00Z (EDT) then 06:00–07:00Z (EST); 04:00 EST = 09:00Z.
    expect(night("2026-11-01", nightShift("00:00", "04:00"))).toEqual([
      "2026-11-01T04:00:00.000Z", "2026-11-01T04:30:00.000Z",
      "2026-11-01T05:00:00.000Z", "2026-11-01T05:30:00.000Z",
      "2026-11-01T06:00:00.000Z", "2026-11-01T06:30:00.000Z",
      "2026-11-01T07:00:00.000Z", "2026-11-01T07:30:00.000Z", "2026-11-01T08:00:00.000Z",
    ]);
  });

  it("closes hours that end in the repeated hour at its first pass", () => {
    expect(night("2026-11-01", nightShift("00:00", "01:30"), 30)).toEqual([
      "2026-11-01T04:00:00.000Z", "2026-11-01T04:30:00.000Z", "2026-11-01T05:00:00.000Z",
    ]);
  });
});

describe("freeSlots in zones with half-hour offsets", () => {
  it("keeps the local grid in Kolkata (+05:30)", () => {
    const slots = freeSlots(query({
      timeZone: "Asia/Kolkata",
      durationMinutes: 20,
      stepMinutes: 20,
      from: at("2026-12-06T12:00:00Z"),
      to: at("2026-12-07T12:00:00Z"),
      hours: [{ ...mondayMorning, ends: "10:00" }],
    }));
    expect(starts(slots)).toEqual(["2026-12-07T03:30:00.000Z", "2026-12-07T03:50:00.000Z", "2026-12-07T04:10:00.000Z"]);
  });

  // Lord Howe Island moves its clock by half an hour: 02:00 (+11) back to 01:30 (+10:30) at 2026-04-04T15:00Z,
  // and 02:00 (+10:30) on to 02:30 (+11) at 2026-10-03T15:30Z. Both local days are Sundays.
  const lordHowe = (from: string, to: string, stepMinutes: number) =>
    starts(freeSlots(query({
      timeZone: "Australia/Lord_Howe",
      durationMinutes: 60,
      stepMinutes,
      from: at(from),
      to: at(to),
      hours: [{ practitionerId: "p1", locationId: "L", weekday: 7, starts: "00:00", ends: "04:00" }],
    })));

  it("shifts the grid by half an hour when the clock goes back on 2026-04-05", () => {
    // 00:00 (+11) = 13:00Z, 04:00 (+10:30) = 17:30Z: four and a half real hours.
    expect(lordHowe("2026-04-04T00:00:00Z", "2026-04-05T00:00:00Z", 60)).toEqual([
      "2026-04-04T13:00:00.000Z", "2026-04-04T14:00:00.000Z", "2026-04-04T15:30:00.000Z", "2026-04-04T16:30:00.000Z",
    ]);
    // 01:30 comes twice: 14:30Z and 15:00Z.
    expect(lordHowe("2026-04-04T00:00:00Z", "2026-04-05T00:00:00Z", 30)).toEqual([
      "2026-04-04T13:00:00.000Z", "2026-04-04T13:30:00.000Z", "2026-04-04T14:00:00.000Z", "2026-04-04T14:30:00.000Z",
      "2026-04-04T15:00:00.000Z", "2026-04-04T15:30:00.000Z", "2026-04-04T16:00:00.000Z", "2026-04-04T16:30:00.000Z",
    ]);
  });

  it("shifts the grid by half an hour when the clock goes forward on 2026-10-04", () => {
    // 00:00 (+10:30) = 13:30Z, 04:00 (+11) = 17:00Z: three and a half real hours; 02:00–02:30 does not exist.
    expect(lordHowe("2026-10-03T00:00:00Z", "2026-10-04T00:00:00Z", 60)).toEqual([
      "2026-10-03T13:30:00.000Z", "2026-10-03T14:30:00.000Z", "2026-10-03T16:00:00.000Z",
    ]);
  });
});

describe("freeSlots against a minute-by-minute reference", () => {
  const MINUTE = 60_000;
  const DAY = 86_400_000;
  const zones = ["UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe"];
  const formats = new Map(zones.map((z) => [z, new Intl.DateTimeFormat("en-US", { timeZone: z, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })]));

  /** The wall clock at an instant, as milliseconds since 1970-01-01T00:00 local. */
  function wall(t: number, zone: string): number {
    const p = Object.fromEntries(formats.get(zone)!.formatToParts(new Date(t)).map((part) => [part.type, Number(part.value)]));
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
  }

  /**
   * Walks every minute. Weekly hours are read off the highest wall clock shown so far (so the repeated hour of a
   * fall-back stays at the time the clock was set back from), which is the engine's "first reaches" rule stated
   * independently. Everything else is a direct reading of the rules.
   */
  function reference(q: SlotQuery): string[] {
    const from = q.from.getTime();
    const to = q.to.getTime();
    // Two hours before `from` is longer than any repeated hour, so the running maximum is right from `from` on.
    const base = Math.floor(from / MINUTE) * MINUTE - 120 * MINUTE;
    const minutes = Math.ceil((to - base) / MINUTE) + q.durationMinutes + q.bufferMinutes;
    const clock: number[] = [];
    const highest: number[] = [];
    for (let i = 0; i * MINUTE + base < to; i++) {
      clock.push(wall(base + i * MINUTE, q.timeZone));
      highest.push(Math.max(clock[i]!, highest[i - 1] ?? -Infinity));
    }
    const inside = (t: number, s: { startsAt: Date; endsAt: Date }) => s.startsAt.getTime() <= t && t < s.endsAt.getTime();
    const out: { t: number; p: string }[] = [];
    for (const p of new Set(q.practitionerIds)) {
      const working: boolean[] = [];
      const busy: boolean[] = [];
      for (let i = 0; i < minutes; i++) {
        const t = base + i * MINUTE;
        busy.push(q.busy.some((b) => b.practitionerId === p && inside(t, b)));
        if (i >= clock.length) continue;
        const day = Math.floor(highest[i]! / DAY);
        const minuteOfDay = (highest[i]! - day * DAY) / MINUTE;
        const weekday = new Date(day * DAY).getUTCDay() || 7;
        const weekly = q.hours.some((h) => h.practitionerId === p && h.locationId === q.locationId && h.weekday === weekday
          && minuteOfDay >= hm(h.starts) && minuteOfDay < hm(h.ends));
        const extra = q.exceptions.some((e) => e.kind === "extra_hours" && e.practitionerId === p && e.locationId === q.locationId && inside(t, e));
        const off = q.exceptions.some((e) => inside(t, e) && ((e.kind === "time_off" && e.practitionerId === p)
          || (e.kind === "closure" && (e.locationId === null || e.locationId === q.locationId))));
        working.push((weekly || extra) && !off);
      }
      for (let i = 0; i < clock.length; i++) {
        const t = base + i * MINUTE;
        if (t < from || t + q.durationMinutes * MINUTE > to) continue;
        if (((clock[i]! % DAY) / MINUTE) % q.stepMinutes !== 0) continue;
        let ok = true;
        for (let k = 0; ok && k < q.durationMinutes; k++) ok = working[i + k] === true;
        for (let k = 0; ok && k < q.durationMinutes + q.bufferMinutes; k++) ok = !busy[i + k];
        if (ok) out.push({ t, p });
      }
    }
    out.sort((a, b) => a.t - b.t || (a.p < b.p ? -1 : 1));
    return out.map(({ t, p }) => `${p} ${new Date(t).toISOString()} ${new Date(t + q.durationMinutes * MINUTE).toISOString()}`);
  }

  const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  const clockText = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

  // UTC midnights (or noons) shortly before the 2026 changes in New York, London and Lord Howe, and an ordinary day.
  const anchors = ["2026-03-07T00:00Z", "2026-03-28T00:00Z", "2026-04-03T12:00Z", "2026-06-10T00:00Z", "2026-10-02T12:00Z", "2026-10-24T00:00Z", "2026-10-31T00:00Z"]
    .map((s) => Date.parse(s));
  const ids = ["p1", "p2", "p3"];
  const clockMinute = fc.oneof(fc.integer({ min: 0, max: 1440 }), fc.constantFrom(0, 60, 90, 120, 150, 180, 240, 1440));
  // Mostly rows that apply, so that most runs have slots to compare.
  // p1 is always a candidate, p3 only in a third of runs.
  const candidate = fc.oneof(
    { arbitrary: fc.constant("p1"), weight: 3 }, { arbitrary: fc.constant("p2"), weight: 2 },
    { arbitrary: fc.constant("p3"), weight: 1 }, { arbitrary: fc.constant("other"), weight: 1 },
  );
  const location = fc.oneof({ arbitrary: fc.constant("L"), weight: 5 }, { arbitrary: fc.constant("M"), weight: 1 });
  // A row of hours repeated on a few weekdays, as clinics keep the same hours most days.
  const weeklyRows = fc.record({ who: candidate, where: location, weekdays: fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }), a: clockMinute, b: clockMinute })
    .filter(({ a, b }) => a !== b)
    .map(({ who, where, weekdays, a, b }) => weekdays.map((weekday): WeeklyHours =>
      ({ practitionerId: who, locationId: where, weekday, starts: clockText(Math.min(a, b)), ends: clockText(Math.max(a, b)) })));
  // Half of the periods on the half hour, so that appointments often fit exactly between them.
  const period = fc.record({
    offset: fc.oneof(fc.integer({ min: -12 * 60, max: 72 * 60 }), fc.integer({ min: -24, max: 144 }).map((n) => n * 30)),
    length: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.constantFrom(15, 30, 60, 90)),
  });
  const scenario = fc.record({
    zone: fc.constantFrom(...zones),
    anchor: fc.constantFrom(...anchors),
    fromMinute: fc.integer({ min: 0, max: 24 * 60 }),
    fromMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: MINUTE - 1 })),
    lengthMinutes: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 180 }), weight: 1 }, { arbitrary: fc.integer({ min: 12 * 60, max: 42 * 60 }), weight: 4 }),
    practitioners: fc.integer({ min: 1, max: 3 }),
    durationMinutes: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constantFrom(15, 30, 60)),
    bufferMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })),
    stepMinutes: fc.constantFrom(5, 10, 15, 20, 30, 60),
    hours: fc.array(weeklyRows, { minLength: 2, maxLength: 10 }).map((rows) => rows.flat()),
    exceptions: fc.array(fc.record({
      kind: fc.constantFrom("time_off" as const, "extra_hours" as const, "closure" as const),
      who: fc.option(candidate), where: fc.option(location), period,
    }), { maxLength: 5 }),
    busy: fc.array(fc.record({ who: candidate, period }), { maxLength: 8 }),
  });

  it("agrees on random schedules, zones and windows", () => {
    fc.assert(fc.property(scenario, (s) => {
      const around = ({ offset, length }: { offset: number; length: number }) =>
        ({ startsAt: new Date(s.anchor + offset * MINUTE), endsAt: new Date(s.anchor + (offset + length) * MINUTE) });
      const from = s.anchor + s.fromMinute * MINUTE + s.fromMs;
      const q: SlotQuery = {
        timeZone: s.zone,
        from: new Date(from),
        to: new Date(from + s.lengthMinutes * MINUTE),
        durationMinutes: s.durationMinutes,
        bufferMinutes: s.bufferMinutes,
        stepMinutes: s.stepMinutes,
        practitionerIds: ids.slice(0, s.practitioners),
        locationId: "L",
        hours: s.hours,
        exceptions: s.exceptions.map((e) => ({ kind: e.kind, practitionerId: e.who, locationId: e.where, ...around(e.period) })),
        busy: s.busy.map((b) => ({ practitionerId: b.who, ...around(b.period) })),
      };
      const engine = freeSlots(q).map((slot) => `${slot.practitionerId} ${slot.startsAt.toISOString()} ${slot.endsAt.toISOString()}`);
      expect(engine).toEqual(reference(q));
    }), { numRuns: 150 });
  }, 30_000);
});
