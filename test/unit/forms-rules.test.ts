import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formDefinitionSchema, type AnswerValue, type Answers, type FormDefinition, type FormDefinitionInput, type QuestionKind } from "../../app/forms/definition";
import { answerProblems, answersToFields, isAnswered, normaliseAnswers, NOT_SHOWN, REQUIRED, visibleQuestionIds } from "../../app/forms/rules";

const options = [
  { value: "dog", label: "Dog" },
  { value: "cat", label: "Cat" },
  { value: "other", label: "Other" },
];
const fileId = "0b6a4a1e-3c1d-4f3e-9a51-2f8f5c9d7e10";

function form(questions: unknown[]): FormDefinition {
  return formDefinitionSchema.parse({ title: "Form", sections: [{ id: "main", title: "Main", questions }] });
}

const every = form([
  { id: "name", kind: "short_text", label: "Name", required: true, maxLength: 10 },
  { id: "notes", kind: "long_text", label: "Notes", required: false, maxLength: 20 },
  { id: "weight", kind: "number", label: "Weight", required: false, min: 1, max: 10 },
  { id: "count", kind: "number", label: "Count", required: false, integer: true, min: 0 },
  { id: "born", kind: "date", label: "Born", required: false, notBefore: "2000-01-01", notAfter: "2024-12-31" },
  { id: "species", kind: "single_choice", label: "Species", required: true, options },
  { id: "signs", kind: "multiple_choice", label: "Signs", required: false, options },
  { id: "insured", kind: "yes_no", label: "Insured", required: true },
  { id: "pain", kind: "scale", label: "Pain", required: false, min: 1, max: 5 },
  { id: "photo", kind: "file", label: "Photo", required: false, accept: "image" },
  { id: "signature", kind: "signature", label: "Signature", required: true },
  { id: "treatment", kind: "consent", label: "Consent", text: "I agree.", required: true },
]);

const complete: Answers = {
  name: "Rex",
  species: "dog",
  insured: false,
  signature: { method: "typed", name: "Ann Smith" },
  treatment: { accepted: true, name: "Ann Smith" },
};

describe("answer problems for each kind", () => {
  it("finds nothing wrong with complete, valid answers", () => {
    expect(answerProblems(every, complete, { final: true })).toEqual({});
    const optional = { notes: "a\nb", weight: 2.5, count: 3, born: "2020-02-29", signs: ["dog", "cat"], pain: 5, photo: fileId };
    expect(answerProblems(every, { ...complete, ...optional }, { final: true })).toEqual({});
  });

  it.each<[string, AnswerValue, string]>([
    ["name", "Rexington the Third", "Use at most 10 characters."],
    ["name", 5, "Enter text."],
    ["notes", "x".repeat(21), "Use at most 20 characters."],
    ["weight", 11, "Enter a number from 1 to 10."],
    ["weight", "12kg", "Enter a number from 1 to 10."],
    ["count", 2.5, "Enter a whole number of at least 0."],
    ["count", -1, "Enter a whole number of at least 0."],
    ["born", "2023-02-29", "Enter a date, for example 2024-03-31."],
    ["born", "31/12/2020", "Enter a date, for example 2024-03-31."],
    ["born", "1999-12-31", "Enter a date from 1 January 2000 to 31 December 2024."],
    ["species", "horse", "Choose one of the options."],
    ["species", ["dog"], "Choose one of the options."],
    ["signs", ["dog", "horse"], "Choose from the options given."],
    ["signs", ["dog", "dog"], "Choose from the options given."],
    ["signs", "dog", "Choose from the options given."],
    ["insured", "maybe", "Answer yes or no."],
    ["pain", 0, "Choose a number from 1 to 5."],
    ["pain", 2.5, "Choose a number from 1 to 5."],
    ["photo", "not-a-uuid", "Upload a file."],
    ["signature", { method: "drawn", fileId: "nope" }, "Sign by drawing or by typing your full name."],
    ["signature", "scribble", "Sign by drawing or by typing your full name."],
    ["signature", { method: "typed", name: "x".repeat(201) }, "Use at most 200 characters for your name."],
    ["treatment", { accepted: true, name: " " }, "Type your full name to give consent."],
  ])("%s = %j: %s", (id, value, message) => {
    expect(answerProblems(every, { ...complete, [id]: value }, { final: false })).toEqual({ [id]: message });
  });

  it("reports bounds one-sided in plain words", () => {
    const bounded = form([
      { id: "max", kind: "number", label: "Max", required: false, max: 3 },
      { id: "after", kind: "date", label: "After", required: false, notBefore: "2024-03-01" },
      { id: "before", kind: "date", label: "Before", required: false, notAfter: "2024-03-01" },
    ]);
    expect(answerProblems(bounded, { max: 4, after: "2024-02-29", before: "2024-03-02" }, { final: false })).toEqual({
      max: "Enter a number of no more than 3.",
      after: "Enter a date on or after 1 March 2024.",
      before: "Enter a date on or before 1 March 2024.",
    });
  });

  it("requires every visible required question only at submit; blank text, no choices and an unticked consent are unanswered", () => {
    const blank = { name: "  ", signs: [], treatment: { accepted: false, name: "Ann Smith" }, signature: { method: "typed", name: "" } };
    expect(answerProblems(every, blank, { final: false })).toEqual({});
    expect(answerProblems(every, blank, { final: true })).toEqual({
      name: REQUIRED,
      species: REQUIRED,
      insured: REQUIRED,
      signature: REQUIRED,
      treatment: "Tick the box and type your full name to give consent.",
    });
  });

  it("reports answers to questions not on the form against the whole form", () => {
    expect(answerProblems(every, { ...complete, shoe_size: "9" }, { final: false })).toEqual({ _form: "Some answers are for questions that are not on this form." });
  });
});

