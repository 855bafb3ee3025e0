import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formDefinitionSchema, type Answers, type FormDefinition, type QuestionKind } from "../../app/forms/definition";
import { fromQuestionnaire, fromQuestionnaireResponse, KIND_EXTENSION, toQuestionnaire, toQuestionnaireResponse } from "../../app/forms/fhir";

const options = [
  { value: "dog", label: "Dog" },
  { value: "cat", label: "Cat" },
  { value: "other", label: "Something else" },
];
const fileId = "0b6a4a1e-3c1d-4f3e-9a51-2f8f5c9d7e10";
const meta = { url: "https://riverside.portico.example/fhir/Questionnaire/intake", version: "3", status: "active" as const, name: "Intake" };

const every: FormDefinition = formDefinitionSchema.parse({
  title: "New patient intake",
  description: "Before the first visit.",
  sections: [
    {
      id: "pet",
      title: "Your pet",
      questions: [
        { id: "name", kind: "short_text", label: "Name", required: true, help: "As on the microchip." },
        { id: "nickname", kind: "short_text", label: "Nickname", required: false, maxLength: 40, showIf: { question: "name", equals: "Rex" } },
        { id: "history", kind: "long_text", label: "History", required: false },
        { id: "weight", kind: "number", label: "Weight", required: false, min: 0.5, max: 90.5 },
        { id: "heavy", kind: "yes_no", label: "Heavy?", required: false, showIf: { question: "weight", equals: 40.5 } },
        { id: "litters", kind: "number", label: "Litters", required: false, integer: true, min: 0 },
        { id: "first-litter", kind: "date", label: "First litter", required: false, showIf: { question: "litters", equals: 1 } },
        { id: "ratio", kind: "number", label: "Ratio", required: false, integer: false },
        { id: "born", kind: "date", label: "Born", required: false, notBefore: "1990-01-01", notAfter: "2030-12-31" },
        { id: "birthday", kind: "yes_no", label: "Birthday today?", required: false, showIf: { question: "born", equals: "2020-02-29" } },
        { id: "species", kind: "single_choice", label: "Species", required: true, options },
        { id: "species-other", kind: "short_text", label: "Which?", required: true, showIf: { question: "species", equals: "other" } },
        { id: "breed", kind: "short_text", label: "Breed", required: false, showIf: { question: "species", anyOf: ["dog"] } },
      ],
    },
    { id: "later", title: "Added later", questions: [] },
    {
      id: "visit",
      title: "This visit",
      questions: [
        { id: "signs", kind: "multiple_choice", label: "Signs", required: false, options },
        { id: "photo", kind: "file", label: "Photo", required: false, accept: "image", showIf: { question: "signs", anyOf: ["cat", "other"] } },
        { id: "records", kind: "file", label: "Records", required: false, accept: "document" },
        { id: "insured", kind: "yes_no", label: "Insured?", required: true },
        { id: "insurer", kind: "short_text", label: "Insurer", required: true, showIf: { question: "insured", equals: true } },
        { id: "pain", kind: "scale", label: "Pain", required: false, min: 0, max: 10, minLabel: "None", maxLabel: "Worst" },
        { id: "mood", kind: "scale", label: "Mood", required: false, min: 1, max: 5 },
        { id: "urgent", kind: "yes_no", label: "Urgent?", required: false, showIf: { question: "pain", equals: 10 } },
        { id: "drawn", kind: "signature", label: "Sign here", required: true },
        { id: "typed", kind: "signature", label: "Or type", required: false, help: "Your full name." },
        { id: "treatment", kind: "consent", label: "Consent", text: "I consent to treatment.\n\nAnd to the fees.", required: true, help: "Read it first." },
        { id: "photos-ok", kind: "consent", label: "Photos", text: "Photos may be used.", required: false },
      ],
    },
  ],
});

