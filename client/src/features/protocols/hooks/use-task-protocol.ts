import { useMemo, useState } from 'react';
import type { DispositionDto, ProtocolContent, ProtocolVersionDto } from '../../../../../server/contracts/protocols.ts';
import type { TaskDetail } from '../../../../../server/contracts/tasks.ts';
import { evaluate, type Language, type Recommendation, type VitalSign } from '../../../../../server/protocols/evaluator.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { getProtocol, listDispositions, listProtocols } from '../api/protocols-api.ts';
import { decisionExtras, decisionNeeds, emptyDecisionForm, type ChosenOutcome, type DecisionExtras, type DecisionField, type DecisionForm, type DecisionNeeds } from '../utils/decision.ts';
import { answerList, type ProtocolForm } from '../utils/protocol-form.ts';

export interface TaskProtocol {
  loading: boolean;
  error: unknown;
  /** The protocol shown: the one the task was assessed with, else the approved one for its code (or the generic one). */
  protocolId: string | null;
  version: ProtocolVersionDto | null;
  content: ProtocolContent | null;
  ladder: DispositionDto[];
  /** Null until the nurse answers a question: an assessment without answers has no recommendation. */
  recommendation: Recommendation | null;
  /** Red-flag floors that only a unit dispatch satisfies: they rule out advice and redirects as the old red flags do. */
  hardDispatchFloors: number;
  /** A blank answer sheet for the version shown. */
  startForm(): ProtocolForm | null;
  decision: DecisionForm;
  setDecision(next: DecisionForm): void;
  needsFor(outcome: ChosenOutcome): DecisionNeeds | null;
  /** The override and advice fields for this outcome, or the decision fields still missing. */
  extrasFor(outcome: ChosenOutcome): { ok: true; value: DecisionExtras } | { ok: false; missing: DecisionField[] };
}

/** The protocol of one task, its live recommendation (the server's evaluator, run here) and the decision fields. */
export function useTaskProtocol(task: TaskDetail, form: ProtocolForm | null, vitals: Partial<Record<VitalSign, number>>, language: Language): TaskProtocol {
  const list = useLoad((signal) => listProtocols(signal));
  const ladderLoad = useLoad((signal) => listDispositions(signal));
  const protocols = list.data;
  const protocolId =
    form?.id ??
    task.assessment?.protocol?.id ??
    protocols?.find((p) => p.taskCodes.includes(task.taskCode) && p.approvedVersion !== null)?.id ??
    protocols?.find((p) => p.generic && p.approvedVersion !== null)?.id ??
    null;
  const detail = useLoad((signal) => (protocolId ? getProtocol(protocolId, signal) : Promise.resolve(null)), protocolId ?? '');
  const versionNumber = form?.version ?? (task.assessment?.protocol?.id === protocolId ? task.assessment?.protocol?.version : undefined) ?? detail.data?.approvedVersion ?? null;
  const version = detail.data?.id === protocolId ? (detail.data?.versions.find((v) => v.version === versionNumber) ?? null) : null;
  const content = version?.content ?? null;
  const ladder = useMemo(() => ladderLoad.data ?? [], [ladderLoad.data]);
  const [decision, setDecision] = useState(() => emptyDecisionForm(language));

  const answers = useMemo(() => answerList(form), [form]);
  const vitalsKey = JSON.stringify(vitals);
  const recommendation = useMemo(
    () => (form && content && ladder.length > 0 ? evaluate(content, answers, JSON.parse(vitalsKey) as Partial<Record<VitalSign, number>>, ladder) : null),
    [form, content, answers, vitalsKey, ladder],
  );

  const needsFor = (outcome: ChosenOutcome) => (recommendation && content ? decisionNeeds(recommendation, content, ladder, outcome) : null);
  return {
    loading: list.loading || ladderLoad.loading || detail.loading,
    error: list.error ?? ladderLoad.error ?? detail.error,
    protocolId,
    version,
    content,
    ladder,
    recommendation,
    hardDispatchFloors: recommendation?.floors.filter((f) => f.hard && ladder.find((d) => d.id === f.disposition)?.outcomeType === 'dispatch_unit').length ?? 0,
    startForm: () => (protocolId && version ? { id: protocolId, version: version.version, answers: {} } : null),
    decision,
    setDecision,
    needsFor,
    extrasFor(outcome) {
      const needs = needsFor(outcome);
      return needs && version ? decisionExtras(decision, needs, version.version) : { ok: true, value: {} };
    },
  };
}
