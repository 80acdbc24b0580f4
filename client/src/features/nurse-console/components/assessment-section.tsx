import type { RedFlagDto } from '../../../../../server/contracts/reference.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import type { DraftStatus } from '../hooks/use-task-draft.ts';
import {
  CONSCIOUSNESS_LEVELS,
  isConsciousness,
  parseMeasure,
  SERVICE_IDS,
  VITAL_KEYS,
  VITAL_RANGES,
  type AssessmentForm,
  type VitalKey,
} from '../utils/assessment-form.ts';
import { formatClock } from '../utils/clock.ts';
import { nurseErrorText } from '../utils/task-text.ts';

interface AssessmentSectionProps {
  form: AssessmentForm;
  onChange(next: AssessmentForm): void;
  redFlags: RedFlagDto[];
  readOnly: boolean;
  status: DraftStatus;
  onRetrySave(): void;
}

function toggle(list: readonly string[], id: string, on: boolean): string[] {
  return on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id);
}

function isKnownService(id: string): id is (typeof SERVICE_IDS)[number] {
  return SERVICE_IDS.some((s) => s === id);
}

/** The structured care-need assessment; saved as a draft while the nurse types. */
export function AssessmentSection({ form, onChange, redFlags, readOnly, status, onRetrySave }: AssessmentSectionProps) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const set = <K extends keyof AssessmentForm>(key: K, value: AssessmentForm[K]) => onChange({ ...form, [key]: value });
  const setVital = (key: VitalKey, value: string) => onChange({ ...form, vitals: { ...form.vitals, [key]: value } });
  // Red flags no longer offered (deactivated) stay visible while the assessment has them.
  const shownFlags = [
    ...redFlags.filter((f) => f.active || form.redFlags.includes(f.id)),
    ...form.redFlags.filter((id) => !redFlags.some((f) => f.id === id)).map((id) => ({ id, labels: { fi: id, sv: id, en: id }, active: false })),
  ];
  const services = [...SERVICE_IDS, ...form.currentServices.filter((id) => !isKnownService(id))];

  return (
    <section className="card nurse-card" aria-labelledby="assessment-title" data-testid="assessment">
      <div className="card-head">
        <h3 id="assessment-title">{t('nurse.assessment.title')}</h3>
        {!readOnly && <DraftStatusText status={status} onRetry={onRetrySave} />}
      </div>
      <fieldset className="plain-fieldset" disabled={readOnly}>
        <div className="form-grid form-grid-2">
          <div className="field">
            <label htmlFor="assessment-chief-complaint">{t('nurse.assessment.chiefComplaint')}</label>
            <input id="assessment-chief-complaint" maxLength={500} value={form.chiefComplaint} onChange={(e) => set('chiefComplaint', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="assessment-onset">{t('nurse.assessment.onset')}</label>
            <input id="assessment-onset" maxLength={200} value={form.onset} onChange={(e) => set('onset', e.target.value)} aria-describedby="assessment-onset-hint" />
            <span className="hint" id="assessment-onset-hint">
              {t('nurse.assessment.onsetHint')}
            </span>
          </div>
        </div>

        <fieldset className="red-flags" aria-describedby="red-flags-hint">
          <legend>{t('nurse.assessment.redFlags')}</legend>
          <p className="hint" id="red-flags-hint">
            {t('nurse.assessment.redFlagsHint')}
          </p>
          <ul className="check-grid">
            {shownFlags.map((flag) => {
              const checked = form.redFlags.includes(flag.id);
              return (
                <li key={flag.id}>
                  <label className={`check${checked ? ' check-on-danger' : ''}`}>
                    <input type="checkbox" checked={checked} onChange={(e) => set('redFlags', toggle(form.redFlags, flag.id, e.target.checked))} data-testid={`red-flag-${flag.id}`} />
                    <span>{flag.labels[language]}</span>
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>

        <fieldset className="vitals">
          <legend>{t('nurse.assessment.vitals')}</legend>
          <div className="vitals-grid">
            {VITAL_KEYS.map((key) => {
              const invalid = form.vitals[key].trim() !== '' && parseMeasure(form.vitals[key], key) === null;
              const { min, max } = VITAL_RANGES[key];
              return (
                <div className="field" key={key}>
                  <label htmlFor={`vital-${key}`}>{t(`nurse.assessment.vital.${key}`)}</label>
                  <input
                    id={`vital-${key}`}
                    inputMode="decimal"
                    autoComplete="off"
                    maxLength={6}
                    value={form.vitals[key]}
                    aria-invalid={invalid || undefined}
                    aria-describedby={invalid ? `vital-${key}-error` : undefined}
                    onChange={(e) => setVital(key, e.target.value)}
                  />
                  {invalid && (
                    <span className="hint hint-error" id={`vital-${key}-error`}>
                      {t('nurse.assessment.vitalRange', { min, max })}
                    </span>
                  )}
                </div>
              );
            })}
            <div className="field">
              <label htmlFor="vital-consciousness">{t('nurse.assessment.consciousness')}</label>
              <select
                id="vital-consciousness"
                value={form.consciousness}
                onChange={(e) => set('consciousness', isConsciousness(e.target.value) ? e.target.value : '')}
              >
                <option value="">{t('nurse.assessment.notAssessed')}</option>
                {CONSCIOUSNESS_LEVELS.map((level) => (
                  <option key={level} value={level}>
                    {t(`nurse.assessment.consciousnessLevel.${level}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('nurse.assessment.currentServices')}</legend>
          <ul className="check-grid">
            {services.map((id) => (
              <li key={id}>
                <label className="check">
                  <input type="checkbox" checked={form.currentServices.includes(id)} onChange={(e) => set('currentServices', toggle(form.currentServices, id, e.target.checked))} />
                  <span>{isKnownService(id) ? t(`nurse.assessment.service.${id}`) : id}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>

        <div className="field">
          <label htmlFor="assessment-notes">{t('nurse.assessment.notes')}</label>
          <textarea id="assessment-notes" rows={3} maxLength={4000} value={form.notes} onChange={(e) => set('notes', e.target.value)} />
        </div>
      </fieldset>
    </section>
  );
}

function DraftStatusText({ status, onRetry }: { status: DraftStatus; onRetry(): void }) {
  const { t } = useTranslation();
  if (status.kind === 'idle') return null;
  if (status.kind === 'failed') {
    return (
      <div className="draft-status draft-status-warn" role="status" data-testid="draft-status">
        <span>{status.retryable ? t('nurse.assessment.status.offline') : `${t('nurse.assessment.status.failed')} ${nurseErrorText(status.error)}`}</span>{' '}
        {status.retryable && (
          <button type="button" className="button button-small" onClick={onRetry}>
            {t('nurse.retry')}
          </button>
        )}
      </div>
    );
  }
  const [tone, text] =
    status.kind === 'saved'
      ? [' draft-status-ok', t('nurse.assessment.status.saved', { time: formatClock(new Date(status.at).toISOString(), currentLanguage()) })]
      : status.kind === 'invalid'
        ? [' draft-status-warn', t('nurse.assessment.status.invalid')]
        : ['', t(`nurse.assessment.status.${status.kind}`)];
  return (
    <p className={`draft-status${tone}`} role="status" data-testid="draft-status">
      {text}
    </p>
  );
}
