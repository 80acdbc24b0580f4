// The protocol evaluator: answers + vitals -> recommended disposition, with the floors that set it.
// Pure on purpose (no zod, no database, no clock): the server services and the browser import this
// one module, so the nurse sees exactly what the server will decide. Keep it that way.

export type Language = 'fi' | 'sv' | 'en';
export type Localized = Readonly<Record<Language, string>>;

export const VITAL_SIGNS = ['heartRate', 'respiratoryRate', 'systolicBp', 'diastolicBp', 'spo2', 'temperature', 'bloodGlucose'] as const;
export type VitalSign = (typeof VITAL_SIGNS)[number];

/** A floor applies when the answer equals the value (yes/no, choice), or a number lies strictly below/above the limit. */
export type Condition = { readonly equals: boolean | string } | { readonly below: number } | { readonly above: number };

export interface Floor {
  readonly when: Condition;
  readonly disposition: string;
  readonly reason: Localized;
  /** A red flag: no override; the chosen outcome must be at least this acute. */
  readonly hard: boolean;
}

export type Question =
  | { readonly id: string; readonly kind: 'yes_no'; readonly text: Localized; readonly floors: readonly Floor[] }
  | {
      readonly id: string;
      readonly kind: 'single_choice';
      readonly text: Localized;
      readonly options: readonly { readonly id: string; readonly label: Localized }[];
      readonly floors: readonly Floor[];
    }
  | {
      readonly id: string;
      readonly kind: 'number';
      readonly text: Localized;
      readonly unit: string;
      readonly min: number;
      readonly max: number;
      readonly floors: readonly Floor[];
    };

export interface VitalThreshold {
  readonly vital: VitalSign;
  readonly when: { readonly below: number } | { readonly above: number };
  readonly disposition: string;
  readonly reason: Localized;
  readonly hard: boolean;
}

export interface Advice {
  readonly id: string;
  readonly disposition: string;
  readonly text: Localized;
}

/** What a protocol version holds (the clinical content). */
export interface ProtocolContent {
  readonly title: Localized;
  readonly questions: readonly Question[];
  readonly vitalThresholds: readonly VitalThreshold[];
  readonly defaultDisposition: string;
  readonly advice: readonly Advice[];
}

export type AnswerValue = boolean | string | number;
export interface Answer {
  readonly questionId: string;
  readonly value: AnswerValue;
}

export type OutcomeKind = 'dispatch_unit' | 'phone_advice' | 'redirect';

/** Why a nurse chose less help than recommended (an override needs one of these and a note). */
export const OVERRIDE_REASONS = [
  'clinical_judgement',
  'patient_declines',
  'service_not_available',
  'carer_present_and_able',
  'unreliable_information',
  'other',
] as const;
export type OverrideReason = (typeof OVERRIDE_REASONS)[number];

/** One rung of the disposition ladder (reference data): rank 1 is the most acute. */
export interface LadderStep {
  readonly id: string;
  readonly rank: number;
  readonly outcomeType: OutcomeKind;
  /** Outcome fields and the values that mean this rung, e.g. { urgency: ['A', 'B', 'C'] }. */
  readonly outcomeMatch: Readonly<Record<string, readonly string[]>>;
}

export interface AppliedFloor {
  /** The question that set it, or `vitals.<sign>` for a vital-sign threshold. */
  readonly questionId: string;
  readonly disposition: string;
  readonly reason: Localized;
  readonly hard: boolean;
}

export interface Recommendation {
  readonly disposition: string;
  /** Every floor the answers and vitals set, most acute first. */
  readonly floors: readonly AppliedFloor[];
  /** Questions without an answer yet, in protocol order. */
  readonly unanswered: readonly string[];
}

function holds(when: Condition, value: AnswerValue): boolean {
  if ('equals' in when) return value === when.equals;
  if (typeof value !== 'number') return false;
  return 'below' in when ? value < when.below : value > when.above;
}

/** The rank of a disposition; one the ladder does not know counts as most acute (0), never as harmless. */
export function rankOf(ladder: readonly LadderStep[], disposition: string): number {
  return ladder.find((s) => s.id === disposition)?.rank ?? 0;
}

