/** Calendar and clock helpers in a practice's time zone, with Intl only (no date library). */

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Building an Intl.DateTimeFormat costs far more than using one (the profile of a portal page showed formatter
 * construction as its largest cost): each distinct one is built once and kept. Few distinct ones exist (time zones
 * × a handful of styles), and the map is bounded anyway.
 */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    if (formatters.size >= 2_000) formatters.clear();
    formatter = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

function offsetMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    dateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** How far the wall clock in `timeZone` is ahead of UTC at `instant`, in milliseconds (negative west of Greenwich). */
export function utcOffsetMs(instant: Date, timeZone: string): number {
  return offsetMs(instant, timeZone);
}

/**
 * The first instant at which the wall clock in `timeZone` reaches `date` `time` (YYYY-MM-DD, HH:MM). A time the
 * clock shows twice (the hour repeated when it goes back) is its first pass; a time it skips (the hour lost when it
 * goes forward) is the moment of the change, when the clock jumps past it: the slot engine's rule too.
 */
export function zonedToUtc(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const wallAt = (instant: number) => instant + offsetMs(new Date(instant), timeZone);
  // Every offset in force within half a day of the wall time: a change near it is between these two.
  const offsets = [offsetMs(new Date(wall - 43_200_000), timeZone), offsetMs(new Date(wall + 43_200_000), timeZone)];
  const passes = offsets.map((offset) => wall - offset).filter((instant) => wallAt(instant) === wall);
  if (passes.length) return new Date(Math.min(...passes));
  // Skipped: the first minute whose wall clock is at or past `time`, between the two offsets' readings.
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (wallAt(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function formatDate(date: string, locale = "en-US"): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return dateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** E.g. "Friday, November 28, 2026 at 10:30 AM EST", always in the practice's time zone. */
export function formatDateTime(instant: Date | string, timeZone: string, locale = "en-US"): string {
  return dateTimeFormat(locale, {
    timeZone,
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(instant));
}

/** The time of day of an instant in a practice's zone, with the zone's abbreviation: "2:30 PM CST". */
export function formatTimeOfDay(instant: Date | string, timeZone: string, locale = "en-US"): string {
  return dateTimeFormat(locale, { timeZone, hour: "numeric", minute: "2-digit", timeZoneName: "short" }).format(new Date(instant));
}

/** Whole years between a date of birth and today (both YYYY-MM-DD); months for the very young. */
export function ageFrom(dateOfBirth: string, today: string): string {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  let months = (ty - by) * 12 + (tm - bm) - (td < bd ? 1 : 0);
  if (months < 0) months = 0;
  if (months < 24) return `${months} month${months === 1 ? "" : "s"}`;
  const years = Math.floor(months / 12);
  return `${years} years`;
}

/** Practices have no locale setting yet: European time zones read dates the British way, the others the American. */
export function localeFor(timeZone: string): string {
  return timeZone.startsWith("Europe/") ? "en-GB" : "en-US";
}
