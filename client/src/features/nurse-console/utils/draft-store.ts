import {
  DISPATCH_URGENCIES,
  emptyOutcomeForm,
  ADVICE_KINDS,
  DISPATCH_REASONS,
  OUTCOME_TYPES,
  REDIRECT_TARGETS,
  UNIT_LEVELS,
  type OutcomeForm,
} from './outcome-form.ts';
import { readProtocolForm } from '../../protocols/utils/protocol-form.ts';
import { emptyAssessmentForm, isConsciousness, VITAL_KEYS, type AssessmentForm } from './assessment-form.ts';
import { DRAFT_MAX_AGE_MS as MAX_AGE_MS, DRAFT_PREFIX as PREFIX, record } from './draft-lifetime.ts';

// The nurse's work on a task kept in this browser, so that a reload, a lost connection or a crash
// loses nothing: the assessment until the server has it, the outcome panel until the task closes.


export interface StoredDraft {
  assessment: AssessmentForm;
  /** The assessment has changes the server has not confirmed yet. */
  unsent: boolean;
  outcome: OutcomeForm;
  savedAt: number;
}


const str = (value: unknown) => (typeof value === 'string' ? value : '');
const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | '' {
  return allowed.find((a) => a === value) ?? '';
}

function readAssessment(raw: unknown): AssessmentForm {
  const data = record(raw);
  const vitalsRaw = record(data.vitals);
  const form = emptyAssessmentForm();
  for (const key of VITAL_KEYS) form.vitals[key] = str(vitalsRaw[key]);
  return {
    ...form,
    chiefComplaint: str(data.chiefComplaint),
    onset: str(data.onset),
    redFlags: strings(data.redFlags),
    consciousness: isConsciousness(data.consciousness) ? data.consciousness : '',
    currentServices: strings(data.currentServices),
    notes: str(data.notes),
    protocol: readProtocolForm(data.protocol),
  };
}

function readOutcome(raw: unknown): OutcomeForm {
  const data = record(raw);
  return {
    ...emptyOutcomeForm(),
    type: oneOf(OUTCOME_TYPES, data.type),
    unitLevel: oneOf(UNIT_LEVELS, data.unitLevel),
    urgency: oneOf(DISPATCH_URGENCIES, data.urgency) || 'D',
    reason: oneOf(DISPATCH_REASONS, data.reason),
    note: str(data.note),
    advice: oneOf(ADVICE_KINDS, data.advice),
    target: oneOf(REDIRECT_TARGETS, data.target),
    serviceId: str(data.serviceId),
    handoffTo: str(data.handoffTo),
    rationale: str(data.rationale),
  };
}

/** The stored draft of a task, or null; what this browser stored is read defensively (it may be older code's). */
export function loadDraft(taskId: string): StoredDraft | null {
  try {
    const text = window.localStorage.getItem(PREFIX + taskId);
    if (!text) return null;
    const data = record(JSON.parse(text));
    const savedAt = typeof data.savedAt === 'number' ? data.savedAt : 0;
    if (Date.now() - savedAt > MAX_AGE_MS) return null;
    return { assessment: readAssessment(data.assessment), unsent: data.unsent === true, outcome: readOutcome(data.outcome), savedAt };
  } catch {
    return null;
  }
}

export function storeDraft(taskId: string, draft: Omit<StoredDraft, 'savedAt'>): void {
  try {
    window.localStorage.setItem(PREFIX + taskId, JSON.stringify({ ...draft, savedAt: Date.now() }));
  } catch {
    // Storage full or disabled by policy: the server copy (saved as the nurse types) still holds the work.
  }
}

export function removeDraft(taskId: string): void {
  try {
    window.localStorage.removeItem(PREFIX + taskId);
  } catch {
    // Nothing to clean up where storage is disabled.
  }
}
