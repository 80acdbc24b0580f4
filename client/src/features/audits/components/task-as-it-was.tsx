import type { AuditDetail } from '../../../../../server/contracts/audits.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';

/** The reviewed task, read-only: assessment, calls, outcomes with amendments, every event with its time, re-contacts. */
export function TaskAsItWas({ audit }: { audit: AuditDetail }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { task } = audit;
  const vitals = Object.entries(task.assessment?.vitals ?? {});
  return (
    <section className="card" aria-labelledby="task-as-it-was" data-testid="task-as-it-was">
      <h2 id="task-as-it-was">{t('audits.review.taskTitle')}</h2>
      <dl className="audit-facts">
        <dt>{t('audits.columns.received')}</dt>
        <dd>{formatDateTime(task.receivedAt, language)}</dd>
        <dt>{t('audits.review.summary')}</dt>
        <dd>
          {task.taskCode} · {task.municipality} · {task.summary}
        </dd>
        <dt>{t('audits.review.chiefComplaint')}</dt>
        <dd>{task.assessment?.chiefComplaint ?? '–'}</dd>
        <dt>{t('audits.review.onset')}</dt>
        <dd>{task.assessment?.onset ?? '–'}</dd>
        <dt>{t('audits.review.redFlags')}</dt>
        <dd>{task.assessment && task.assessment.redFlags.length > 0 ? task.assessment.redFlags.join(', ') : t('audits.review.none')}</dd>
        <dt>{t('audits.review.vitals')}</dt>
        <dd>{vitals.length > 0 ? vitals.map(([k, v]) => `${k} ${String(v)}`).join(' · ') : '–'}</dd>
        <dt>{t('audits.review.notes')}</dt>
        <dd>{task.assessment?.notes ?? '–'}</dd>
      </dl>
      {task.assessment?.protocol && (
        <>
          <h3>{t('audits.review.answers', { protocol: `${task.assessment.protocol.id} v${task.assessment.protocol.version}` })}</h3>
          <ul data-testid="audit-answers">
            {task.assessment.protocol.answers.map((a) => (
              <li key={a.questionId}>
                {formatDateTime(a.answeredAt, language, true)} · {a.questionId}: <strong>{String(a.value)}</strong>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('audits.review.calls')}</h3>
      <ul>
        {task.callAttempts.map((c, i) => (
          <li key={i}>
            {formatDateTime(c.at, language, true)} · {c.result} · {c.by}
          </li>
        ))}
      </ul>
      <h3>{t('audits.review.outcomes')}</h3>
      <ul data-testid="audit-outcomes">
        {task.outcomes.map((o) => (
          <li key={o.id}>
            {formatDateTime(o.recordedAt, language, true)} · <strong>{String(o.outcome.type)}</strong> · {o.recordedBy}
            {o.current ? ` (${t('audits.review.current')})` : ''}
            {o.amendmentReason ? ` · ${t('audits.review.amendedBecause', { reason: o.amendmentReason })}` : ''}
            {o.decision && (
              <div>
                {t('audits.review.decision', { recommended: o.decision.recommended, chosen: o.decision.chosen ?? '–' })}
                {o.decision.overrideReason ? ` · ${t('audits.review.override', { reason: o.decision.overrideReason })}` : ''}
              </div>
            )}
            <pre className="small audit-outcome-details">{JSON.stringify(o.outcome, null, 2)}</pre>
          </li>
        ))}
      </ul>
      <h3>{t('audits.review.recontacts')}</h3>
      {audit.recontacts.length === 0 ? (
        <p className="muted">{t('audits.review.noRecontacts')}</p>
      ) : (
        <ul data-testid="audit-recontacts">
          {audit.recontacts.map((r) => (
            <li key={r.ercTaskId}>
              <span className="mono">{r.ercTaskId}</span> · {formatDateTime(r.receivedAt, language)} ({t('audits.review.hoursAfter', { hours: r.hoursAfter })}) · {r.taskCode} ·{' '}
              {r.outcomeType ?? '–'}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>{t('audits.review.events')}</summary>
        <ul>
          {task.events.map((e) => (
            <li key={e.seq}>
              {formatDateTime(e.at, language, true)} · {e.type} · {e.actor}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
