import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { getPetPhoto } from "~/use-cases/portal/settings.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const photo = await getPetPhoto(context, request, params.patientId);
  if (request.headers.get("if-none-match") === photo.etag) return new Response(null, { status: 304, headers: { ETag: photo.etag } });
  return new Response(createReadableStreamFromReadable(await photo.read()), {
    headers: {
      "Content-Type": photo.contentType,
      "Cache-Control": "private, no-store",
      ETag: photo.etag,
      "Content-Security-Policy": "default-src 'none'",
    },
  });
}
