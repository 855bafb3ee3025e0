import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ChoiceSelect } from "~/components/choice-select";
import { ResultNotice } from "~/components/result-notice";
import { getSchedule, type PractitionerDay, runScheduleAction, type ScheduleEntry } from "~/use-cases/admin/schedule.server";

export const meta: MetaFunction = () => [{ title: "Schedule · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return getSchedule(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await runScheduleAction(context, request, await request.formData());
  return data(result, { status: result.ok ? 200 : 400 });
}

const COLUMNS = 6;

function EntryRow({ entry, busy }: { entry: ScheduleEntry; busy: boolean }) {
  const where = entry.location ? <span className="muted"> · {entry.location}</span> : null;
  if (entry.kind === "hold") {
    return (
      <tr>
        <th scope="row">
          <time dateTime={entry.startsIso}>{entry.time}</time>
          {where}
        </th>
        <td>—</td>
        <td>{entry.client}</td>
        <td>{entry.typeName}</td>
        <td>
          <span className="badge badge--warning">
            Held online until {entry.heldUntil}
          </span>
          {entry.moving ? <span className="muted"> · to move an appointment</span> : null}
        </td>
        <td />
      </tr>
    );
  }
  return (
    <tr>
      <th scope="row">
        <time dateTime={entry.startsIso}>{entry.time}</time>
        {where}
      </th>
      <td>{entry.patient}</td>
      <td>{entry.client}</td>
      <td>
        {entry.reason}
        {entry.clientNote ? <span className="muted"> · “{entry.clientNote}”</span> : null}
      </td>
      <td>
        {entry.awaitingDecision ? <span className="badge badge--warning">Requested online</span> : entry.bookedOnline ? <span className="badge badge--success">Booked online</span> : "Practice"}
        <span className="muted"> · {entry.status}</span>
      </td>
      <td>
        {entry.awaitingDecision ? (
          <div className="stack">
            <Form method="post">
              <input type="hidden" name="appointmentId" value={entry.id} />
              <button type="submit" name="intent" value="approve" className="button button--small" disabled={busy}>
                Approve request for {entry.patient}
              </button>
            </Form>
            <details>
              <summary>Decline…</summary>
              <Form method="post" className="stack">
                <input type="hidden" name="appointmentId" value={entry.id} />
                <label htmlFor={`message-${entry.id}`}>Message to the client (optional, sent in the email)</label>
                <textarea id={`message-${entry.id}`} name="message" maxLength={500} rows={3} />
                <button type="submit" name="intent" value="decline" className="button button--secondary button--small" disabled={busy}>
                  Decline request for {entry.patient}
                </button>
              </Form>
            </details>
          </div>
        ) : null}
        {entry.cancellable ? (
          <details>
            <summary>Cancel…</summary>
            <Form method="post" className="stack">
              <input type="hidden" name="appointmentId" value={entry.id} />
              <label htmlFor={`reason-${entry.id}`}>Why (recorded in the audit log)</label>
              <input id={`reason-${entry.id}`} name="reason" required maxLength={200} />
              <button type="submit" name="intent" value="cancel" className="button button--secondary button--small" disabled={busy}>
                Cancel appointment for {entry.patient}
              </button>
            </Form>
          </details>
        ) : null}
      </td>
    </tr>
  );
}

function PractitionerRows({ practitioner, busy }: { practitioner: PractitionerDay; busy: boolean }) {
  const working = practitioner.hours.length ? `Working ${practitioner.hours.join(", ")}` : "No working hours";
  return (
    <tbody>
      <tr>
        <th scope="rowgroup" colSpan={COLUMNS}>
          {practitioner.name}
          <span className="muted">
            {" "}
            · {working}
            {practitioner.away.length ? ` · ${practitioner.away.join(", ")}` : ""}
          </span>
        </th>
      </tr>
      {practitioner.entries.length === 0 ? (
        <tr>
          <td colSpan={COLUMNS} className="muted">
            No appointments.
          </td>
        </tr>
      ) : (
        practitioner.entries.map((entry) => <EntryRow key={`${entry.kind}-${entry.id}`} entry={entry} busy={busy} />)
      )}
    </tbody>
  );
}

export default function SchedulePage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { filters } = page;
  const linkTo = (date: string) => {
    const query = new URLSearchParams({ date, view: filters.view });
    if (filters.practitionerId) query.set("practitioner", filters.practitionerId);
    if (filters.locationId) query.set("location", filters.locationId);
    return `?${query}`;
  };
  const unit = filters.view === "week" ? "week" : "day";

  return (
    <AdminLayout shell={shell}>
      <h1>Schedule</h1>
      <p>
        <Link className="button" to="/admin/schedule/book">
          Book for a client
        </Link>
      </p>
      <p className="muted">Appointments from your practice system and from online booking, clients' requests to approve or decline, and the times clients are holding. Times are in the practice's time zone ({page.timeZone}).</p>
      <ResultNotice result={result} />
      <Form method="get" className="filters">
        <div>
          <label htmlFor="date">Day</label>
          <input id="date" name="date" type="date" defaultValue={filters.date} />
        </div>
        <div>
          <label htmlFor="view">Show</label>
          <select id="view" name="view" defaultValue={filters.view}>
            <option value="day">One day</option>
            <option value="week">The week</option>
          </select>
        </div>
        <div>
          <ChoiceSelect id="practitioner" label="Practitioner" value={filters.practitionerId} options={page.practitioners} empty="Everyone" />
        </div>
        {page.locations.length > 1 ? (
          <div>
            <ChoiceSelect id="location" label="Location" value={filters.locationId} options={page.locations} empty="All locations" />
          </div>
        ) : null}
        <button type="submit" className="button">
          Show
        </button>
      </Form>
      <nav aria-label={`Other ${unit}s`} className="button-row">
        <Link to={linkTo(page.previousDate)}>← Previous {unit}</Link>
        <Link to={linkTo(page.today)}>Today</Link>
        <Link to={linkTo(page.nextDate)}>Next {unit} →</Link>
      </nav>
      {page.truncated ? <p className="notice">Only the first appointments are shown: choose one practitioner or one day to see them all.</p> : null}
      {page.days.map((day) => (
        <section key={day.date} className="stack" aria-labelledby={`day-${day.date}`}>
          <h2 id={`day-${day.date}`}>
            {day.label}
            {day.date === page.today ? <span className="muted"> · today</span> : null}
          </h2>
          {day.closures.map((closure) => (
            <p key={closure} className="notice notice--warning">
              {closure}
            </p>
          ))}
          {day.practitioners.length === 0 ? (
            <p className="empty-state">Nothing scheduled.</p>
          ) : (
            <div className="table-scroll">
              <table className="data-table">
                <caption className="visually-hidden">Schedule for {day.label}</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Patient</th>
                    <th scope="col">Client</th>
                    <th scope="col">Appointment</th>
                    <th scope="col">Booked</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                {day.practitioners.map((practitioner) => (
                  <PractitionerRows key={practitioner.key} practitioner={practitioner} busy={busy} />
                ))}
              </table>
            </div>
          )}
        </section>
      ))}
    </AdminLayout>
  );
}
