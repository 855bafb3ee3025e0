import { allQuestions, answerOf, formDefinitionSchema, type AnswerValue, type Answers, type FormDefinition, type Question, type ShowIf } from "./definition";

/**
 * FHIR R4 Questionnaire and QuestionnaireResponse, as plain JSON, for exchange with clinical systems. Each kind maps
 * to the closest FHIR item type; what FHIR cannot say (which Portico kind an item is, a file's accepted type, a
 * scale's end labels) rides in Portico extensions so a definition comes back exactly as it left.
 */

const PORTICO = "https://portico.example/fhir/StructureDefinition/";
export const KIND_EXTENSION = `${PORTICO}question-kind`;
const ACCEPT_EXTENSION = `${PORTICO}file-accept`;
/** Tells "integer: false" from no integer flag at all; FHIR's decimal type alone cannot. */
const INTEGER_EXTENSION = `${PORTICO}number-integer`;
const MIN_LABEL_EXTENSION = `${PORTICO}scale-min-label`;
const MAX_LABEL_EXTENSION = `${PORTICO}scale-max-label`;
const MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue";
const MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue";
const ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";
const ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control";

/** Child items of a question are named after it; question ids never hold a dot, so these cannot collide. */
const helpLinkId = (id: string) => `${id}.help`;
const consentTextLinkId = (id: string) => `${id}.consent`;
const consentNameLinkId = (id: string) => `${id}.name`;

type Json = Record<string, unknown>;
export type FhirExtension = { url: string } & Json;
export type FhirCoding = { code: string; display?: string };
export type QuestionnaireItem = {
  linkId: string;
  text?: string;
  type: "group" | "display" | "string" | "text" | "integer" | "decimal" | "date" | "choice" | "boolean" | "attachment";
  required?: boolean;
  repeats?: boolean;
  maxLength?: number;
  extension?: FhirExtension[];
  answerOption?: { valueCoding: FhirCoding }[];
  enableWhen?: Json[];
  enableBehavior?: "all" | "any";
  item?: QuestionnaireItem[];
};
export type Questionnaire = {
  resourceType: "Questionnaire";
  url: string;
  version: string;
  name: string;
  title: string;
  status: "draft" | "active" | "retired";
  description?: string;
  item: QuestionnaireItem[];
};
export type ResponseAnswer = Json & { item?: ResponseItem[] };
export type ResponseItem = { linkId: string; text?: string; answer?: ResponseAnswer[]; item?: ResponseItem[] };
export type QuestionnaireResponse = {
  resourceType: "QuestionnaireResponse";
  questionnaire: string;
  status: "in-progress" | "completed";
  authored: string;
  item: ResponseItem[];
};

export type FromFhir<T> = ({ ok: true } & T) | { ok: false; problems: string[] };

export function toQuestionnaire(
  definition: FormDefinition,
  meta: { url: string; version: string; status: Questionnaire["status"]; name: string },
): Questionnaire {
  return {
    resourceType: "Questionnaire",
    url: meta.url,
    version: meta.version,
    name: meta.name,
    title: definition.title,
    status: meta.status,
    ...(definition.description !== undefined && { description: definition.description }),
    item: definition.sections.map((section) => ({
      linkId: section.id,
      text: section.title,
      type: "group",
      ...(section.questions.length > 0 && { item: section.questions.map((question) => questionItem(question, definition)) }),
    })),
  };
}

