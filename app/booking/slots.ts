/**
 * The online-booking slot engine: which (practitioner, start) pairs a patient may book. Pure: the caller loads
 * hours, exceptions and busy time and passes them in.
 *
 * - Working time of practitioner p at the location: on each local date D (in `timeZone`), each weekly-hours row of
 *   p at the location for D's ISO weekday gives [the instant the wall clock first reaches `starts` on D, the instant
 *   it first reaches `ends` on D). "First reaches" settles daylight saving: hours starting in the skipped hour begin
 *   at the change; in the repeated hour they mean the first pass, so hours spanning it hold both passes (a clinic
 *   does not close while the clock is set back). Plus p's `extra_hours` at the location; minus p's `time_off` at any
 *   location and every `closure` of the location or of the whole practice (locationId null). Exceptions without a
 *   practitioner apply only as closures.
 * - Starts lie on the local grid: the minute of the day the wall clock shows is a multiple of `stepMinutes`, so both
 *   passes of a repeated hour give starts.
 * - t is a slot for p iff t >= from, t + duration <= to, all of [t, t + duration) is working time of p, and
 *   [t, t + duration + buffer) overlaps none of p's busy time (intervals half-open).
 * - Slots are sorted by start, then practitioner id; endsAt = start + duration.
 */
import { utcOffsetMs } from "../time";

export type WeeklyHours = { practitionerId: string; locationId: string; weekday: number /* ISO 1 = Monday … 7 = Sunday */; starts: string /* "HH:MM" */; ends: string /* "HH:MM", after starts */ };
export type ScheduleException = { kind: "time_off" | "extra_hours" | "closure"; practitionerId: string | null; locationId: string | null; startsAt: Date; endsAt: Date };
/** Time already taken for a practitioner: appointments (their own buffer already added to endsAt by the caller) and live holds. */
export type BusyTime = { practitionerId: string; startsAt: Date; endsAt: Date };
export type SlotQuery = {
  timeZone: string;
  from: Date;
  to: Date;
  durationMinutes: number;
  bufferMinutes: number;
  stepMinutes: number;
  practitionerIds: string[];
  locationId: string;
  hours: WeeklyHours[];
  exceptions: ScheduleException[];
  busy: BusyTime[];
};
export type Slot = { practitionerId: string; startsAt: Date; endsAt: Date };

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Zones change offset at most a few times a year, never twice within this: probing this often finds every change. */
const PROBE = 12 * 3_600_000;
/** Hours of the dates around the window are built from this far outside it, so every boundary is covered. */
const MARGIN = 3 * DAY;

/** [start, end) in epoch milliseconds; closed [start, end] where a function says so. */
type Span = { start: number; end: number };
type OffsetSpan = Span & { offset: number };

