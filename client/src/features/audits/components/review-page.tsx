import { useEffect } from 'react';
import type { UserDto } from '../../../../../server/contracts/auth.ts';
import { RECONTACT_TRIGGERS, type AuditDetail, type AuditSubmissionDto } from '../../../../../server/contracts/audits.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { Link } from '../../../lib/link.tsx';
import { useSearchParam } from '../../../lib/navigation.ts';
import { subscribeAuditChanged } from '../../../lib/socket.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { acknowledgeAudit, claimAudit, fetchAudit } from '../api/audits-api.ts';
import { ComplianceBadge } from './compliance-badge.tsx';
import { EMPTY_FORM, ReviewForm } from './review-form.tsx';
import { TaskAsItWas } from './task-as-it-was.tsx';
import './audits.css';

/** One review: the task as it was, the form for its reviewer, the result and acknowledgement for its nurse. */
export function ReviewPage({ user }: { user: UserDto }) {
  const { t } = useTranslation();
  const id = useSearchParam('id');
  const detail = useLoad((signal) => (id ? fetchAudit(id, signal) : Promise.resolve(undefined)), id ?? '');
  const action = useIdempotentAction();
  const { reload } = detail;

  useEffect(() => subscribeAuditChanged((event) => event.auditId === id && reload()), [id, reload]);

  const audit = detail.data?.audit;
  const permissions = detail.data?.permissions;
  return (
    <section className="page" aria-labelledby="page-title">
      <p>
        <Link to="/audits">{t('audits.review.back')}</Link>
      </p>
      <h1 id="page-title" tabIndex={-1}>
        {audit ? t('audits.review.title', { task: audit.ercTaskId }) : t('audits.title')}
      </h1>
      {!id && <p className="muted">{t('audits.review.missing')}</p>}
      <ErrorMessage error={detail.error} />
      {audit && permissions && (
        <>
          <dl className="audit-facts card">
            <dt>{t('audits.review.chosenBecause')}</dt>
            <dd data-testid="audit-reasons">{audit.reasons.map((r) => t(`audits.reasons.${r}`)).join(', ')}</dd>
            <dt>{t('audits.review.nurse')}</dt>
            <dd>{audit.nurse.displayName}</dd>
            <dt>{t('audits.columns.state')}</dt>
            <dd data-testid="audit-state">{t(`audits.states.${audit.state}`)}</dd>
            <dt>{t('audits.review.reviewer')}</dt>
            <dd>{audit.reviewer?.displayName ?? '–'}</dd>
          </dl>
          {permissions.review && audit.state === 'queued' && (
            <p>
              <button type="button" className="button button-primary" disabled={action.busy} onClick={() => void action.run((key) => claimAudit(audit.id, key), reload)}>
                {t('audits.review.claim')}
              </button>
            </p>
          )}
          <ErrorMessage error={action.error} />
          <Result audit={audit} canAcknowledge={audit.nurse.id === user.id && audit.state === 'submitted'} onChanged={reload} />
          {permissions.review && canEdit(audit, user.id) && (
            <ReviewForm
              key={`${audit.id} ${audit.state === 'in_review' ? 'draft' : (audit.submissions.find((s) => s.current)?.id ?? '')}`}
              audit={audit}
              initial={audit.draft ?? audit.submissions.find((s) => s.current)?.form ?? EMPTY_FORM}
              amending={audit.state !== 'in_review'}
              askRecontact={audit.reasons.some((r) => RECONTACT_TRIGGERS.includes(r))}
              onChanged={reload}
            />
          )}
          <TaskAsItWas audit={audit} />
        </>
      )}
    </section>
  );
}

/** Its holder edits a review in progress; any reviewer who did not handle the task may amend a result (the server checks). */
function canEdit(audit: AuditDetail, userId: string): boolean {
  if (audit.state === 'in_review') return audit.reviewer?.id === userId;
  return audit.state === 'submitted' || audit.state === 'acknowledged';
}

function Result({ audit, canAcknowledge, onChanged }: { audit: AuditDetail; canAcknowledge: boolean; onChanged(): void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const ack = useIdempotentAction();
  const current = audit.submissions.find((s) => s.current);
  if (!current) return null;
  const earlier = audit.submissions.filter((s) => !s.current);
  return (
    <section className="card" aria-labelledby="result-title" data-testid="audit-result">
      <h2 id="result-title">{t('audits.review.result')}</h2>
      <Submission submission={current} />
      {audit.state === 'acknowledged' && audit.acknowledgedAt && <p className="success-text">{t('audits.review.acknowledged', { time: formatDateTime(audit.acknowledgedAt, language) })}</p>}
      {canAcknowledge && (
        <button type="button" className="button button-primary" disabled={ack.busy} onClick={() => void ack.run((key) => acknowledgeAudit(audit.id, audit.version, key), onChanged)}>
          {t('audits.review.acknowledge')}
        </button>
      )}
      <ErrorMessage error={ack.error} />
      {earlier.length > 0 && (
        <details>
          <summary>{t('audits.review.history')}</summary>
          {earlier.map((s) => (
            <Submission key={s.id} submission={s} />
          ))}
        </details>
      )}
    </section>
  );
}

function Submission({ submission }: { submission: AuditSubmissionDto }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    <div className="audit-submission">
      <p>
        <ComplianceBadge level={submission.compliance} critical={submission.critical} /> · {submission.submittedBy} · {formatDateTime(submission.submittedAt, language)}
        {submission.amendmentReason ? ` · ${t('audits.review.amendedBecause', { reason: submission.amendmentReason })}` : ''}
      </p>
      <ul>
        {submission.form.deviations.map((d, i) => (
          <li key={i}>
            {t(`audits.sections.${d.section}`)}: <strong>{t(`audits.grades.${d.grade}`)}</strong> · {d.note}
          </li>
        ))}
      </ul>
      {submission.form.recontactReason && (
        <p>
          {t('audits.review.recontactReason')}: {t(`audits.recontactReasons.${submission.form.recontactReason}`)}
        </p>
      )}
      {submission.form.feedback && <p>{submission.form.feedback}</p>}
    </div>
  );
}