function questionItem(question: Question, definition: FormDefinition): QuestionnaireItem {
  const extension: FhirExtension[] = [{ url: KIND_EXTENSION, valueCode: question.kind }];
  const children: QuestionnaireItem[] = [];
  if (question.help !== undefined) children.push({ linkId: helpLinkId(question.id), text: question.help, type: "display", extension: [itemControl("help")] });
  const item: QuestionnaireItem = { linkId: question.id, text: question.label, type: "string", required: question.required, extension };

  switch (question.kind) {
    case "short_text":
    case "long_text":
      item.type = question.kind === "short_text" ? "string" : "text";
      item.maxLength = question.maxLength;
      break;
    case "number": {
      item.type = question.integer ? "integer" : "decimal";
      const valueKey = question.integer ? "valueInteger" : "valueDecimal";
      if (question.integer !== undefined) extension.push({ url: INTEGER_EXTENSION, valueBoolean: question.integer });
      if (question.min !== undefined) extension.push({ url: MIN_VALUE, [valueKey]: question.min });
      if (question.max !== undefined) extension.push({ url: MAX_VALUE, [valueKey]: question.max });
      break;
    }
    case "date":
      item.type = "date";
      if (question.notBefore !== undefined) extension.push({ url: MIN_VALUE, valueDate: question.notBefore });
      if (question.notAfter !== undefined) extension.push({ url: MAX_VALUE, valueDate: question.notAfter });
      break;
    case "single_choice":
    case "multiple_choice":
      item.type = "choice";
      if (question.kind === "multiple_choice") item.repeats = true;
      item.answerOption = question.options.map((option) => ({ valueCoding: { code: option.value, display: option.label } }));
      break;
    case "yes_no":
      item.type = "boolean";
      break;
    case "scale":
      // FHIR's own way to ask for a point on a scale: an integer item shown as a slider between min and max.
      item.type = "integer";
      extension.push(itemControl("slider"), { url: MIN_VALUE, valueInteger: question.min }, { url: MAX_VALUE, valueInteger: question.max });
      if (question.minLabel !== undefined) extension.push({ url: MIN_LABEL_EXTENSION, valueString: question.minLabel });
      if (question.maxLabel !== undefined) extension.push({ url: MAX_LABEL_EXTENSION, valueString: question.maxLabel });
      break;
    case "file":
      item.type = "attachment";
      extension.push({ url: ACCEPT_EXTENSION, valueCode: question.accept });
      break;
    case "signature":
      item.type = "attachment";
      break;
    case "consent":
      // The client reads the text, ticks the box and types their name: a boolean with the text and name beneath it.
      item.type = "boolean";
      children.push({ linkId: consentTextLinkId(question.id), text: question.text, type: "display" });
      children.push({ linkId: consentNameLinkId(question.id), text: "Full name", type: "string", maxLength: 200 });
      break;
  }
  if (question.showIf) Object.assign(item, enableWhen(question.showIf, definition));
  if (children.length > 0) item.item = children;
  return item;
}

function itemControl(code: "help" | "slider"): FhirExtension {
  return { url: ITEM_CONTROL, valueCodeableConcept: { coding: [{ system: ITEM_CONTROL_SYSTEM, code }] } };
}

/** `anyOf` is always marked enableBehavior "any", even with one value, so it never reads back as `equals`. */
function enableWhen(showIf: ShowIf, definition: FormDefinition): Pick<QuestionnaireItem, "enableWhen" | "enableBehavior"> {
  if (showIf.anyOf) {
    return { enableWhen: showIf.anyOf.map((code) => ({ question: showIf.question, operator: "=", answerCoding: { code } })), enableBehavior: "any" };
  }
  const target = allQuestions(definition).find((question) => question.id === showIf.question);
  const equals = showIf.equals;
  const answer =
    typeof equals === "boolean" ? { answerBoolean: equals }
    : typeof equals === "number" ? (target?.kind === "scale" || (target?.kind === "number" && target.integer) ? { answerInteger: equals } : { answerDecimal: equals })
    : target?.kind === "single_choice" ? { answerCoding: { code: equals } }
    : target?.kind === "date" ? { answerDate: equals }
    : { answerString: equals };
  return { enableWhen: [{ question: showIf.question, operator: "=", ...answer }] };
}

/** A definition from a Questionnaire, Portico's or another system's; anything it cannot carry is a problem, never a throw. */
export function fromQuestionnaire(json: unknown): FromFhir<{ definition: FormDefinition }> {
  if (!isRecord(json) || json.resourceType !== "Questionnaire") return { ok: false, problems: ["This is not a FHIR Questionnaire."] };
  const problems: string[] = [];
  const sections = arrayOf(json.item).map((item, index) => {
    if (item.type !== "group") problems.push(`Item ${describe(item, index)}: top-level items must be groups (the form's sections).`);
    return { id: item.linkId, title: item.text, questions: arrayOf(item.item).map((child, childIndex) => readQuestion(child, childIndex, problems)) };
  });
  if (problems.length > 0) return { ok: false, problems };

  const parsed = formDefinitionSchema.safeParse({ title: json.title ?? json.name, description: json.description, sections });
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)) };
  return { ok: true, definition: parsed.data };
}