describe("show-if", () => {
  const chain = form([
    { id: "species", kind: "single_choice", label: "Species", required: true, options },
    { id: "other", kind: "short_text", label: "Which?", required: true, showIf: { question: "species", equals: "other" } },
    { id: "exotic", kind: "yes_no", label: "Exotic?", required: true, showIf: { question: "other", equals: "snake" } },
    { id: "venomous", kind: "yes_no", label: "Venomous?", required: true, showIf: { question: "exotic", equals: true } },
    { id: "signs", kind: "multiple_choice", label: "Signs", required: false, options },
    { id: "photo", kind: "file", label: "Photo", required: true, accept: "image", showIf: { question: "signs", anyOf: ["cat", "other"] } },
    { id: "pain", kind: "scale", label: "Pain", required: false, min: 0, max: 3 },
    { id: "vet", kind: "yes_no", label: "See a vet now?", required: true, showIf: { question: "pain", equals: 3 } },
    { id: "kind", kind: "single_choice", label: "Kind", required: false, options, showIf: { question: "species", anyOf: ["dog", "cat"] } },
  ]);

  it("shows a question whose condition holds, through a chain", () => {
    const answers = { species: "other", other: "snake", exotic: true };
    expect([...visibleQuestionIds(chain, answers)]).toEqual(["species", "other", "exotic", "venomous", "signs", "pain"]);
  });

  it("hides the whole chain below a question that is hidden, whatever was answered further down", () => {
    const answers = { species: "dog", other: "snake", exotic: true, venomous: false };
    const visible = visibleQuestionIds(chain, answers);
    expect(["other", "exotic", "venomous"].some((id) => visible.has(id))).toBe(false);
    expect(answerProblems(chain, answers, { final: true })).toEqual({ other: NOT_SHOWN, exotic: NOT_SHOWN, venomous: NOT_SHOWN });
  });

  it("compares strictly: the text 3 is not the number 3", () => {
    expect(visibleQuestionIds(chain, { pain: 3 }).has("vet")).toBe(true);
    expect(visibleQuestionIds(chain, { pain: "3" }).has("vet")).toBe(false);
  });

  it("matches any-of against a single or a multiple choice", () => {
    expect(visibleQuestionIds(chain, { signs: ["dog", "other"] }).has("photo")).toBe(true);
    expect(visibleQuestionIds(chain, { signs: ["dog"] }).has("photo")).toBe(false);
    expect(visibleQuestionIds(chain, { species: "cat" }).has("kind")).toBe(true);
    expect(visibleQuestionIds(chain, { species: "other" }).has("kind")).toBe(false);
  });

  it("requires a required question only while it shows", () => {
    expect(answerProblems(chain, { species: "dog" }, { final: true })).toEqual({});
    expect(answerProblems(chain, { species: "other" }, { final: true })).toEqual({ other: REQUIRED });
  });
});

describe("question ids that are also names of object properties", () => {
  const awkward = form([
    { id: "constructor", kind: "yes_no", label: "Constructor", required: true },
    { id: "valueof", kind: "short_text", label: "Value", required: false, showIf: { question: "constructor", equals: true } },
  ]);

  it("reads only the answers given, never what every object inherits", () => {
    expect(answerProblems(awkward, {}, { final: true })).toEqual({ constructor: REQUIRED });
    expect([...visibleQuestionIds(awkward, {})]).toEqual(["constructor"]);
    expect(normaliseAnswers(awkward, {})).toEqual({});
    expect(answersToFields(awkward, {})).toEqual({});
  });
});

