import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Filters edited in a form and applied on submit: `applied` (what is loaded) changes only then; a
 * submit with nothing changed calls `reload` instead, so the button always fetches fresh figures.
 */
export function useFilterForm<T>(initial: T | (() => T)) {
  const [form, setForm] = useState<T>(initial);
  const [applied, setApplied] = useState<T>(form);
  function apply(event: FormEvent<HTMLFormElement>, reload: () => void) {
    event.preventDefault();
    if (JSON.stringify(form) === JSON.stringify(applied)) reload();
    else setApplied(form);
  }
  return { form, setForm, applied, apply };
}

/** The first and last month of a report, each bounded by the other. */
export function MonthRangeFields({ idPrefix, from, to, onChange }: { idPrefix: string; from: string; to: string; onChange(range: { from: string; to: string }): void }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-from`}>{t('reports.from')}</label>
        <input id={`${idPrefix}-from`} type="month" required value={from} max={to} onChange={(e) => onChange({ from: e.target.value, to })} />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-to`}>{t('reports.to')}</label>
        <input id={`${idPrefix}-to`} type="month" required value={to} min={from} onChange={(e) => onChange({ from, to: e.target.value })} />
      </div>
    </>
  );
}