const answers: Answers = {
  name: "Rex",
  nickname: "Rexy",
  history: "Two operations.\nNo allergies.",
  weight: 40.5,
  heavy: false,
  litters: 1,
  "first-litter": "2021-06-01",
  ratio: 3,
  born: "2020-02-29",
  birthday: true,
  species: "other",
  "species-other": "Ferret",
  signs: ["dog", "other"],
  photo: fileId,
  insured: true,
  insurer: "Petplan",
  pain: 10,
  mood: 1,
  urgent: true,
  drawn: { method: "drawn", fileId },
  typed: { method: "typed", name: "Ann Smith" },
  treatment: { accepted: true, name: "Ann Smith" },
  "photos-ok": { accepted: false, name: "" },
};

const responseMeta = { questionnaireUrl: `${meta.url}|3`, status: "completed" as const, authored: "2026-12-08T10:00:00Z" };

/** What a JSON column or an HTTP body hands over: no undefined, no shared references. */
const overTheWire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

describe("Questionnaire", () => {
  it("round-trips a definition with every kind and every show-if form", () => {
    expect(fromQuestionnaire(overTheWire(toQuestionnaire(every, meta)))).toEqual({ ok: true, definition: every });
  });

  it("uses FHIR's own item types and conditions where they exist", () => {
    const questionnaire = toQuestionnaire(every, meta);
    expect(questionnaire).toMatchObject({ resourceType: "Questionnaire", url: meta.url, version: "3", status: "active", title: "New patient intake" });
    const items = new Map(questionnaire.item.flatMap((section) => section.item ?? []).map((item) => [item.linkId, item]));
    expect(questionnaire.item.map((section) => section.type)).toEqual(["group", "group", "group"]);
    expect(Object.fromEntries([...items].map(([id, item]) => [id, item.type]))).toMatchObject({
      name: "string",
      history: "text",
      weight: "decimal",
      litters: "integer",
      born: "date",
      species: "choice",
      signs: "choice",
      insured: "boolean",
      pain: "integer",
      photo: "attachment",
      drawn: "attachment",
      treatment: "boolean",
    });
    expect(items.get("signs")?.repeats).toBe(true);
    expect(items.get("species")?.answerOption?.[2]).toEqual({ valueCoding: { code: "other", display: "Something else" } });
    expect(items.get("insurer")?.enableWhen).toEqual([{ question: "insured", operator: "=", answerBoolean: true }]);
    expect(items.get("species-other")?.enableWhen).toEqual([{ question: "species", operator: "=", answerCoding: { code: "other" } }]);
    expect(items.get("photo")).toMatchObject({ enableBehavior: "any", enableWhen: [{ answerCoding: { code: "cat" } }, { answerCoding: { code: "other" } }] });
    expect(items.get("name")?.item?.[0]).toMatchObject({ linkId: "name.help", type: "display", text: "As on the microchip." });
    expect(items.get("treatment")?.item?.map((child) => child.type)).toEqual(["display", "display", "string"]);
  });

  it("marks each item with its Portico kind", () => {
    const items = toQuestionnaire(every, meta).item.flatMap((section) => section.item ?? []);
    expect(items.every((item) => item.extension?.[0]?.url === KIND_EXTENSION)).toBe(true);
  });

  it("reads a plain Questionnaire from another system, without Portico's extensions", () => {
    const foreign = {
      resourceType: "Questionnaire",
      status: "active",
      name: "Screening",
      item: [
        {
          linkId: "s1",
          type: "group",
          text: "Screening",
          item: [
            { linkId: "smoker", type: "boolean", text: "Do you smoke?", required: true },
            { linkId: "per-day", type: "integer", text: "How many a day?", enableWhen: [{ question: "smoker", operator: "=", answerBoolean: true }] },
            { linkId: "notes", type: "text", text: "Anything else?" },
            { linkId: "colour", type: "choice", text: "Colour", answerOption: [{ valueCoding: { code: "red" } }, { valueCoding: { code: "blue", display: "Blue" } }] },
          ],
        },
      ],
    };
    const result = fromQuestionnaire(foreign);
    expect(result.ok && result.definition).toEqual({
      title: "Screening",
      sections: [
        {
          id: "s1",
          title: "Screening",
          questions: [
            { id: "smoker", kind: "yes_no", label: "Do you smoke?", required: true },
            { id: "per-day", kind: "number", integer: true, label: "How many a day?", required: false, showIf: { question: "smoker", equals: true } },
            { id: "notes", kind: "long_text", label: "Anything else?", required: false, maxLength: 2000 },
            { id: "colour", kind: "single_choice", label: "Colour", required: false, options: [{ value: "red", label: "red" }, { value: "blue", label: "Blue" }] },
          ],
        },
      ],
    });
  });

  it.each<[string, unknown, RegExp]>([
    ["something that is not a Questionnaire", { resourceType: "Patient" }, /not a FHIR Questionnaire/],
    ["null", null, /not a FHIR Questionnaire/],
    ["a question at the top level", { resourceType: "Questionnaire", title: "T", item: [{ linkId: "q", type: "string", text: "Q" }] }, /top-level items must be groups/],
    ["no items", { resourceType: "Questionnaire", title: "T" }, /sections/],
    ["an item type SmartForms cannot ask", { resourceType: "Questionnaire", title: "T", item: [{ linkId: "g", type: "group", text: "G", item: [{ linkId: "t", type: "time", text: "When?" }] }] }, /"time" item/],
    ["a condition with another operator", questionnaireWith([{ linkId: "a", type: "integer", text: "A" }, { linkId: "b", type: "string", text: "B", enableWhen: [{ question: "a", operator: ">", answerInteger: 3 }] }]), /"=" operator/],
    ["a condition on a later question", questionnaireWith([{ linkId: "b", type: "string", text: "B", enableWhen: [{ question: "a", operator: "=", answerBoolean: true }] }, { linkId: "a", type: "boolean", text: "A" }]), /not an earlier question/],
    ["several conditions that must all hold", questionnaireWith([{ linkId: "a", type: "boolean", text: "A" }, { linkId: "b", type: "string", text: "B", enableWhen: [{ question: "a", operator: "=", answerBoolean: true }, { question: "a", operator: "=", answerBoolean: false }] }]), /enableBehavior "any"/],
    ["a link id that is not a slug", questionnaireWith([{ linkId: "1.2", type: "string", text: "A" }]), /lowercase letters/],
    ["a choice with one option", questionnaireWith([{ linkId: "c", type: "choice", text: "C", answerOption: [{ valueCoding: { code: "x" } }] }]), /options/],
    ["items that are not a list", { resourceType: "Questionnaire", title: "T", item: "lots" }, /sections/],
  ])("refuses %s with problems, never a throw", (_name, json, problem) => {
    const result = fromQuestionnaire(json);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.some((text) => problem.test(text)), result.problems.join("\n")).toBe(true);
  });

  it("never throws, whatever JSON it is given", () => {
    const jsonish = fc.jsonValue();
    const questionnaireish = fc.record({ resourceType: fc.constant("Questionnaire"), title: fc.string(), item: fc.array(fc.record({ linkId: jsonish, type: fc.constantFrom("group", "string", "choice", "boolean"), item: jsonish, enableWhen: jsonish, extension: jsonish, answerOption: jsonish }, { requiredKeys: [] })) });
    fc.assert(fc.property(fc.oneof(fc.anything(), questionnaireish), (json) => {
      expect(typeof fromQuestionnaire(json).ok).toBe("boolean");
    }));
  });
});

