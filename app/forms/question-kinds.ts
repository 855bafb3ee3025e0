import type { QuestionKind } from "./definition";

/** The kinds the builder offers, in its words. */
export const QUESTION_KINDS: { kind: QuestionKind; label: string }[] = [
  { kind: "short_text", label: "Short text" },
  { kind: "long_text", label: "Long text" },
  { kind: "number", label: "Number" },
  { kind: "date", label: "Date" },
  { kind: "single_choice", label: "Single choice" },
  { kind: "multiple_choice", label: "Multiple choice" },
  { kind: "yes_no", label: "Yes / no" },
  { kind: "scale", label: "Scale" },
  { kind: "file", label: "File upload" },
  { kind: "signature", label: "Signature" },
  { kind: "consent", label: "Consent" },
];
