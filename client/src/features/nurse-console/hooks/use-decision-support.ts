import { useEffect, useMemo, useRef, useState } from 'react';
import type { TaskDetail } from '../../../../../server/contracts/tasks.ts';
import type { Language } from '../../../../../server/protocols/evaluator.ts';
import { useTaskProtocol, type TaskProtocol } from '../../protocols/hooks/use-task-protocol.ts';
import { outcomeForDisposition, type ChosenOutcome, type DecisionField } from '../../protocols/utils/decision.ts';
import { assessmentFromForm } from '../utils/assessment-form.ts';
import { withPreselection } from '../utils/outcome-form.ts';
import type { TaskDraft } from './use-task-draft.ts';

export interface DecisionSupport {
  protocol: TaskProtocol;
  /** The outcome panel's choice as the evaluator reads it (null: none yet). */
  chosenOutcome: ChosenOutcome | null;
  /** Decision fields left empty at the last attempt to submit. */
  missing: DecisionField[];
  setMissing(fields: DecisionField[]): void;
}

/**
 * Decision support (features/protocols) for the task in hand: the protocol with its live
 * recommendation from the draft's answers and vitals, and the outcome panel following that
 * recommendation until the nurse picks an outcome herself.
 */
export function useDecisionSupport(task: TaskDetail, draft: TaskDraft, canEdit: boolean, language: Language): DecisionSupport {
  const vitals = useMemo(() => {
    const parsed = assessmentFromForm(draft.assessment);
    return parsed.ok ? parsed.value.vitals : {};
  }, [draft.assessment]);
  const protocol = useTaskProtocol(task, draft.assessment.protocol, vitals, language);
  const [missing, setMissing] = useState<DecisionField[]>([]);
  const preselected = useRef('');
  const recommended = protocol.recommendation?.disposition ?? null;
  const { outcome, setOutcome } = draft;
  useEffect(() => {
    const pick = recommended && canEdit ? outcomeForDisposition(protocol.ladder, recommended) : null;
    const shown = JSON.stringify([outcome.type, outcome.urgency, outcome.target]);
    if (!pick || (outcome.type !== '' && shown !== preselected.current)) return;
    const next = withPreselection(outcome, pick);
    preselected.current = JSON.stringify([next.type, next.urgency, next.target]);
    if (shown !== preselected.current) setOutcome(next);
  }, [recommended, canEdit, protocol.ladder, outcome, setOutcome]);
  const chosenOutcome = outcome.type ? { type: outcome.type, urgency: outcome.urgency, target: outcome.target, advice: outcome.advice } : null;
  return { protocol, chosenOutcome, missing, setMissing };
}
