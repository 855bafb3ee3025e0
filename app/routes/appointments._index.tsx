import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { EmptyState, PortalLayout } from "~/components/portal-layout";
import { ResultNotice } from "~/components/result-notice";
import { type AppointmentItem, listAppointments } from "~/use-cases/portal/appointments.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Appointments · ${data?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const loaded = await listAppointments(context, request);
  return { ...loaded, bookedNotice: new URL(request.url).searchParams.has("booked") };
}

function Appointment({ appointment, upcoming }: { appointment: AppointmentItem; upcoming: boolean }) {
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
          {appointment.canConfirm ? (
            <Form method="post" action={`/appointments/${appointment.id}/confirm`}>
              <button type="submit" className="button">
                Confirm appointment
              </button>
            </Form>
          ) : (
            <span className="badge badge--success">Confirmed</span>
          )}
          <a className="button button--secondary" href={`/appointments/${appointment.id}.ics`} download>
            Add to calendar
          </a>
        </div>
      ) : null}
    </li>
  );
}

export default function AppointmentsPage() {
  const { shell, page, bookedNotice } = useLoaderData<typeof loader>();
  return (
    <PortalLayout shell={shell}>
      <h1>Appointments</h1>
      <ResultNotice result={bookedNotice ? { ok: true, message: "Your appointment is booked. We have emailed you the details." } : undefined} />
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
              <Appointment key={a.id} appointment={a} upcoming />
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
              <Appointment key={a.id} appointment={a} upcoming={false} />
            ))}
          </ul>
        )}
      </section>
    </PortalLayout>
  );
}
