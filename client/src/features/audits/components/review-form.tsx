import { useState, type FormEvent } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import { AUDIT_SECTIONS, DEVIATION_GRADES, complianceLevel, type AuditSection, type DeviationGrade } from '../../../../../server/contracts/audit-compliance.ts';
import { RECONTACT_REASONS, type AuditForm, type AuditSummary, type RecontactReason } from '../../../../../server/contracts/audits.ts';
import { ErrorMessage, SuccessMessage } from '../../../lib/error-message.tsx';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { saveDraft, submitAudit } from '../api/audits-api.ts';
import { ComplianceBadge } from './compliance-badge.tsx';

const isGrade = (v: string): v is DeviationGrade => DEVIATION_GRADES.some((g) => g === v);
const isRecontactReason = (v: string): v is RecontactReason => RECONTACT_REASONS.some((r) => r === v);

export const EMPTY_FORM: AuditForm = { deviations: [], feedback: '', recontactReason: null };

/**
 * The review form by section: each deviation graded critical to minor with a note; the level is
 * previewed with the same rule the server applies on submit. On a submitted review it amends (a
 * reason is asked for).
 */
export function ReviewForm({
  audit,
  initial,
  amending,
  askRecontact,
  onChanged,
}: {
  audit: AuditSummary;
  initial: AuditForm;
  amending: boolean;
  askRecontact: boolean;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<AuditForm>(initial);
  const [reason, setReason] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const action = useIdempotentAction();
  const level = complianceLevel(form.deviations.map((d) => d.grade));

  const setDeviation = (index: number, change: Partial<AuditForm['deviations'][number]>) =>
    setForm((f) => ({ ...f, deviations: f.deviations.map((d, i) => (i === index ? { ...d, ...change } : d)) }));
  const addDeviation = (section: AuditSection) => setForm((f) => ({ ...f, deviations: [...f.deviations, { section, grade: 'minor', note: '' }] }));
  const removeDeviation = (index: number) => setForm((f) => ({ ...f, deviations: f.deviations.filter((_, i) => i !== index) }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(null);
    void action.run(
      (key) => submitAudit(audit.id, audit.version, form, amending ? reason : undefined, key),
      () => {
        setSaved(t('audits.review.submitted'));
        onChanged();
      },
    );
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="review-form-title">
      <h2 id="review-form-title">{amending ? t('audits.review.amend') : t('audits.review.form')}</h2>
      {AUDIT_SECTIONS.map((section) => {
        const items = form.deviations.map((d, index) => ({ d, index })).filter(({ d }) => d.section === section);
        return (
          <fieldset key={section} className="audit-section" data-section={section}>
            <legend>{t(`audits.sections.${section}`)}</legend>
            {items.length === 0 && <p className="muted small">{t('audits.review.noDeviations')}</p>}
            {items.map(({ d, index }) => (
              <div key={index} className="inline-form audit-deviation">
                <div className="field">
                  <label htmlFor={`grade-${index}`}>{t('audits.review.grade')}</label>
                  <select
                    id={`grade-${index}`}
                    value={d.grade}
                    onChange={(e) => {
                      const value = e.target.value;
                      if (isGrade(value)) setDeviation(index, { grade: value });
                    }}
                  >
                    {DEVIATION_GRADES.map((g) => (
                      <option key={g} value={g}>
                        {t(`audits.grades.${g}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`note-${index}`}>{t('audits.review.note')}</label>
                  <input id={`note-${index}`} required maxLength={1000} value={d.note} onChange={(e) => setDeviation(index, { note: e.target.value })} />
                </div>
                <button type="button" className="button button-small" onClick={() => removeDeviation(index)}>
                  {t('audits.review.removeDeviation')}
                </button>
              </div>
            ))}
            <button type="button" className="button button-small" onClick={() => addDeviation(section)}>
              {t('audits.review.addDeviation')}
            </button>
          </fieldset>
        );
      })}
      <div className="field">
        <label htmlFor="review-feedback">{t('audits.review.feedback')}</label>
        <textarea id="review-feedback" rows={3} maxLength={4000} value={form.feedback} onChange={(e) => setForm((f) => ({ ...f, feedback: e.target.value }))} />
      </div>
      {askRecontact && (
        <div className="field">
          <label htmlFor="review-recontact">{t('audits.review.recontactReason')}</label>
          <select
            id="review-recontact"
            required
            value={form.recontactReason ?? ''}
            onChange={(e) => {
              const value = e.target.value;
              setForm((f) => ({ ...f, recontactReason: isRecontactReason(value) ? value : null }));
            }}
          >
            <option value="">{t('audits.review.choose')}</option>
            {RECONTACT_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`audits.recontactReasons.${r}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      {amending && (
        <div className="field">
          <label htmlFor="review-amend-reason">{t('audits.review.amendReason')}</label>
          <input id="review-amend-reason" required maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
      )}
      <p data-testid="preview-level">
        {t('audits.review.level', { level: '' })}
        <ComplianceBadge level={level} critical={form.deviations.some((d) => d.grade === 'critical')} />
      </p>
      <p className="hint">{t('audits.review.rule')}</p>
      <div className="form-actions">
        {!amending && (
          <button
            type="button"
            className="button"
            disabled={action.busy}
            onClick={() =>
              void action.run(
                (key) => saveDraft(audit.id, audit.version, form, key),
                () => {
                  setSaved(t('audits.review.saved'));
                  onChanged();
                },
              )
            }
          >
            {t('audits.review.saveDraft')}
          </button>
        )}
        <button type="submit" className="button button-primary" disabled={action.busy}>
          {amending ? t('audits.review.amend') : t('audits.review.submit')}
        </button>
      </div>
      <SuccessMessage text={saved} />
      <ErrorMessage error={action.error} />
    </form>
  );
}
