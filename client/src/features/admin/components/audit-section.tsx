import { useEffect, useState, type FormEvent } from 'react';
import type { AuditEntryDto } from '../../../../../server/contracts/audit.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { formatDateTime, helsinkiLocalToIso } from '../../../lib/format.ts';
import { backOfficeMessages, currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import type { fiBackOffice } from '../../../lib/locales/fi-back-office.ts';
import { isRole } from '../../../lib/roles.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { fetchAuditPage, type AuditFilters } from '../api/audit-api.ts';
import { useAction } from '../hooks/use-action.ts';

interface FilterForm {
  actor: string;
  action: string;
  /** datetime-local values, read as Helsinki time */
  from: string;
  to: string;
}

const EMPTY: FilterForm = { actor: '', action: '', from: '', to: '' };

function toFilters(form: FilterForm): AuditFilters {
  const filters: AuditFilters = {};
  if (form.actor.trim()) filters.actor = form.actor.trim();
  if (form.action.trim()) filters.action = form.action.trim();
  const from = helsinkiLocalToIso(form.from);
  const to = helsinkiLocalToIso(form.to);
  if (from) filters.from = from;
  if (to) filters.to = to;
  return filters;
}

type ActionNames = typeof fiBackOffice.admin.audit.actions;
type KnownAction = { [G in keyof ActionNames]: `${G}.${keyof ActionNames[G] & string}` }[keyof ActionNames];

function isKnownAction(action: string): action is KnownAction {
  // Every language has the same keys (Messages): the one shown tells which actions have a name.
  const actionNames: Readonly<Record<string, Readonly<Record<string, string>> | undefined>> = backOfficeMessages().admin.audit.actions;
  const [group = '', name = '', ...rest] = action.split('.');
  const names = Object.hasOwn(actionNames, group) ? actionNames[group] : undefined;
  return rest.length === 0 && names !== undefined && Object.hasOwn(names, name);
}

function detailsText(details: Record<string, unknown>): string {
  return Object.keys(details).length === 0 ? '' : JSON.stringify(details);
}

/** The audit log, newest first: filter by actor, action and time; page back with "older". */
export function AuditSection() {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [applied, setApplied] = useState<AuditFilters>({});
  const first = useLoad((signal) => fetchAuditPage(applied, null, signal), JSON.stringify(applied));
  const [entries, setEntries] = useState<AuditEntryDto[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const older = useAction();

  useEffect(() => {
    if (!first.data) return;
    setEntries(first.data.entries);
    setNextBefore(first.data.nextBefore);
  }, [first.data]);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    older.clear();
    const filters = toFilters(form);
    if (JSON.stringify(filters) === JSON.stringify(applied)) first.reload();
    else setApplied(filters);
  }

  function clear() {
    setForm(EMPTY);
    older.clear();
    setApplied({});
  }

  async function loadOlder() {
    if (nextBefore === null) return;
    const page = await older.run(() => fetchAuditPage(applied, nextBefore));
    if (!page) return;
    setEntries((current) => [...current, ...page.entries]);
    setNextBefore(page.nextBefore);
  }

  const set = (key: keyof FilterForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  return (
    <div className="section-body">
      <form className="card" onSubmit={apply} aria-labelledby="audit-filters-title">
        <h2 id="audit-filters-title">{t('admin.audit.filters')}</h2>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="audit-actor">{t('admin.audit.actor')}</label>
            <input id="audit-actor" autoComplete="off" spellCheck={false} aria-describedby="audit-actor-hint" value={form.actor} onChange={set('actor')} />
            <span className="hint" id="audit-actor-hint">
              {t('admin.audit.actorHint')}
            </span>
          </div>
          <div className="field">
            <label htmlFor="audit-action">{t('admin.audit.action')}</label>
            <input id="audit-action" autoComplete="off" spellCheck={false} aria-describedby="audit-action-hint" value={form.action} onChange={set('action')} />
            <span className="hint" id="audit-action-hint">
              {t('admin.audit.actionHint')}
            </span>
          </div>
          <div className="field">
            <label htmlFor="audit-from">{t('admin.audit.from')}</label>
            <input id="audit-from" type="datetime-local" aria-describedby="audit-tz-hint" value={form.from} onChange={set('from')} />
          </div>
          <div className="field">
            <label htmlFor="audit-to">{t('admin.audit.to')}</label>
            <input id="audit-to" type="datetime-local" aria-describedby="audit-tz-hint" value={form.to} onChange={set('to')} />
          </div>
        </div>
        <p className="hint" id="audit-tz-hint">
          {t('admin.audit.timeZoneHint')}
        </p>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={first.loading}>
            {t('admin.audit.apply')}
          </button>
          <button type="button" className="button" onClick={clear}>
            {t('admin.audit.clear')}
          </button>
        </div>
      </form>
      <section className="card" aria-labelledby="audit-list-title" aria-busy={first.loading}>
        <h2 id="audit-list-title">{t('admin.sections.audit')}</h2>
        <ErrorMessage error={first.error} />
        {first.loading && !first.data && <p className="muted">{t('common.loading')}</p>}
        {first.data && entries.length === 0 && <p className="muted">{t('admin.audit.empty')}</p>}
        {entries.length > 0 && (
          <div className="table-wrap">
            <table className="table table-compact" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.audit.columns.at')}</th>
                  <th scope="col">{t('admin.audit.columns.actor')}</th>
                  <th scope="col">{t('admin.audit.columns.action')}</th>
                  <th scope="col">{t('admin.audit.columns.target')}</th>
                  <th scope="col">{t('admin.audit.columns.clientIp')}</th>
                  <th scope="col">{t('admin.audit.columns.details')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id}>
                    <td className="nowrap">{formatDateTime(entry.at, language, true)}</td>
                    <td>
                      {entry.actorName} <span className="muted">({isRole(entry.actorRole) ? t(`roles.${entry.actorRole}`) : entry.actorRole})</span>
                    </td>
                    <td title={entry.action}>{isKnownAction(entry.action) ? t(`admin.audit.actions.${entry.action}`) : <span className="mono">{entry.action}</span>}</td>
                    <td className="mono small">{entry.targetType ? `${entry.targetType}: ${entry.targetId ?? ''}` : ''}</td>
                    <td className="mono small">{entry.clientIp ?? ''}</td>
                    <td className="mono small details">{detailsText(entry.details)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ErrorMessage error={older.error} />
        {first.data && entries.length > 0 && (
          <div className="form-actions">
            {nextBefore !== null ? (
              <button type="button" className="button" disabled={older.busy} onClick={() => void loadOlder()} data-testid="audit-older">
                {older.busy ? t('common.loading') : t('admin.audit.older')}
              </button>
            ) : (
              <p className="muted">{t('admin.audit.noMore')}</p>
            )}
          </div>
        )}
      </section>
    </div>
  );
}
