import { Form, useFetcher } from "@remix-run/react";
import { type FormEvent, useEffect, useRef, useState } from "react";
import type { FormDefinition } from "~/forms/definition";
import { type FormFields, normaliseAnswers, visibleQuestionIds } from "~/forms/rules";
import { FormQuestion } from "./form-question";

function fieldsFrom(form: HTMLFormElement): FormFields {
  const fields: FormFields = {};
  for (const [name, value] of new FormData(form).entries()) {
    if (typeof value !== "string") continue;
    // Own properties only: a question may be called "constructor".
    const before = Object.hasOwn(fields, name) ? fields[name] : undefined;
    fields[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return fields;
}

/**
 * A form to fill, one section after another. Which questions show follows the answers as the client types (the
 * same rules the server applies); without script, the saved answers decide, and saving shows what they open.
 * `fields` are the saved answers, or what was just posted back with its `problems`.
 */
export function SmartForm({
  definition,
  fields: base,
  problems,
  readOnly,
  busy,
  fileLink,
}: {
  definition: FormDefinition;
  fields: FormFields;
  problems: Record<string, string>;
  readOnly: boolean;
  busy: boolean;
  /** Where a file already given with the form can be opened; null where it cannot (the tablet). */
  fileLink: ((fileId: string) => string) | null;
}) {
  const [fields, setFields] = useState<FormFields>(base);
  useEffect(() => setFields(base), [base]);
  // The form is rebuilt with what came back: focus goes to the list of problems, not to the top of the page.
  const alert = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (Object.keys(problems).length) alert.current?.focus();
  }, [problems]);
  const visible = visibleQuestionIds(definition, normaliseAnswers(definition, fields));
  const problemCount = Object.keys(problems).length;
  // Saved as the client goes: a quiet save a moment after each change (files and drawings go with the buttons).
  const autosave = useFetcher<{ autosaved?: boolean }>();
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);
  const onChange = (event: FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    setFields(fieldsFrom(form));
    if (readOnly) return;
    clearTimeout(pending.current);
    pending.current = setTimeout(() => {
      const data = new FormData();
      for (const [name, value] of new FormData(form).entries()) if (typeof value === "string" && name !== "intent" && !name.endsWith(".drawing")) data.append(name, value);
      data.set("intent", "autosave");
      autosave.submit(data, { method: "post" });
    }, 1500);
  };
  return (
    <>
      {problemCount ? (
        <div ref={alert} tabIndex={-1} className="notice notice--warning" role="alert">
          <p>{problems._form ?? `Please check ${problemCount === 1 ? "one answer" : `${problemCount} answers`} below.`}</p>
        </div>
      ) : null}
      <Form key={JSON.stringify(base)} method="post" className="stack smart-form" onChange={onChange} encType={definition.sections.some((s) => s.questions.some((q) => q.kind === "file" || q.kind === "signature")) ? "multipart/form-data" : undefined}>
        {definition.sections.map((section) => {
          const shown = section.questions.filter((q) => visible.has(q.id));
          if (!shown.length) return null;
          return (
            <section key={section.id} className="card stack" aria-labelledby={`section-${section.id}`}>
              <h2 id={`section-${section.id}`}>{section.title}</h2>
              {shown.map((question) => (
                <FormQuestion key={question.id} fileLink={fileLink} question={question} fields={base} problem={Object.hasOwn(problems, question.id) ? problems[question.id] : undefined} disabled={readOnly} />
              ))}
            </section>
          );
        })}
        {readOnly ? null : (
          <p className="muted" role="status">
            {autosave.state !== "idle" ? "Saving…" : autosave.data?.autosaved ? "Your answers are saved as you go." : ""}
          </p>
        )}
        {readOnly ? null : (
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
    </>
  );
}
