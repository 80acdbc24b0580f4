import { useTranslation } from '../../../lib/i18n.ts';
import type { LiveStats } from '../../../../../server/contracts/stats.ts';

export type Nurse = LiveStats['nurses'][number];
export type Hold = Nurse['holds'][number];

interface NurseBoardProps {
  nurses: readonly Nurse[];
  onOpen(hold: Hold): void;
  onTakeOver(hold: Hold, holder: Nurse): void;
  onReassign(hold: Hold, holder: Nurse): void;
}

/** Who is online and which tasks each person holds, with the shift leader's actions on each task. */
export function NurseBoard({ nurses, onOpen, onTakeOver, onReassign }: NurseBoardProps) {
  const { t } = useTranslation();
  const ordered = [...nurses].sort((a, b) => Number(b.online) - Number(a.online) || b.holds.length - a.holds.length);
  return (
    <section className="card live-card" aria-labelledby="live-nurses-title">
      <h2 id="live-nurses-title">{t('live.nurses.title')}</h2>
      {ordered.length === 0 ? (
        <p className="muted">{t('live.nurses.empty')}</p>
      ) : (
        <ul className="live-nurses" data-testid="live-nurses">
          {ordered.map((nurse) => (
            <li key={nurse.id} className="live-nurse" data-nurse={nurse.displayName}>
              <div className="live-nurse-head">
                <span className="live-nurse-name">{nurse.displayName}</span>
                {nurse.role === 'shift_leader' && <span className="live-nurse-role">{t('live.nurses.shiftLeader')}</span>}
                <span className={`badge ${nurse.online ? 'badge-ok' : 'badge-off'}`}>{nurse.online ? t('live.nurses.online') : t('live.nurses.offline')}</span>
              </div>
              {nurse.holds.length === 0 ? (
                <p className="live-nurse-idle muted">{t('live.nurses.holdsNone')}</p>
              ) : (
                <ul className="live-holds">
                  {nurse.holds.map((hold) => (
                    <li key={hold.taskId} className={`live-hold${hold.stale ? ' live-hold-stale' : ''}`} data-task={hold.ercTaskId}>
                      <span className="live-hold-id mono">{hold.ercTaskId}</span>
                      {hold.stale && <span className="badge badge-warn">{t('live.nurses.stale')}</span>}
                      <span className="live-hold-actions">
                        <button type="button" className="button button-small" aria-label={t('live.nurses.openLabel', { ercTaskId: hold.ercTaskId })} onClick={() => onOpen(hold)}>
                          {t('live.nurses.open')}
                        </button>
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={t('live.nurses.takeOverLabel', { ercTaskId: hold.ercTaskId })}
                          onClick={() => onTakeOver(hold, nurse)}
                        >
                          {t('live.nurses.takeOver')}
                        </button>
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={t('live.nurses.reassignLabel', { ercTaskId: hold.ercTaskId })}
                          onClick={() => onReassign(hold, nurse)}
                        >
                          {t('live.nurses.reassign')}
                        </button>
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
