import { useState, type FormEvent } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import type { ProtocolReport } from '../../../../../server/contracts/protocol-report.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { MonthField } from '../../../lib/month-field.tsx';
import { useLoad } from '../../../lib/use-load.ts';
import { fetchProtocolReport } from '../api/protocols-api.ts';
import { isOverrideReason } from '../utils/decision.ts';

const helsinkiMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' });

/** The current Helsinki month and the eleven before it. */
function defaultRange(): { from: string; to: string } {
  const parts = helsinkiMonth.formatToParts(new Date());
  const index = Number(parts.find((p) => p.type === 'year')?.value) * 12 + Number(parts.find((p) => p.type === 'month')?.value) - 1;
  const name = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  return { from: name(index - 11), to: name(index) };
}

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 1000) / 10} %`);

/** Decision support per protocol and month: how often the nurses' outcomes follow the recommendation, and why not. */
export function ProtocolReportSection() {
  const { t } = useTranslation();
  const [form, setForm] = useState(defaultRange);
  const [applied, setApplied] = useState(form);
  const report = useLoad((signal) => fetchProtocolReport(applied, signal), JSON.stringify(applied));
  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setApplied(form);
  }
  const months = report.data?.months.filter((m) => m.closed > 0).reverse() ?? [];
  return (
    <section className="card" aria-labelledby="protocol-report-title" data-testid="protocol-report">
      <h2 id="protocol-report-title">{t('protocols.report.title')}</h2>
      <form className="form-grid form-grid-3" onSubmit={apply}>
        <MonthField id="protocol-report-from" label={t('protocols.report.from')} value={form.from} onChange={(from) => setForm({ ...form, from })} />
        <MonthField id="protocol-report-to" label={t('protocols.report.to')} value={form.to} onChange={(to) => setForm({ ...form, to })} />
        <div className="form-actions">
          <button type="submit" className="button">
            {t('protocols.report.show')}
          </button>
          <a className="button" href={`/api/reports/protocols?${new URLSearchParams({ ...applied, format: 'csv' }).toString()}`} download>
            {t('protocols.report.downloadCsv')}
          </a>
        </div>
      </form>
      <ErrorMessage error={report.error} />
      {report.data && months.length === 0 && <p className="muted">{t('protocols.report.empty')}</p>}
      {report.data && months.length > 0 && <ReportTables report={report.data} months={months} />}
    </section>
  );
}

function ReportTables({ report, months }: { report: ProtocolReport; months: ProtocolReport['months'] }) {
  const { t } = useTranslation();
  return (
    <>
      <p className="hint">{t('protocols.report.suppression', { n: report.minGroupSize })}</p>
      <div className="table-wrap">
        <table className="table table-compact" data-testid="protocol-report-table">
          <thead>
            <tr>
              <th scope="col">{t('protocols.report.month')}</th>
              <th scope="col">{t('protocols.report.protocol')}</th>
              <th scope="col">{t('protocols.report.assessed')}</th>
              <th scope="col">{t('protocols.report.downgrades')}</th>
              <th scope="col">{t('protocols.report.upgrades')}</th>
              <th scope="col">{t('protocols.report.reasons')}</th>
              <th scope="col">{t('protocols.report.matrix')}</th>
              <th scope="col">{t('protocols.report.adviceShare')}</th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => [
              <tr key={m.month} className="report-month-row">
                <th scope="row">{m.month}</th>
                <td colSpan={7}>{t('protocols.report.monthTotals', { closed: m.closed, without: m.withoutProtocol })}</td>
              </tr>,
              ...m.protocols.map((p) => (
                <tr key={`${m.month}-${p.protocolId}`} data-testid={`report-${m.month}-${p.protocolId}`}>
                  <td />
                  <td>
                    {p.protocolId} {p.taskCodes.length > 0 && `(${p.taskCodes.join(', ')})`}
                  </td>
                  <td className="num">{p.assessed}</td>
                  <td className="num" data-testid="downgrades">
                    {p.downgrades} ({percent(p.downgradeRate)})
                  </td>
                  <td className="num">
                    {p.upgrades} ({percent(p.upgradeRate)})
                  </td>
                  <td>
                    {Object.entries(p.overrideReasons)
                      .map(([reason, n]) => `${isOverrideReason(reason) ? t(`protocols.overrideReasons.${reason}`) : reason}: ${n}`)
                      .join(', ')}
                  </td>
                  <td>{p.matrix.map((c) => `${c.recommended} → ${c.chosen ?? '?'}: ${c.tasks}`).join('; ')}</td>
                  <td className="num">{percent(p.adviceRecordedShare)}</td>
                </tr>
              )),
            ])}
          </tbody>
        </table>
      </div>
      {months.some((m) => m.nurses) && (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="protocol-report-nurses">
            <caption>{t('protocols.report.nurses')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('protocols.report.month')}</th>
                <th scope="col">{t('protocols.report.nurse')}</th>
                <th scope="col">{t('protocols.report.assessed')}</th>
                <th scope="col">{t('protocols.report.downgrades')}</th>
              </tr>
            </thead>
            <tbody>
              {months.flatMap((m) =>
                (m.nurses ?? []).map((n) => (
                  <tr key={`${m.month}-${n.nurseId ?? n.nurse}`}>
                    <td>{m.month}</td>
                    <td>{n.nurse}</td>
                    <td className="num">{n.assessed}</td>
                    <td className="num">
                      {n.downgrades} ({percent(n.downgradeRate)})
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
