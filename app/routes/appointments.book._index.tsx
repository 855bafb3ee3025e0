import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ChoiceSelect } from "~/components/choice-select";
import { FreeTimes } from "~/components/free-times";
import { TimeChoiceFields } from "~/components/time-choice-fields";
import { EmptyState, PortalLayout } from "~/components/portal-layout";
import { ResultNotice } from "~/components/result-notice";
import { addPatientWhileBooking, bookingPage, holdSlot } from "~/use-cases/portal/booking.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `Book an appointment · ${loaded?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  return bookingPage(context, request);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  if (form.get("intent") === "add-patient") {
    const added = await addPatientWhileBooking(context, request, form);
    if (!added.ok) return data({ ok: false as const, error: added.message }, { status: added.status });
    throw redirect(`/appointments/book?patient=${added.patientId}`);
  }
  const outcome = await holdSlot(context, request, form);
  if (!outcome.ok) return data({ ok: false as const, error: outcome.message }, { status: outcome.status });
  throw redirect(`/appointments/book/${outcome.holdId}`);
}

export default function BookAppointmentPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!page.available) {
    return (
      <PortalLayout shell={shell}>
        <h1>Book an appointment</h1>
        <EmptyState>{`Online booking is not offered at the moment.${shell.contact.phone ? ` To book, please call ${shell.contact.phone}.` : " To book, please contact the practice."}`}</EmptyState>
      </PortalLayout>
    );
  }
  const choice = (next: Record<string, string | null>) => {
    const query = new URLSearchParams(Object.entries({ reschedule: page.moving?.appointmentId ?? null, location: page.locationId, patient: page.patientId, type: page.typeId, practitioner: page.practitionerId, date: page.date, ...next }).filter((e): e is [string, string] => Boolean(e[1])));
    return `?${query}`;
  };
  return (
    <PortalLayout shell={shell}>
      <h1>{page.moving ? "Move your appointment" : "Book an appointment"}</h1>
      {page.moving ? <p>{`Now: ${page.moving.when}. Choose a new time; your appointment keeps everything else.`}</p> : null}
      <p className="muted">{`${page.location ? `At ${page.location.name}. ` : ""}Times are shown in the practice's time zone.`}</p>
      <ResultNotice result={result} />
      <Form method="get" className="card stack">
        {page.moving ? <input type="hidden" name="reschedule" value={page.moving.appointmentId} /> : null}
        {page.locations.length > 1 && !page.moving ? (
          <ChoiceSelect id="location" label="Where?" value={page.locationId} options={page.locations} empty="Choose…" required />
        ) : null}
        <ChoiceSelect id="patient" label={shell.practiceKind === "veterinary" ? "Which pet is it for?" : "Who is it for?"} value={page.patientId} options={page.patients} empty="Choose…" required />
        {page.patientId && page.locationId ? (
          <ChoiceSelect id="type" label="Kind of appointment" value={page.typeId} options={page.types.map((t) => ({ id: t.id, name: `${t.name} (${t.durationMinutes} min)` }))} empty="Choose…" required />
        ) : null}
        {page.typeId ? <TimeChoiceFields practitioners={page.practitioners} practitionerId={page.practitionerId} date={page.date} /> : null}
        <button type="submit" className="button button--secondary">
          {page.typeId ? "Show free times" : "Next"}
        </button>
      </Form>
      {page.canAddPatient ? (
        <details className="card">
          <summary>{shell.practiceKind === "veterinary" ? "Booking for a new pet? Add it" : "Booking for someone new? Add them"}</summary>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="add-patient" />
            <label htmlFor="new-name">Name</label>
            <input id="new-name" name="name" required maxLength={100} autoComplete="off" />
            {shell.practiceKind === "veterinary" ? (
              <>
                <label htmlFor="new-species">Species (for example Dog or Cat)</label>
                <input id="new-species" name="species" required maxLength={60} />
                <label htmlFor="new-breed">Breed (optional)</label>
                <input id="new-breed" name="breed" maxLength={100} />
              </>
            ) : null}
            <button type="submit" className="button button--secondary" disabled={busy}>
              Add and continue
            </button>
          </Form>
        </details>
      ) : null}
      {page.patientId && page.locationId && page.types.length === 0 ? <EmptyState>No appointment can be booked online for this choice. Please contact the practice.</EmptyState> : null}
      {page.typeId ? <FreeTimes times={page} linkTo={(date) => choice({ date })} fields={{ patient: page.patientId, reschedule: page.moving?.appointmentId ?? null, location: page.locationId, type: page.typeId }} busy={busy} /> : null}
    </PortalLayout>
  );
}
