import { useState, type FormEvent } from 'react';
import { useTranslation } from './i18n.ts';
import { MonthField } from './month-field.tsx';

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

/** The first and last month of a report, in the UI's language. The server refuses a range that ends before it starts. */
export function MonthRangeFields({ idPrefix, from, to, onChange }: { idPrefix: string; from: string; to: string; onChange(range: { from: string; to: string }): void }) {
  const { t } = useTranslation();
  return (
    <>
      <MonthField id={`${idPrefix}-from`} label={t('reports.from')} value={from} onChange={(value) => onChange({ from: value, to })} />
      <MonthField id={`${idPrefix}-to`} label={t('reports.to')} value={to} onChange={(value) => onChange({ from, to: value })} />
    </>
  );
}