describe("form fields", () => {
  it("turns posted fields into typed answers, keeping what does not parse for the problems to report", () => {
    const fields = {
      name: "Rex",
      notes: "line one\r\nline two",
      weight: " 2.5 ",
      count: "three",
      born: "2020-01-31",
      species: "dog",
      signs: "cat",
      insured: "yes",
      pain: "4",
      photo: fileId,
      "signature.method": "drawn",
      "signature.fileId": fileId,
      "signature.name": "",
      "treatment.accepted": "on",
      "treatment.name": "Ann Smith",
      intent: "save",
    };
    expect(normaliseAnswers(every, fields)).toEqual({
      name: "Rex",
      notes: "line one\nline two",
      weight: 2.5,
      count: "three",
      born: "2020-01-31",
      species: "dog",
      signs: ["cat"],
      insured: true,
      pain: 4,
      photo: fileId,
      signature: { method: "drawn", fileId },
      treatment: { accepted: true, name: "Ann Smith" },
    });
  });

  it("leaves out blank fields, keeps a typed name beside an unticked consent box, and never throws on odd input", () => {
    expect(normaliseAnswers(every, { name: "", signs: [], insured: "no", "treatment.name": "Ann", "signature.method": "typed", "signature.name": "" })).toEqual({
      insured: false,
      treatment: { accepted: false, name: "Ann" },
    });
    expect(normaliseAnswers(every, { insured: "perhaps", name: ["a", "b"], "signature.method": "carved" })).toEqual({ insured: "perhaps", name: ["a", "b"], signature: "carved" });
  });

  it("drops answers to questions the other answers hide", () => {
    const chain = form([
      { id: "insured", kind: "yes_no", label: "Insured", required: true },
      { id: "insurer", kind: "short_text", label: "Insurer", required: true, showIf: { question: "insured", equals: true } },
    ]);
    expect(normaliseAnswers(chain, { insured: "no", insurer: "Petplan" })).toEqual({ insured: false });
  });
});

// Random forms: each question may depend on any earlier one, with a condition its answers can actually meet.
const kinds: QuestionKind[] = ["short_text", "long_text", "number", "date", "single_choice", "multiple_choice", "yes_no", "scale", "file", "signature", "consent"];

type Spec = { kind: QuestionKind; required: boolean; integer: boolean; dependsOn: number | null; pick: number };
const specArbitrary: fc.Arbitrary<Spec> = fc.record({
  kind: fc.constantFrom(...kinds),
  required: fc.boolean(),
  integer: fc.boolean(),
  dependsOn: fc.option(fc.nat(), { nil: null }),
  pick: fc.nat(),
});

function showIfOn(target: { id: string; kind: QuestionKind }, pick: number): object | undefined {
  const values = options.map((option) => option.value);
  switch (target.kind) {
    case "single_choice":
      return pick % 2 === 0 ? { question: target.id, equals: values[pick % 3] } : { question: target.id, anyOf: values.slice(0, 1 + (pick % 3)) };
    case "multiple_choice":
      return { question: target.id, anyOf: [values[pick % 3]] };
    case "yes_no":
      return { question: target.id, equals: pick % 2 === 0 };
    case "scale":
    case "number":
      return { question: target.id, equals: pick % 3 };
    case "short_text":
      return { question: target.id, equals: ["a", "b"][pick % 2] };
    default:
      return undefined;
  }
}

function buildForm(specs: Spec[]): FormDefinition {
  const questions = specs.map((spec, index) => {
    const base = { id: `q${index}`, kind: spec.kind, label: `Question ${index}`, required: spec.required };
    const target = spec.dependsOn === null || index === 0 ? undefined : { id: `q${spec.dependsOn % index}`, kind: specs[spec.dependsOn % index]!.kind };
    const showIf = target && showIfOn(target, spec.pick);
    const extra =
      spec.kind === "number" ? { integer: spec.integer }
      : spec.kind === "single_choice" || spec.kind === "multiple_choice" ? { options }
      : spec.kind === "scale" ? { min: 0, max: 3 }
      : spec.kind === "file" ? { accept: "any" }
      : spec.kind === "consent" ? { text: "I agree." }
      : {};
    return { ...base, ...extra, ...(showIf && { showIf }) };
  });
  // Two sections, so chains cross section boundaries too.
  const half = Math.ceil(questions.length / 2);
  const input: FormDefinitionInput = { title: "Random", sections: [{ id: "one", title: "One", questions: questions.slice(0, half) }, { id: "two", title: "Two", questions: questions.slice(half) }] } as FormDefinitionInput;
  return formDefinitionSchema.parse(input);
}