export function freeSlots(query: SlotQuery): Slot[] {
  const from = query.from.getTime();
  const to = query.to.getTime();
  const duration = query.durationMinutes * MINUTE;
  if (to - from < duration) return [];

  const clock = offsetSpans(Math.floor((from - MARGIN) / MINUTE) * MINUTE, Math.ceil((to + MARGIN) / MINUTE) * MINUTE, query.timeZone);
  const firstDay = Math.floor(wallAt(clock, from) / DAY) - 1;
  const lastDay = Math.floor(wallAt(clock, to) / DAY) + 1;
  const closures = query.exceptions
    .filter((e) => e.kind === "closure" && (e.locationId === null || e.locationId === query.locationId))
    .map(spanOf);

  // A busy span [b, e) rules out the starts in (b - duration - buffer, e).
  const occupied = duration + query.bufferMinutes * MINUTE;
  const blockedBy = new Map<string, Span[]>();
  for (const b of query.busy) {
    const span = { start: b.startsAt.getTime() - occupied, end: b.endsAt.getTime() };
    if (span.end <= from || span.start >= to) continue;
    const list = blockedBy.get(b.practitionerId);
    if (list) list.push(span);
    else blockedBy.set(b.practitionerId, [span]);
  }

  const found: { at: number; practitionerId: string }[] = [];
  for (const practitionerId of new Set(query.practitionerIds)) {
    const weekly = query.hours.filter((h) => h.practitionerId === practitionerId && h.locationId === query.locationId);
    const opened: Span[] = query.exceptions
      .filter((e) => e.kind === "extra_hours" && e.practitionerId === practitionerId && e.locationId === query.locationId)
      .map(spanOf);
    for (let day = firstDay; day <= lastDay; day++) {
      const weekday = ((((day + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
      for (const row of weekly) {
        if (row.weekday !== weekday) continue;
        opened.push({ start: reach(clock, day * DAY + clockMinutes(row.starts) * MINUTE), end: reach(clock, day * DAY + clockMinutes(row.ends) * MINUTE) });
      }
    }
    const shut = closures.concat(query.exceptions.filter((e) => e.kind === "time_off" && e.practitionerId === practitionerId).map(spanOf));
    const working = subtract(union(opened), union(shut));

    const blocked = union(blockedBy.get(practitionerId) ?? [], false);
    const startRanges: Span[] = [];
    for (const w of working) {
      const lo = Math.max(w.start, from);
      const hi = Math.min(w.end, to) - duration;
      if (lo <= hi) startRanges.push(...withoutOpen(lo, hi, blocked));
    }
    for (const at of gridPoints(startRanges, clock, query.stepMinutes * MINUTE)) found.push({ at, practitionerId });
  }

  found.sort((a, b) => a.at - b.at || (a.practitionerId < b.practitionerId ? -1 : a.practitionerId > b.practitionerId ? 1 : 0));
  return found.map(({ at, practitionerId }) => ({ practitionerId, startsAt: new Date(at), endsAt: new Date(at + duration) }));
}

function spanOf(e: { startsAt: Date; endsAt: Date }): Span {
  return { start: e.startsAt.getTime(), end: e.endsAt.getTime() };
}

function clockMinutes(hhmm: string): number {
  const [hh, mm] = hhmm.split(":").map(Number) as [number, number];
  return hh * 60 + mm;
}

/**
 * The zone's offset over [start, end), as spans of constant offset. Probing every PROBE and bisecting to the minute
 * where two probes differ keeps this to a few dozen Intl calls for a week, where converting each boundary would
 * cost one per hours row and day.
 */
function offsetSpans(start: number, end: number, timeZone: string): OffsetSpan[] {
  const offsetAt = (t: number) => utcOffsetMs(new Date(t), timeZone);
  const spans: OffsetSpan[] = [];
  let spanStart = start;
  let offset = offsetAt(start);
  for (let probe = start; probe < end; ) {
    const next = Math.min(probe + PROBE, end);
    const nextOffset = offsetAt(next);
    if (nextOffset !== offset) {
      let lo = probe;
      let hi = next;
      while (hi - lo > MINUTE) {
        const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
        if (offsetAt(mid) === offset) lo = mid;
        else hi = mid;
      }
      spans.push({ start: spanStart, end: hi, offset });
      spanStart = hi;
      offset = nextOffset;
    }
    probe = next;
  }
  spans.push({ start: spanStart, end, offset });
  return spans;
}

/** The wall clock at an instant, as milliseconds since 1970-01-01T00:00 local. */
function wallAt(clock: OffsetSpan[], t: number): number {
  const span = clock.find((s) => t < s.end) ?? clock[clock.length - 1]!;
  return t + span.offset;
}

/** The first instant at which the wall clock shows `wall` or later. */
function reach(clock: OffsetSpan[], wall: number): number {
  for (const span of clock) if (wall < span.end + span.offset) return Math.max(span.start, wall - span.offset);
  return clock[clock.length - 1]!.end;
}

/** Sorted, disjoint spans covering the same instants; `mergeTouching` false keeps a shared end point apart, for open spans. */
function union(spans: Span[], mergeTouching = true): Span[] {
  const sorted = spans.filter((s) => s.start < s.end).sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && (s.start < last.end || (mergeTouching && s.start === last.end))) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** Both arguments sorted and disjoint. */
function subtract(spans: Span[], holes: Span[]): Span[] {
  const result: Span[] = [];
  let h = 0;
  for (const span of spans) {
    let start = span.start;
    while (h < holes.length && holes[h]!.end <= start) h++;
    for (let k = h; k < holes.length && holes[k]!.start < span.end; k++) {
      if (holes[k]!.start > start) result.push({ start, end: holes[k]!.start });
      start = Math.max(start, holes[k]!.end);
    }
    if (start < span.end) result.push({ start, end: span.end });
  }
  return result;
}

/** The closed range [lo, hi] minus the open spans (start, end) of `blocked` (sorted, disjoint), as closed ranges. */
function withoutOpen(lo: number, hi: number, blocked: Span[]): Span[] {
  const result: Span[] = [];
  let start = lo;
  for (const b of blocked) {
    if (b.end <= start) continue;
    if (b.start >= hi) break;
    if (b.start >= start) result.push({ start, end: b.start });
    start = b.end;
    if (start > hi) return result;
  }
  result.push({ start, end: hi });
  return result;
}

/** The instants in the closed ranges (sorted) whose wall clock is a multiple of `step` past local midnight. */
function gridPoints(ranges: Span[], clock: OffsetSpan[], step: number): number[] {
  const points: number[] = [];
  for (const range of ranges) {
    for (const span of clock) {
      if (span.end <= range.start || span.start > range.end) continue;
      const lo = Math.max(range.start, span.start);
      const hi = Math.min(range.end, span.end - 1);
      for (let t = Math.ceil((lo + span.offset) / step) * step - span.offset; t <= hi; t += step) points.push(t);
    }
  }
  return points;
}
