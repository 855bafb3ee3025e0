import { z } from "zod";

/**
 * The shape of a SmartForm version's definition, stored as jsonb and frozen once published. Pure: the page, the
 * server and the PDF renderer all read definitions through this one schema.
 */

/**
 * Ids double as HTML field names (`<id>.name`), so they never contain a dot, and as object keys, so they never start
 * with an underscore (`__proto__`).
 */
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,59}$/, "Use 1 to 60 lowercase letters, digits, - or _, starting with a letter or digit.");

const isoDate = z.iso.date();

const showIfSchema = z
  .object({
    question: slug,
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    anyOf: z.array(slug).min(1).optional(),
  })
  .refine((showIf) => (showIf.equals === undefined) !== (showIf.anyOf === undefined), "Give exactly one of equals or anyOf.");

const questionBase = {
  id: slug,
  label: z.string().min(1).max(500),
  help: z.string().max(1000).optional(),
  required: z.boolean(),
  showIf: showIfSchema.optional(),
};

const optionSchema = z.object({ value: slug, label: z.string().min(1).max(200) });
const optionsSchema = z.array(optionSchema).min(2).max(50);

export const fileAccepts = ["image", "document", "any"] as const;

export const questionSchema = z.discriminatedUnion("kind", [
  z.object({ ...questionBase, kind: z.literal("short_text"), maxLength: z.number().int().min(1).max(500).default(200) }),
  z.object({ ...questionBase, kind: z.literal("long_text"), maxLength: z.number().int().min(1).max(5000).default(2000) }),
  z.object({ ...questionBase, kind: z.literal("number"), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().optional() }),
  z.object({ ...questionBase, kind: z.literal("date"), notBefore: isoDate.optional(), notAfter: isoDate.optional() }),
  z.object({ ...questionBase, kind: z.literal("single_choice"), options: optionsSchema }),
  z.object({ ...questionBase, kind: z.literal("multiple_choice"), options: optionsSchema }),
  z.object({ ...questionBase, kind: z.literal("yes_no") }),
  z.object({
    ...questionBase,
    kind: z.literal("scale"),
    min: z.number().int().min(0).max(1),
    max: z.number().int().min(2).max(10),
    minLabel: z.string().min(1).max(100).optional(),
    maxLabel: z.string().min(1).max(100).optional(),
  }),
  z.object({ ...questionBase, kind: z.literal("file"), accept: z.enum(fileAccepts) }),
  z.object({ ...questionBase, kind: z.literal("signature") }),
  z.object({ ...questionBase, kind: z.literal("consent"), text: z.string().min(1).max(10000) }),
]);

const sectionSchema = z.object({ id: slug, title: z.string().min(1).max(200), questions: z.array(questionSchema).max(100) });

export const formDefinitionSchema = z
  .object({ title: z.string().min(1).max(200), description: z.string().max(2000).optional(), sections: z.array(sectionSchema).min(1).max(50) })
  .superRefine((definition, ctx) => {
    for (const message of definitionProblems(definition)) ctx.addIssue({ code: "custom", message });
  });

export type FormDefinition = z.output<typeof formDefinitionSchema>;
/** What a builder may write: defaults (text lengths) still to be filled in by parsing. */
export type FormDefinitionInput = z.input<typeof formDefinitionSchema>;
export type Section = FormDefinition["sections"][number];
export type Question = Section["questions"][number];
export type QuestionKind = Question["kind"];
export type QuestionOf<K extends QuestionKind> = Extract<Question, { kind: K }>;
export type ShowIf = NonNullable<Question["showIf"]>;
export type ChoiceOption = z.output<typeof optionSchema>;

export type SignatureAnswer = { method: "drawn"; fileId: string } | { method: "typed"; name: string };
/** `accepted: false` is a draft's state (name typed, box not yet ticked); only an accepted consent answers. */
export type ConsentAnswer = { accepted: boolean; name: string };
/**
 * A raw string may stand for any kind: text a client typed that is not yet a valid number, date or choice is kept
 * as typed so the form can show it back with its problem.
 */
export type AnswerValue = string | number | boolean | string[] | SignatureAnswer | ConsentAnswer;
export type Answers = Record<string, AnswerValue>;

