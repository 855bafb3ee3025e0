/**
 * The builder's edits of a form's draft, as pure functions: each returns a new draft or says why it cannot. The
 * result is then checked whole against the definition schema (app/forms/definition.ts) before it is saved, so a
 * draft is always a form that could be published.
 */

type QuestionLike = { id: string; showIf?: { question: string } | undefined };
type SectionLike<Q extends QuestionLike> = { id: string; title: string; questions: Q[] };
type DraftLike<Q extends QuestionLike> = { sections: SectionLike<Q>[] };

export type Edited<D> = { ok: true; draft: D } | { ok: false; problem: string };

const allQuestions = <Q extends QuestionLike>(draft: DraftLike<Q>) => draft.sections.flatMap((s) => s.questions);

/** A slug not yet used by any section or question: ids stay stable when labels change, so answers keep their keys. */
export function freshId(draft: DraftLike<QuestionLike>, wanted: string): string {
  const base =
    wanted
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 40) || "question";
  const taken = new Set([...draft.sections.map((s) => s.id), ...allQuestions(draft).map((q) => q.id), ...Object.getOwnPropertyNames(Object.prototype)]);
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

export function addSection<Q extends QuestionLike, D extends DraftLike<Q>>(draft: D, title: string): Edited<D> {
  return { ok: true, draft: { ...draft, sections: [...draft.sections, { id: freshId(draft, title), title, questions: [] }] } };
}

export function renameSection<Q extends QuestionLike, D extends DraftLike<Q>>(draft: D, sectionId: string, title: string): Edited<D> {
  if (!draft.sections.some((s) => s.id === sectionId)) return { ok: false, problem: "That section is no longer in the form. Please reload the page." };
  return { ok: true, draft: { ...draft, sections: draft.sections.map((s) => (s.id === sectionId ? { ...s, title } : s)) } };
}

/** A section can go once it is empty: its questions' answers would otherwise vanish from the next version unnoticed. */
export function removeSection<Q extends QuestionLike, D extends DraftLike<Q>>(draft: D, sectionId: string): Edited<D> {
  const section = draft.sections.find((s) => s.id === sectionId);
  if (!section) return { ok: false, problem: "That section is no longer in the form. Please reload the page." };
  if (section.questions.length) return { ok: false, problem: "Remove the section's questions first." };
  if (draft.sections.length === 1) return { ok: false, problem: "A form needs at least one section." };
  return { ok: true, draft: { ...draft, sections: draft.sections.filter((s) => s.id !== sectionId) } };
}

export function addQuestion<Q extends QuestionLike, D extends DraftLike<Q>>(draft: D, sectionId: string, question: Q): Edited<D> {
  if (!draft.sections.some((s) => s.id === sectionId)) return { ok: false, problem: "That section is no longer in the form. Please reload the page." };
  return { ok: true, draft: { ...draft, sections: draft.sections.map((s) => (s.id === sectionId ? { ...s, questions: [...s.questions, question] } : s)) } };
}

/** Replaces a question in place, keeping its id (and so the answers saved under it). */
export function replaceQuestion<Q extends QuestionLike, D extends DraftLike<Q>>(draft: D, questionId: string, question: Q): Edited<D> {
  if (!allQuestions(draft).some((q) => q.id === questionId)) return { ok: false, problem: "That question is no longer in the form. Please reload the page." };
  const kept = { ...question, id: questionId };
  return { ok: true, draft: { ...draft, sections: draft.sections.map((s) => ({ ...s, questions: s.questions.map((q) => (q.id === questionId ? kept : q)) })) } };
}

export function removeQuestion<Q extends QuestionLike, D extends DraftLike<Q>>(draft: D, questionId: string): Edited<D> {
  if (!allQuestions(draft).some((q) => q.id === questionId)) return { ok: false, problem: "That question is no longer in the form. Please reload the page." };
  if (allQuestions(draft).some((q) => q.showIf?.question === questionId)) return { ok: false, problem: "Another question is shown depending on this one: change that question first." };
  return { ok: true, draft: { ...draft, sections: draft.sections.map((s) => ({ ...s, questions: s.questions.filter((q) => q.id !== questionId) })) } };
}

/**
 * Moves a question one place up or down, across a section boundary at the ends. Refused when it would come before the
 * question it depends on, or after one that depends on it: show-if rules only look back.
 */
export function moveQuestion<Q extends QuestionLike, D extends DraftLike<Q>>(draft: D, questionId: string, direction: "up" | "down"): Edited<D> {
  const order = draft.sections.flatMap((s, si) => s.questions.map((q, qi) => ({ q, si, qi })));
  const at = order.findIndex((o) => o.q.id === questionId);
  if (at < 0) return { ok: false, problem: "That question is no longer in the form. Please reload the page." };
  const here = order[at]!;
  const sections = draft.sections.map((s) => ({ ...s, questions: [...s.questions] }));
  const section = sections[here.si]!;
  if (direction === "up") {
    if (here.qi > 0) {
      const other = section.questions[here.qi - 1]!;
      if (here.q.showIf?.question === other.id) return { ok: false, problem: "It is shown depending on the question above: it must stay after it." };
      section.questions.splice(here.qi - 1, 2, here.q, other);
    } else if (here.si > 0) {
      section.questions.splice(0, 1);
      sections[here.si - 1]!.questions.push(here.q);
    } else return { ok: true, draft };
  } else {
    if (here.qi < section.questions.length - 1) {
      const other = section.questions[here.qi + 1]!;
      if (other.showIf?.question === here.q.id) return { ok: false, problem: "The question below is shown depending on this one: it must stay before it." };
      section.questions.splice(here.qi, 2, other, here.q);
    } else if (here.si < sections.length - 1) {
      section.questions.splice(here.qi, 1);
      sections[here.si + 1]!.questions.unshift(here.q);
    } else return { ok: true, draft };
  }
  return { ok: true, draft: { ...draft, sections } };
}