/**
 * The recommendation: the most acute of the default disposition and every floor the answers and
 * vitals set (a floor only ever raises the level of help). Ties keep protocol order.
 */
export function evaluate(
  content: ProtocolContent,
  answers: readonly Answer[],
  vitals: Readonly<Partial<Record<VitalSign, number>>>,
  ladder: readonly LadderStep[],
): Recommendation {
  const byQuestion = new Map(answers.map((a) => [a.questionId, a.value]));
  const floors: AppliedFloor[] = [];
  const unanswered: string[] = [];
  for (const question of content.questions) {
    const value = byQuestion.get(question.id);
    if (value === undefined) {
      unanswered.push(question.id);
      continue;
    }
    for (const floor of question.floors) {
      if (holds(floor.when, value)) floors.push({ questionId: question.id, disposition: floor.disposition, reason: floor.reason, hard: floor.hard });
    }
  }
  for (const threshold of content.vitalThresholds) {
    const value = vitals[threshold.vital];
    if (value !== undefined && holds(threshold.when, value)) {
      floors.push({ questionId: `vitals.${threshold.vital}`, disposition: threshold.disposition, reason: threshold.reason, hard: threshold.hard });
    }
  }
  const sorted = floors
    .map((floor, index) => ({ floor, index }))
    .sort((a, b) => rankOf(ladder, a.floor.disposition) - rankOf(ladder, b.floor.disposition) || a.index - b.index)
    .map((x) => x.floor);
  const top = sorted[0];
  const disposition = top && rankOf(ladder, top.disposition) <= rankOf(ladder, content.defaultDisposition) ? top.disposition : content.defaultDisposition;
  return { disposition, floors: sorted, unanswered };
}

/**
 * The rung an outcome stands for: the most acute rung whose mapping matches it (outcome type and
 * every listed field), or null when no rung does.
 */
export function dispositionOfOutcome(outcome: { readonly type: string } & Readonly<Record<string, unknown>>, ladder: readonly LadderStep[]): string | null {
  const matches = ladder
    .filter((step) => step.outcomeType === outcome.type)
    .filter((step) => Object.entries(step.outcomeMatch).every(([field, values]) => typeof outcome[field] === 'string' && values.includes(outcome[field])))
    .sort((a, b) => a.rank - b.rank);
  return matches[0]?.id ?? null;
}

export interface OutcomeJudgement {
  /** The chosen outcome's rung (null: no rung maps to it; it counts as the least acute). */
  readonly chosen: string | null;
  readonly direction: 'same' | 'downgrade' | 'upgrade';
  /** Hard (red-flag) floors the chosen outcome falls below: such an outcome is refused. */
  readonly hardFloorsBroken: readonly AppliedFloor[];
}

/**
 * Compares a chosen outcome with the recommendation by ladder order. A downgrade (less acute than
 * recommended) needs an override reason; falling below a hard floor is never allowed.
 */
export function judgeOutcome(
  recommendation: Pick<Recommendation, 'disposition' | 'floors'>,
  outcome: { readonly type: string } & Readonly<Record<string, unknown>>,
  ladder: readonly LadderStep[],
): OutcomeJudgement {
  const chosen = dispositionOfOutcome(outcome, ladder);
  const chosenRank = chosen === null ? Number.POSITIVE_INFINITY : rankOf(ladder, chosen);
  const recommendedRank = rankOf(ladder, recommendation.disposition);
  const direction = chosenRank > recommendedRank ? 'downgrade' : chosenRank < recommendedRank ? 'upgrade' : 'same';
  const hardFloorsBroken = recommendation.floors.filter((f) => f.hard && chosenRank > rankOf(ladder, f.disposition));
  return { chosen, direction, hardFloorsBroken };
}

/** The advice text a protocol version gives for a disposition, if it has one. */
export function adviceFor(content: ProtocolContent, disposition: string | null): Advice | undefined {
  return disposition === null ? undefined : content.advice.find((a) => a.disposition === disposition);
}