const formArbitrary = fc.array(specArbitrary, { minLength: 1, maxLength: 12 }).map(buildForm);

const nonBlank = (maxLength: number) => fc.string({ minLength: 1, maxLength }).filter((text) => text.trim() !== "" && !text.includes("\r"));

function validValue(kind: QuestionKind, integer: boolean): fc.Arbitrary<AnswerValue> {
  switch (kind) {
    case "short_text":
      return fc.oneof(fc.constantFrom("a", "b"), nonBlank(30));
    case "long_text":
      return nonBlank(60);
    case "number":
      return integer ? fc.integer({ min: -5, max: 1000 }) : fc.oneof(fc.integer({ min: 0, max: 2 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).map((n) => n + 0));
    case "date":
      return fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2100-12-31T00:00:00Z"), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
    case "single_choice":
      return fc.constantFrom("dog", "cat", "other");
    case "multiple_choice":
      return fc.subarray(["dog", "cat", "other"], { minLength: 1 });
    case "yes_no":
      return fc.boolean();
    case "scale":
      return fc.integer({ min: 0, max: 3 });
    case "file":
      return fc.uuid();
    case "signature":
      return fc.oneof(fc.uuid().map((id) => ({ method: "drawn" as const, fileId: id })), nonBlank(50).map((name) => ({ method: "typed" as const, name })));
    case "consent":
      return fc.record({ accepted: fc.boolean(), name: nonBlank(50) });
  }
}

const junk: fc.Arbitrary<AnswerValue> = fc.constantFrom<AnswerValue>("", "  ", "junk", "yes", 7, -1, true, [], ["dog", "zebra"], { method: "typed", name: "" }, { accepted: false, name: "" });

function answersArbitrary(definition: FormDefinition, { withJunk }: { withJunk: boolean }): fc.Arbitrary<Answers> {
  const questions = definition.sections.flatMap((section) => section.questions);
  const entries = questions.map((question) => {
    const valid = validValue(question.kind, question.kind === "number" && question.integer === true);
    return fc.option(withJunk ? fc.oneof(valid, junk) : valid, { nil: undefined });
  });
  return fc.tuple(...entries).map((values) => {
    const answers: Answers = {};
    values.forEach((value, index) => {
      if (value !== undefined) answers[questions[index]!.id] = value;
    });
    return answers;
  });
}

const formWithAnswers = (withJunk: boolean) => formArbitrary.chain((definition) => fc.tuple(fc.constant(definition), answersArbitrary(definition, { withJunk })));

describe("properties over random forms", () => {
  it("reports 'not shown' exactly for answered questions that are hidden", () => {
    fc.assert(
      fc.property(formWithAnswers(true), fc.boolean(), ([definition, answers], final) => {
        const visible = visibleQuestionIds(definition, answers);
        const problems = answerProblems(definition, answers, { final });
        for (const question of definition.sections.flatMap((section) => section.questions)) {
          if (visible.has(question.id)) expect(problems[question.id]).not.toBe(NOT_SHOWN);
          else if (isAnswered(answers[question.id])) expect(problems[question.id]).toBe(NOT_SHOWN);
          else expect(problems[question.id]).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it("hides every question whose show-if target is hidden, and shows one exactly when its target shows and matches", () => {
    fc.assert(
      fc.property(formWithAnswers(true), ([definition, answers]) => {
        const visible = visibleQuestionIds(definition, answers);
        for (const question of definition.sections.flatMap((section) => section.questions)) {
          const showIf = question.showIf;
          if (!showIf) {
            expect(visible.has(question.id)).toBe(true);
            continue;
          }
          if (!visible.has(showIf.question)) expect(visible.has(question.id)).toBe(false);
          const answer = answers[showIf.question];
          const matches = showIf.anyOf ? showIf.anyOf.some((value) => (Array.isArray(answer) ? answer.includes(value) : answer === value)) : answer === showIf.equals;
          expect(visible.has(question.id)).toBe(visible.has(showIf.question) && matches);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("reads back the fields rendered from valid answers as the same answers", () => {
    fc.assert(
      fc.property(formWithAnswers(false), ([definition, generated]) => {
        const visible = visibleQuestionIds(definition, generated);
        const answers = Object.fromEntries(Object.entries(generated).filter(([id]) => visible.has(id)));
        expect(answerProblems(definition, answers, { final: false })).toEqual({});
        expect(normaliseAnswers(definition, answersToFields(definition, answers))).toEqual(answers);
      }),
      { numRuns: 300 },
    );
  });
});
