import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { type FormEvent, useEffect, useState } from "react";
import { FormQuestion } from "~/components/form-question";
import { PortalLayout } from "~/components/portal-layout";
import { type FormFields, normaliseAnswers, visibleQuestionIds } from "~/forms/rules";
import { formToFill, saveFormAnswers } from "~/use-cases/portal/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `${loaded?.page.definition.title ?? "Form"} · ${loaded?.shell.practiceName ?? "Portal"}` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const loaded = await formToFill(context, request, params.requestId);
  return { ...loaded, saved: new URL(request.url).searchParams.has("saved") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const outcome = await saveFormAnswers(context, request, params.requestId, await request.formData());
  if (outcome.ok) throw redirect(outcome.submitted ? "/forms?submitted=1" : `/forms/${params.requestId}?saved=1`);
  return data({ problems: outcome.problems, fields: outcome.page.fields }, { status: outcome.status });
}

function fieldsFrom(form: HTMLFormElement): FormFields {
  const fields: FormFields = {};
  for (const [name, value] of new FormData(form).entries()) {
    if (typeof value !== "string") continue;
    const before = fields[name];
    fields[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return fields;
}

/**
 * The form, one question after another by section. Which questions show follows the answers as the client types
 * (the same rules the server applies); without script, the saved answers decide, and saving shows what they open.
 */
export default function FillFormPage() {
  const { shell, page, saved } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  // What the inputs start from: the saved answers, or what was just posted back with its problems.
  const base = result?.fields ?? page.fields;
  const [fields, setFields] = useState<FormFields>(base);
  useEffect(() => setFields(base), [base]);
  const visible = visibleQuestionIds(page.definition, normaliseAnswers(page.definition, fields));
  const problems = result?.problems ?? {};
  const problemCount = Object.keys(problems).length;
  const onChange = (event: FormEvent<HTMLFormElement>) => setFields(fieldsFrom(event.currentTarget));
  return (
    <PortalLayout shell={shell}>
      <p>
        <Link to="/forms">← Forms</Link>
      </p>
      <h1>{page.definition.title}</h1>
      {page.patientName ? <p className="muted">{`About ${page.patientName}`}</p> : null}
      {page.definition.description ? <p>{page.definition.description}</p> : null}
      {page.submitted ? <p className="notice">{`Sent to the practice ${page.submittedAt}. These are your answers.`}</p> : null}
      {saved && !result ? (
        <p className="notice" role="status">
          Saved. You can come back to finish it later.
        </p>
      ) : null}
      {problemCount ? (
        <div className="notice notice--warning" role="alert">
          <p>{problems._form ?? `Please check ${problemCount === 1 ? "one answer" : `${problemCount} answers`} below.`}</p>
        </div>
      ) : null}
      <Form key={JSON.stringify(base)} method="post" className="stack smart-form" onChange={onChange}>
        {page.definition.sections.map((section) => {
          const shown = section.questions.filter((q) => visible.has(q.id));
          if (!shown.length) return null;
          return (
            <section key={section.id} className="card stack" aria-labelledby={`section-${section.id}`}>
              <h2 id={`section-${section.id}`}>{section.title}</h2>
              {shown.map((question) => (
                <FormQuestion key={question.id} question={question} fields={base} problem={problems[question.id]} disabled={page.submitted} />
              ))}
            </section>
          );
        })}
        {page.submitted ? null : (
          <div className="button-row">
            <button type="submit" name="intent" value="submit" className="button" disabled={busy}>
              Send to the practice
            </button>
            <button type="submit" name="intent" value="save" className="button button--secondary" disabled={busy}>
              Save and finish later
            </button>
          </div>
        )}
      </Form>
    </PortalLayout>
  );
}
