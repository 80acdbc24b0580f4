import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AreaDto } from '../../../../../server/contracts/reference.ts';
import type { IntakeRequest, TaskSummary } from '../../../../../server/contracts/tasks.ts';
import { helsinkiLocalToIso } from '../../../lib/format.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { enterManualTask, listTaskCodes } from '../api/nurse-api.ts';
import { helsinkiLocalNow } from '../utils/clock.ts';
import { fieldIssues } from '../utils/task-text.ts';
import { ActionError } from './action-error.tsx';

const FIELDS = ['ercTaskId', 'taskCode', 'taskLabel', 'receivedAt', 'municipality', 'address', 'callbackPhone', 'patientAge', 'patientSex', 'summary'] as const;
type Field = (typeof FIELDS)[number];
type ManualForm = Record<Field, string>;
const SEXES = ['female', 'male', 'other', 'unknown'] as const;
/** Fields with a translated explanation of what is accepted. */
const EXPLAINED = ['ercTaskId', 'taskCode', 'receivedAt', 'municipality', 'callbackPhone', 'patientAge', 'summary'] as const;
type ExplainedField = (typeof EXPLAINED)[number];
/** Fields with a hint under them. */
const HINTED = ['taskCode', 'callbackPhone'] as const satisfies readonly Field[];

function isField(value: string): value is Field {
  return FIELDS.some((f) => f === value);
}

function explained(field: Field): ExplainedField | null {
  return EXPLAINED.find((f) => f === field) ?? null;
}

function emptyForm(): ManualForm {
  return { ercTaskId: '', taskCode: '', taskLabel: '', receivedAt: helsinkiLocalNow(), municipality: '', address: '', callbackPhone: '', patientAge: '', patientSex: '', summary: '' };
}

/** The request for the form, or the fields that are clearly wrong before asking the server. */
function toRequest(form: ManualForm): { ok: true; value: IntakeRequest } | { ok: false; fields: Field[] } {
  const fields: Field[] = [];
  const ercTaskId = form.ercTaskId.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/.test(ercTaskId)) fields.push('ercTaskId');
  const taskCode = form.taskCode.trim();
  if (!/^7\d{2}$/.test(taskCode)) fields.push('taskCode');
  const receivedAt = helsinkiLocalToIso(form.receivedAt);
  if (!receivedAt || Date.parse(receivedAt) > Date.now() + 60_000) fields.push('receivedAt');
  if (!form.municipality) fields.push('municipality');
  const callbackPhone = form.callbackPhone.trim();
  if (!callbackPhone) fields.push('callbackPhone');
  const age = form.patientAge.trim();
  const patientAge = age === '' ? undefined : Number(age);
  if (patientAge !== undefined && !(Number.isInteger(patientAge) && patientAge >= 0 && patientAge <= 130)) fields.push('patientAge');
  const summary = form.summary.trim();
  if (!summary) fields.push('summary');
  if (fields.length > 0 || !receivedAt) return { ok: false, fields };
  const sex = SEXES.find((s) => s === form.patientSex);
  const value: IntakeRequest = { ercTaskId, urgency: 'D', taskCode, receivedAt, municipality: form.municipality, callbackPhone, summary };
  if (form.taskLabel.trim()) value.taskLabel = form.taskLabel.trim();
  if (form.address.trim()) value.address = form.address.trim();
  if (patientAge !== undefined) value.patientAge = patientAge;
  if (sex) value.patientSex = sex;
  return { ok: true, value };
}

interface ManualEntryDialogProps {
  open: boolean;
  areas: AreaDto[];
  onClose(): void;
  onEntered(task: TaskSummary, created: boolean): void;
}

/**
 * Enters a task the ERC reads over the phone while its interface is down: the same validation and
 * duplicate check as the interface (201 new, 200 already received, 409 different content).
 */