function readQuestion(item: Json, index: number, problems: string[]): Json {
  const id = item.linkId;
  const extensions = arrayOf(item.extension);
  const extension = (url: string) => extensions.find((entry) => entry.url === url);
  const children = arrayOf(item.item);
  const child = (linkIdOf: (id: string) => string) => (typeof id === "string" ? children.find((entry) => entry.linkId === linkIdOf(id)) : undefined);
  const kind = extension(KIND_EXTENSION)?.valueCode ?? inferredKind(item, extensions);
  const question: Json = { id, kind, label: item.text, required: item.required === true };
  const help = child(helpLinkId)?.text;
  if (help !== undefined) question.help = help;
  const showIf = readShowIf(item);
  if (typeof showIf === "string") problems.push(`Item ${describe(item, index)}: ${showIf}`);
  else if (showIf) question.showIf = showIf;

  const bound = (url: string, key: string) => extension(url)?.[key];
  switch (kind) {
    case "short_text":
    case "long_text":
      question.maxLength = item.maxLength;
      break;
    case "number": {
      const integer = extension(INTEGER_EXTENSION)?.valueBoolean ?? (item.type === "integer" ? true : undefined);
      if (integer !== undefined) question.integer = integer;
      question.min = bound(MIN_VALUE, "valueInteger") ?? bound(MIN_VALUE, "valueDecimal");
      question.max = bound(MAX_VALUE, "valueInteger") ?? bound(MAX_VALUE, "valueDecimal");
      break;
    }
    case "date":
      question.notBefore = bound(MIN_VALUE, "valueDate");
      question.notAfter = bound(MAX_VALUE, "valueDate");
      break;
    case "single_choice":
    case "multiple_choice":
      question.options = arrayOf(item.answerOption).map((option) => {
        const coding = isRecord(option.valueCoding) ? option.valueCoding : {};
        return { value: coding.code, label: coding.display ?? coding.code };
      });
      break;
    case "scale":
      question.min = bound(MIN_VALUE, "valueInteger");
      question.max = bound(MAX_VALUE, "valueInteger");
      question.minLabel = bound(MIN_LABEL_EXTENSION, "valueString");
      question.maxLabel = bound(MAX_LABEL_EXTENSION, "valueString");
      break;
    case "file":
      question.accept = bound(ACCEPT_EXTENSION, "valueCode") ?? "any";
      break;
    case "consent":
      question.text = child(consentTextLinkId)?.text;
      break;
    case "yes_no":
    case "signature":
      break;
    default:
      problems.push(`Item ${describe(item, index)}: a "${String(item.type)}" item is not a question SmartForms can ask.`);
  }
  return Object.fromEntries(Object.entries(question).filter(([, value]) => value !== undefined));
}

function inferredKind(item: Json, extensions: Json[]): string | undefined {
  const isSlider = extensions.some((entry) => {
    const concept = entry.valueCodeableConcept;
    return entry.url === ITEM_CONTROL && isRecord(concept) && arrayOf(concept.coding).some((coding) => coding.code === "slider");
  });
  switch (item.type) {
    case "string":
      return "short_text";
    case "text":
      return "long_text";
    case "integer":
      return isSlider ? "scale" : "number";
    case "decimal":
      return "number";
    case "date":
      return "date";
    case "choice":
      return item.repeats === true ? "multiple_choice" : "single_choice";
    case "boolean":
      return "yes_no";
    case "attachment":
      return "file";
    default:
      return undefined;
  }
}

