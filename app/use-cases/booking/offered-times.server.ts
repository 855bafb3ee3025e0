import type { PracticeTransaction } from "../../../db/with-practice.server";
import type { Slot } from "../../booking/slots";
import { addDays, dateTimeFormat, formatTimeOfDay, localeFor, zonedToUtc } from "../../time";
import { todayIn } from "../../visibility/portal-rules";
import { type BookableLocation, type BookableType, type BookingSettings, findFreeSlots, slotValue } from "./booking-schedule.server";

/** Days shown side by side, each with its number of free times, so a client sees where the week has room. */
const DAYS_SHOWN = 7;

/** A free time as the page offers it: the value its button posts back, and how it reads. */
export type OfferedSlot = { value: string; time: string; practitioner: string };

export type OfferedTimes = {
  date: string;
  days: { date: string; label: string; free: number }[];
  slots: OfferedSlot[];
  previousDate: string | null;
  nextDate: string | null;
};

type Search = { settings: BookingSettings; location: BookableLocation; type: BookableType; practitionerIds: string[]; now: Date; ownHoldsOf: string | null };

/** The free times of `days` days from `firstDay` (the practice's calendar days). */
export function freeSlotsOfDays(trx: PracticeTransaction, search: Search, firstDay: string, days: number): Promise<Slot[]> {
  const { timeZone } = search.settings;
  return findFreeSlots(trx, { ...search, from: zonedToUtc(firstDay, "00:00", timeZone), to: zonedToUtc(addDays(firstDay, days), "00:00", timeZone) });
}

/** The day a client asked to see, if it lies in the booking window; else today. */
export function shownDate(settings: BookingSettings, now: Date, wanted: string | undefined): string {
  const today = todayIn(settings.timeZone, now);
  return wanted && wanted >= today && wanted <= addDays(today, settings.maxAdvanceDays) ? wanted : today;
}

/** The weeks before and after the one shown, within the booking window. */
function neighbours(settings: BookingSettings, now: Date, date: string): Pick<OfferedTimes, "previousDate" | "nextDate"> {
  const today = todayIn(settings.timeZone, now);
  const lastDay = addDays(today, settings.maxAdvanceDays);
  return {
    previousDate: date > today ? (addDays(date, -DAYS_SHOWN) < today ? today : addDays(date, -DAYS_SHOWN)) : null,
    nextDate: addDays(date, DAYS_SHOWN) <= lastDay ? addDays(date, DAYS_SHOWN) : null,
  };
}

/** Where there is no type chosen yet: the day, and nothing to choose from. */
export function noTimes(settings: BookingSettings, now: Date, wanted: string | undefined): OfferedTimes {
  const date = shownDate(settings, now, wanted);
  return { date, days: [], slots: [], ...neighbours(settings, now, date) };
}

/**
 * A week of free times from the chosen day: each day with its count, and the chosen day's times ready to show and
 * to post back. The same for a signed-in client and for a new client on `/book`.
 */
export async function offeredTimes(trx: PracticeTransaction, search: Search & { practitionerNames: Map<string, string> }, wanted: string | undefined): Promise<OfferedTimes> {
  const { settings, now } = search;
  const today = todayIn(settings.timeZone, now);
  const lastDay = addDays(today, settings.maxAdvanceDays);
  const date = shownDate(settings, now, wanted);
  const locale = localeFor(settings.timeZone);
  const found = await freeSlotsOfDays(trx, search, date, DAYS_SHOWN);
  // Each day's first instant, computed once: a slot's day is found by comparing instants, not by formatting each.
  const shown = Array.from({ length: DAYS_SHOWN }, (_, i) => addDays(date, i)).filter((d) => d <= lastDay);
  const starts = [...shown, addDays(date, DAYS_SHOWN)].map((d) => zonedToUtc(d, "00:00", settings.timeZone).getTime());
  const inDay = (slot: Slot, i: number) => slot.startsAt.getTime() >= starts[i]! && slot.startsAt.getTime() < starts[i + 1]!;
  return {
    date,
    days: shown.map((d, i) => ({ date: d, label: formatDay(d, locale), free: found.filter((s) => inDay(s, i)).length })),
    slots: found
      .filter((s) => inDay(s, 0))
      .map((s) => ({ value: slotValue(s), time: formatTimeOfDay(s.startsAt, settings.timeZone, locale), practitioner: search.practitionerNames.get(s.practitionerId) ?? "" })),
    ...neighbours(settings, now, date),
  };
}

function formatDay(date: string, locale: string): string {
  return dateTimeFormat(locale, { weekday: "short", month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));
}
