import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, type ShouldRevalidateFunction, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PortalLayout } from "~/components/portal-layout";
import { SmartForm } from "~/components/smart-form";
import { formToFill, saveFormAnswers } from "~/use-cases/portal/forms.server";
import { readFormPost } from "~/use-cases/portal/read-form-post.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `${loaded?.page.definition.title ?? "Form"} · ${loaded?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const loaded = await formToFill(context, request, params.requestId);
  return { ...loaded, saved: new URL(request.url).searchParams.has("saved") };
}

/** A quiet save leaves the page as it is: reloading it would rebuild the form under the client's fingers. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) => (formData?.get("intent") === "autosave" ? false : defaultShouldRevalidate);

export async function action({ request, context, params }: ActionFunctionArgs) {
  // The session and the form first: a body of up to 10 MB is read only for its own client.
  await formToFill(context, request, params.requestId);
  const post = await readFormPost(request);
  if (!post.ok) return data({ problems: { _form: post.problem }, fields: undefined }, { status: post.status });
  const outcome = await saveFormAnswers(context, request, params.requestId, post.form, post.uploads);
  // The page's quiet save as the client goes: nothing to show but that it happened.
  if (post.form.get("intent") === "autosave") return data({ autosaved: outcome.ok || outcome.status === 400, problems: undefined, fields: undefined }, { status: outcome.ok || outcome.status === 400 ? 200 : outcome.status });
  if (outcome.ok) throw redirect(outcome.submitted ? "/forms?submitted=1" : `/forms/${params.requestId}?saved=1`);
  return data({ problems: outcome.problems, fields: outcome.page.fields }, { status: outcome.status });
}

export default function FillFormPage() {
  const { shell, page, saved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <PortalLayout shell={shell}>
      <p>
        <Link to="/forms">← Forms</Link>
      </p>
      <h1>{page.definition.title}</h1>
      {page.patientName ? <p className="muted">{`About ${page.patientName}`}</p> : null}
      {page.definition.description ? <p>{page.definition.description}</p> : null}
      {page.submitted ? (
        <p className="notice">
          {`Sent to the practice ${page.submittedAt}. These are your answers. `}
          <a href={`/forms/${page.id}.pdf`} download>
            Download a copy (PDF)
          </a>
        </p>
      ) : null}
      {saved && !result ? (
        <p className="notice" role="status">
          Saved. You can come back to finish it later.
        </p>
      ) : null}
      <SmartForm fileLink={(fileId) => `/forms/${page.id}/files/${fileId}`} definition={page.definition} fields={result?.fields ?? page.fields} problems={result?.problems ?? {}} readOnly={page.submitted} busy={busy} />
    </PortalLayout>
  );
}
