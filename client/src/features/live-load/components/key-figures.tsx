import type { ReactNode } from 'react';
import type { LiveStats } from '../../../../../server/contracts/stats.ts';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { useNow } from '../../../lib/use-now.ts';
import { formatDuration, formatPercent } from '../utils/live-format.ts';

type Tone = 'neutral' | 'warn' | 'ok';

interface FigureProps {
  id: string;
  label: string;
  children: ReactNode;
  note?: ReactNode;
  tone?: Tone;
  size?: 'large' | 'medium';
}

/** One figure: its name, the value, and a line of words that says what a colour would say. */
function Figure({ id, label, children, note, tone = 'neutral', size = 'large' }: FigureProps) {
  return (
    <div className={`live-figure live-figure-${size} live-tone-${tone}`}>
      <dt className="live-figure-label">{label}</dt>
      <dd className="live-figure-value" data-testid={`live-${id}`}>
        {children}
      </dd>
      {note !== undefined && <dd className="live-figure-note">{note}</dd>}
    </div>
  );
}

function Duration({ seconds }: { seconds: number }) {
  const { t } = useTranslation();
  const { value, unit } = formatDuration(seconds);
  return (
    <>
      {value}
      <span className="live-unit">{t(`live.units.${unit}`)}</span>
    </>
  );
}

/** The large figures along the top of the board; the oldest wait ticks on between updates. */
export function KeyFigures({ stats, arrivedAt }: { stats: LiveStats; arrivedAt: number }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const now = useNow();
  const oldest = stats.oldestWaitSeconds === null ? null : stats.oldestWaitSeconds + Math.max(0, (now - arrivedAt) / 1000);
  const passedTarget = oldest === null ? undefined : stats.pastWaitTargets.filter((target) => oldest >= target.minutes * 60).at(-1);
  const pastAny = stats.pastWaitTargets.some((target) => target.tasks > 0);
  const { medianSeconds, p90Seconds, count } = stats.firstCallLastHour;

  return (
    <div className="live-figures-block">
      <dl className="live-figures live-figures-primary" aria-label={t('live.figures.label')}>
        <Figure id="queued" label={t('live.figures.queued')} note={t('live.figures.queuedHint')}>
          {stats.queued}
        </Figure>
        <Figure id="in-assessment" label={t('live.figures.inAssessment')}>
          {stats.inAssessment}
        </Figure>
        <Figure id="callback-pending" label={t('live.figures.callbackPending')}>
          {stats.callbackPending}
        </Figure>
        <Figure
          id="escalated"
          label={t('live.figures.escalated')}
          tone={stats.escalated > 0 ? 'warn' : 'neutral'}
          note={stats.escalated > 0 ? <strong>{t('live.figures.escalatedWarning')}</strong> : t('live.figures.escalatedNone')}
        >
          {stats.escalated}
        </Figure>
        {stats.decisionRequired > 0 && (
          <Figure id="decision-required" label={t('live.figures.decisionRequired')} tone="warn" note={<strong>{t('live.figures.decisionRequiredWarning')}</strong>}>
            {stats.decisionRequired}
          </Figure>
        )}
        <Figure
          id="oldest-wait"
          label={t('live.figures.oldestWait')}
          tone={passedTarget ? 'warn' : 'neutral'}
          note={
            oldest === null
              ? t('live.figures.noneWaiting')
              : passedTarget && <strong>{t('live.figures.oldestPastTarget', { minutes: passedTarget.minutes })}</strong>
          }
        >
          {oldest === null ? '–' : <Duration seconds={oldest} />}
        </Figure>
      </dl>
      <dl className="live-figures live-figures-secondary" aria-label={t('live.figures.todayLabel')}>
        <Figure id="received-today" size="medium" label={t('live.figures.receivedToday')}>
          {stats.receivedToday}
        </Figure>
        <Figure id="closed-today" size="medium" label={t('live.figures.closedToday')}>
          {stats.closedToday}
        </Figure>
        <Figure
          id="avoided-today"
          size="medium"
          label={t('live.figures.avoidedToday')}
          note={
            <span data-testid="live-avoided-share">
              {stats.avoidedShareToday === null
                ? t('live.figures.avoidedShareNone')
                : t('live.figures.avoidedShare', { share: formatPercent(stats.avoidedShareToday, language) })}
            </span>
          }
        >
          {stats.avoidedToday}
        </Figure>
        <Figure
          id="first-call"
          size="medium"
          label={t('live.figures.firstCall')}
          note={count > 0 ? t('live.figures.firstCallCount', { count }) : t('live.figures.firstCallNone')}
        >
          <span className="live-pair">
            <span className="live-pair-name">{t('live.figures.median')}</span>
            {medianSeconds === null ? '–' : <Duration seconds={medianSeconds} />}
          </span>
          <span className="live-pair">
            <span className="live-pair-name">{t('live.figures.p90')}</span>
            {p90Seconds === null ? '–' : <Duration seconds={p90Seconds} />}
          </span>
        </Figure>
        <Figure
          id="past-targets"
          size="medium"
          label={t('live.figures.pastTargets')}
          tone={pastAny ? 'warn' : 'ok'}
          note={pastAny ? <strong>{t('live.figures.pastTargetsWarning')}</strong> : t('live.figures.pastTargetsNone')}
        >
          {stats.pastWaitTargets.map((target) => (
            <span key={target.minutes} className="live-pair">
              <span className="live-pair-name">{t('live.figures.pastTarget', { minutes: target.minutes })}</span>
              {target.tasks}
            </span>
          ))}
        </Figure>
      </dl>
    </div>
  );
}
