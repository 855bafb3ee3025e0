import type { Question } from "~/forms/definition";
import type { FormFields } from "~/forms/rules";
import { SignaturePad } from "./signature-pad";

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";
const all = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Label, help and problem of one question, wired together for assistive technology. */
function Described({ question, problem, children }: { question: Question; problem: string | undefined; children: (ids: { describedBy: string | undefined; invalid: boolean }) => React.ReactNode }) {
  const helpId = question.help ? `${question.id}-help` : undefined;
  const problemId = problem ? `${question.id}-problem` : undefined;
  const describedBy = [helpId, problemId].filter(Boolean).join(" ") || undefined;
  return (
    <>
      {question.help ? (
        <p id={helpId} className="muted">
          {question.help}
        </p>
      ) : null}
      {problem ? (
        <p id={problemId} className="field-error">
          {problem}
        </p>
      ) : null}
      {children({ describedBy, invalid: Boolean(problem) })}
    </>
  );
}

function Choices({ question, type, options, values, disabled, describedBy }: { question: Question; type: "radio" | "checkbox"; options: { value: string; label: string }[]; values: string[]; disabled: boolean; describedBy: string | undefined }) {
  return (
    <>
      {options.map((option) => (
        <label key={option.value} className="checkbox">
          <input type={type} name={question.id} value={option.value} defaultChecked={values.includes(option.value)} disabled={disabled} aria-describedby={describedBy} /> {option.label}
        </label>
      ))}
    </>
  );
}

/**
 * One question as the client answers it, from the saved (or just posted) fields. Choice questions are fieldsets with
 * a legend; a signature is a typed name (the keyboard's way to sign); consent shows its text, a box to accept and
 * the name typed beside it.
 */
export function FormQuestion({ question, fields, problem, disabled, fileLink }: { question: Question; fields: FormFields; problem: string | undefined; disabled: boolean; fileLink: ((fileId: string) => string) | null }) {
  const label = `${question.label}${question.required ? " (required)" : ""}`;
  // Own properties only: a question may be called "constructor" (the `<id>.name` fields cannot clash: ids have no dot).
  const value = Object.hasOwn(fields, question.id) ? fields[question.id] : undefined;
  const textProps = (describedBy: string | undefined, invalid: boolean) => ({ id: question.id, name: question.id, defaultValue: first(value), disabled, "aria-required": question.required || undefined, "aria-describedby": describedBy, "aria-invalid": invalid || undefined });
  switch (question.kind) {
    case "short_text":
    case "long_text":
    case "number":
    case "date":
      return (
        <div className="stack form-question">
          <label htmlFor={question.id}>{label}</label>
          <Described question={question} problem={problem}>
            {({ describedBy, invalid }) =>
              question.kind === "long_text" ? (
                <textarea {...textProps(describedBy, invalid)} rows={4} maxLength={question.maxLength} />
              ) : question.kind === "short_text" ? (
                <input {...textProps(describedBy, invalid)} type="text" maxLength={question.maxLength} />
              ) : question.kind === "number" ? (
                <input {...textProps(describedBy, invalid)} type="text" inputMode="decimal" />
              ) : (
                <input {...textProps(describedBy, invalid)} type="date" min={question.notBefore} max={question.notAfter} />
              )
            }
          </Described>
        </div>
      );
    case "single_choice":
    case "multiple_choice":
    case "yes_no":
    case "scale": {
      const options =
        question.kind === "yes_no"
          ? [
              { value: "yes", label: "Yes" },
              { value: "no", label: "No" },
            ]
          : question.kind === "scale"
            ? Array.from({ length: question.max - question.min + 1 }, (_, i) => {
                const n = question.min + i;
                const words = n === question.min && question.minLabel ? ` (${question.minLabel})` : n === question.max && question.maxLabel ? ` (${question.maxLabel})` : "";
                return { value: String(n), label: `${n}${words}` };
              })
            : question.options;
      return (
        <fieldset className="stack form-question" aria-invalid={problem ? true : undefined}>
          <legend>{label}</legend>
          <Described question={question} problem={problem}>
            {({ describedBy }) => <Choices question={question} type={question.kind === "multiple_choice" ? "checkbox" : "radio"} options={options} values={all(value)} disabled={disabled} describedBy={describedBy} />}
          </Described>
        </fieldset>
      );
    }
    case "signature": {
      const savedDrawing = first(fields[`${question.id}.method`]) === "drawn" ? first(fields[`${question.id}.fileId`]) : "";
      return (
        <fieldset className="stack form-question" aria-invalid={problem ? true : undefined}>
          <legend>{label}</legend>
          <Described question={question} problem={problem}>
            {({ describedBy, invalid }) => (
              <>
                <SignaturePad name={question.id} saved={savedDrawing ? { fileId: savedDrawing, url: fileLink ? fileLink(savedDrawing) : null } : null} disabled={disabled} describedBy={describedBy} />
                <label htmlFor={`${question.id}.name`}>Or type your full name to sign</label>
                <input type="text" id={`${question.id}.name`} name={`${question.id}.name`} defaultValue={first(fields[`${question.id}.name`])} disabled={disabled} autoComplete="name" maxLength={200} aria-describedby={describedBy} aria-invalid={invalid || undefined} />
              </>
            )}
          </Described>
        </fieldset>
      );
    }
    case "consent":
      return (
        <fieldset className="stack form-question" aria-invalid={problem ? true : undefined}>
          <legend>{label}</legend>
          <div className="consent-text">{question.text}</div>
          <Described question={question} problem={problem}>
            {({ describedBy }) => (
              <>
                <label className="checkbox">
                  <input type="checkbox" name={`${question.id}.accepted`} defaultChecked={first(fields[`${question.id}.accepted`]) === "on"} disabled={disabled} aria-describedby={describedBy} /> I have read and agree to this
                </label>
                <label htmlFor={`${question.id}.name`}>Your full name, as your signature</label>
                <input type="text" id={`${question.id}.name`} name={`${question.id}.name`} defaultValue={first(fields[`${question.id}.name`])} disabled={disabled} autoComplete="name" maxLength={200} aria-describedby={describedBy} />
              </>
            )}
          </Described>
        </fieldset>
      );
    case "file": {
      const saved = first(value);
      const accepts = question.accept === "image" ? "image/jpeg,image/png" : "application/pdf,image/jpeg,image/png";
      return (
        <div className="stack form-question">
          <label htmlFor={`${question.id}.upload`}>{label}</label>
          <Described question={question} problem={problem}>
            {({ describedBy, invalid }) => (
              <>
                {saved ? (
                  <p>
                    <input type="hidden" name={question.id} value={saved} />
                    {fileLink ? (
                      <a href={fileLink(saved)} download>
                        The file you added
                      </a>
                    ) : (
                      "A file was added."
                    )}
                    {disabled ? "" : " Choose another to replace it."}
                  </p>
                ) : null}
                {disabled ? null : <input type="file" id={`${question.id}.upload`} name={`${question.id}.upload`} accept={accepts} aria-describedby={describedBy} aria-invalid={invalid || undefined} />}
                <p className="muted">{question.accept === "image" ? "A JPEG or PNG photo, up to 10 MB." : "A PDF, JPEG or PNG, up to 10 MB."}</p>
              </>
            )}
          </Described>
        </div>
      );
    }
  }
}
