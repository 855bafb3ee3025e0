import { allQuestions, answerOf, type AnswerValue, type Answers, type FormDefinition, type Question, type QuestionOf } from "./definition";

/**
 * The one place that decides which questions show and whether answers are acceptable: the page (as the client
 * types), the server (on save and submit) and the PDF renderer must never disagree.
 */

/** Answers as read from storage or a request: checked here, so typed loosely on purpose. */
type LooseAnswers = Readonly<Record<string, unknown>>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export const NOT_SHOWN = "This answers a question that is not shown.";
export const REQUIRED = "Answer this question.";

/** Questions appear in order and a show-if only looks back, so one pass settles every chain of dependencies. */
export function visibleQuestionIds(definition: FormDefinition, answers: LooseAnswers): Set<string> {
  const visible = new Set<string>();
  for (const question of allQuestions(definition)) {
    const showIf = question.showIf;
    if (!showIf) {
      visible.add(question.id);
      continue;
    }
    if (!visible.has(showIf.question)) continue;
    const answer = answerOf(answers, showIf.question);
    const matches = showIf.anyOf
      ? showIf.anyOf.some((value) => answer === value || (Array.isArray(answer) && answer.includes(value)))
      : answer === showIf.equals;
    if (matches) visible.add(question.id);
  }
  return visible;
}

/** Blank text, no choices and an unticked consent all leave a question unanswered. */
export function isAnswered(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value.trim() !== "";
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) {
    if ("accepted" in value) return value.accepted === true;
    if (value.method === "typed") return typeof value.name === "string" && value.name.trim() !== "";
    if (value.method === "drawn") return typeof value.fileId === "string" && value.fileId !== "";
  }
  return true;
}

/**
 * Problems keyed by question id, in words for the client; `_form` holds a problem with no question to show it at.
 * `final` (at submit) also requires every visible required question; a draft may be saved half done.
 */
export function answerProblems(definition: FormDefinition, answers: LooseAnswers, { final }: { final: boolean }): Record<string, string> {
  const problems: Record<string, string> = {};
  const questions = new Map(allQuestions(definition).map((question) => [question.id, question]));
  if (Object.keys(answers).some((id) => !questions.has(id))) problems._form = "Some answers are for questions that are not on this form.";

  const visible = visibleQuestionIds(definition, answers);
  for (const question of questions.values()) {
    const value = answerOf(answers, question.id);
    const answered = isAnswered(value);
    let problem: string | null = null;
    if (!visible.has(question.id)) problem = answered ? NOT_SHOWN : null;
    else if (answered) problem = valueProblem(question, value);
    else if (final && question.required) problem = question.kind === "consent" ? "Tick the box and type your full name to give consent." : REQUIRED;
    if (problem) problems[question.id] = problem;
  }
  return problems;
}

function valueProblem(question: Question, value: unknown): string | null {
  switch (question.kind) {
    case "short_text":
    case "long_text":
      if (typeof value !== "string") return "Enter text.";
      return value.length > question.maxLength ? `Use at most ${question.maxLength} characters.` : null;
    case "number":
      return numberProblem(question, value);
    case "date":
      return dateProblem(question, value);
    case "single_choice":
      return typeof value === "string" && question.options.some((option) => option.value === value) ? null : "Choose one of the options.";
    case "multiple_choice": {
      const values = new Set(question.options.map((option) => option.value));
      const valid = Array.isArray(value) && value.every((item) => typeof item === "string" && values.has(item)) && new Set(value).size === value.length;
      return valid ? null : "Choose from the options given.";
    }
    case "yes_no":
      return typeof value === "boolean" ? null : "Answer yes or no.";
    case "scale":
      return Number.isInteger(value) && (value as number) >= question.min && (value as number) <= question.max ? null : `Choose a number from ${question.min} to ${question.max}.`;
    case "file":
      return typeof value === "string" && uuidPattern.test(value) ? null : "Upload a file.";
    case "signature":
      return signatureProblem(value);
    case "consent":
      return consentProblem(value);
  }
}

function numberProblem(question: QuestionOf<"number">, value: unknown): string | null {
  const noun = question.integer ? "a whole number" : "a number";
  const { min, max } = question;
  const range =
    min !== undefined && max !== undefined ? `Enter ${noun} from ${min} to ${max}.`
    : min !== undefined ? `Enter ${noun} of at least ${min}.`
    : max !== undefined ? `Enter ${noun} of no more than ${max}.`
    : `Enter ${noun}.`;
  if (typeof value !== "number" || !Number.isFinite(value) || (question.integer && !Number.isInteger(value))) return range;
  return (min !== undefined && value < min) || (max !== undefined && value > max) ? range : null;
}

function dateProblem(question: QuestionOf<"date">, value: unknown): string | null {
  if (typeof value !== "string" || !isRealDate(value)) return "Enter a date, for example 2024-03-31.";
  const { notBefore, notAfter } = question;
  if (notBefore && notAfter && (value < notBefore || value > notAfter)) return `Enter a date from ${spokenDate(notBefore)} to ${spokenDate(notAfter)}.`;
  if (notBefore && value < notBefore) return `Enter a date on or after ${spokenDate(notBefore)}.`;
  if (notAfter && value > notAfter) return `Enter a date on or before ${spokenDate(notAfter)}.`;
  return null;
}

