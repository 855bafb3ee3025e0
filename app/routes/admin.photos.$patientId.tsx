import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { getPatientPhotoForStaff } from "~/use-cases/admin/clients.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const photo = await getPatientPhotoForStaff(context, request, params.patientId);
  return new Response(createReadableStreamFromReadable(await photo.read()), {
    headers: { "Content-Type": photo.contentType, "Cache-Control": "private, no-store", "Content-Security-Policy": "default-src 'none'" },
  });
}
