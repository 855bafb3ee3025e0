import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AdminLayout } from "~/components/admin-layout";
import { ResultNotice } from "~/components/result-notice";
import type { Question } from "~/forms/definition";
import { QUESTION_KINDS } from "~/forms/question-kinds";
import { changeForm, getFormBuilder } from "~/use-cases/admin/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `${loaded?.page.name ?? "Form"} · Forms · Administration` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return getFormBuilder(context, request, params.formId);
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const result = await changeForm(context, request, params.formId, await request.formData());
  return data(result, { status: result.ok ? 200 : 400 });
}

const KIND_LABEL = Object.fromEntries(QUESTION_KINDS.map((k) => [k.kind, k.label]));

/** The show-if rule in words, for the list of questions. */
function condition(question: Question, all: Question[]): string | null {
  if (!question.showIf) return null;
  const target = all.find((q) => q.id === question.showIf!.question);
  const value = question.showIf.anyOf ? question.showIf.anyOf.join(" or ") : question.showIf.equals === true ? "yes" : question.showIf.equals === false ? "no" : String(question.showIf.equals);
  return `Shown if “${target?.label ?? question.showIf.question}” is ${value}`;
}

/** The fields of one question, to add it or to edit it; the earlier questions are what it may depend on. */
function QuestionFields({ prefix, question, earlier }: { prefix: string; question?: Question; earlier: Question[] }) {
  const id = (name: string) => `${prefix}-${name}`;
  const options = question && (question.kind === "single_choice" || question.kind === "multiple_choice") ? question.options.map((o) => `${o.value}: ${o.label}`).join("\n") : "";
  const range = question && (question.kind === "number" || question.kind === "scale") ? question : undefined;
  const showIfValue = question?.showIf ? (question.showIf.anyOf?.[0] ?? (question.showIf.equals === true ? "yes" : question.showIf.equals === false ? "no" : String(question.showIf.equals))) : "";
  return (
    <>
      <label htmlFor={id("kind")}>Kind of question</label>
      <select id={id("kind")} name="kind" defaultValue={question?.kind ?? "short_text"}>
        {QUESTION_KINDS.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.label}
          </option>
        ))}
      </select>
      <label htmlFor={id("label")}>Question</label>
      <input id={id("label")} name="label" required maxLength={500} defaultValue={question?.label ?? ""} />
      <label htmlFor={id("help")}>Help text (optional)</label>
      <input id={id("help")} name="help" maxLength={1000} defaultValue={question?.help ?? ""} />
      <label className="checkbox">
        <input type="checkbox" name="required" defaultChecked={question?.required ?? false} /> Required
      </label>
      <label htmlFor={id("options")}>Options, one a line (single and multiple choice)</label>
      <textarea id={id("options")} name="options" rows={3} defaultValue={options} />
      <label htmlFor={id("min")}>Lowest (number, scale)</label>
      <input id={id("min")} name="min" type="number" defaultValue={range?.min ?? ""} />
      <label htmlFor={id("max")}>Highest (number, scale)</label>
      <input id={id("max")} name="max" type="number" defaultValue={range?.max ?? ""} />
      <label htmlFor={id("accept")}>Files accepted (file upload)</label>
      <select id={id("accept")} name="accept" defaultValue={question?.kind === "file" ? question.accept : "document"}>
        <option value="document">A document or photo (PDF, JPEG, PNG)</option>
        <option value="image">A photo (JPEG, PNG)</option>
      </select>
      <label htmlFor={id("consent")}>Text the client agrees to (consent)</label>
      <textarea id={id("consent")} name="consentText" rows={3} defaultValue={question?.kind === "consent" ? question.text : ""} />
      {earlier.length ? (
        <>
          <label htmlFor={id("show-if")}>Show only if this earlier question…</label>
          <select id={id("show-if")} name="showIfQuestion" defaultValue={question?.showIf?.question ?? ""}>
            <option value="">(always shown)</option>
            {earlier.map((q) => (
              <option key={q.id} value={q.id}>
                {q.label}
              </option>
            ))}
          </select>
          <label htmlFor={id("show-if-value")}>…is answered (yes, no, a number or an option)</label>
          <input id={id("show-if-value")} name="showIfValue" maxLength={200} defaultValue={showIfValue} />
        </>
      ) : null}
    </>
  );
}