function signatureProblem(value: unknown): string | null {
  const sign = "Sign by drawing or by typing your full name.";
  if (!isRecord(value)) return sign;
  if (value.method === "drawn") return typeof value.fileId === "string" && uuidPattern.test(value.fileId) ? null : sign;
  if (value.method === "typed" && typeof value.name === "string") return value.name.length > 200 ? "Use at most 200 characters for your name." : null;
  return sign;
}

function consentProblem(value: unknown): string | null {
  if (!isRecord(value) || typeof value.name !== "string") return "Tick the box and type your full name to give consent.";
  if (value.name.trim() === "") return "Type your full name to give consent.";
  return value.name.length > 200 ? "Use at most 200 characters for your name." : null;
}

/** YYYY-MM-DD naming a day that exists (no 31 April). */
function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

function spokenDate(isoDate: string): string {
  const [year, month, day] = isoDate.split("-").map(Number);
  return `${day} ${months[(month ?? 1) - 1]} ${year}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** HTML form fields as the browser posts them: one string per name, or several for checkboxes. */
export type FormFields = Record<string, string | string[]>;

/**
 * Typed answers from posted fields. Text that does not parse is kept as typed for `answerProblems` to report; blank
 * fields are left out; fields that are not questions (intent, CSRF…) are ignored. Answers to questions hidden by the
 * other answers are dropped: without script every question is on the page, and a stale answer to a question the
 * client has since made irrelevant is not theirs to fix.
 */
export function normaliseAnswers(definition: FormDefinition, raw: FormFields): Answers {
  const answers: Answers = {};
  for (const question of allQuestions(definition)) {
    const value = fieldAnswer(question, raw);
    // A typed name beside an unticked consent box is kept: a draft may be saved before the box is ticked.
    const keep = value !== undefined && (isAnswered(value) || (isRecord(value) && "accepted" in value && value.name !== ""));
    if (keep) answers[question.id] = value;
  }
  const visible = visibleQuestionIds(definition, answers);
  for (const id of Object.keys(answers)) if (!visible.has(id)) delete answers[id];
  return answers;
}

function fieldAnswer(question: Question, raw: FormFields): AnswerValue | undefined {
  const field = fieldOf(raw, question.id);
  const text = (name: string) => {
    const value = fieldOf(raw, name);
    return Array.isArray(value) ? value[0] : value;
  };
  switch (question.kind) {
    case "short_text":
    case "date":
    case "single_choice":
    case "file":
      return field;
    case "long_text":
      // Browsers post a textarea's line breaks as CRLF; one break is one character, as the page counted it.
      return typeof field === "string" ? field.replace(/\r\n?/g, "\n") : field;
    case "multiple_choice":
      return typeof field === "string" ? [field] : field;
    case "number":
    case "scale": {
      if (typeof field !== "string") return field;
      const trimmed = field.trim();
      return numberPattern.test(trimmed) ? Number(trimmed) : field;
    }
    case "yes_no":
      return field === "yes" ? true : field === "no" ? false : field;
    case "signature": {
      const method = text(`${question.id}.method`);
      const name = text(`${question.id}.name`) ?? "";
      const fileId = text(`${question.id}.fileId`) ?? "";
      if (method === "typed" || (method === undefined && name !== "")) return { method: "typed", name };
      if (method === "drawn" || (method === undefined && fileId !== "")) return { method: "drawn", fileId };
      return method;
    }
    case "consent": {
      const name = text(`${question.id}.name`) ?? "";
      const accepted = text(`${question.id}.accepted`) === "on";
      return accepted || name !== "" ? { accepted, name } : undefined;
    }
  }
}

function fieldOf(raw: FormFields, name: string): string | string[] | undefined {
  return Object.hasOwn(raw, name) ? raw[name] : undefined;
}

/** The fields that re-fill the page's inputs with saved answers: `normaliseAnswers` reads them back unchanged. */
export function answersToFields(definition: FormDefinition, answers: LooseAnswers): FormFields {
  const fields: FormFields = {};
  for (const question of allQuestions(definition)) {
    const value = answerOf(answers, question.id);
    if (value === undefined || value === null) continue;
    const id = question.id;
    if (typeof value === "string" || typeof value === "number") fields[id] = String(value);
    else if (typeof value === "boolean") fields[id] = value ? "yes" : "no";
    else if (Array.isArray(value)) fields[id] = value.map(String);
    else if (isRecord(value)) {
      if (question.kind === "consent") {
        if (value.accepted === true) fields[`${id}.accepted`] = "on";
        fields[`${id}.name`] = String(value.name ?? "");
      } else {
        fields[`${id}.method`] = String(value.method ?? "");
        if (value.method === "typed") fields[`${id}.name`] = String(value.name ?? "");
        if (value.method === "drawn") fields[`${id}.fileId`] = String(value.fileId ?? "");
      }
    }
  }
  return fields;
}
