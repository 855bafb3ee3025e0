import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { FORM_FILE_MAX_BYTES } from "../../../server/files/form-answer-file.server";
import { isRequestBodyTooLarge } from "../../../server/http/request-body.server";
import type { FormUploads } from "./forms.server";

/**
 * A form's post, with the files of its file questions (`<question id>.upload`) apart from its fields. A form without
 * file questions posts no files; a file too large is a problem to show, not an error page.
 */
export async function readFormPost(request: Request): Promise<{ ok: true; form: FormData; uploads: FormUploads } | { ok: false; status: 400 | 413; problem: string }> {
  let form: FormData;
  try {
    form = (request.headers.get("content-type") ?? "").startsWith("multipart/form-data")
      ? await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: FORM_FILE_MAX_BYTES }))
      : await request.formData();
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError || isRequestBodyTooLarge(error)) return { ok: false, status: 413, problem: "A file is larger than 10 MB. Please choose a smaller one." };
    return { ok: false, status: 400, problem: "The form did not arrive complete. Please try again." };
  }
  const uploads: FormUploads = new Map();
  const fields = new FormData();
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") fields.append(name, value);
    else if (name.endsWith(".upload") && value.size > 0) uploads.set(name.slice(0, -".upload".length), Buffer.from(await value.arrayBuffer()));
  }
  return { ok: true, form: fields, uploads };
}
