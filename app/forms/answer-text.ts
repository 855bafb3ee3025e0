import type { ContentBlock } from "../document-content";
import { type Answers, answerOf, type FormDefinition, type Question } from "./definition";
import { visibleQuestionIds } from "./rules";

/** One answer in words, as staff read it and as the PDF copy prints it. */
export function answerText(question: Question, value: unknown): string {
  if (value === undefined || value === null || value === "") return "—";
  const record = typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  switch (question.kind) {
    case "single_choice":
      return question.options.find((o) => o.value === value)?.label ?? String(value);
    case "multiple_choice":
      return Array.isArray(value) ? value.map((v) => question.options.find((o) => o.value === v)?.label ?? String(v)).join(", ") : String(value);
    case "yes_no":
      return value === true ? "Yes" : value === false ? "No" : String(value);
    case "signature":
      return record ? (record.method === "typed" ? `Signed: ${String(record.name)}` : "Signed (drawn)") : String(value);
    case "file":
      return "A file was added";
    case "consent":
      return record ? (record.accepted === true ? `Accepted, signed: ${String(record.name)}` : "Not accepted") : String(value);
    default:
      return String(value);
  }
}

export type AnsweredSection = { title: string; answers: { question: string; answer: string; consentText: string | null; fileId: string | null; image: boolean }[] };

/** The file an answer holds: a file question's upload, or a drawn signature (an image). */
function answerFile(question: Question, value: unknown): { fileId: string | null; image: boolean } {
  if (question.kind === "file" && typeof value === "string") return { fileId: value, image: false };
  if (question.kind === "signature" && typeof value === "object" && value !== null && !Array.isArray(value) && "fileId" in value && typeof value.fileId === "string") return { fileId: value.fileId, image: true };
  return { fileId: null, image: false };
}

/** The questions the client saw (the rules decide, from their own answers), section by section, with their answers. */
export function answeredSections(definition: FormDefinition, answers: Answers): AnsweredSection[] {
  const visible = visibleQuestionIds(definition, answers);
  return definition.sections
    .map((section) => ({
      title: section.title,
      answers: section.questions
        .filter((q) => visible.has(q.id))
        .map((q) => ({ question: q.label, answer: answerText(q, answerOf(answers, q.id)), consentText: q.kind === "consent" ? q.text : null, ...answerFile(q, answerOf(answers, q.id)) })),
    }))
    .filter((section) => section.answers.length > 0);
}

/** The same, as the blocks the PDF renderer prints (the records' PDF look). */
export function answeredBlocks(sections: AnsweredSection[]): ContentBlock[] {
  return sections.flatMap((section): ContentBlock[] => [
    { kind: "heading", text: section.title },
    ...section.answers.map((a): ContentBlock => ({ kind: "paragraph", lines: [a.question, ...(a.consentText ? [a.consentText] : []), a.answer] })),
  ]);
}
