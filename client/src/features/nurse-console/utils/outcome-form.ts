import type { Outcome } from '../../../../../server/contracts/tasks.ts';

// The outcome panel's state and the rules it shows; the server enforces the same rules
// (server/tasks/lifecycle-rules.ts) and answers RED_FLAG_REQUIRES_DISPATCH / ESCALATED_REQUIRES_DISPATCH.

type OutcomeOf<T extends Outcome['type']> = Extract<Outcome, { type: T }>;
export type OutcomeType = Outcome['type'];
export type UnitLevel = OutcomeOf<'dispatch_unit'>['unitLevel'];
export type DispatchUrgency = OutcomeOf<'dispatch_unit'>['urgency'];
export type DispatchReason = OutcomeOf<'dispatch_unit'>['reason'];
export type AdviceKind = OutcomeOf<'phone_advice'>['advice'];
export type RedirectTarget = OutcomeOf<'redirect'>['target'];

export const OUTCOME_TYPES = ['dispatch_unit', 'phone_advice', 'redirect'] as const satisfies readonly OutcomeType[];
export const UNIT_LEVELS = ['ALS', 'BLS', 'first_response'] as const satisfies readonly UnitLevel[];
/** A unit is sent at D or a more urgent class, never lower. */
export const DISPATCH_URGENCIES = ['D', 'C', 'B', 'A'] as const satisfies readonly DispatchUrgency[];
export const DISPATCH_REASONS = ['unreachable', 'clinical_need', 'red_flag', 'no_suitable_alternative', 'patient_request', 'deteriorated_at_follow_up', 'other'] as const satisfies readonly DispatchReason[];
export const ADVICE_KINDS = ['self_care', 'contact_health_centre', 'call_back_if_worse'] as const satisfies readonly AdviceKind[];
export const REDIRECT_TARGETS = [
  'home_care',
  'home_hospital',
  'social_emergency',
  'social_services',
  'mental_health_substance',
  'health_centre',
  'other',
] as const satisfies readonly RedirectTarget[];

// Fail to compile if the contract gains a value that is missing above.
type AssertNever<T extends never> = T;
export type AllOutcomeValuesListed = AssertNever<
  | Exclude<OutcomeType, (typeof OUTCOME_TYPES)[number]>
  | Exclude<UnitLevel, (typeof UNIT_LEVELS)[number]>
  | Exclude<DispatchUrgency, (typeof DISPATCH_URGENCIES)[number]>
  | Exclude<DispatchReason, (typeof DISPATCH_REASONS)[number]>
  | Exclude<AdviceKind, (typeof ADVICE_KINDS)[number]>
  | Exclude<RedirectTarget, (typeof REDIRECT_TARGETS)[number]>
>;

export interface OutcomeForm {
  type: OutcomeType | '';
  unitLevel: UnitLevel | '';
  urgency: DispatchUrgency;
  reason: DispatchReason | '';
  note: string;
  advice: AdviceKind | '';
  target: RedirectTarget | '';
  /** The directory entry chosen for a redirect ('' = none: a free-text target in handoffTo). */
  serviceId: string;
  handoffTo: string;
  /** Shared by phone advice and redirect, so switching between them keeps what was written. */
  rationale: string;
}

export function emptyOutcomeForm(): OutcomeForm {
  return { type: '', unitLevel: '', urgency: 'D', reason: '', note: '', advice: '', target: '', serviceId: '', handoffTo: '', rationale: '' };
}

/** Why an outcome type cannot be chosen now, if it cannot. */
export type Blocker = 'escalated' | 'escalated_reached' | 'no_call' | 'red_flag';

/** What the outcome rules look at: the safety net, an answered call, the red flags. */
export interface OutcomeRules {
  escalated: boolean;
  /** The patient answered a call (phone advice and redirects need that). */
  reached: boolean;
  redFlagCount: number;
}

export function outcomeBlocker(type: OutcomeType, task: OutcomeRules): Blocker | null {
  if (type === 'dispatch_unit') return null;
  if (task.escalated) return task.reached ? 'escalated_reached' : 'escalated';
  if (!task.reached) return 'no_call';
  return task.redFlagCount > 0 ? 'red_flag' : null;
}

/** Only a patient the safety net fired for and who was never reached goes as "unreachable"; once answered, the true reason. */
export function reasonFixed(task: OutcomeRules): boolean {
  return task.escalated && !task.reached;
}

export type OutcomeField = 'type' | 'unitLevel' | 'reason' | 'advice' | 'target' | 'handoffTo' | 'rationale';

/** The outcome to send, or the fields still missing. An escalated task never reached can only be closed as an unreachable-patient dispatch. */
export function outcomeFromForm(form: OutcomeForm, rules: OutcomeRules): { ok: true; value: Outcome } | { ok: false; missing: OutcomeField[] } {
  const missing: OutcomeField[] = [];
  const rationale = form.rationale.trim();
  switch (form.type) {
    case '':
      return { ok: false, missing: ['type'] };
    case 'dispatch_unit': {
      const reason = reasonFixed(rules) ? 'unreachable' : form.reason === 'unreachable' && rules.reached ? '' : form.reason;
      if (!form.unitLevel) missing.push('unitLevel');
      if (!reason) missing.push('reason');
      if (!form.unitLevel || !reason) return { ok: false, missing };
      const note = form.note.trim();
      return { ok: true, value: { type: 'dispatch_unit', unitLevel: form.unitLevel, urgency: form.urgency, reason, ...(note ? { note } : {}) } };
    }
    case 'phone_advice':
      if (!form.advice) missing.push('advice');
      if (!rationale) missing.push('rationale');
      if (!form.advice || !rationale) return { ok: false, missing };
      return { ok: true, value: { type: 'phone_advice', advice: form.advice, rationale } };
    case 'redirect': {
      const handoffTo = form.handoffTo.trim();
      if (!form.target) missing.push('target');
      if (!handoffTo) missing.push('handoffTo');
      if (!rationale) missing.push('rationale');
      if (!form.target || !handoffTo || !rationale) return { ok: false, missing };
      return { ok: true, value: { type: 'redirect', target: form.target, ...(form.serviceId ? { serviceId: form.serviceId } : {}), handoffTo, rationale } };
    }
  }
}

/** The form set to the outcome a recommended disposition stands for (its type, and urgency or target where it names one). */
export function withPreselection(form: OutcomeForm, pick: { type: string; urgency?: string; target?: string }): OutcomeForm {
  const type = OUTCOME_TYPES.find((x) => x === pick.type);
  if (!type) return form;
  const urgency = DISPATCH_URGENCIES.find((x) => x === pick.urgency) ?? form.urgency;
  const target = REDIRECT_TARGETS.find((x) => x === pick.target) ?? form.target;
  return { ...form, type, urgency, target };
}
