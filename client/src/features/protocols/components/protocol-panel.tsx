import { useState } from 'react';
import type { Question } from '../../../../../server/protocols/evaluator.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import type { TaskProtocol } from '../hooks/use-task-protocol.ts';
import { withAnswer, type ProtocolForm } from '../utils/protocol-form.ts';
import { dispositionLabel } from './disposition-label.tsx';
import { ExampleBanner } from './example-banner.tsx';
import './protocols.css';

interface ProtocolPanelProps {
  protocol: TaskProtocol;
  form: ProtocolForm | null;
  onChange(next: ProtocolForm): void;
  readOnly: boolean;
}

/** The protocol's questions in order, most dangerous first, and the recommendation as the answers change. */
export function ProtocolPanel({ protocol, form, onChange, readOnly }: ProtocolPanelProps) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { content, version, recommendation, ladder } = protocol;
  if (!content || !version) {
    return (
      <section className="card nurse-card" aria-labelledby="protocol-title" data-testid="protocol-panel">
        <h3 id="protocol-title">{t('protocols.panel.title')}</h3>
        <p className="muted">{protocol.loading ? t('common.loading') : t('protocols.panel.none')}</p>
      </section>
    );
  }
  const answer = (question: Question, value: boolean | string | number | undefined) => {
    const base = form ?? protocol.startForm();
    if (base) onChange(withAnswer(base, question.id, value, new Date()));
  };
  const floorsOf = (questionId: string) => recommendation?.floors.filter((f) => f.questionId === questionId) ?? [];

  return (
    <section className="card nurse-card protocol-panel" aria-labelledby="protocol-title" data-testid="protocol-panel" data-protocol={protocol.protocolId} data-version={version.version}>
      <div className="card-head">
        <h3 id="protocol-title">
          {t('protocols.panel.title')}: {content.title[language]}
        </h3>
        <span className="muted">{t('protocols.panel.version', { version: version.version })}</span>
      </div>
      {version.example && <ExampleBanner />}
      <div className="protocol-layout">
        <fieldset className="plain-fieldset protocol-questions" disabled={readOnly}>
          <legend className="visually-hidden">{t('protocols.panel.questions')}</legend>
          <ol>
            {content.questions.map((question) => (
              <li key={question.id} className="protocol-question" data-testid={`question-${question.id}`}>
                <QuestionInput question={question} value={form?.answers[question.id]?.value} onAnswer={(v) => answer(question, v)} />
                {floorsOf(question.id).map((floor) => (
                  <p key={floor.disposition} className={floor.hard ? 'protocol-floor protocol-floor-hard' : 'protocol-floor'}>
                    {floor.hard ? t('protocols.panel.redFlag') : t('protocols.panel.raises')} → {dispositionLabel(ladder, floor.disposition, language)}
                  </p>
                ))}
              </li>
            ))}
          </ol>
        </fieldset>
        <div className="protocol-recommendation" aria-live="polite" data-testid="recommendation" data-disposition={recommendation?.disposition ?? ''}>
          <h4>{t('protocols.panel.recommendation')}</h4>
          {recommendation ? (
            <>
              <p className="protocol-recommended">{dispositionLabel(ladder, recommendation.disposition, language)}</p>
              {recommendation.floors.length > 0 ? (
                <ul className="protocol-reasons" data-testid="recommendation-reasons">
                  {recommendation.floors.map((floor, i) => (
                    <li key={`${floor.questionId}-${i}`} className={floor.hard ? 'protocol-floor-hard' : undefined}>
                      {floor.reason[language]} → {dispositionLabel(ladder, floor.disposition, language)}
                      {floor.hard ? ` (${t('protocols.panel.redFlag')})` : ''}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">{t('protocols.panel.defaultApplies')}</p>
              )}
              {recommendation.unanswered.length > 0 && <p className="hint">{t('protocols.panel.unanswered', { count: recommendation.unanswered.length })}</p>}
            </>
          ) : (
            <p className="muted">{t('protocols.panel.answerFirst')}</p>
          )}
        </div>
      </div>
    </section>
  );
}

function QuestionInput({ question, value, onAnswer }: { question: Question; value: boolean | string | number | undefined; onAnswer(value: boolean | string | number | undefined): void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const name = `q-${question.id}`;
  const label = <span className="protocol-question-text">{question.text[language]}</span>;
  switch (question.kind) {
    case 'yes_no':
      return (
        <div role="radiogroup" aria-label={question.text[language]} className="protocol-choice">
          {label}
          <label>
            <input type="radio" name={name} checked={value === true} onChange={() => onAnswer(true)} data-testid={`${name}-yes`} /> {t('protocols.panel.yes')}
          </label>
          <label>
            <input type="radio" name={name} checked={value === false} onChange={() => onAnswer(false)} data-testid={`${name}-no`} /> {t('protocols.panel.no')}
          </label>
        </div>
      );
    case 'single_choice':
      return (
        <div role="radiogroup" aria-label={question.text[language]} className="protocol-choice">
          {label}
          {question.options.map((option) => (
            <label key={option.id}>
              <input type="radio" name={name} checked={value === option.id} onChange={() => onAnswer(option.id)} data-testid={`${name}-${option.id}`} /> {option.label[language]}
            </label>
          ))}
        </div>
      );
    case 'number':
      return <NumberQuestion question={question} value={typeof value === 'number' ? value : undefined} onAnswer={onAnswer} />;
  }
}

function NumberQuestion({ question, value, onAnswer }: { question: Extract<Question, { kind: 'number' }>; value: number | undefined; onAnswer(value: number | undefined): void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const parsed = Number(text.trim().replace(',', '.'));
  const invalid = text.trim() !== '' && (!Number.isFinite(parsed) || parsed < question.min || parsed > question.max);
  const id = `q-${question.id}`;
  return (
    <div className="field protocol-number">
      <label htmlFor={id}>{question.text[language]}</label>
      <span>
        <input
          id={id}
          inputMode="decimal"
          value={text}
          aria-invalid={invalid || undefined}
          aria-describedby={`${id}-hint`}
          onChange={(e) => {
            setText(e.target.value);
            const next = Number(e.target.value.trim().replace(',', '.'));
            const ok = e.target.value.trim() !== '' && Number.isFinite(next) && next >= question.min && next <= question.max;
            onAnswer(ok ? next : undefined);
          }}
        />{' '}
        {question.unit}
      </span>
      <span id={`${id}-hint`} className={invalid ? 'hint hint-error' : 'hint'}>
        {t('protocols.panel.range', { min: question.min, max: question.max })}
      </span>
    </div>
  );
}