/** The show-if an item's enableWhen describes, or why it cannot be one. */
function readShowIf(item: Json): Json | string | undefined {
  if (item.enableWhen === undefined) return undefined;
  const conditions = arrayOf(item.enableWhen);
  if (!Array.isArray(item.enableWhen) || conditions.length === 0 || conditions.length !== item.enableWhen.length) return "enableWhen must be a list of conditions.";
  if (conditions.some((condition) => condition.operator !== "=")) return 'only the "=" operator can become a show-if.';
  const question = conditions[0]?.question;
  if (conditions.some((condition) => condition.question !== question)) return "all conditions must be on the same question.";
  if (item.enableBehavior === "any") {
    const codes = conditions.map((condition) => (isRecord(condition.answerCoding) ? condition.answerCoding.code : undefined));
    return codes.every((code) => typeof code === "string") ? { question, anyOf: codes } : '"any" conditions must each compare with a coding.';
  }
  if (conditions.length > 1) return 'several conditions need enableBehavior "any".';
  const condition = conditions[0] ?? {};
  const coding = condition.answerCoding;
  const equals = isRecord(coding) ? coding.code : (condition.answerBoolean ?? condition.answerInteger ?? condition.answerDecimal ?? condition.answerDate ?? condition.answerString);
  return equals === undefined ? "the condition has no answer to compare with." : { question, equals };
}

/** Answers a QuestionnaireResponse carries; a value that does not fit its question's kind (a draft's half-typed number) is left out. */
export function toQuestionnaireResponse(
  definition: FormDefinition,
  answers: Readonly<Record<string, unknown>>,
  meta: { questionnaireUrl: string; status: QuestionnaireResponse["status"]; authored: string },
): QuestionnaireResponse {
  const item: ResponseItem[] = [];
  for (const section of definition.sections) {
    const answered = section.questions.flatMap((question): ResponseItem[] => {
      const answer = responseAnswers(question, answerOf(answers, question.id));
      return answer ? [{ linkId: question.id, text: question.label, answer }] : [];
    });
    if (answered.length > 0) item.push({ linkId: section.id, text: section.title, item: answered });
  }
  return { resourceType: "QuestionnaireResponse", questionnaire: meta.questionnaireUrl, status: meta.status, authored: meta.authored, item };
}

function responseAnswers(question: Question, value: unknown): ResponseAnswer[] | null {
  if (value === undefined || value === null) return null;
  switch (question.kind) {
    case "short_text":
    case "long_text":
      return typeof value === "string" && value !== "" ? [{ valueString: value }] : null;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return null;
      return [question.integer && Number.isInteger(value) ? { valueInteger: value } : { valueDecimal: value }];
    case "scale":
      return Number.isInteger(value) ? [{ valueInteger: value }] : null;
    case "date":
      return typeof value === "string" && value !== "" ? [{ valueDate: value }] : null;
    case "single_choice":
    case "multiple_choice": {
      const values = typeof value === "string" && question.kind === "single_choice" ? [value] : Array.isArray(value) ? value : [];
      const codings = values.flatMap((code) => {
        const option = question.options.find((candidate) => candidate.value === code);
        return option ? [{ valueCoding: { code: option.value, display: option.label } }] : [];
      });
      return codings.length > 0 ? codings : null;
    }
    case "yes_no":
      return typeof value === "boolean" ? [{ valueBoolean: value }] : null;
    case "file":
      return typeof value === "string" && value !== "" ? [{ valueAttachment: { url: `urn:uuid:${value}` } }] : null;
    case "signature":
      // A drawn signature is the stored image; a typed one is the name as a plain-text attachment.
      if (!isRecord(value)) return null;
      if (value.method === "drawn" && typeof value.fileId === "string") return [{ valueAttachment: { url: `urn:uuid:${value.fileId}` } }];
      if (value.method === "typed" && typeof value.name === "string" && value.name !== "") return [{ valueAttachment: { contentType: "text/plain", title: value.name } }];
      return null;
    case "consent": {
      if (!isRecord(value) || typeof value.accepted !== "boolean") return null;
      const name = typeof value.name === "string" && value.name !== "" ? value.name : null;
      return [{ valueBoolean: value.accepted, ...(name !== null && { item: [{ linkId: consentNameLinkId(question.id), text: "Full name", answer: [{ valueString: name }] }] }) }];
    }
  }
}

