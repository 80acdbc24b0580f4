import type { ProtocolAnswers } from '../../../../../server/contracts/protocols.ts';
import type { AnswerValue } from '../../../../../server/protocols/evaluator.ts';

// The nurse's protocol answers as the assessment draft keeps them, and their API shape.

export interface ProtocolForm {
  id: string;
  version: number;
  /** By question id; each answer keeps the time it was given. */
  answers: Record<string, { value: AnswerValue; answeredAt: string }>;
}

export function protocolFormFrom(saved: ProtocolAnswers | undefined): ProtocolForm | null {
  if (!saved) return null;
  return {
    id: saved.id,
    version: saved.version,
    answers: Object.fromEntries(saved.answers.map((a) => [a.questionId, { value: a.value, answeredAt: a.answeredAt }])),
  };
}

export function protocolAnswersFrom(form: ProtocolForm): ProtocolAnswers {
  return {
    id: form.id,
    version: form.version,
    answers: Object.entries(form.answers).map(([questionId, a]) => ({ questionId, value: a.value, answeredAt: a.answeredAt })),
  };
}

export function answerList(form: ProtocolForm | null): { questionId: string; value: AnswerValue }[] {
  return form ? Object.entries(form.answers).map(([questionId, a]) => ({ questionId, value: a.value })) : [];
}

/** The form with one answer set (stamped now) or cleared (undefined); an unchanged answer keeps its time. */
export function withAnswer(form: ProtocolForm, questionId: string, value: AnswerValue | undefined, now: Date): ProtocolForm {
  const answers = { ...form.answers };
  if (value === undefined) delete answers[questionId];
  else if (answers[questionId]?.value !== value) answers[questionId] = { value, answeredAt: now.toISOString() };
  return { ...form, answers };
}

/** A protocol form read back from browser storage (anything malformed is dropped, never trusted). */
export function readProtocolForm(raw: unknown): ProtocolForm | null {
  if (typeof raw !== 'object' || raw === null || !('id' in raw) || !('version' in raw) || !('answers' in raw)) return null;
  const { id, version, answers } = raw;
  if (typeof id !== 'string' || typeof version !== 'number' || typeof answers !== 'object' || answers === null) return null;
  const kept: ProtocolForm['answers'] = {};
  for (const [questionId, answer] of Object.entries(answers)) {
    if (typeof answer !== 'object' || answer === null || !('value' in answer) || !('answeredAt' in answer)) continue;
    const { value, answeredAt } = answer;
    if ((typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number') && typeof answeredAt === 'string') kept[questionId] = { value, answeredAt };
  }
  return { id, version, answers: kept };
}