export function allQuestions(definition: FormDefinition): Question[] {
  return definition.sections.flatMap((section) => section.questions);
}

/** A question's answer, never something inherited: a question may well be called "constructor". */
export function answerOf(answers: Readonly<Record<string, unknown>>, questionId: string): unknown {
  return Object.hasOwn(answers, questionId) ? answers[questionId] : undefined;
}

/** The JS type of an answer a show-if `equals` can compare with; null where `equals` makes no sense. */
function equalsTypeOf(kind: QuestionKind): "string" | "number" | "boolean" | null {
  switch (kind) {
    case "short_text":
    case "long_text":
    case "date":
    case "single_choice":
      return "string";
    case "number":
    case "scale":
      return "number";
    case "yes_no":
      return "boolean";
    case "multiple_choice":
    case "file":
    case "signature":
    case "consent":
      return null;
  }
}

/** Rules spanning several fields, in words for the staff member building the form. */
export function definitionProblems(definition: FormDefinition): string[] {
  const problems: string[] = [];
  const sectionIds = new Set<string>();
  for (const section of definition.sections) {
    if (sectionIds.has(section.id)) problems.push(`Section id "${section.id}" is used twice.`);
    sectionIds.add(section.id);
  }

  const earlier = new Map<string, Question>();
  for (const question of allQuestions(definition)) {
    const name = `Question "${question.id}"`;
    if (earlier.has(question.id)) problems.push(`${name}: its id is used by another question.`);
    problems.push(...ownProblems(question).map((problem) => `${name}: ${problem}`));
    if (question.showIf) problems.push(...showIfProblems(question.showIf, question.id, earlier).map((problem) => `${name}: ${problem}`));
    if (!earlier.has(question.id)) earlier.set(question.id, question);
  }
  return problems;
}

function ownProblems(question: Question): string[] {
  switch (question.kind) {
    case "number":
      return question.min !== undefined && question.max !== undefined && question.min > question.max ? ["its minimum is above its maximum."] : [];
    case "date":
      return question.notBefore && question.notAfter && question.notBefore > question.notAfter ? ["its earliest date is after its latest date."] : [];
    case "single_choice":
    case "multiple_choice": {
      const values = question.options.map((option) => option.value);
      return new Set(values).size === values.length ? [] : ["two options share a value."];
    }
    default:
      return [];
  }
}

function showIfProblems(showIf: ShowIf, ownId: string, earlier: ReadonlyMap<string, Question>): string[] {
  const target = earlier.get(showIf.question);
  if (!target) {
    return [showIf.question === ownId ? "it cannot be shown depending on itself." : `it depends on "${showIf.question}", which is not an earlier question.`];
  }
  if (showIf.anyOf) {
    if (target.kind !== "single_choice" && target.kind !== "multiple_choice") return [`"any of" needs a choice question, and "${target.id}" is not one.`];
    const values = new Set(target.options.map((option) => option.value));
    const unknown = showIf.anyOf.filter((value) => !values.has(value));
    return unknown.length ? [`"${unknown.join('", "')}" is not an option of "${target.id}".`] : [];
  }
  const expected = equalsTypeOf(target.kind);
  if (expected === null) return [`it cannot depend on the answer to "${target.id}" (${target.kind.replace("_", " ")}) being equal to a value.`];
  if (typeof showIf.equals !== expected) return [`"${target.id}" is answered with a ${expected}, so compare it with a ${expected}.`];
  if (target.kind === "single_choice" && !target.options.some((option) => option.value === showIf.equals)) {
    return [`"${String(showIf.equals)}" is not an option of "${target.id}".`];
  }
  const equals = showIf.equals;
  if (target.kind === "number" && target.integer && !Number.isInteger(equals)) return [`"${target.id}" takes whole numbers, which never give ${String(equals)}.`];
  if (target.kind === "scale" && !(typeof equals === "number" && Number.isInteger(equals) && equals >= target.min && equals <= target.max)) {
    return [`"${target.id}" is a scale from ${target.min} to ${target.max}, which never gives ${String(equals)}.`];
  }
  return [];
}
