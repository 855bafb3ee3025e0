import { describe, expect, it } from "vitest";
import { definitionProblems, formDefinitionSchema, type FormDefinitionInput } from "../../app/forms/definition";

const choices = [
  { value: "dog", label: "Dog" },
  { value: "cat", label: "Cat" },
  { value: "other", label: "Something else" },
];

const intake: FormDefinitionInput = {
  title: "New patient intake",
  description: "Tell us about your pet before the first visit.",
  sections: [
    {
      id: "pet",
      title: "Your pet",
      questions: [
        { id: "name", kind: "short_text", label: "Pet's name", required: true },
        { id: "history", kind: "long_text", label: "Medical history", help: "Operations, allergies, medicines.", required: false, maxLength: 3000 },
        { id: "weight", kind: "number", label: "Weight (kg)", required: false, min: 0, max: 150 },
        { id: "born", kind: "date", label: "Date of birth", required: false, notBefore: "1990-01-01", notAfter: "2030-12-31" },
        { id: "species", kind: "single_choice", label: "Species", required: true, options: choices },
        { id: "species-other", kind: "short_text", label: "Which species?", required: true, showIf: { question: "species", equals: "other" } },
        { id: "signs", kind: "multiple_choice", label: "Signs seen", required: false, options: choices },
        { id: "insured", kind: "yes_no", label: "Insured?", required: true },
        { id: "insurer", kind: "short_text", label: "Insurer", required: true, showIf: { question: "insured", equals: true } },
      ],
    },
    {
      id: "consent",
      title: "Consent",
      questions: [
        { id: "pain", kind: "scale", label: "Pain", required: false, min: 0, max: 10, minLabel: "None", maxLabel: "Worst" },
        { id: "severe", kind: "yes_no", label: "Severe?", required: false, showIf: { question: "pain", equals: 9 } },
        { id: "photo", kind: "file", label: "A photo", required: false, accept: "image", showIf: { question: "signs", anyOf: ["dog", "cat"] } },
        { id: "signature", kind: "signature", label: "Signature", required: true },
        { id: "treatment", kind: "consent", label: "Consent to treatment", text: "I consent to examination and treatment.", required: true },
      ],
    },
  ],
};

function withQuestions(questions: unknown[]): unknown {
  return { title: "Form", sections: [{ id: "main", title: "Main", questions }] };
}

function problemsOf(input: unknown): string[] {
  const parsed = formDefinitionSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
}

const yesNo = (id: string, extra: object = {}) => ({ id, kind: "yes_no", label: id, required: false, ...extra });
const choice = (id: string, kind = "single_choice") => ({ id, kind, label: id, required: false, options: choices });

