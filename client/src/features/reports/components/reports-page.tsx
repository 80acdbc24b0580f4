import { useTranslation } from '../../../lib/i18n.ts';
import { REPORT_GROUP_BY, type ReportGroupBy } from '../../../../../server/contracts/reports.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { ProtocolReportSection } from '../../protocols/components/protocol-report-section.tsx';
import { MonthRangeFields, useFilterForm } from '../../../lib/filter-form.tsx';
import { useLoad } from '../../../lib/use-load.ts';
import { csvHref, fetchMonthlyReport, type ReportFilters } from '../api/reports-api.ts';
import { OutcomeChart } from './outcome-chart.tsx';
import { BreakdownTable, ReportTable } from './report-table.tsx';

const helsinkiMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' });

/** The last twelve full months in Helsinki. */
function defaultFilters(): ReportFilters {
  const parts = helsinkiMonth.formatToParts(new Date());
  const year = Number(parts.find((p) => p.type === 'year')?.value);
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  const index = year * 12 + month - 1 - 1; // the previous month
  const name = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  return { from: name(index - 11), to: name(index), groupBy: '', compare: false };
}

function isGroupBy(value: string): value is ReportGroupBy {
  return REPORT_GROUP_BY.some((g) => g === value);
}

/** Monthly figures for managers: outcomes, avoided unit dispatches and their re-contacts. Aggregates only. */
export function ReportsPage() {
  const { t } = useTranslation();
  const { form, setForm, applied, apply } = useFilterForm<ReportFilters>(defaultFilters);
  const report = useLoad((signal) => fetchMonthlyReport(applied, signal), JSON.stringify(applied));

  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t('reports.title')}
      </h1>
      <p className="lead">{t('reports.description')}</p>
      <form className="card" onSubmit={(e) => apply(e, report.reload)} aria-label={t('reports.filters')}>
        <div className="form-grid">
          <MonthRangeFields idPrefix="report" from={form.from} to={form.to} onChange={(range) => setForm((f) => ({ ...f, ...range }))} />
          <div className="field">
            <label htmlFor="report-group">{t('reports.groupByLabel')}</label>
            <select
              id="report-group"
              value={form.groupBy}
              onChange={(e) => {
                const value = e.target.value;
                setForm((f) => ({ ...f, groupBy: isGroupBy(value) ? value : '' }));
              }}
            >
              <option value="">{t('reports.groupBy.none')}</option>
              {REPORT_GROUP_BY.map((g) => (
                <option key={g} value={g}>
                  {t(`reports.groupBy.${g}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="report-compare">
              <input id="report-compare" type="checkbox" checked={form.compare} onChange={(e) => setForm((f) => ({ ...f, compare: e.target.checked }))} />{' '}
              {t('reports.compare')}
            </label>
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary">
            {t('reports.show')}
          </button>
          <a className="button" href={csvHref(applied)} download>
            {t('reports.downloadCsv')}
          </a>
        </div>
      </form>
      <ErrorMessage error={report.error} />
      {report.loading && !report.data && <p className="loading">{t('reports.loading')}</p>}
      {report.data && (
        <div aria-busy={report.loading}>
          <OutcomeChart months={report.data.months} />
          <h2>{t('reports.tableTitle')}</h2>
          <ReportTable report={report.data} />
          <h2>{t('reports.breakdownTitle')}</h2>
          <BreakdownTable report={report.data} />
          <p className="hint">{t('reports.definitions')}</p>
        </div>
      )}
      <ProtocolReportSection />
    </section>
  );
}
