import { useEffect, useState } from 'react';
import type { AuditSummary } from '../../../../../server/contracts/audits.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { useFilterForm } from '../../../lib/filter-form.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { Link } from '../../../lib/link.tsx';
import { MonthField } from '../../../lib/month-field.tsx';
import { subscribeAuditChanged, subscribeConnected } from '../../../lib/socket.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { fetchAudits, runSampling, type AuditFilters } from '../api/audits-api.ts';
import { ComplianceBadge } from './compliance-badge.tsx';
import { CriticalNotifications } from './critical-notifications.tsx';

/** The review list: the queue and results for reviewers and managers, her own results for a nurse. */
export function AuditsPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { form, setForm, applied, apply } = useFilterForm<AuditFilters>({ month: '', state: '' });
  const list = useLoad((signal) => fetchAudits(applied, signal), JSON.stringify(applied));
  const sampling = useIdempotentAction();
  const [added, setAdded] = useState<number | null>(null);
  const { reload } = list;

  // Live: any review this user may see changed, or the connection came back (events may be missed).
  useEffect(() => {
    const offChanged = subscribeAuditChanged(() => reload());
    const offConnected = subscribeConnected(() => reload());
    return () => {
      offChanged();
      offConnected();
    };
  }, [reload]);

  const permissions = list.data?.permissions;
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t('audits.title')}
      </h1>
      <p className="lead">{permissions && !permissions.seeAll ? t('audits.mineDescription') : t('audits.description')}</p>
      {permissions?.notified && <CriticalNotifications />}
      <form className="card" onSubmit={(e) => apply(e, reload)} aria-label={t('audits.filters')}>
        <div className="form-grid">
          <MonthField id="audit-month" label={t('audits.month')} allLabel={t('audits.monthAll')} value={form.month} onChange={(month) => setForm((f) => ({ ...f, month }))} />
          <div className="field">
            <label htmlFor="audit-state">{t('audits.state')}</label>
            <select
              id="audit-state"
              value={form.state}
              onChange={(e) => {
                const value = e.target.value;
                setForm((f) => ({ ...f, state: value === 'queued' || value === 'done' ? value : '' }));
              }}
            >
              <option value="">{t('audits.stateAll')}</option>
              <option value="queued">{t('audits.stateQueued')}</option>
              <option value="done">{t('audits.stateDone')}</option>
            </select>
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            {t('audits.show')}
          </button>
          {permissions?.review && (
            <button
              type="button"
              className="button"
              disabled={sampling.busy}
              onClick={() =>
                void sampling.run(runSampling, (result) => {
                  setAdded(result.triggered + (result.sampled ?? 0));
                  reload();
                })
              }
            >
              {t('audits.scanNow')}
            </button>
          )}
        </div>
        {added !== null && (
          <p className="hint" role="status">
            {t('audits.scanDone', { count: added })}
          </p>
        )}
        <ErrorMessage error={sampling.error} />
      </form>
      <ErrorMessage error={list.error} />
      {list.loading && !list.data && <p className="loading">{t('audits.loading')}</p>}
      {list.data && <AuditTable audits={list.data.audits} language={language} />}
    </section>
  );
}

function AuditTable({ audits, language }: { audits: readonly AuditSummary[]; language: ReturnType<typeof currentLanguage> }) {
  const { t } = useTranslation();
  if (audits.length === 0) return <p className="muted">{t('audits.empty')}</p>;
  return (
    <div className="card table-wrap">
      <table className="table table-compact" data-testid="audit-list">
        <caption className="visually-hidden">{t('audits.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audits.columns.task')}</th>
            <th scope="col">{t('audits.columns.received')}</th>
            <th scope="col">{t('audits.columns.nurse')}</th>
            <th scope="col">{t('audits.columns.reasons')}</th>
            <th scope="col">{t('audits.columns.state')}</th>
            <th scope="col">{t('audits.columns.compliance')}</th>
            <th scope="col">{t('audits.columns.reviewer')}</th>
            <th scope="col">{t('audits.columns.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {audits.map((audit) => (
            <tr key={audit.id} data-audit-id={audit.id}>
              <th scope="row" className="mono">
                {audit.ercTaskId}
              </th>
              <td className="nowrap">{formatDateTime(audit.receivedAt, language)}</td>
              <td>{audit.nurse.displayName}</td>
              <td>{audit.reasons.map((r) => t(`audits.reasons.${r}`)).join(', ')}</td>
              <td>{t(`audits.states.${audit.state}`)}</td>
              <td>{audit.compliance && <ComplianceBadge level={audit.compliance} critical={audit.critical} />}</td>
              <td>{audit.reviewer?.displayName ?? '–'}</td>
              <td>
                <Link to={`/audits/review?id=${audit.id}`} aria-label={t('audits.openReview', { task: audit.ercTaskId })}>
                  {t('audits.open')}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
