import { useEffect, useState } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import { OverdueFollowUps } from '../../follow-ups/components/overdue-follow-ups.tsx';
import type { LiveStats } from '../../../../../server/contracts/stats.ts';
import { useConnectionState } from '../../../lib/socket.ts';
import { useLiveStats } from '../hooks/use-live-stats.ts';
import { helsinkiClock } from '../utils/live-format.ts';
import { AreaTable } from './area-table.tsx';
import { ArrivalsChart } from './arrivals-chart.tsx';
import { KeyFigures } from './key-figures.tsx';
import { LiveError } from './live-error.tsx';
import { NurseBoard, type Hold, type Nurse } from './nurse-board.tsx';
import { OutcomesTable } from './outcomes-table.tsx';
import { QueueChart } from './queue-chart.tsx';
import { ReassignDialog, type ReassignDone } from './reassign-dialog.tsx';
import { StaffingCard } from './staffing-card.tsx';
import { TaskDetailDialog } from './task-detail-dialog.tsx';
import { CongestionSwitch } from '../../congestion/components/congestion-switch.tsx';

const DONE_VISIBLE_MS = 10_000;

type OpenDialog = { kind: 'detail'; hold: Hold } | { kind: 'reassign'; hold: Hold; holder: Nurse; mode: 'takeOver' | 'reassign' } | null;

/** The shift leader's wall screen: the live load, pushed by the server, and the means to act on it. */
export function LiveLoadPage() {
  const { t } = useTranslation();
  const { live, error, reload } = useLiveStats();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [done, setDone] = useState<ReassignDone | null>(null);

  // The confirmation steps aside by itself: nobody may be at the wall screen to dismiss it.
  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(null), DONE_VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [done]);

  return (
    <section className="page live-page" aria-labelledby="page-title">
      <div className="live-head">
        <h1 id="page-title" tabIndex={-1}>
          {t('live.title')}
        </h1>
        {live && <Freshness stats={live.stats} />}
        <CongestionSwitch />
      </div>
      {done && (
        <div className="message message-success live-done" role="status">
          <p>{done.kind === 'moved' ? t('live.reassign.moved', { ercTaskId: done.ercTaskId, name: done.name }) : t('live.reassign.takenOver', { ercTaskId: done.ercTaskId })}</p>
          <button type="button" className="button button-small" onClick={() => setDone(null)}>
            {t('live.dismiss')}
          </button>
        </div>
      )}
      {!live ? (
        error ? (
          <>
            <LiveError error={error} />
            <button type="button" className="button button-primary" onClick={reload}>
              {t('app.retry')}
            </button>
          </>
        ) : (
          <p className="muted loading">{t('common.loading')}</p>
        )
      ) : (
        <>
          <KeyFigures stats={live.stats} arrivedAt={live.arrivedAt} />
          <div className="live-columns">
            <div className="live-column live-column-charts">
              <ArrivalsChart buckets={live.stats.arrivalsToday} />
              <QueueChart stats={live.stats} />
            </div>
            <div className="live-column">
              <AreaTable areas={live.stats.byArea} />
              <StaffingCard stats={live.stats} />
              <OverdueFollowUps />
            </div>
            <div className="live-column live-column-people">
              <NurseBoard
                nurses={live.stats.nurses}
                onOpen={(hold) => setDialog({ kind: 'detail', hold })}
                onTakeOver={(hold, holder) => setDialog({ kind: 'reassign', hold, holder, mode: 'takeOver' })}
                onReassign={(hold, holder) => setDialog({ kind: 'reassign', hold, holder, mode: 'reassign' })}
              />
              <OutcomesTable stats={live.stats} />
            </div>
          </div>
          {dialog?.kind === 'detail' && <TaskDetailDialog taskId={dialog.hold.taskId} ercTaskId={dialog.hold.ercTaskId} onClose={() => setDialog(null)} />}
          {dialog?.kind === 'reassign' && (
            <ReassignDialog
              hold={dialog.hold}
              holder={dialog.holder}
              nurses={live.stats.nurses}
              mode={dialog.mode}
              onClose={() => setDialog(null)}
              onDone={(result) => {
                setDialog(null);
                setDone(result);
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

/** When the figures were made (Helsinki time) and the last event they include; a warning while not live. */
function Freshness({ stats }: { stats: LiveStats }) {
  const { t } = useTranslation();
  const connection = useConnectionState();
  return (
    <p className="live-freshness" aria-live="off">
      <span data-testid="live-updated">{t('live.updated', { time: helsinkiClock(stats.generatedAt, true) })}</span>
      <span className="live-seq" data-testid="live-seq">
        {t('live.seq', { seq: stats.seq })}
      </span>
      {connection !== 'connected' && <strong className="badge badge-warn">{t('live.notLive')}</strong>}
    </p>
  );
}
