import { Fragment } from 'react';
import type { MonthlyReport, ReportCounts } from '../../../../../server/contracts/reports.ts';
import { DISPATCH_REASONS, REDIRECT_TARGETS, UNIT_LEVELS } from '../../../../../server/contracts/tasks.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { formatShare } from '../../../lib/format.ts';
import { formatCount, formatMinutes, formatMonth } from './report-values.ts';

/** The cells of one row: the same for a month, a group and the year before. */
function Cells({ c }: { c: ReportCounts }) {
  const language = currentLanguage();
  const n = (v: ReportCounts['received']) => formatCount(v, language);
  return (
    <>
      <td>{n(c.received)}</td>
      <td>{n(c.closed)}</td>
      <td>{n(c.byOutcome.dispatch_unit)}</td>
      <td>{n(c.byOutcome.phone_advice)}</td>
      <td>{n(c.byOutcome.redirect)}</td>
      <td>{n(c.cancelled)}</td>
      <td>
        <strong>{n(c.avoided)}</strong> <span className="muted">({formatShare(c.avoidedShare, language)})</span>
      </td>
      <td>
        {n(c.recontact24h)} <span className="muted">({formatShare(c.recontact24hRate, language)})</span>
      </td>
      <td>
        {n(c.recontact72h)} <span className="muted">({formatShare(c.recontact72hRate, language)})</span>
      </td>
      <td>{formatMinutes(c.medianMinutesToFirstCall, language)}</td>
    </>
  );
}

/** Months (and their groups, and the year before) with the avoided dispatches and their re-contacts side by side. */
export function ReportTable({ report }: { report: MonthlyReport }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    // Focusable, so a table wider than the page scrolls with the arrow keys too.
    <div className="card table-wrap" role="region" tabIndex={0} aria-label={t('reports.tableTitle')}>
      <table className="table table-compact">
        <caption className="visually-hidden">{t('reports.tableTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{report.groupBy ? `${t('reports.month')} / ${t(`reports.groupBy.${report.groupBy}`)}` : t('reports.month')}</th>
            <th scope="col">{t('reports.received')}</th>
            <th scope="col">{t('reports.closed')}</th>
            <th scope="col">{t('reports.outcomes.dispatch_unit')}</th>
            <th scope="col">{t('reports.outcomes.phone_advice')}</th>
            <th scope="col">{t('reports.outcomes.redirect')}</th>
            <th scope="col">{t('reports.outcomes.cancelled')}</th>
            <th scope="col">{t('reports.avoided')}</th>
            <th scope="col">{t('reports.recontact24h')}</th>
            <th scope="col">{t('reports.recontact72h')}</th>
            <th scope="col">{t('reports.medianMinutes')}</th>
          </tr>
        </thead>
        <tbody>
          {report.months.map((month) => (
            <Fragment key={month.month}>
              <tr>
                <th scope="row" className="nowrap">{formatMonth(month.month, language)}</th>
                <Cells c={month} />
              </tr>
              {month.previousYear && (
                <tr className="row-detail">
                  <th scope="row" className="nowrap muted">{t('reports.previousYear')}</th>
                  <Cells c={month.previousYear} />
                </tr>
              )}
              {month.groups?.map((group) => (
                <tr key={group.key} className="row-detail">
                  <th scope="row" className="nowrap">↳ {group.key}</th>
                  <Cells c={group} />
                </tr>
              ))}
            </Fragment>
          ))}
        </tbody>
      </table>
      <p className="hint">{t('reports.tableNote', { min: report.minGroupSize })}</p>
    </div>
  );
}

/** Redirect targets, unit levels and dispatch reasons (unreachable included) per month. */
export function BreakdownTable({ report }: { report: MonthlyReport }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const sections = [
    { title: t('reports.redirectsByTarget'), rows: REDIRECT_TARGETS.map((k) => ({ key: k, label: t(`reports.targets.${k}`), get: (c: ReportCounts) => c.redirectsByTarget[k] })) },
    { title: t('reports.dispatchesByLevel'), rows: UNIT_LEVELS.map((k) => ({ key: k, label: t(`reports.levels.${k}`), get: (c: ReportCounts) => c.dispatchesByLevel[k] })) },
    { title: t('reports.dispatchesByReason'), rows: DISPATCH_REASONS.map((k) => ({ key: k, label: t(`reports.reasons.${k}`), get: (c: ReportCounts) => c.dispatchesByReason[k] })) },
  ];
  return (
    <div className="card table-wrap" role="region" tabIndex={0} aria-label={t('reports.breakdownTitle')}>
      <table className="table table-compact">
        <caption className="visually-hidden">{t('reports.breakdownTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reports.breakdownTitle')}</th>
            {report.months.map((m) => (
              <th key={m.month} scope="col" className="nowrap">{formatMonth(m.month, language)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sections.map((section) => (
            <Fragment key={section.title}>
              <tr className="row-detail">
                <th scope="colgroup" colSpan={report.months.length + 1}>{section.title}</th>
              </tr>
              {section.rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row">{row.label}</th>
                  {report.months.map((m) => (
                    <td key={m.month}>{formatCount(row.get(m), language)}</td>
                  ))}
                </tr>
              ))}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
