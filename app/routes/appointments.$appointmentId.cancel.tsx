import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { cancelBooking } from "~/use-cases/portal/booking.server";

export async function loader() {
  throw redirect("/appointments");
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  await cancelBooking(context, request, params.appointmentId);
  throw redirect("/appointments?cancelled=1");
}