describe("form definitions", () => {
  it("accepts a definition using every kind and every show-if form, filling in default text lengths", () => {
    const parsed = formDefinitionSchema.parse(intake);
    expect(parsed.sections[0]?.questions[0]).toMatchObject({ kind: "short_text", maxLength: 200 });
    expect(parsed.sections[0]?.questions[1]).toMatchObject({ kind: "long_text", maxLength: 3000 });
    expect(definitionProblems(parsed)).toEqual([]);
  });

  it("accepts a section with no questions yet", () => {
    expect(problemsOf({ title: "Form", sections: [{ id: "empty", title: "Empty", questions: [] }] })).toEqual([]);
  });

  it.each([
    ["no sections", { title: "Form", sections: [] }],
    ["an empty title", { title: "", sections: [{ id: "a", title: "A", questions: [] }] }],
    ["an id with capitals", withQuestions([yesNo("Pet")])],
    ["an id with a dot", withQuestions([yesNo("pet.name")])],
    ["an id starting with an underscore", withQuestions([yesNo("__proto__")])],
    ["a single option", withQuestions([{ ...choice("one"), options: [{ value: "a", label: "A" }] }])],
    ["a long text over 5000", withQuestions([{ id: "t", kind: "long_text", label: "T", required: false, maxLength: 5001 }])],
    ["a scale to 11", withQuestions([{ id: "s", kind: "scale", label: "S", required: false, min: 0, max: 11 }])],
    ["an unknown file type", withQuestions([{ id: "f", kind: "file", label: "F", required: false, accept: "video" }])],
    ["a date bound that is not a date", withQuestions([{ id: "d", kind: "date", label: "D", required: false, notBefore: "2024-02-30" }])],
    ["an unknown kind", withQuestions([{ id: "x", kind: "colour", label: "X", required: false }])],
  ])("refuses %s", (_name, input) => {
    expect(problemsOf(input).length).toBeGreaterThan(0);
  });

  it.each([
    ["a question id used twice", [yesNo("a"), yesNo("a")], /id is used by another question/],
    ["a show-if on a later question", [yesNo("a", { showIf: { question: "b", equals: true } }), yesNo("b")], /"b", which is not an earlier question/],
    ["a show-if on itself", [yesNo("a", { showIf: { question: "a", equals: true } })], /depending on itself/],
    ["a show-if on a missing question", [yesNo("a", { showIf: { question: "zz", equals: true } })], /not an earlier question/],
    ["any-of on a yes/no question", [yesNo("a"), yesNo("b", { showIf: { question: "a", anyOf: ["yes"] } })], /needs a choice question/],
    ["any-of with a value that is not an option", [choice("a", "multiple_choice"), yesNo("b", { showIf: { question: "a", anyOf: ["dog", "horse"] } })], /"horse" is not an option/],
    ["equals with a string for a yes/no question", [yesNo("a"), yesNo("b", { showIf: { question: "a", equals: "yes" } })], /compare it with a boolean/],
    ["equals with a number for a text question", [{ id: "a", kind: "short_text", label: "A", required: false }, yesNo("b", { showIf: { question: "a", equals: 3 } })], /compare it with a string/],
    ["equals with a value that is not an option", [choice("a"), yesNo("b", { showIf: { question: "a", equals: "horse" } })], /"horse" is not an option/],
    ["equals on a multiple choice question", [choice("a", "multiple_choice"), yesNo("b", { showIf: { question: "a", equals: "dog" } })], /cannot depend/],
    ["equals on a consent", [{ id: "a", kind: "consent", label: "A", text: "T", required: false }, yesNo("b", { showIf: { question: "a", equals: true } })], /cannot depend/],
    ["a fraction for a whole-number question", [{ id: "a", kind: "number", label: "A", required: false, integer: true }, yesNo("b", { showIf: { question: "a", equals: 2.5 } })], /never give 2.5/],
    ["equals outside a scale's range", [{ id: "a", kind: "scale", label: "A", required: false, min: 1, max: 5 }, yesNo("b", { showIf: { question: "a", equals: 6 } })], /never gives 6/],
    ["both equals and any-of", [choice("a"), yesNo("b", { showIf: { question: "a", equals: "dog", anyOf: ["dog"] } })], /exactly one of equals or anyOf/],
    ["neither equals nor any-of", [choice("a"), yesNo("b", { showIf: { question: "a" } })], /exactly one of equals or anyOf/],
    ["two options with one value", [{ ...choice("a"), options: [...choices, { value: "dog", label: "Puppy" }] }], /two options share a value/],
    ["a number minimum above its maximum", [{ id: "a", kind: "number", label: "A", required: false, min: 5, max: 1 }], /minimum is above its maximum/],
    ["a date range backwards", [{ id: "a", kind: "date", label: "A", required: false, notBefore: "2025-01-01", notAfter: "2024-01-01" }], /earliest date is after/],
  ])("refuses %s, saying why", (_name, questions, message) => {
    const problems = problemsOf(withQuestions(questions));
    expect(problems.some((problem) => message.test(problem)), problems.join("\n")).toBe(true);
  });

  it("refuses a question id used in two sections", () => {
    const input = { title: "Form", sections: [{ id: "a", title: "A", questions: [yesNo("q")] }, { id: "b", title: "B", questions: [yesNo("q")] }] };
    expect(problemsOf(input)).toEqual(['Question "q": its id is used by another question.']);
  });

  it("refuses a section id used twice", () => {
    expect(problemsOf({ title: "Form", sections: [{ id: "a", title: "A", questions: [] }, { id: "a", title: "B", questions: [] }] })).toEqual(['Section id "a" is used twice.']);
  });
});