function questionnaireWith(items: unknown[]): unknown {
  return { resourceType: "Questionnaire", title: "T", item: [{ linkId: "g", type: "group", text: "G", item: items }] };
}

describe("QuestionnaireResponse", () => {
  it("round-trips answers to every kind", () => {
    const response = toQuestionnaireResponse(every, answers, responseMeta);
    expect(response).toMatchObject({ resourceType: "QuestionnaireResponse", questionnaire: `${meta.url}|3`, status: "completed", authored: responseMeta.authored });
    expect(fromQuestionnaireResponse(every, overTheWire(response))).toEqual({ ok: true, answers });
  });

  it("groups answers by section, leaves out unanswered sections, and writes FHIR answer types", () => {
    const response = toQuestionnaireResponse(every, { weight: 2, litters: 2, signs: ["cat", "dog"], typed: { method: "typed", name: "Ann" } }, responseMeta);
    expect(response.item.map((section) => section.linkId)).toEqual(["pet", "visit"]);
    const items = new Map(response.item.flatMap((section) => section.item ?? []).map((item) => [item.linkId, item.answer]));
    expect(items.get("weight")).toEqual([{ valueDecimal: 2 }]);
    expect(items.get("litters")).toEqual([{ valueInteger: 2 }]);
    expect(items.get("signs")).toEqual([{ valueCoding: { code: "cat", display: "Cat" } }, { valueCoding: { code: "dog", display: "Dog" } }]);
    expect(items.get("typed")).toEqual([{ valueAttachment: { contentType: "text/plain", title: "Ann" } }]);
  });

  it("leaves out a draft's values that do not fit their question", () => {
    const response = toQuestionnaireResponse(every, { weight: "12kg", species: "horse", name: "Rex" }, { ...responseMeta, status: "in-progress" });
    expect(fromQuestionnaireResponse(every, response)).toEqual({ ok: true, answers: { name: "Rex" } });
  });

  it.each<[string, unknown, RegExp]>([
    ["another resource", { resourceType: "Questionnaire" }, /not a FHIR QuestionnaireResponse/],
    ["an unknown question", { resourceType: "QuestionnaireResponse", item: [{ linkId: "shoe-size", answer: [{ valueString: "9" }] }] }, /"shoe-size" is not a question/],
    ["a wrong answer type", { resourceType: "QuestionnaireResponse", item: [{ linkId: "insured", answer: [{ valueString: "yes" }] }] }, /valueBoolean/],
    ["two answers to a one-answer question", { resourceType: "QuestionnaireResponse", item: [{ linkId: "name", answer: [{ valueString: "a" }, { valueString: "b" }] }] }, /several answers/],
    ["a question with no answer", { resourceType: "QuestionnaireResponse", item: [{ linkId: "name" }] }, /no answer/],
    ["a file that is not a stored file", { resourceType: "QuestionnaireResponse", item: [{ linkId: "photo", answer: [{ valueAttachment: { url: "https://elsewhere.example/x.png" } }] }] }, /urn:uuid/],
  ])("refuses %s with problems", (_name, json, problem) => {
    const result = fromQuestionnaireResponse(every, json);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.some((text) => problem.test(text)), result.problems.join("\n")).toBe(true);
  });
});

