import type { ReactNode } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import { ServicePicker } from '../../referrals/components/service-picker.tsx';
import type { FieldIssue } from '../utils/task-text.ts';
import {
  ADVICE_KINDS,
  DISPATCH_REASONS,
  DISPATCH_URGENCIES,
  OUTCOME_TYPES,
  outcomeBlocker,
  reasonFixed,
  REDIRECT_TARGETS,
  UNIT_LEVELS,
  type OutcomeField,
  type OutcomeForm,
  type OutcomeRules,
  type OutcomeType,
} from '../utils/outcome-form.ts';

interface OutcomePanelProps {
  form: OutcomeForm;
  /** The patient's municipality: the directory offers the services serving it. */
  municipality: string;
  onChange(next: OutcomeForm): void;
  rules: OutcomeRules;
  /** Fields left empty at the last attempt, and fields the server refused. */
  missing: OutcomeField[];
  serverIssues: FieldIssue[];
  busy: boolean;
  onSubmit(): void;
  /** The amendment form's label for its button. */
  submitLabel?: string;
  /** Shown above the submit button: the protocol's decision fields (features/protocols), or the amendment's reason. */
  children?: ReactNode;
  testId?: string;
}

/** How a field says it is wrong, for assistive technology too. */
interface FieldA11y {
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

function pick<T extends string>(allowed: readonly T[], value: string): T | '' {
  return allowed.find((a) => a === value) ?? '';
}

/** The type actually chosen: one ruled out by a red flag or the safety net counts as none. */
export function effectiveType(form: OutcomeForm, rules: OutcomeRules): OutcomeType | '' {
  return form.type && !outcomeBlocker(form.type, rules) ? form.type : '';
}

/** The three ways to close a task, their required fields, and what rules one out. */
export function OutcomePanel({ form, municipality, onChange, rules, missing, serverIssues, busy, onSubmit, submitLabel, children, testId = 'outcome' }: OutcomePanelProps) {
  const { t } = useTranslation();
  const fixedReason = reasonFixed(rules);
  const redFlagCount = rules.redFlagCount;
  const type = effectiveType(form, rules);
  const set = <K extends keyof OutcomeForm>(key: K, value: OutcomeForm[K]) => onChange({ ...form, [key]: value });

  function choose(next: OutcomeType) {
    // A red flag makes "red flag" the likely reason for the dispatch: offered, not forced.
    const reason = next === 'dispatch_unit' && !form.reason && redFlagCount > 0 ? 'red_flag' : form.reason;
    onChange({ ...form, type: next, reason });
  }

  const problem = (field: OutcomeField) => {
    const server = serverIssues.find((i) => i.field === field);
    if (server) return t('nurse.outcome.invalid');
    return missing.includes(field) ? t('nurse.outcome.required') : null;
  };
  const fieldProps = (field: OutcomeField): FieldA11y => {
    const text = problem(field);
    return { 'aria-invalid': text ? true : undefined, 'aria-describedby': text ? `outcome-${field}-error` : undefined };
  };
  const errorFor = (field: OutcomeField) => {
    const text = problem(field);
    return text ? (
      <span className="hint hint-error" id={`outcome-${field}-error`}>
        {text}
      </span>
    ) : null;
  };

  return (
    <section className="card nurse-card" aria-labelledby={`${testId}-title`} data-testid={testId} id={testId}>
      <div className="card-head">
        <h3 id={`${testId}-title`} tabIndex={-1}>
          {submitLabel ?? t('nurse.outcome.title')}
        </h3>
        <p className="hint">{t('nurse.outcome.intro')}</p>
      </div>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <fieldset className="outcome-types" aria-describedby={missing.includes('type') ? 'outcome-type-error' : undefined}>
          <legend>{t('nurse.outcome.type')}</legend>
          {OUTCOME_TYPES.map((option) => {
            const blocker = outcomeBlocker(option, rules);
            const hintId = `outcome-type-${option}-hint`;
            return (
              <label key={option} className={`outcome-option${type === option ? ' outcome-option-on' : ''}${blocker ? ' outcome-option-blocked' : ''}`}>
                <input type="radio" name="outcome-type" value={option} checked={type === option} disabled={blocker !== null} aria-describedby={hintId} onChange={() => choose(option)} />
                <span className="outcome-option-text">
                  <span className="outcome-option-name">{t(`nurse.outcome.types.${option}`)}</span>
                  <span className="hint" id={hintId}>
                    {blocker ? <strong className="blocked-reason">{t(`nurse.outcome.blocked.${blocker}`)}</strong> : t(`nurse.outcome.explain.${option}`)}
                  </span>
                </span>
              </label>
            );
          })}
          {missing.includes('type') && (
            <span className="hint hint-error" id="outcome-type-error">
              {t('nurse.outcome.chooseType')}
            </span>
          )}
        </fieldset>

        {type === 'dispatch_unit' && (
          <div className="form-grid form-grid-3">
            <div className="field">
              <label htmlFor="outcome-unitLevel">{t('nurse.outcome.unitLevel')}</label>
              <select id="outcome-unitLevel" value={form.unitLevel} onChange={(e) => set('unitLevel', pick(UNIT_LEVELS, e.target.value))} {...fieldProps('unitLevel')}>
                <option value="">{t('nurse.outcome.choose')}</option>
                {UNIT_LEVELS.map((level) => (
                  <option key={level} value={level}>
                    {t(`nurse.outcome.unitLevels.${level}`)}
                  </option>
                ))}
              </select>
              {errorFor('unitLevel')}
            </div>
            <div className="field">
              <label htmlFor="outcome-urgency">{t('nurse.outcome.urgency')}</label>
              <select id="outcome-urgency" value={form.urgency} aria-describedby="outcome-urgency-hint" onChange={(e) => set('urgency', pick(DISPATCH_URGENCIES, e.target.value) || 'D')}>
                {DISPATCH_URGENCIES.map((u) => (
                  <option key={u} value={u}>
                    {u}
                  </option>
                ))}
              </select>
              <span className="hint" id="outcome-urgency-hint">
                {t('nurse.outcome.urgencyHint')}
              </span>
            </div>
            <div className="field">
              <label htmlFor="outcome-reason">{t('nurse.outcome.reason')}</label>
              <select
                id="outcome-reason"
                value={fixedReason ? 'unreachable' : form.reason}
                disabled={fixedReason}
                onChange={(e) => set('reason', pick(DISPATCH_REASONS, e.target.value))}
                {...fieldProps('reason')}
              >
                <option value="">{t('nurse.outcome.choose')}</option>
                {DISPATCH_REASONS.filter((reason) => fixedReason || reason !== 'unreachable' || !rules.reached).map((reason) => (
                  <option key={reason} value={reason}>
                    {t(`nurse.outcome.reasons.${reason}`)}
                  </option>
                ))}
              </select>
              {fixedReason && <span className="hint">{t('nurse.outcome.reasonFixed')}</span>}
              {errorFor('reason')}
            </div>
            <div className="field field-wide">
              <label htmlFor="outcome-note">{t('nurse.outcome.note')}</label>
              <textarea id="outcome-note" rows={2} maxLength={1000} value={form.note} onChange={(e) => set('note', e.target.value)} />
            </div>
          </div>
        )}

        {type === 'phone_advice' && (
          <div className="form-grid form-grid-3">
            <div className="field">
              <label htmlFor="outcome-advice">{t('nurse.outcome.advice')}</label>
              <select id="outcome-advice" value={form.advice} onChange={(e) => set('advice', pick(ADVICE_KINDS, e.target.value))} {...fieldProps('advice')}>
                <option value="">{t('nurse.outcome.choose')}</option>
                {ADVICE_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`nurse.outcome.adviceKinds.${kind}`)}
                  </option>
                ))}
              </select>
              {errorFor('advice')}
            </div>
            <RationaleField form={form} onChange={(v) => set('rationale', v)} fieldProps={fieldProps('rationale')} error={errorFor('rationale')} />
          </div>
        )}

        {type === 'redirect' && (
          <div className="form-grid form-grid-3">
            <div className="field">
              <label htmlFor="outcome-target">{t('nurse.outcome.target')}</label>
              <select id="outcome-target" value={form.target} onChange={(e) => onChange({ ...form, target: pick(REDIRECT_TARGETS, e.target.value), serviceId: '' })} {...fieldProps('target')}>
                <option value="">{t('nurse.outcome.choose')}</option>
                {REDIRECT_TARGETS.map((target) => (
                  <option key={target} value={target}>
                    {t(`nurse.outcome.targets.${target}`)}
                  </option>
                ))}
              </select>
              {errorFor('target')}
            </div>
            {form.target && (
              <ServicePicker
                municipality={municipality}
                target={form.target}
                serviceId={form.serviceId}
                onPick={(service) => onChange({ ...form, serviceId: service?.id ?? '', handoffTo: service ? service.name : form.handoffTo })}
              />
            )}
            <div className="field handoff-field">
              <label htmlFor="outcome-handoffTo">{t('nurse.outcome.handoffTo')}</label>
              <input id="outcome-handoffTo" maxLength={200} value={form.handoffTo} onChange={(e) => set('handoffTo', e.target.value)} {...fieldProps('handoffTo')} />
              <span className="hint">{t('nurse.outcome.handoffHint')}</span>
              {errorFor('handoffTo')}
            </div>
            <RationaleField form={form} onChange={(v) => set('rationale', v)} fieldProps={fieldProps('rationale')} error={errorFor('rationale')} />
          </div>
        )}

        {children}

        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy} aria-keyshortcuts={submitLabel ? undefined : 'Control+Enter'} data-testid={`submit-${testId}`}>
            {busy ? t('nurse.outcome.submitting') : (submitLabel ?? t('nurse.outcome.submit'))} {!submitLabel && <kbd>Ctrl+Enter</kbd>}
          </button>
        </div>
      </form>
    </section>
  );
}

function RationaleField({
  form,
  onChange,
  fieldProps,
  error,
}: {
  form: OutcomeForm;
  onChange(value: string): void;
  fieldProps: FieldA11y;
  error: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="field field-wide">
      <label htmlFor="outcome-rationale">{t('nurse.outcome.rationale')}</label>
      <textarea id="outcome-rationale" rows={3} maxLength={2000} value={form.rationale} onChange={(e) => onChange(e.target.value)} {...fieldProps} />
      {error}
    </div>
  );
}
