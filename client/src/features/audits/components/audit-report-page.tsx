import { AUDIT_SECTIONS, COMPLIANCE_LEVELS, DEVIATION_GRADES } from '../../../../../server/contracts/audit-compliance.ts';
import { RECONTACT_REASONS, type AuditReport, type AuditReportCounts } from '../../../../../server/contracts/audits.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { MonthRangeFields, useFilterForm } from '../../../lib/filter-form.tsx';
import { currentLanguage, type Language, useTranslation } from '../../../lib/i18n.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { auditCsvHref, fetchAuditReport, type AuditReportFilters } from '../api/audits-api.ts';
import { formatShare } from '../../../lib/format.ts';
import { twelveMonthsTo } from '../utils/audit-format.ts';
import { BandChart } from './band-chart.tsx';

/** The clinical audit dashboard for managers: per month, the evidence that phone triage is safe. */
export function AuditReportPage() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { form, setForm, applied, apply } = useFilterForm<AuditReportFilters>(() => ({ ...twelveMonthsTo(new Date()), groupBy: '' }));
  const report = useLoad((signal) => fetchAuditReport(applied, signal), JSON.stringify(applied));

  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t('audits.report.title')}
      </h1>
      <p className="lead">{t('audits.report.description')}</p>
      <form className="card" onSubmit={(e) => apply(e, report.reload)} aria-label={t('audits.filters')}>
        <div className="form-grid">
          <MonthRangeFields idPrefix="audit-report" from={form.from} to={form.to} onChange={(range) => setForm((f) => ({ ...f, ...range }))} />
          <div className="field">
            <label htmlFor="audit-report-group">{t('audits.report.groupBy')}</label>
            <select
              id="audit-report-group"
              value={form.groupBy}
              onChange={(e) => {
                const value = e.target.value;
                setForm((f) => ({ ...f, groupBy: value === 'nurse' || value === 'protocol' ? value : '' }));
              }}
            >
              <option value="">{t('audits.report.groupNone')}</option>
              <option value="nurse">{t('audits.report.groupNurse')}</option>
              <option value="protocol">{t('audits.report.groupProtocol')}</option>
            </select>
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            {t('audits.report.show')}
          </button>
          <a className="button" href={auditCsvHref(applied)} download>
            {t('audits.report.csv')}
          </a>
        </div>
      </form>
      <ErrorMessage error={report.error} />
      {report.loading && !report.data && <p className="loading">{t('audits.report.loading')}</p>}
      {report.data && (
        <div aria-busy={report.loading}>
          <BandChart report={report.data} />
          <h2>{t('audits.report.tableTitle')}</h2>
          <MonthTable report={report.data} language={language} />
          <Totals report={report.data} />
        </div>
      )}
    </section>
  );
}

function CountCells({ c, language }: { c: AuditReportCounts; language: Language }) {
  const { t } = useTranslation();
  return (
    <>
      <td>{c.queued}</td>
      <td>{c.done}</td>
      {COMPLIANCE_LEVELS.map((l) => (
        <td key={l} data-level={l}>
          {c.byLevel[l]} <span className="muted">({formatShare(c.shares[l], language)})</span>
        </td>
      ))}
      <td>{c.withinBands === null ? '–' : c.withinBands ? t('audits.report.yes') : <strong className="warning-text">{t('audits.report.no')}</strong>}</td>
    </>
  );
}

function MonthTable({ report, language }: { report: AuditReport; language: Language }) {
  const { t } = useTranslation();
  return (
    <div className="card table-wrap">
      <table className="table table-compact" data-testid="audit-report-table">
        <caption className="visually-hidden">{t('audits.report.tableTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audits.report.month')}</th>
            <th scope="col">{t('audits.report.queued')}</th>
            <th scope="col">{t('audits.report.done')}</th>
            {COMPLIANCE_LEVELS.map((l) => (
              <th scope="col" key={l}>
                {t(`audits.levels.${l}`)}
              </th>
            ))}
            <th scope="col">{t('audits.report.withinBands')}</th>
          </tr>
        </thead>
        <tbody>
          {report.months.flatMap((m) => [
            <tr key={m.month} data-month={m.month}>
              <th scope="row">{m.month}</th>
              <CountCells c={m} language={language} />
            </tr>,
            ...(m.groups ?? []).map((g) => (
              <tr key={`${m.month} ${g.key}`} data-month={m.month} data-group={g.key}>
                <th scope="row">↳ {g.label}</th>
                <CountCells c={g} language={language} />
              </tr>
            )),
          ])}
        </tbody>
      </table>
    </div>
  );
}

/** Deviations by section and re-contact causes over the whole period. */
function Totals({ report }: { report: AuditReport }) {
  const { t } = useTranslation();
  const sum = (get: (c: AuditReportCounts) => number) => report.months.reduce((s, m) => s + get(m), 0);
  return (
    <div className="form-grid">
      <div className="card table-wrap">
        <table className="table table-compact">
          <caption>{t('audits.report.deviationsTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audits.report.section')}</th>
              {DEVIATION_GRADES.map((g) => (
                <th scope="col" key={g}>
                  {t(`audits.grades.${g}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {AUDIT_SECTIONS.map((s) => (
              <tr key={s}>
                <th scope="row">{t(`audits.sections.${s}`)}</th>
                {DEVIATION_GRADES.map((g) => (
                  <td key={g}>{sum((c) => c.deviationsBySection[s][g])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card table-wrap">
        <table className="table table-compact">
          <caption>{t('audits.report.recontactTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audits.report.reason')}</th>
              <th scope="col">{t('audits.report.count')}</th>
            </tr>
          </thead>
          <tbody>
            {RECONTACT_REASONS.map((r) => (
              <tr key={r}>
                <th scope="row">{t(`audits.recontactReasons.${r}`)}</th>
                <td>{sum((c) => c.recontactReasons[r])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
