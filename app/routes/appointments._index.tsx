import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { EmptyState, PortalLayout } from "~/components/portal-layout";
import { ResultNotice } from "~/components/result-notice";
import { type AppointmentItem, listAppointments } from "~/use-cases/portal/appointments.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Appointments · ${data?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const loaded = await listAppointments(context, request);
  const query = new URL(request.url).searchParams;
  const notice = query.has("requested")
    ? "Your request has been sent. The practice will confirm it by email; until then the time is kept for you."
    : query.has("booked")
      ? "Your appointment is booked. We have emailed you the details."
      : query.has("moved") ? "Your appointment has been moved. We have emailed you the new time." : query.has("cancelled") ? "Your appointment is cancelled." : null;
  return { ...loaded, notice };
}

function Appointment({ appointment, upcoming, cancelWindowHours }: { appointment: AppointmentItem; upcoming: boolean; cancelWindowHours: number }) {
  const requested = appointment.status === "requested";
  return (
    <li className="card appointment">
      <h3>
        {appointment.reason} <span className="muted">— {appointment.patientName}</span>
      </h3>
      <p>
        <time dateTime={appointment.startsAt}>{appointment.when}</time>
      </p>
      <p className="muted">
        With {appointment.practitioner} at {appointment.location.name}
        {appointment.location.phone ? ` · ${appointment.location.phone}` : ""}
      </p>
      {upcoming ? (
        <div className="actions">
          {requested ? (
            <span className="badge badge--warning">Requested: waiting for the practice to confirm</span>
          ) : appointment.canConfirm ? (
            <Form method="post" action={`/appointments/${appointment.id}/confirm`}>
              <button type="submit" className="button">
                Confirm appointment
              </button>
            </Form>
          ) : (
            <span className="badge badge--success">Confirmed</span>
          )}
          {requested ? null : (
            <a className="button button--secondary" href={`/appointments/${appointment.id}.ics`} download>
              Add to calendar
            </a>
          )}
          {appointment.change === "allowed" ? (
            <>
              <Link className="button button--secondary" to={`/appointments/book?reschedule=${appointment.id}`}>
                Move
              </Link>
              <Form method="post" action={`/appointments/${appointment.id}/cancel`}>
                <button type="submit" className="button button--secondary">
                  {requested ? "Cancel request" : "Cancel appointment"}
                </button>
              </Form>
            </>
          ) : null}
        </div>
      ) : null}
      {upcoming && appointment.change === "too_late" ? <p className="muted">{`It is less than ${cancelWindowHours} hours away: to cancel or move it, please call the practice.`}</p> : null}
    </li>
  );
}

export default function AppointmentsPage() {
  const { shell, page, notice } = useLoaderData<typeof loader>();
  return (
    <PortalLayout shell={shell}>
      <h1>Appointments</h1>
      <ResultNotice result={notice ? { ok: true, message: notice } : undefined} />
      {page.canBook ? (
        <p>
          <Link to="/appointments/book" className="button">
            Book an appointment
          </Link>
        </p>
      ) : null}
      <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading">Upcoming</h2>
        {page.upcoming.length === 0 ? (
          <EmptyState>{page.canBook ? "No upcoming appointments." : "No upcoming appointments. To book one, please contact the practice."}</EmptyState>
        ) : (
          <ul className="item-list">
            {page.upcoming.map((a) => (
              <Appointment key={a.id} appointment={a} upcoming cancelWindowHours={page.cancelWindowHours} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="past-heading">
        <h2 id="past-heading">Past visits</h2>
        {page.past.length === 0 ? (
          <EmptyState>No past visits yet.</EmptyState>
        ) : (
          <ul className="item-list">
            {page.past.map((a) => (
              <Appointment key={a.id} appointment={a} upcoming={false} cancelWindowHours={page.cancelWindowHours} />
            ))}
          </ul>
        )}
      </section>
    </PortalLayout>
  );
}