/** Answers from a QuestionnaireResponse to this definition; items found at any depth, so flat responses read too. */
export function fromQuestionnaireResponse(definition: FormDefinition, json: unknown): FromFhir<{ answers: Answers }> {
  if (!isRecord(json) || json.resourceType !== "QuestionnaireResponse") return { ok: false, problems: ["This is not a FHIR QuestionnaireResponse."] };
  const questions = new Map(allQuestions(definition).map((question) => [question.id, question]));
  const sectionIds = new Set(definition.sections.map((section) => section.id));
  const answers: Answers = {};
  const problems: string[] = [];

  const visit = (items: Json[]) => {
    items.forEach((item, index) => {
      const question = typeof item.linkId === "string" ? questions.get(item.linkId) : undefined;
      if (question) {
        const value = answerValue(question, arrayOf(item.answer));
        if (typeof value === "object" && value !== null && "problem" in value) problems.push(`Item "${question.id}": ${value.problem}`);
        else answers[question.id] = value;
      } else if (typeof item.linkId === "string" && sectionIds.has(item.linkId)) visit(arrayOf(item.item));
      else problems.push(`Item ${describe(item, index)} is not a question on this form.`);
    });
  };
  visit(arrayOf(json.item));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, answers };
}

function answerValue(question: Question, answers: Json[]): AnswerValue | { problem: string } {
  const first = answers[0];
  if (!first) return { problem: "it has no answer." };
  if (question.kind !== "multiple_choice" && answers.length > 1) return { problem: "it has several answers to a question that takes one." };
  const wrongType = (expected: string) => ({ problem: `its answer should be a ${expected}.` });
  switch (question.kind) {
    case "short_text":
    case "long_text":
      return typeof first.valueString === "string" ? first.valueString : wrongType("valueString");
    case "number": {
      const number = first.valueInteger ?? first.valueDecimal;
      return typeof number === "number" ? number : wrongType("valueInteger or valueDecimal");
    }
    case "scale":
      return typeof first.valueInteger === "number" ? first.valueInteger : wrongType("valueInteger");
    case "date":
      return typeof first.valueDate === "string" ? first.valueDate : wrongType("valueDate");
    case "single_choice":
    case "multiple_choice": {
      const codes = answers.map((answer) => (isRecord(answer.valueCoding) ? answer.valueCoding.code : undefined));
      if (!codes.every((code): code is string => typeof code === "string")) return wrongType("valueCoding with a code");
      return question.kind === "single_choice" ? codes[0]! : codes;
    }
    case "yes_no":
      return typeof first.valueBoolean === "boolean" ? first.valueBoolean : wrongType("valueBoolean");
    case "file": {
      const fileId = attachmentFileId(first.valueAttachment);
      return fileId ?? wrongType("valueAttachment with a urn:uuid url");
    }
    case "signature": {
      const fileId = attachmentFileId(first.valueAttachment);
      if (fileId !== null) return { method: "drawn", fileId };
      const attachment = first.valueAttachment;
      return isRecord(attachment) && typeof attachment.title === "string" ? { method: "typed", name: attachment.title } : wrongType("valueAttachment");
    }
    case "consent": {
      if (typeof first.valueBoolean !== "boolean") return wrongType("valueBoolean");
      const nameItem = arrayOf(first.item).find((item) => item.linkId === consentNameLinkId(question.id));
      const name = nameItem ? arrayOf(nameItem.answer)[0]?.valueString : "";
      return typeof name === "string" ? { accepted: first.valueBoolean, name } : wrongType("valueBoolean with the name typed beneath it");
    }
  }
}

function attachmentFileId(attachment: unknown): string | null {
  if (!isRecord(attachment) || typeof attachment.url !== "string" || !attachment.url.startsWith("urn:uuid:")) return null;
  return attachment.url.slice("urn:uuid:".length);
}

function describe(item: Json, index: number): string {
  return typeof item.linkId === "string" ? `"${item.linkId}"` : `#${index + 1}`;
}

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The objects in a JSON list; anything else (missing, not a list, non-objects) reads as none. */
function arrayOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
