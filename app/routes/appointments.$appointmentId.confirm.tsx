import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { confirmAppointment } from "~/use-cases/portal/appointments.server";

export async function loader() {
  throw redirect("/appointments");
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  await confirmAppointment(context, request, params.appointmentId);
  throw redirect("/appointments");
}