// Random definitions: every kind, optional help and bounds, and a show-if on an earlier question where one fits.
const kinds: QuestionKind[] = ["short_text", "long_text", "number", "date", "single_choice", "multiple_choice", "yes_no", "scale", "file", "signature", "consent"];
const text = fc.string({ minLength: 1, maxLength: 20 });
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const questionSpec = fc.record({
  kind: fc.constantFrom(...kinds),
  label: text,
  help: optional(text),
  required: fc.boolean(),
  integer: optional(fc.boolean()),
  bound: optional(fc.integer({ min: -100, max: 100 })),
  date: optional(fc.constantFrom("2000-01-01", "2024-02-29")),
  label2: optional(text),
  accept: fc.constantFrom("image", "document", "any"),
  dependsOn: optional(fc.nat()),
  pick: fc.nat(),
});

type QuestionSpec = typeof questionSpec extends fc.Arbitrary<infer Spec> ? Spec : never;

function randomDefinition(specs: QuestionSpec[], description: string | undefined): unknown {
  const questions = specs.map((spec, index) => {
    const question: Record<string, unknown> = { id: `q-${index}`, kind: spec.kind, label: spec.label, required: spec.required, help: spec.help };
    if (spec.kind === "short_text" || spec.kind === "long_text") question.maxLength = 1 + (spec.pick % 400);
    if (spec.kind === "number") Object.assign(question, { integer: spec.integer, min: spec.bound, max: spec.bound === undefined ? undefined : spec.bound + 1.5 });
    if (spec.kind === "date") Object.assign(question, { notBefore: spec.date, notAfter: spec.pick % 2 ? "2030-12-31" : undefined });
    if (spec.kind === "single_choice" || spec.kind === "multiple_choice") question.options = options;
    if (spec.kind === "scale") Object.assign(question, { min: spec.pick % 2, max: 2 + (spec.pick % 9), minLabel: spec.label2, maxLabel: spec.help });
    if (spec.kind === "file") question.accept = spec.accept;
    if (spec.kind === "consent") question.text = spec.label;
    const target = spec.dependsOn === undefined || index === 0 ? undefined : specs[spec.dependsOn % index];
    const targetId = `q-${(spec.dependsOn ?? 0) % Math.max(index, 1)}`;
    if (target) {
      const equals =
        target.kind === "yes_no" ? spec.pick % 2 === 0
        : target.kind === "number" ? (target.integer ? spec.pick : spec.pick + 0.25)
        : target.kind === "scale" ? 1
        : target.kind === "short_text" || target.kind === "long_text" ? spec.label
        : target.kind === "date" ? "2024-02-29"
        : target.kind === "single_choice" && spec.pick % 2 ? "cat"
        : undefined;
      if (equals !== undefined) question.showIf = { question: targetId, equals };
      else if (target.kind === "single_choice" || target.kind === "multiple_choice") question.showIf = { question: targetId, anyOf: ["dog", "other"].slice(spec.pick % 2) };
    }
    return JSON.parse(JSON.stringify(question));
  });
  return { title: "Random", description, sections: [{ id: "a", title: "A", questions: questions.slice(0, 3) }, { id: "b", title: "B", questions: questions.slice(3) }] };
}

