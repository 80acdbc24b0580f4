import { LANGUAGES, currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import type { TaskProtocol } from '../hooks/use-task-protocol.ts';
import { OVERRIDE_REASONS } from '../../../../../server/protocols/evaluator.ts';
import { isOverrideReason, type ChosenOutcome, type DecisionField } from '../utils/decision.ts';
import { dispositionLabel } from './disposition-label.tsx';

interface OutcomeDecisionProps {
  protocol: TaskProtocol;
  outcome: ChosenOutcome | null;
  missing: readonly DecisionField[];
}

/**
 * Inside the outcome panel: how the chosen outcome compares with the recommendation, the override
 * reason a downgrade needs, and the advice text to read out with the "understood" check.
 */
export function OutcomeDecision({ protocol, outcome, missing }: OutcomeDecisionProps) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { recommendation, ladder, decision, setDecision } = protocol;
  if (!recommendation || !outcome) return null;
  const needs = protocol.needsFor(outcome);
  if (!needs) return null;
  const set = <K extends keyof typeof decision>(key: K, value: (typeof decision)[K]) => setDecision({ ...decision, [key]: value });
  // A field flagged at the last attempt stops showing as missing once the nurse fills it in.
  const filled: Record<DecisionField, boolean> = { overrideReason: decision.overrideReason !== '', overrideNote: decision.overrideNote.trim() !== '', understood: decision.understood };
  const isMissing = (field: DecisionField) => missing.includes(field) && !filled[field];
  const invalid = (field: DecisionField) => (isMissing(field) ? { 'aria-invalid': true, 'aria-describedby': `decision-${field}-error` } : {});
  const error = (field: DecisionField, text: string) =>
    isMissing(field) ? (
      <span className="hint hint-error" id={`decision-${field}-error`}>
        {text}
      </span>
    ) : null;

  return (
    <div className="outcome-decision" data-testid="outcome-decision">
      <p data-testid="decision-compare">
        {t('protocols.decision.recommended')}: <strong>{dispositionLabel(ladder, recommendation.disposition, language)}</strong> · {t('protocols.decision.chosen')}:{' '}
        <strong>{dispositionLabel(ladder, needs.chosen, language)}</strong>
      </p>
      {needs.hardFloors.length > 0 && (
        <p className="message message-error" role="alert" data-testid="decision-hard">
          {t('protocols.decision.hard', { reasons: needs.hardFloors.map((f) => f.reason[language]).join(', ') })}
        </p>
      )}
      {needs.downgrade && needs.hardFloors.length === 0 && (
        <div className="form-grid form-grid-2" data-testid="override">
          <p className="field-wide message message-warning">{t('protocols.decision.downgrade')}</p>
          <div className="field">
            <label htmlFor="decision-overrideReason">{t('protocols.decision.overrideReason')}</label>
            <select
              id="decision-overrideReason"
              value={decision.overrideReason}
              onChange={(e) => set('overrideReason', isOverrideReason(e.target.value) ? e.target.value : '')}
              {...invalid('overrideReason')}
            >
              <option value="">{t('nurse.outcome.choose')}</option>
              {OVERRIDE_REASONS.map((reason) => (
                <option key={reason} value={reason}>
                  {t(`protocols.overrideReasons.${reason}`)}
                </option>
              ))}
            </select>
            {error('overrideReason', t('protocols.decision.overrideReasonMissing'))}
          </div>
          <div className="field">
            <label htmlFor="decision-overrideNote">{t('protocols.decision.overrideNote')}</label>
            <textarea id="decision-overrideNote" rows={2} maxLength={1000} value={decision.overrideNote} onChange={(e) => set('overrideNote', e.target.value)} {...invalid('overrideNote')} />
            {error('overrideNote', t('protocols.decision.overrideNoteMissing'))}
          </div>
        </div>
      )}
      {needs.advice && (
        <div className="advice-box" data-testid="advice" data-advice-id={needs.advice.id}>
          <h4>{t('protocols.decision.adviceTitle')}</h4>
          <div className="field">
            <label htmlFor="decision-patientLanguage">{t('protocols.decision.patientLanguage')}</label>
            <select id="decision-patientLanguage" value={decision.patientLanguage} onChange={(e) => set('patientLanguage', LANGUAGES.find((l) => l === e.target.value) ?? language)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`protocols.languages.${l}`)}
                </option>
              ))}
            </select>
          </div>
          <blockquote className="advice-text" lang={decision.patientLanguage} data-testid="advice-text">
            {needs.advice.text[decision.patientLanguage]}
          </blockquote>
          {decision.patientLanguage !== language && (
            <blockquote className="advice-text advice-text-ui" lang={language}>
              {needs.advice.text[language]}
            </blockquote>
          )}
          <label className="check">
            <input type="checkbox" id="decision-understood" checked={decision.understood} onChange={(e) => set('understood', e.target.checked)} data-testid="advice-understood" {...invalid('understood')} />{' '}
            {t('protocols.decision.understood')}
          </label>
          {error('understood', t('protocols.decision.understoodMissing'))}
        </div>
      )}
    </div>
  );
}
