import type { ValidationIssue } from '../contracts/common.ts';
import type { ProtocolAnswers, ProtocolContent } from '../contracts/protocols.ts';
import type { Condition, Question } from './evaluator.ts';

// Checks zod cannot express on its own: ids unique, dispositions on the ladder, floors that can
// actually match their question. Each issue names the path, so an import error points at the spot.

function conditionIssue(question: Question, when: Condition): string | null {
  switch (question.kind) {
    case 'yes_no':
      return 'equals' in when && typeof when.equals === 'boolean' ? null : 'A yes/no question floors on { "equals": true } or { "equals": false }';
    case 'single_choice':
      return 'equals' in when && typeof when.equals === 'string' && question.options.some((o) => o.id === when.equals)
        ? null
        : `A choice question floors on { "equals": "<option id>" } of its options`;
    case 'number':
      return 'equals' in when ? 'A number question floors on { "below": n } or { "above": n }' : null;
  }
}

/** Every problem with a protocol version's content, with paths under `prefix` (e.g. body.content). */
export function contentIssues(content: ProtocolContent, dispositions: ReadonlySet<string>, prefix: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const knownDisposition = (id: string, path: string) => {
    if (!dispositions.has(id)) issues.push({ path, message: `Unknown disposition "${id}"` });
  };
  const seen = new Set<string>();
  content.questions.forEach((question, qi) => {
    const at = `${prefix}.questions.${qi}`;
    if (seen.has(question.id)) issues.push({ path: `${at}.id`, message: `Question id "${question.id}" is used twice` });
    seen.add(question.id);
    if (question.kind === 'number' && question.min >= question.max) issues.push({ path: `${at}.max`, message: 'max must be greater than min' });
    if (question.kind === 'single_choice' && new Set(question.options.map((o) => o.id)).size !== question.options.length) {
      issues.push({ path: `${at}.options`, message: 'Option ids must be unique' });
    }
    question.floors.forEach((floor, fi) => {
      knownDisposition(floor.disposition, `${at}.floors.${fi}.disposition`);
      const problem = conditionIssue(question, floor.when);
      if (problem) issues.push({ path: `${at}.floors.${fi}.when`, message: problem });
    });
  });
  content.vitalThresholds.forEach((threshold, ti) => knownDisposition(threshold.disposition, `${prefix}.vitalThresholds.${ti}.disposition`));
  knownDisposition(content.defaultDisposition, `${prefix}.defaultDisposition`);
  const adviceIds = new Set<string>();
  content.advice.forEach((advice, ai) => {
    if (adviceIds.has(advice.id)) issues.push({ path: `${prefix}.advice.${ai}.id`, message: `Advice id "${advice.id}" is used twice` });
    adviceIds.add(advice.id);
    knownDisposition(advice.disposition, `${prefix}.advice.${ai}.disposition`);
  });
  return issues;
}

/** Answers that do not fit the version's questions (unknown question, wrong kind of value, out of range). */
export function answerIssues(content: ProtocolContent, answers: ProtocolAnswers['answers'], prefix: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  answers.forEach((answer, i) => {
    const path = `${prefix}.${i}.value`;
    const question = content.questions.find((q) => q.id === answer.questionId);
    if (!question) {
      issues.push({ path: `${prefix}.${i}.questionId`, message: `The protocol has no question "${answer.questionId}"` });
      return;
    }
    const value = answer.value;
    if (question.kind === 'yes_no' && typeof value !== 'boolean') issues.push({ path, message: 'Answer true or false' });
    if (question.kind === 'single_choice' && !question.options.some((o) => o.id === value)) issues.push({ path, message: 'Not one of the options' });
    if (question.kind === 'number' && (typeof value !== 'number' || value < question.min || value > question.max)) {
      issues.push({ path, message: `A number from ${question.min} to ${question.max}` });
    }
  });
  return issues;
}
