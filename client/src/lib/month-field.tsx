import { useId } from 'react';
import { monthName, TIME_ZONE } from './format.ts';
import { currentLanguage, useTranslation } from './i18n.ts';

interface MonthFieldProps {
  /** The month list's id; the year list's is this with "-year". */
  id: string;
  label: string;
  /** "YYYY-MM", or "" for all months when `allLabel` is given */
  value: string;
  /** Offers "all months" (the value "") first in the month list, with this text. */
  allLabel?: string;
  onChange: (value: string) => void;
}

const YEARS_BACK = 10;
const helsinkiYear = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, year: 'numeric' });

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

/**
 * A month ("YYYY-MM") chosen from two lists in the UI's language. Chromium draws <input type="month">
 * in the browser's language whatever the page's lang says, so the console does not use it.
 */
export function MonthField({ id, label, value, onChange, allLabel }: MonthFieldProps) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const labelId = useId();
  const [yearText = '', monthText = ''] = value.split('-');
  // This year in Helsinki and the ten before it, and the value's own year whatever it is.
  const thisYear = Number(helsinkiYear.format(new Date()));
  const all = allLabel !== undefined && value === '';
  const year = all ? thisYear : Number(yearText);
  const month = Number(monthText);
  const years = Array.from({ length: YEARS_BACK + 1 }, (_, i) => thisYear - YEARS_BACK + i);
  if (Number.isInteger(year) && !years.includes(year)) years.push(year);
  years.sort((a, b) => a - b);
  const set = (y: number, m: number) => onChange(`${y}-${String(m).padStart(2, '0')}`);
  return (
    <div className="field">
      <span className="field-label" id={labelId}>
        {label}
      </span>
      <div className="month-field" role="group" aria-labelledby={labelId}>
        <select
          id={id}
          aria-label={`${label}, ${t('common.month')}`}
          value={all ? '' : month}
          onChange={(e) => (e.target.value === '' ? onChange('') : set(year, Number(e.target.value)))}
        >
          {allLabel !== undefined && <option value="">{allLabel}</option>}
          {MONTHS.map((m) => (
            <option key={m} value={m}>
              {monthName(m, language)}
            </option>
          ))}
        </select>
        <select id={`${id}-year`} aria-label={`${label}, ${t('common.year')}`} value={year} disabled={all} onChange={(e) => set(Number(e.target.value), month)}>
          {years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