export default function FormBuilderPage() {
  const { shell, page } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const all = page.draft.sections.flatMap((s) => s.questions);
  return (
    <AdminLayout shell={shell}>
      <p>
        <Link to="/admin/forms">← Forms</Link>
      </p>
      <h1>{page.name}</h1>
      <ResultNotice result={result} />
      <section className="card stack" aria-labelledby="publish-heading">
        <h2 id="publish-heading">Publishing</h2>
        <p>
          {page.versions[0] ? `Version ${page.versions[0].version}, published ${page.versions[0].publishedAt}.` : "Not published yet: clients cannot be sent it."}
          {page.unpublishedChanges && page.versions[0] ? " The draft below has changes not yet published." : ""}
        </p>
        <Form method="post" className="button-row">
          <button type="submit" name="intent" value="publish" className="button" disabled={busy || !page.unpublishedChanges}>
            Publish the draft
          </button>
          <button type="submit" name="intent" value={page.active ? "retire" : "restore"} className="button button--secondary" disabled={busy}>
            {page.active ? "Retire the form" : "Restore the form"}
          </button>
        </Form>
        <p>
          <a href={`/admin/forms/${page.id}/questionnaire.json`} download>
            Download as a FHIR Questionnaire
          </a>
        </p>
        <Form method="post" className="stack">
          <label htmlFor="rename">Name</label>
          <input id="rename" name="name" required maxLength={200} defaultValue={page.name} />
          <button type="submit" name="intent" value="rename" className="button button--secondary button--small" disabled={busy}>
            Rename
          </button>
        </Form>
      </section>

      {page.draft.sections.map((section, sectionIndex) => {
        const before = page.draft.sections.slice(0, sectionIndex).flatMap((s) => s.questions);
        return (
          <section key={section.id} className="card stack" aria-labelledby={`section-${section.id}`}>
            <h2 id={`section-${section.id}`}>{section.title}</h2>
            {section.questions.length === 0 ? <p className="muted">No questions in this section yet.</p> : null}
            <ol className="stack">
              {section.questions.map((question, index) => {
                const earlier = [...before, ...section.questions.slice(0, index)];
                return (
                  <li key={question.id} className="stack">
                    <p>
                      <strong>{question.label}</strong> <span className="muted">· {KIND_LABEL[question.kind]}</span>
                      {question.required ? <span className="muted"> · required</span> : null}
                      {question.showIf ? <span className="muted"> · {condition(question, all)}</span> : null}
                    </p>
                    <Form method="post" className="button-row">
                      <input type="hidden" name="questionId" value={question.id} />
                      <button type="submit" name="intent" value="move-up" className="button button--secondary button--small" disabled={busy} aria-label={`Move “${question.label}” up`}>
                        Up
                      </button>
                      <button type="submit" name="intent" value="move-down" className="button button--secondary button--small" disabled={busy} aria-label={`Move “${question.label}” down`}>
                        Down
                      </button>
                      <button type="submit" name="intent" value="remove-question" className="button button--secondary button--small" disabled={busy} aria-label={`Remove “${question.label}”`}>
                        Remove
                      </button>
                    </Form>
                    <details>
                      <summary>Edit “{question.label}”</summary>
                      <Form method="post" className="stack">
                        <input type="hidden" name="questionId" value={question.id} />
                        <QuestionFields prefix={`edit-${question.id}`} question={question} earlier={earlier} />
                        <button type="submit" name="intent" value="update-question" className="button button--small" disabled={busy}>
                          Save question
                        </button>
                      </Form>
                    </details>
                  </li>
                );
              })}
            </ol>
            <details>
              <summary>Add a question to “{section.title}”</summary>
              <Form method="post" className="stack">
                <input type="hidden" name="sectionId" value={section.id} />
                <QuestionFields prefix={`add-${section.id}`} earlier={[...before, ...section.questions]} />
                <button type="submit" name="intent" value="add-question" className="button button--small" disabled={busy}>
                  Add question
                </button>
              </Form>
            </details>
            <details>
              <summary>Rename or remove “{section.title}”</summary>
              <Form method="post" className="stack">
                <input type="hidden" name="sectionId" value={section.id} />
                <label htmlFor={`title-${section.id}`}>Section title</label>
                <input id={`title-${section.id}`} name="title" required maxLength={200} defaultValue={section.title} />
                <div className="button-row">
                  <button type="submit" name="intent" value="rename-section" className="button button--secondary button--small" disabled={busy}>
                    Rename section
                  </button>
                  <button type="submit" name="intent" value="remove-section" className="button button--secondary button--small" disabled={busy}>
                    Remove section
                  </button>
                </div>
              </Form>
            </details>
          </section>
        );
      })}

      <Form method="post" className="card stack">
        <h2>Add a section</h2>
        <label htmlFor="new-section">Section title</label>
        <input id="new-section" name="title" required maxLength={200} />
        <button type="submit" name="intent" value="add-section" className="button button--secondary" disabled={busy}>
          Add section
        </button>
      </Form>

      <Form method="post" className="card stack">
        <h2>Sent with bookings</h2>
        <p className="muted">Each booking of these appointment types sends the client this form with the confirmation.</p>
        {page.appointmentTypes.map((t) => (
          <label key={t.id} className="checkbox">
            <input type="checkbox" name="appointmentTypeId" value={t.id} defaultChecked={t.attached} /> {t.name}
          </label>
        ))}
        <button type="submit" name="intent" value="appointment-types" className="button button--secondary" disabled={busy}>
          Save appointment types
        </button>
      </Form>
    </AdminLayout>
  );
}
