import type { DispositionDto, ProtocolContent } from '../../../../../server/contracts/protocols.ts';
import type { Outcome } from '../../../../../server/contracts/tasks.ts';
import { adviceFor, judgeOutcome, OVERRIDE_REASONS, type Advice, type Language, type OverrideReason, type Recommendation } from '../../../../../server/protocols/evaluator.ts';

// What the outcome needs beyond its own fields, by the same evaluator the server runs:
// an override reason for a downgrade, and the advice text confirmed for advice and redirects.


export function isOverrideReason(value: string): value is OverrideReason {
  return OVERRIDE_REASONS.some((r) => r === value);
}

export interface DecisionForm {
  overrideReason: OverrideReason | '';
  overrideNote: string;
  patientLanguage: Language;
  understood: boolean;
}

export const emptyDecisionForm = (language: Language): DecisionForm => ({ overrideReason: '', overrideNote: '', patientLanguage: language, understood: false });

/** The outcome fields that decide its rung, as the outcome panel holds them. */
export interface ChosenOutcome {
  type: string;
  urgency?: string;
  target?: string;
  advice?: string;
}

export interface DecisionNeeds {
  chosen: string | null;
  downgrade: boolean;
  hardFloors: Recommendation['floors'];
  advice: Advice | undefined;
}

export function decisionNeeds(recommendation: Recommendation, content: ProtocolContent, ladder: readonly DispositionDto[], outcome: ChosenOutcome): DecisionNeeds {
  const judgement = judgeOutcome(recommendation, { ...outcome }, ladder);
  return {
    chosen: judgement.chosen,
    downgrade: judgement.direction === 'downgrade',
    hardFloors: judgement.hardFloorsBroken,
    advice: outcome.type === 'dispatch_unit' ? undefined : adviceFor(content, judgement.chosen),
  };
}

export type DecisionField = 'overrideReason' | 'overrideNote' | 'understood';
export type DecisionExtras = Pick<Outcome, 'override' | 'adviceGiven'>;

/** The override and advice fields to send, or what is still missing. */
export function decisionExtras(form: DecisionForm, needs: DecisionNeeds, version: number): { ok: true; value: DecisionExtras } | { ok: false; missing: DecisionField[] } {
  const missing: DecisionField[] = [];
  const note = form.overrideNote.trim();
  if (needs.downgrade && !form.overrideReason) missing.push('overrideReason');
  if (needs.downgrade && !note) missing.push('overrideNote');
  if (needs.advice && !form.understood) missing.push('understood');
  if (missing.length > 0) return { ok: false, missing };
  const value: DecisionExtras = {};
  if (form.overrideReason && note) value.override = { reason: form.overrideReason, note };
  if (needs.advice) value.adviceGiven = { adviceId: needs.advice.id, version, language: form.patientLanguage, understood: true };
  return { ok: true, value };
}

/** The outcome that stands for a rung: its type and the first value of each mapped field (a unit at D when D is among them). */
export function outcomeForDisposition(ladder: readonly DispositionDto[], disposition: string): ChosenOutcome | null {
  const step = ladder.find((d) => d.id === disposition);
  if (!step) return null;
  const pick = (values: string[] | undefined) => (values?.includes('D') ? 'D' : values?.[values.length - 1]);
  const urgency = pick(step.outcomeMatch['urgency']);
  const target = step.outcomeMatch['target']?.[0];
  return { type: step.outcomeType, ...(urgency ? { urgency } : {}), ...(target ? { target } : {}) };
}