const nonEmpty = fc.string({ minLength: 1, maxLength: 40 });

function validAnswer(question: FormDefinition["sections"][number]["questions"][number]): fc.Arbitrary<Answers[string]> {
  switch (question.kind) {
    case "short_text":
    case "long_text":
      return nonEmpty;
    case "number":
      return question.integer ? fc.integer() : fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n + 0);
    case "date":
      return fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2100-12-31T00:00:00Z"), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
    case "single_choice":
      return fc.constantFrom(...question.options.map((option) => option.value));
    case "multiple_choice":
      return fc.subarray(question.options.map((option) => option.value), { minLength: 1 });
    case "yes_no":
      return fc.boolean();
    case "scale":
      return fc.integer({ min: question.min, max: question.max });
    case "file":
      return fc.uuid();
    case "signature":
      return fc.oneof(fc.uuid().map((id) => ({ method: "drawn" as const, fileId: id })), nonEmpty.map((name) => ({ method: "typed" as const, name })));
    case "consent":
      return fc.record({ accepted: fc.boolean(), name: fc.oneof(fc.constant(""), nonEmpty) });
  }
}

describe("properties over random definitions and answers", () => {
  it("round-trips any valid answers to every kind through a QuestionnaireResponse", () => {
    const questions = every.sections.flatMap((section) => section.questions);
    const answerSets = fc.tuple(...questions.map((question) => fc.option(validAnswer(question), { nil: undefined }))).map((values) => {
      const chosen: Answers = {};
      values.forEach((value, index) => {
        if (value !== undefined) chosen[questions[index]!.id] = value;
      });
      return chosen;
    });
    fc.assert(
      fc.property(answerSets, (chosen) => {
        expect(fromQuestionnaireResponse(every, overTheWire(toQuestionnaireResponse(every, chosen, responseMeta)))).toEqual({ ok: true, answers: chosen });
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips random definitions through a Questionnaire", () => {
    const definitions = fc
      .tuple(fc.array(questionSpec, { minLength: 1, maxLength: 10 }), optional(text))
      .map(([specs, description]) => formDefinitionSchema.parse(randomDefinition(specs, description)));
    fc.assert(
      fc.property(definitions, (definition) => {
        expect(fromQuestionnaire(overTheWire(toQuestionnaire(definition, meta)))).toEqual({ ok: true, definition });
      }),
      { numRuns: 300 },
    );
  });
});
