import { Form, Link } from "@remix-run/react";
import { EmptyState } from "./portal-layout";

type Times = {
  date: string;
  days: { date: string; label: string; free: number }[];
  slots: { value: string; time: string; practitioner: string }[];
  previousDate: string | null;
  nextDate: string | null;
};

/**
 * A week of days with their number of free times, and the chosen day's times as buttons that post the time back
 * with the choices made so far (`fields`). The same for a signed-in client and a new client on /book.
 */
export function FreeTimes({ times, linkTo, fields, busy }: { times: Times; linkTo: (date: string) => string; fields: Record<string, string | null>; busy: boolean }) {
  return (
    <section aria-labelledby="days-heading" className="booking-times">
      <h2 id="days-heading">Free times</h2>
      <nav aria-label="Days" className="tabs">
        {times.previousDate ? <Link to={linkTo(times.previousDate)}>← Earlier</Link> : null}
        {times.days.map((day) => (
          <Link key={day.date} to={linkTo(day.date)} aria-current={day.date === times.date ? "date" : undefined} className={day.date === times.date ? "button button--small" : "button button--small button--secondary"}>
            {`${day.label} · ${day.free === 0 ? "full" : `${day.free} free`}`}
          </Link>
        ))}
        {times.nextDate ? <Link to={linkTo(times.nextDate)}>Later →</Link> : null}
      </nav>
      {times.slots.length === 0 ? (
        <EmptyState>No free times on this day. Choose another day.</EmptyState>
      ) : (
        <Form method="post" className="button-row">
          {Object.entries(fields).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
          {times.slots.map((slot) => (
            <button key={slot.value} type="submit" name="slot" value={slot.value} className="button button--secondary" disabled={busy}>
              {slot.time}
              <span className="muted">{` with ${slot.practitioner}`}</span>
            </button>
          ))}
        </Form>
      )}
    </section>
  );
}
