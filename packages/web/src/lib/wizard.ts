// State logic of the EU AI Act classification wizard: which questions a step shows, how answers
// change, and which step holds a question the API complained about. The questionnaire itself
// (sections, questions, showIf) is the contract's data; nothing of it is copied here.
import {
  AI_ACT_QUESTIONS,
  AI_ACT_SECTIONS,
  isAiActQuestionVisible,
  type AiActAnswers,
  type AiActAnswerValue,
  type AiActQuestion,
  type AiActQuestionId,
  type AiActSection,
} from '@oversight/contract';

export type { AiActAnswers, AiActQuestion, AiActQuestionId, AiActSection };
export const SECTIONS = AI_ACT_SECTIONS;
export const QUESTIONS = AI_ACT_QUESTIONS;

/** The questions of a section that the current answers make visible, in order. */
export function visibleQuestions(section: AiActSection, answers: AiActAnswers): AiActQuestion[] {
  return AI_ACT_QUESTIONS.filter((q) => q.section === section && isAiActQuestionVisible(q, answers));
}

function isAnswered(value: AiActAnswerValue | undefined): boolean {
  if (value === undefined) return false;
  return Array.isArray(value) ? value.length > 0 : true;
}

/** Progress of one section: visible questions and how many of them have an answer. */
export function sectionProgress(
  section: AiActSection,
  answers: AiActAnswers,
): { answered: number; total: number } {
  const shown = visibleQuestions(section, answers);
  return { answered: shown.filter((q) => isAnswered(answers[q.id])).length, total: shown.length };
}

/** Sets one answer; an empty multi-choice selection removes the answer. */
export function setAnswer(answers: AiActAnswers, id: AiActQuestionId, value: AiActAnswerValue): AiActAnswers {
  const next: AiActAnswers = { ...answers };
  if (Array.isArray(value) && value.length === 0) delete next[id];
  else next[id] = value;
  return next;
}

/** Adds or removes one option of a multi-choice answer, keeping the options' order. */
export function toggleOption(
  answers: AiActAnswers,
  question: AiActQuestion,
  option: string,
  checked: boolean,
): AiActAnswers {
  const current = answers[question.id];
  const selected = new Set(Array.isArray(current) ? current : []);
  if (checked) selected.add(option);
  else selected.delete(option);
  const ordered = (question.options ?? []).map((o) => o.value).filter((v) => selected.has(v));
  return setAnswer(answers, question.id, ordered);
}

/** Only the answers to questions that are visible: hidden ones are left out of what is sent. */
export function visibleAnswers(answers: AiActAnswers): AiActAnswers {
  const out: AiActAnswers = {};
  for (const q of AI_ACT_QUESTIONS) {
    const value = answers[q.id];
    if (value !== undefined && isAiActQuestionVisible(q, answers)) out[q.id] = value;
  }
  return out;
}

/** Keeps only answers to known questions, from a stored classification of any version. */
export function knownAnswers(stored: Record<string, unknown> | null | undefined): AiActAnswers {
  const out: AiActAnswers = {};
  if (!stored) return out;
  for (const q of AI_ACT_QUESTIONS) {
    const v = stored[q.id];
    if (typeof v === 'boolean' || typeof v === 'string') out[q.id] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[q.id] = [...v];
  }
  return out;
}

/** Index (into SECTIONS) of the step showing the first question named in `errors`, if any. */
export function firstStepWithError(errors: Record<string, string>): number | undefined {
  for (let i = 0; i < AI_ACT_SECTIONS.length; i++) {
    const section = AI_ACT_SECTIONS[i];
    if (section && AI_ACT_QUESTIONS.some((q) => q.section === section.id && errors[q.id] !== undefined))
      return i;
  }
  return undefined;
}
