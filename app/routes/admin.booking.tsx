import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ResultNotice } from "~/components/result-notice";
import { type BookingIntent, getBookingSettings, runBookingAction } from "~/use-cases/admin/booking-settings.server";

export const meta: MetaFunction = () => [{ title: "Online booking · Administration" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return getBookingSettings(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await runBookingAction(context, request, await request.formData());
  return data(result, { status: result.ok ? 200 : 400 });
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
const MIN_NOTICE = [
  { minutes: 0, label: "None" },
  { minutes: 60, label: "1 hour" },
  { minutes: 120, label: "2 hours" },
  { minutes: 240, label: "4 hours" },
  { minutes: 720, label: "12 hours" },
  { minutes: 1440, label: "1 day" },
  { minutes: 2880, label: "2 days" },
] as const;
const SLOT_STEPS = [5, 10, 15, 20, 30, 60] as const;
const EXCEPTION_KINDS = { time_off: "Time off", extra_hours: "Extra hours", closure: "Practice closed" } as const;

type Result = ReturnType<typeof useActionData<typeof action>>;

/** The outcome of the last post, shown in the section whose form sent it. */
function SectionResult({ result, intents }: { result: Result; intents: BookingIntent[] }) {
  if (!result || result.intent === null || !intents.includes(result.intent)) return null;
  return <ResultNotice result={result.ok ? { ok: true, message: result.message } : { ok: false, error: result.error }} />;
}

export default function BookingSettingsPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { settings } = page;
  const bookablePractitioners = page.practitioners.filter((p) => p.bookable);
  const singleLocation = page.locations.length === 1 ? page.locations[0] : undefined;
  const noticeChoices = MIN_NOTICE.some((c) => c.minutes === settings.minNoticeMinutes) ? MIN_NOTICE : [...MIN_NOTICE, { minutes: settings.minNoticeMinutes, label: `${settings.minNoticeMinutes} minutes` }];
  const locationField = (id: string) =>
    singleLocation ? (
      <input type="hidden" name="locationId" value={singleLocation.id} />
    ) : (
      <>
        <label htmlFor={id}>Location</label>
        <select id={id} name="locationId" defaultValue="">
          <option value="">Choose…</option>
          {page.locations.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      </>
    );

  return (
    <AdminLayout shell={shell}>
      <h1>Online booking</h1>
      <p className="muted">
        Clients book free times of bookable practitioners for bookable appointment types. Practitioners, locations and appointment types come from your practice
        system; here you choose which of them clients can book. Times are in the practice's time zone ({page.timeZone}).
      </p>
      {result?.intent === null ? <ResultNotice result={result.ok ? { ok: true, message: result.message } : { ok: false, error: result.error }} /> : null}

      <section className="card" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Settings</h2>
        <SectionResult result={result} intents={["settings"]} />
        <Form method="post" className="stack">
          <fieldset>
            <legend>Online booking</legend>
            <label className="checkbox">
              <input type="radio" name="mode" value="off" defaultChecked={settings.mode === "off"} /> Off
            </label>
            <label className="checkbox">
              <input type="radio" name="mode" value="requests" defaultChecked={settings.mode === "requests"} /> Clients ask for a free time; staff approve or decline each request on the schedule
            </label>
            <label className="checkbox">
              <input type="radio" name="mode" value="direct" defaultChecked={settings.mode === "direct"} /> Clients book free times themselves
            </label>
          </fieldset>
          <label htmlFor="min-notice">Minimum notice</label>
          <select id="min-notice" name="minNoticeMinutes" defaultValue={String(settings.minNoticeMinutes)}>
            {noticeChoices.map((c) => (
              <option key={c.minutes} value={c.minutes}>
                {c.label}
              </option>
            ))}
          </select>
          <label htmlFor="max-advance">Clients can book up to (days ahead)</label>
          <input id="max-advance" name="maxAdvanceDays" type="number" min={1} max={365} step={1} required defaultValue={settings.maxAdvanceDays} />
          <label htmlFor="slot-step">Appointments start every</label>
          <select id="slot-step" name="slotStepMinutes" defaultValue={String(settings.slotStepMinutes)}>
            {SLOT_STEPS.map((step) => (
              <option key={step} value={step}>
                {step} minutes
              </option>
            ))}
          </select>
          <label htmlFor="cancel-window">Cancel or reschedule online until (hours before)</label>
          <input id="cancel-window" name="cancelWindowHours" type="number" min={0} max={720} step={1} required defaultValue={settings.cancelWindowHours} />
          <p className="muted">Closer to the appointment than this, clients are asked to call the practice.</p>
          <label className="checkbox">
            <input type="checkbox" name="newPatients" defaultChecked={settings.newPatients} /> Clients may add a new {page.kind === "veterinary" ? "pet" : "patient"} while booking
          </label>
          <label className="checkbox">
            <input type="checkbox" name="newClients" defaultChecked={settings.newClients} /> New clients may book at <code>/book</code> (the types marked “new clients” below); their account starts with limited access
          </label>
          <button type="submit" name="intent" value="settings" className="button" disabled={busy}>
            Save settings
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="practitioners-heading">
        <h2 id="practitioners-heading">Practitioners</h2>
        <SectionResult result={result} intents={["practitioners"]} />
        {page.practitioners.length === 0 ? (
          <p className="empty-state">Your practice system has not sent any practitioners yet.</p>
        ) : (
          <Form method="post" className="stack">
            <div className="table-scroll">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">Practitioner</th>
                    <th scope="col">Bookable online</th>
                    <th scope="col">New clients</th>
                    <th scope="col">Staff member</th>
                  </tr>
                </thead>
                <tbody>
                  {page.practitioners.map((p) => (
                    <tr key={p.id}>
                      <td>
                        <input type="hidden" name="practitionerId" value={p.id} />
                        {p.name}
                        {p.title ? <span className="muted"> · {p.title}</span> : null}
                      </td>
                      <td>
                        <label className="checkbox">
                          <input type="checkbox" name="bookable" value={p.id} defaultChecked={p.bookable} /> <span className="visually-hidden">{p.name} is</span> bookable
                        </label>
                      </td>
                      <td>
                        <label className="visually-hidden" htmlFor={`staff-${p.id}`}>
                          Staff member for {p.name}
                        </label>
                        <select id={`staff-${p.id}`} name={`staffMember-${p.id}`} defaultValue={p.staffMemberId ?? ""}>
                          <option value="">None</option>
                          {page.staffMembers.map((s) => (
                            <option key={s.id} value={s.id}>
                              {s.name}
                            </option>
                          ))}
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <button type="submit" name="intent" value="practitioners" className="button" disabled={busy}>
              Save practitioners
            </button>
          </Form>
        )}
      </section>

      <section className="card" aria-labelledby="types-heading">
        <h2 id="types-heading">Appointment types</h2>
        <SectionResult result={result} intents={["types"]} />
        {page.types.length === 0 ? (
          <p className="empty-state">Your practice system has not sent any appointment types yet.</p>
        ) : (
          <Form method="post" className="stack">
            {bookablePractitioners.length === 0 ? <p className="notice">Mark practitioners as bookable first: a bookable type needs someone who performs it.</p> : null}
            <div className="table-scroll">
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Bookable online</th>
                    <th scope="col">Duration (minutes)</th>
                    <th scope="col">Buffer after (minutes)</th>
                    {page.kind === "veterinary" ? <th scope="col">Species (comma-separated; empty: any)</th> : null}
                    <th scope="col">Performed by</th>
                    {page.locations.length > 1 ? <th scope="col">Offered at (none ticked: all)</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {page.types.map((t) => (
                    <tr key={t.id}>
                      <td>
                        <input type="hidden" name="typeId" value={t.id} />
                        {t.name}
                      </td>
                      <td>
                        <label className="checkbox">
                          <input type="checkbox" name="bookable" value={t.id} defaultChecked={t.bookable} /> <span className="visually-hidden">{t.name} is</span> bookable
                        </label>
                      </td>
                      <td>
                        <label className="checkbox">
                          <input type="checkbox" name="newClients" value={t.id} defaultChecked={t.newClients} /> <span className="visually-hidden">{t.name} is bookable by</span> new clients
                        </label>
                      </td>
                      <td>
                        <input aria-label={`Duration of ${t.name} in minutes`} name={`duration-${t.id}`} type="number" min={5} max={480} step={1} defaultValue={t.durationMinutes ?? ""} />
                      </td>
                      <td>
                        <input aria-label={`Buffer after ${t.name} in minutes`} name={`buffer-${t.id}`} type="number" min={0} max={240} step={1} defaultValue={t.bufferMinutes} />
                      </td>
                      {page.kind === "veterinary" ? (
                        <td>
                          <input aria-label={`Species for ${t.name}`} name={`species-${t.id}`} maxLength={1000} defaultValue={t.species.join(", ")} />
                        </td>
                      ) : null}
                      <td>
                        {bookablePractitioners.map((p) => (
                          <label key={p.id} className="checkbox">
                            <input type="checkbox" name={`practitioners-${t.id}`} value={p.id} defaultChecked={t.practitionerIds.includes(p.id)} /> {p.name}
                          </label>
                        ))}
                      </td>
                      {page.locations.length > 1 ? (
                        <td>
                          {page.locations.map((l) => (
                            <label key={l.id} className="checkbox">
                              <input type="checkbox" name={`locations-${t.id}`} value={l.id} defaultChecked={t.locationIds.includes(l.id)} /> <span className="visually-hidden">{t.name} at</span> {l.name}
                            </label>
                          ))}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <button type="submit" name="intent" value="types" className="button" disabled={busy}>
              Save appointment types
            </button>
          </Form>
        )}
      </section>

      <section className="card" aria-labelledby="hours-heading">
        <h2 id="hours-heading">Weekly hours</h2>
        <SectionResult result={result} intents={["add-hours", "remove-hours"]} />
        {page.hours.length === 0 ? <p className="empty-state">Mark practitioners as bookable to set their hours.</p> : null}
        {page.hours.map((practitioner) => (
          <article key={practitioner.practitionerId} className="stack">
            <h3>{practitioner.practitionerName}</h3>
            {practitioner.rows.length === 0 ? (
              <p className="muted">No hours yet: clients see no free time for {practitioner.practitionerName}.</p>
            ) : (
              <ul>
                {practitioner.rows.map((row) => (
                  <li key={row.id}>
                    <Form method="post" className="inline-form">
                      {WEEKDAYS[row.weekday - 1]} {row.starts}–{row.ends}
                      {singleLocation ? null : <span className="muted"> · {row.locationName}</span>}{" "}
                      <input type="hidden" name="id" value={row.id} />
                      <button type="submit" name="intent" value="remove-hours" className="button button--secondary button--small" disabled={busy}>
                        Remove
                      </button>
                    </Form>
                  </li>
                ))}
              </ul>
            )}
            <Form method="post" className="inline-form">
              <input type="hidden" name="practitionerId" value={practitioner.practitionerId} />
              {locationField(`hours-location-${practitioner.practitionerId}`)}
              <label htmlFor={`weekday-${practitioner.practitionerId}`}>Day</label>
              <select id={`weekday-${practitioner.practitionerId}`} name="weekday" defaultValue="1">
                {WEEKDAYS.map((day, index) => (
                  <option key={day} value={index + 1}>
                    {day}
                  </option>
                ))}
              </select>
              <label htmlFor={`starts-${practitioner.practitionerId}`}>From</label>
              <input id={`starts-${practitioner.practitionerId}`} name="starts" type="time" required />
              <label htmlFor={`ends-${practitioner.practitionerId}`}>To</label>
              <input id={`ends-${practitioner.practitionerId}`} name="ends" type="time" required />
              <button type="submit" name="intent" value="add-hours" className="button button--small" disabled={busy}>
                Add hours
              </button>
            </Form>
          </article>
        ))}
      </section>

      <section className="card" aria-labelledby="exceptions-heading">
        <h2 id="exceptions-heading">Time off, extra hours and closures</h2>
        <SectionResult result={result} intents={["add-exception", "remove-exception"]} />
        {page.exceptions.length === 0 ? (
          <p className="empty-state">Nothing planned.</p>
        ) : (
          <ul>
            {page.exceptions.map((e) => (
              <li key={e.id}>
                <Form method="post" className="inline-form">
                  <strong>{EXCEPTION_KINDS[e.kind]}</strong>
                  {e.practitionerName ? ` · ${e.practitionerName}` : ""} · {e.when}
                  {e.locationName && !singleLocation ? <span className="muted"> · {e.locationName}</span> : null}
                  {e.note ? <span className="muted"> · {e.note}</span> : null}{" "}
                  <input type="hidden" name="id" value={e.id} />
                  <button type="submit" name="intent" value="remove-exception" className="button button--secondary button--small" disabled={busy}>
                    Remove
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <h3>Add</h3>
        <Form method="post" className="stack">
          <label htmlFor="exception-kind">What</label>
          <select id="exception-kind" name="kind" defaultValue="time_off">
            <option value="time_off">Time off for a practitioner</option>
            <option value="extra_hours">Extra hours for a practitioner</option>
            <option value="closure">The practice is closed</option>
          </select>
          <label htmlFor="exception-practitioner">Practitioner (not for a closure)</label>
          <select id="exception-practitioner" name="practitionerId" defaultValue="">
            <option value="">—</option>
            {bookablePractitioners.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          {locationField("exception-location")}
          <label htmlFor="exception-date">Date</label>
          <input id="exception-date" name="date" type="date" required />
          <label htmlFor="exception-end-date">Until (last date, if more than one day)</label>
          <input id="exception-end-date" name="endDate" type="date" />
          <label className="checkbox">
            <input type="checkbox" name="wholeDay" /> Whole day
          </label>
          <label htmlFor="exception-starts">From</label>
          <input id="exception-starts" name="starts" type="time" />
          <label htmlFor="exception-ends">To</label>
          <input id="exception-ends" name="ends" type="time" />
          <label htmlFor="exception-note">Note for staff (optional)</label>
          <input id="exception-note" name="note" maxLength={200} />
          <button type="submit" name="intent" value="add-exception" className="button" disabled={busy}>
            Add
          </button>
        </Form>
      </section>
    </AdminLayout>
  );
}