export function ManualEntryDialog({ open, areas, onClose, onEntered }: ManualEntryDialogProps) {
  const { t } = useTranslation();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [form, setForm] = useState<ManualForm>(emptyForm);
  const [problems, setProblems] = useState<Field[]>([]);
  const action = useIdempotentAction();
  const codes = useLoad((signal) => listTaskCodes(signal));
  const language = currentLanguage();

  const { clear } = action;
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setForm(emptyForm());
      setProblems([]);
      clear();
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open, clear]);

  const set = (field: Field) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: e.target.value }));
  const serverIssues = fieldIssues(action.error).filter((i) => isField(i.field));

  function problemText(field: Field): string | null {
    const server = serverIssues.find((i) => i.field === field);
    if (!server && !problems.includes(field)) return null;
    if (!server && form[field].trim() === '') return t('nurse.manual.required');
    const key = explained(field);
    return key ? t(`nurse.manual.invalid.${key}`) : (server?.message ?? t('nurse.manual.invalid.generic'));
  }

  function fieldProps(field: Field) {
    const text = problemText(field);
    return {
      id: `manual-${field}`,
      'aria-invalid': text ? true : undefined,
      'aria-describedby': text ? `manual-${field}-error` : HINTED.some((f) => f === field) ? `manual-${field}-hint` : undefined,
    };
  }

  function errorFor(field: Field) {
    const text = problemText(field);
    return text ? (
      <span className="hint hint-error" id={`manual-${field}-error`}>
        {text}
      </span>
    ) : null;
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = toRequest(form);
    if (!parsed.ok) {
      setProblems(parsed.fields);
      clear();
      const first = parsed.fields[0];
      if (first) document.getElementById(`manual-${first}`)?.focus();
      return;
    }
    setProblems([]);
    const request = parsed.value;
    await action.run(
      (key) => enterManualTask(request, key),
      ({ task, created }) => onEntered(task, created),
    );
  }

  const code = form.taskCode.trim();
  const knownCode = codes.data?.find((c) => c.code === code);
  const activeAreas = areas.filter((a) => a.active && a.municipalities.some((m) => m.active));

  return (
    <dialog ref={dialogRef} className="nurse-dialog" aria-labelledby="manual-title" onClose={onClose} data-testid="manual-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id="manual-title">{t('nurse.manual.title')}</h2>
        <p className="hint">{t('nurse.manual.intro')}</p>
        <div className="form-grid form-grid-3">
          <div className="field">
            <label htmlFor="manual-ercTaskId">{t('nurse.manual.ercTaskId')}</label>
            <input {...fieldProps('ercTaskId')} autoComplete="off" maxLength={64} required value={form.ercTaskId} onChange={set('ercTaskId')} />
            {errorFor('ercTaskId')}
          </div>
          <div className="field">
            <span className="label">{t('nurse.manual.urgency')}</span>
            <span className="static-value">{t('nurse.manual.urgencyValue')}</span>
          </div>
          <div className="field">
            <label htmlFor="manual-receivedAt">{t('nurse.manual.receivedAt')}</label>
            <input {...fieldProps('receivedAt')} type="datetime-local" required value={form.receivedAt} onChange={set('receivedAt')} />
            {errorFor('receivedAt')}
          </div>
          <div className="field">
            <label htmlFor="manual-taskCode">{t('nurse.manual.taskCode')}</label>
            <input {...fieldProps('taskCode')} list="manual-task-codes" inputMode="numeric" autoComplete="off" maxLength={3} required value={form.taskCode} onChange={set('taskCode')} />
            <datalist id="manual-task-codes">
              {codes.data
                ?.filter((c) => c.active)
                .map((c) => (
                  <option key={c.code} value={c.code}>
                    {language === 'en' ? c.nameEn : c.nameFi}
                  </option>
                ))}
            </datalist>
            {errorFor('taskCode') ?? (
              <span className="hint" id="manual-taskCode-hint">
                {knownCode ? (language === 'en' ? knownCode.nameEn : knownCode.nameFi) : /^7\d{2}$/.test(code) ? t('nurse.manual.unknownCode') : t('nurse.manual.taskCodeHint')}
              </span>
            )}
          </div>
          <div className="field field-span-2">
            <label htmlFor="manual-taskLabel">{t('nurse.manual.taskLabel')}</label>
            <input {...fieldProps('taskLabel')} maxLength={200} value={form.taskLabel} onChange={set('taskLabel')} />
          </div>
          <div className="field">
            <label htmlFor="manual-municipality">{t('nurse.manual.municipality')}</label>
            <select {...fieldProps('municipality')} required value={form.municipality} onChange={set('municipality')}>
              <option value="">{t('nurse.manual.chooseMunicipality')}</option>
              {activeAreas.map((area) => (
                <optgroup key={area.id} label={area.name}>
                  {area.municipalities
                    .filter((m) => m.active)
                    .map((m) => (
                      <option key={m.id} value={m.name}>
                        {m.name}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
            {errorFor('municipality')}
          </div>
          <div className="field field-span-2">
            <label htmlFor="manual-address">{t('nurse.manual.address')}</label>
            <input {...fieldProps('address')} maxLength={200} value={form.address} onChange={set('address')} />
          </div>
          <div className="field">
            <label htmlFor="manual-callbackPhone">{t('nurse.manual.callbackPhone')}</label>
            <input {...fieldProps('callbackPhone')} type="tel" autoComplete="off" maxLength={40} required value={form.callbackPhone} onChange={set('callbackPhone')} />
            {errorFor('callbackPhone') ?? (
              <span className="hint" id="manual-callbackPhone-hint">
                {t('nurse.manual.callbackPhoneHint')}
              </span>
            )}
          </div>
          <div className="field">
            <label htmlFor="manual-patientAge">{t('nurse.manual.patientAge')}</label>
            <input {...fieldProps('patientAge')} inputMode="numeric" maxLength={3} value={form.patientAge} onChange={set('patientAge')} />
            {errorFor('patientAge')}
          </div>
          <div className="field">
            <label htmlFor="manual-patientSex">{t('nurse.manual.patientSex')}</label>
            <select {...fieldProps('patientSex')} value={form.patientSex} onChange={set('patientSex')}>
              <option value="">{t('nurse.manual.notGiven')}</option>
              {SEXES.map((sex) => (
                <option key={sex} value={sex}>
                  {t(`nurse.patient.sex.${sex}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-span-3">
            <label htmlFor="manual-summary">{t('nurse.manual.summary')}</label>
            <textarea {...fieldProps('summary')} rows={3} maxLength={2000} required value={form.summary} onChange={set('summary')} />
            {errorFor('summary')}
          </div>
        </div>
        <ActionError error={action.error} onRetry={action.canRetry ? () => void action.retry() : undefined} testId="manual-error" />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={action.busy}>
            {action.busy ? t('nurse.manual.submitting') : t('nurse.manual.submit')}
          </button>
          <button type="button" className="button" onClick={onClose}>
            {t('nurse.manual.close')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
