import type { RecommendationDto } from '../contracts/protocols.ts';
import type { AssessmentFields, Outcome } from '../contracts/tasks.ts';
import type { Executor } from '../audit/audit.repository.ts';
import { AppError, validationError } from '../http/errors.ts';
import { answerIssues } from './content-rules.ts';
import { adviceFor, evaluate, judgeOutcome, type LadderStep, type ProtocolContent } from './evaluator.ts';
import { loadLadder, parseContent } from './protocols.service.ts';
import { findVersion } from './protocols.repository.ts';

// Where the tasks service meets the protocols: the server never trusts the client's
// recommendation; it recomputes it with the evaluator on every assessment save and outcome.

/** What an outcome row records of the decision support. */
export interface OutcomeDecision {
  protocolId: string;
  protocolVersion: number;
  recommended: string;
  chosen: string | null;
  overrideReason: string | null;
  adviceId: string | null;
  adviceLanguage: string | null;
}

interface TaskProtocol {
  protocol_id: string | null;
  protocol_version: number | null;
}

function recommend(content: ProtocolContent, assessment: AssessmentFields, ladder: LadderStep[], id: string, version: number): RecommendationDto {
  const { disposition, floors, unanswered } = evaluate(content, assessment.protocol?.answers ?? [], assessment.vitals, ladder);
  return { protocolId: id, protocolVersion: version, disposition, floors: [...floors], unanswered: [...unanswered] };
}

/**
 * The protocol version and recommendation an assessment save leads to (null without protocol
 * answers). A version must be approved, except the one the task was already assessed with: a task
 * keeps its version when a newer one is approved mid-assessment.
 */
export async function recommendationForSave(trx: Executor, task: TaskProtocol, assessment: AssessmentFields): Promise<RecommendationDto | null> {
  const given = assessment.protocol;
  if (!given) return null;
  const row = await findVersion(trx, given.id, given.version);
  const keeps = task.protocol_id === given.id && task.protocol_version === given.version;
  if (!row || (row.status !== 'approved' && !keeps)) {
    throw new AppError(422, 'PROTOCOL_VERSION_NOT_APPROVED', `Version ${given.version} of protocol "${given.id}" is not approved for new assessments: reload the protocol.`, [
      { path: 'body.protocol.version', message: row ? `This version is ${row.status}` : 'No such protocol version' },
    ]);
  }
  const content = parseContent(row.content);
  const issues = answerIssues(content, given.answers, 'body.protocol.answers');
  if (issues.length > 0) throw validationError(issues);
  return recommend(content, assessment, await loadLadder(trx), given.id, given.version);
}

/**
 * Checks an outcome against the task's protocol (nothing to check without one: such a task is
 * "assessed without a protocol"). Refuses an outcome below a hard (red-flag) floor, a downgrade
 * without an override reason, and phone advice or a redirect without the advice text confirmed.
 */
export async function decideOutcome(trx: Executor, task: TaskProtocol, assessment: AssessmentFields | null, outcome: Outcome): Promise<OutcomeDecision | null> {
  if (!assessment?.protocol || task.protocol_id === null || task.protocol_version === null) return null;
  const row = await findVersion(trx, task.protocol_id, task.protocol_version);
  if (!row) throw new Error(`protocol version ${task.protocol_id}/${task.protocol_version} vanished`);
  const content = parseContent(row.content);
  const ladder = await loadLadder(trx);
  const recommendation = recommend(content, assessment, ladder, task.protocol_id, task.protocol_version);
  const judgement = judgeOutcome(recommendation, outcome, ladder);
  if (judgement.hardFloorsBroken.length > 0) {
    const floors = judgement.hardFloorsBroken.map((f) => f.questionId);
    throw new AppError(422, 'RED_FLAG_REQUIRES_DISPATCH', `Red flags (${floors.join(', ')}) require at least "${judgement.hardFloorsBroken[0]!.disposition}": no override is possible.`, {
      redFlags: floors,
      required: judgement.hardFloorsBroken[0]!.disposition,
    });
  }
  if (judgement.direction === 'downgrade' && !outcome.override) {
    throw new AppError(422, 'OVERRIDE_REASON_REQUIRED', `The protocol recommends "${recommendation.disposition}"; a less acute outcome needs an override reason and a note.`, {
      recommended: recommendation.disposition,
      chosen: judgement.chosen,
    });
  }
  const advice = outcome.type === 'dispatch_unit' ? undefined : adviceFor(content, judgement.chosen);
  if (advice) {
    const given = outcome.adviceGiven;
    if (!given) {
      throw new AppError(422, 'ADVICE_REQUIRED', 'Read the advice text to the patient and confirm that they understood it.', { adviceId: advice.id, version: row.version });
    }
    if (given.adviceId !== advice.id || given.version !== row.version) {
      throw validationError([{ path: 'body.adviceGiven.adviceId', message: `The advice for this outcome is "${advice.id}" of version ${row.version}` }]);
    }
  }
  return {
    protocolId: task.protocol_id,
    protocolVersion: task.protocol_version,
    recommended: recommendation.disposition,
    chosen: judgement.chosen,
    overrideReason: outcome.override?.reason ?? null,
    adviceId: advice && outcome.adviceGiven ? advice.id : null,
    adviceLanguage: advice && outcome.adviceGiven ? outcome.adviceGiven.language : null,
  };
}
