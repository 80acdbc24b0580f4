import { Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import type { UserDto } from '../../../../../server/contracts/auth.ts';
import type { TaskSummary } from '../../../../../server/contracts/tasks.ts';
import { FollowUpQueue } from '../../follow-ups/components/follow-up-queue.tsx';
import { WaitingReferrals } from '../../referrals/components/waiting-referrals.tsx';
import { ApiError } from '../../../lib/api.ts';
import { useIdempotentAction } from '../../../lib/idempotent-action.ts';
import { useTaskEventSync } from '../../../lib/task-event-sync.ts';
import { lazyPart, Loading } from '../../../lib/lazy-part.tsx';
import { useLoad } from '../../../lib/use-load.ts';
import { QuestionDialog } from '../../../lib/modal.tsx';
import { claimNextTask, claimTask, listAreas, listRedFlags, loadSettings, releaseTask } from '../api/nurse-api.ts';
import { useQueue } from '../hooks/use-queue.ts';
import { useShortcuts } from '../hooks/use-shortcuts.ts';
import { holds, useTaskView } from '../hooks/use-task-view.ts';
import { purgeOldDrafts } from '../utils/draft-lifetime.ts';
import { configureWaitTargets } from '../utils/wait-time.ts';
import { lostTo } from '../utils/task-text.ts';
import { ActionError } from './action-error.tsx';
import { ConnectionBanner } from './connection-banner.tsx';
import { IdlePanel } from './idle-panel.tsx';
import { ManualEntryDialog } from './manual-entry-dialog.tsx';
import { NoticeBar, type Notice } from './notice.tsx';
import { QueuePanel, type QueueOrder } from './queue-panel.tsx';
import { ShortcutList } from './shortcut-list.tsx';
import './nurse-console.css';

// The open task (call, assessment, protocol, outcome, referral, contacts) is its own chunk, so the
// queue shows sooner; it is fetched as soon as the queue has rendered, before a nurse opens a task.
const loadTaskView = async () => (await import('./task-view.tsx')).TaskView;
const TaskView = lazyPart(loadTaskView);
const loadFollowUpCall = async () => (await import('../../follow-ups/components/follow-up-call.tsx')).FollowUpCall;
const FollowUpCall = lazyPart(loadFollowUpCall);

/** The nurse's whole shift: the live queue, the task in hand, and manual entry. */
export function NurseConsolePage({ user }: { user: UserDto }) {
  const { t } = useTranslation();
  const [areaId, setAreaId] = useState<string | null>(null);
  const [order, setOrder] = useState<QueueOrder>('priority');
  const [openTaskId, setOpenTaskId] = useState<string | null>(null);
  /** The follow-up call open in the workspace (instead of a task). */
  const [openFollowUpId, setOpenFollowUpId] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [manualOpen, setManualOpen] = useState(false);
  /** Another task the nurse asked to take while holding one: she is asked to return hers first. */
  const [switchTo, setSwitchTo] = useState<string | null>(null);
  const queue = useQueue(areaId);
  const view = useTaskView(openTaskId, user.id);
  const areas = useLoad((signal) => listAreas(signal));
  const redFlags = useLoad((signal) => listRedFlags(signal));
  const take = useIdempotentAction();

  useEffect(() => purgeOldDrafts(), []);
  const queueShown = queue.tasks !== undefined;
  // The task and follow-up views are their own chunks, fetched once the queue shows, so opening one is not slower.
  useEffect(() => {
    if (!queueShown) return;
    void loadTaskView();
    void loadFollowUpCall();
  }, [queueShown]);
  useEffect(() => {
    const controller = new AbortController();
    loadSettings(controller.signal).then(
      (settings) => configureWaitTargets(settings.waitTargetsMinutes, settings.responseLimitMinutes),
      () => undefined, // the defaults stay; the clocks still tick
    );
    return () => controller.abort();
  }, []);

  const { refreshSoon } = queue;
  const { noteEvents, noteResync } = view;
  useTaskEventSync({
    onEvents(events) {
      // Draft saves arrive while colleagues type (every second or so) and change nothing the queue shows.
      if (events.some((event) => event.type !== 'task.assessment_saved')) refreshSoon();
      noteEvents(events);
    },
    onResync(events) {
      refreshSoon();
      noteResync(events);
    },
  });

  // After a reload of the page the nurse is back at the task in hand.
  const resumed = useRef(false);
  useEffect(() => {
    if (resumed.current || !queue.tasks) return;
    resumed.current = true;
    const mine = queue.tasks.find((task) => holds(task, user.id));
    if (mine) setOpenTaskId((current) => current ?? mine.id);
  }, [queue.tasks, user.id]);

  const { run: runTake, clear: clearTake } = take;
  const opened = useCallback(
    (task: TaskSummary) => {
      setNotice(null);
      clearTake();
      setOpenFollowUpId(null);
      setOpenTaskId(task.id);
      refreshSoon();
    },
    [refreshSoon, clearTake],
  );

  const holdingOpen = holds(view.task, user.id);
  const heldId = holdingOpen ? (view.task?.id ?? null) : null;
  const claim = useCallback(
    (id: string) => {
      if (heldId && heldId !== id) setSwitchTo(id);
      else void runTake((key) => claimTask(id, key), opened);
    },
    [runTake, opened, heldId],
  );
  const { version: heldVersion } = view;
  /** Returns the held task (its saved draft stays with it) and takes the other; the scopes differ, so one key serves both. */
  const switchTask = useCallback(() => {
    const target = switchTo;
    setSwitchTo(null);
    if (!heldId || !target) return;
    void runTake(async (key) => {
      await releaseTask(heldId, heldVersion(), key);
      return claimTask(target, key);
    }, opened);
  }, [switchTo, heldId, heldVersion, runTake, opened]);
  const next = useCallback(() => {
    if (holdingOpen) return;
    void runTake((key) => claimNextTask(areaId, key), opened);
  }, [runTake, opened, areaId, holdingOpen]);

  const closeView = useCallback(() => {
    setOpenTaskId(null);
    // Focus goes to the page's heading, not the body, when the task view it was in disappears.
    requestAnimationFrame(() => document.getElementById('page-title')?.focus());
  }, []);
  // After login (or reload) keyboard and screen-reader users start at the page's heading.
  useEffect(() => {
    document.getElementById('page-title')?.focus();
  }, []);
  useShortcuts({ next, manual: () => setManualOpen(true) });

  const tasks = queue.tasks;
  // The server's totals: the list may be cut at its limit, the counts are not.
  const counts = {
    waiting: queue.totals?.queued ?? 0,
    callbacks: queue.totals?.callback_pending ?? 0,
    taken: queue.totals?.in_assessment ?? 0,
  };
  const lostRaceTo = lostTo(take.error);
  const activeAreas = areas.data?.filter((a) => a.active) ?? [];

  return (
    <section className="page nurse-page" aria-labelledby="page-title">
      <ConnectionBanner />
      <div className="nurse-toolbar">
        <div className="nurse-title">
          <h1 id="page-title" tabIndex={-1}>
            {t('nurse.title')}
          </h1>
          <p className="nurse-counts" data-testid="queue-counts">
            <span>{t('nurse.queue.waiting', { count: counts.waiting })}</span>
            <span>{t('nurse.queue.callbacks', { count: counts.callbacks })}</span>
            <span>{t('nurse.queue.taken', { count: counts.taken })}</span>
          </p>
        </div>
        <div className="nurse-controls">
          <div className="field field-inline">
            <label htmlFor="queue-area">{t('nurse.queue.area')}</label>
            <select id="queue-area" value={areaId ?? ''} onChange={(e) => setAreaId(e.target.value || null)}>
              <option value="">{t('nurse.queue.allAreas')}</option>
              {activeAreas.map((area) => (
                <option key={area.id} value={area.id}>
                  {area.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-inline">
            <label htmlFor="queue-order">{t('nurse.queue.order')}</label>
            <select id="queue-order" value={order} onChange={(e) => setOrder(e.target.value === 'waited' ? 'waited' : 'priority')}>
              <option value="priority">{t('nurse.queue.orderPriority')}</option>
              <option value="waited">{t('nurse.queue.orderWaited')}</option>
            </select>
          </div>
          <button type="button" className="button" onClick={() => setManualOpen(true)} aria-keyshortcuts="M Alt+M" data-testid="open-manual">
            {t('nurse.manual.open')} <kbd>M</kbd>
          </button>
          <button
            type="button"
            className="button button-primary button-next"
            onClick={next}
            disabled={take.busy || holdingOpen}
            aria-keyshortcuts="N Alt+N"
            data-testid="next-task"
          >
            {take.busy ? t('nurse.take.busy') : t('nurse.take.next')} <kbd>N</kbd>
          </button>
        </div>
      </div>
      <ShortcutList />

      {notice && <NoticeBar notice={notice} onDismiss={() => setNotice(null)} onTake={claim} />}
      <ActionError error={take.error} onRetry={take.canRetry ? () => void take.retry() : undefined} testId="take-error">
        {(lostRaceTo !== null || (take.error instanceof ApiError && take.error.code === 'TASK_CLOSED')) && !holdingOpen && (
          <button type="button" className="button button-small button-primary" onClick={next} data-testid="offer-next">
            {t('nurse.take.offerNext')}
          </button>
        )}
      </ActionError>

      <WaitingReferrals refreshKey={String(queue.updatedAt ?? 0)} onOpen={setOpenTaskId} />
      <FollowUpQueue refreshKey={String(queue.updatedAt ?? 0)} userId={user.id} handsFull={holdingOpen} onOpen={setOpenFollowUpId} />

      <div className="nurse-layout">
        <QueuePanel
          tasks={tasks}
          total={queue.totals?.all}
          error={queue.error}
          updatedAt={queue.updatedAt}
          order={order}
          userId={user.id}
          openTaskId={openTaskId}
          busy={take.busy}
          onTake={(task) => claim(task.id)}
          onOpen={(task) => opened(task)}
        />
        <div className="nurse-workspace">
          {openFollowUpId ? (
            <Suspense fallback={<Loading />}>
              <FollowUpCall
                followUpId={openFollowUpId}
                userId={user.id}
                onClose={() => {
                  setOpenFollowUpId(null);
                  refreshSoon();
                }}
              />
            </Suspense>
          ) : openTaskId ? (
            <Suspense fallback={<Loading />}>
              <TaskView
                view={view}
                user={user}
                redFlags={redFlags.data ?? []}
                taking={take.busy}
                onTake={claim}
                onClose={closeView}
                onOpenTask={setOpenTaskId}
                onFinished={(done) => {
                  refreshSoon();
                  // A closed task stays open, read-only, saying so where the nurse is looking (and offering an amendment).
                  if (done.kind === 'closed') return;
                  setOpenTaskId(null);
                  setNotice(done);
                }}
              />
            </Suspense>
          ) : (
            <IdlePanel nextUp={tasks?.find((task) => task.state !== 'in_assessment')} userId={user.id} busy={take.busy} onNext={next} />
          )}
        </div>
      </div>

      {switchTo && view.task && (
        <QuestionDialog id="switch-task" title={t('nurse.switchTask.title', { task: view.task.ercTaskId })} onClose={() => setSwitchTo(null)} testId="switch-task">
          <p>{t('nurse.switchTask.body', { task: view.task.ercTaskId })}</p>
          <div className="form-actions">
            <button type="button" className="button button-primary" autoFocus onClick={switchTask} data-testid="switch-task-yes">
              {t('nurse.switchTask.confirm')}
            </button>
            <button type="button" className="button" onClick={() => setSwitchTo(null)}>
              {t('nurse.switchTask.cancel')}
            </button>
          </div>
        </QuestionDialog>
      )}

      <ManualEntryDialog
        open={manualOpen}
        areas={areas.data ?? []}
        onClose={() => setManualOpen(false)}
        onEntered={(task, created) => {
          setManualOpen(false);
          setNotice({ kind: 'manual', ercTaskId: task.ercTaskId, taskId: task.id, created });
          refreshSoon();
        }}
      />
    </section>
  );
}
