import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, type ShouldRevalidateFunction, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Page } from "~/components/page";
import { SmartForm } from "~/components/smart-form";
import { kioskForm, saveKioskForm } from "~/use-cases/portal/kiosk.server";
import { readFormPost } from "~/use-cases/portal/read-form-post.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: loaded?.definition.title ?? "Form" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return kioskForm(context, request, params.requestId);
}

/** A quiet save leaves the page as it is: reloading it would rebuild the form under the client's fingers. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) => (formData?.get("intent") === "autosave" ? false : defaultShouldRevalidate);

export async function action({ request, context, params }: ActionFunctionArgs) {
  // The tablet's session and the form first: a body of up to 10 MB is read only for its own client.
  await kioskForm(context, request, params.requestId);
  const post = await readFormPost(request);
  if (!post.ok) return data({ problems: { _form: post.problem }, fields: undefined }, { status: post.status });
  const outcome = await saveKioskForm(context, request, params.requestId, post.form, post.uploads);
  if (post.form.get("intent") === "autosave") return data({ autosaved: outcome.ok || outcome.status === 400, problems: undefined, fields: undefined }, { status: outcome.ok || outcome.status === 400 ? 200 : outcome.status });
  if (outcome.ok && "done" in outcome) throw redirect("/kiosk/done", { headers: { "Set-Cookie": outcome.cookie } });
  if (outcome.ok) throw redirect(outcome.submitted ? "/kiosk" : `/kiosk/forms/${params.requestId}`);
  return data({ problems: outcome.problems, fields: outcome.page.fields }, { status: outcome.status });
}

/** One of the client's forms on the practice's tablet: the portal's form, without the portal around it. */
export default function KioskFormPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <Page>
      <p>
        <Link to="/kiosk">← Your forms</Link>
      </p>
      <h1>{page.definition.title}</h1>
      {page.patientName ? <p className="muted">{`About ${page.patientName}`}</p> : null}
      {page.definition.description ? <p>{page.definition.description}</p> : null}
      <SmartForm fileLink={null} definition={page.definition} fields={result?.fields ?? page.fields} problems={result?.problems ?? {}} readOnly={page.submitted} busy={busy} />
    </Page>
  );
}
