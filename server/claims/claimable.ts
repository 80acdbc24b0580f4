import type { Transaction } from 'kysely';
import type { LifecycleConfig } from '../config.ts';
import type { Database } from '../db/create-db.ts';
import type { UserActor } from '../http/actor.ts';
import { AppError, validationError } from '../http/errors.ts';
import { findActiveUser, lockClaimant } from '../tasks/tasks.repository.ts';
import { claimantCheck, findHeldItem as findHeldRow, hasLiveSession, type HeldRow } from './claims.repository.ts';

// What every claimable item (a task, a follow-up call) shares: one thing in hand per user, who
// holds it, who may be given it, when a live claim may be taken, when a claim is stale. The
// claim itself is a conditional update on the item's own state, in its own repository.

type Trx = Transaction<Database>;

/** What a user holds: a task or a follow-up call, named by its ERC task id. */
export type HeldItem = { kind: 'task' | 'follow_up'; id: string; ercTaskId: string };

const toHeldItem = (row: HeldRow | undefined): HeldItem | undefined => (row ? { kind: row.kind, id: row.id, ercTaskId: row.erc_task_id } : undefined);

/** The task or follow-up the user holds, other than the one named in `except`, if any. */
export async function findHeldItem(trx: Trx, userId: string, except: { taskId?: string; followUpId?: string } = {}): Promise<HeldItem | undefined> {
  return toHeldItem(await findHeldRow(trx, userId, except));
}

const sessionEnded = () => new AppError(401, 'UNAUTHENTICATED', 'Your session has ended or you are not logged in. Log in again.');

/** 409 ALREADY_HOLDING_TASK naming what `who` holds (details.heldTask or details.heldFollowUp). */
export function alreadyHolding(held: HeldItem, who?: string): AppError {
  const what = held.kind === 'task' ? `task ${held.ercTaskId}` : `the follow-up call of task ${held.ercTaskId}`;
  const message = who
    ? `${who} already holds ${what}.`
    : `You already hold ${what}: return it to the queue (its draft is kept) before taking another.`;
  return new AppError(409, 'ALREADY_HOLDING_TASK', message, {
    [held.kind === 'task' ? 'heldTask' : 'heldFollowUp']: { id: held.id, ercTaskId: held.ercTaskId },
  });
}

/**
 * One user holds at most one task or follow-up at a time (a shift leader may give them another with
 * reassign): 409 ALREADY_HOLDING_TASK naming the held one. The user's row lock makes concurrent
 * claims of one user take turns, across tasks and follow-ups, so two of them cannot both pass.
 */
export async function assertHandsFree(trx: Trx, actor: UserActor, except: { taskId?: string; followUpId?: string } = {}): Promise<void> {
  const item = toHeldItem(await lockLiveClaimant(trx, actor, except));
  if (item) throw alreadyHolding(item);
}

/**
 * Takes the actor's claimant lock and checks, in one statement, that her session still lives (401
 * otherwise) and what she holds besides `except`. A logout or idle end holds this lock while it
 * returns the user's items: whatever waited for it finds the session gone and takes nothing.
 */
async function lockLiveClaimant(trx: Trx, actor: UserActor, except: { taskId?: string; followUpId?: string }): Promise<HeldRow | undefined> {
  await lockClaimant(trx, actor.id);
  const { sessionLive, held } = await claimantCheck(trx, actor.id, actor.sessionId, except);
  if (!sessionLive) throw sessionEnded();
  return held;
}

/** An active nurse or shift leader by id, else 422 on `path` (the body field that named them). */
export async function activeClinician(trx: Trx, userId: string, path: string, message = 'Not an active nurse or shift leader') {
  const user = await findActiveUser(trx, userId);
  if (!user || (user.role !== 'nurse' && user.role !== 'shift_leader')) throw validationError([{ path, message }]);
  return user;
}

/** 409 `code` naming who holds the item (details.claimedBy). */
export async function holderError(trx: Trx, claimedBy: string | null, code: string, what: string): Promise<AppError> {
  const holder = claimedBy ? await findActiveUser(trx, claimedBy) : undefined;
  return new AppError(409, code, `${holder?.display_name ?? 'Another user'} has this ${what}.`, {
    claimedBy: claimedBy ? { id: claimedBy, displayName: holder?.display_name ?? '' } : null,
  });
}

/**
 * An item may be given only to a colleague who is logged in: a logged-out one would hold it with
 * nobody at the phone (409 COLLEAGUE_NOT_LOGGED_IN). Takes the colleague's claimant lock first, the
 * order a claim uses (claimant, then item), so a session end waiting on that lock returns the item
 * after this commits. Call it before locking the item.
 */
export async function lockLoggedInColleague(trx: Trx, colleague: { id: string; display_name: string }, idleMinutes: number): Promise<void> {
  await lockClaimant(trx, colleague.id);
  if (!(await hasLiveSession(trx, colleague.id, idleMinutes))) {
    throw new AppError(409, 'COLLEAGUE_NOT_LOGGED_IN', `${colleague.display_name} is not logged in: give it to a colleague who is, or return it to the queue.`);
  }
}

/**
 * The one a shift leader reassigns to: an active nurse or shift leader (else 422 on
 * `body.assigneeId`) who is logged in: a colleague's session, or (herself) the shift leader's own,
 * checked under that user's claimant lock. Call it before locking the item.
 */
export async function activeAssignee(trx: Trx, assigneeId: string, actor: UserActor, idleMinutes: number) {
  const assignee = await activeClinician(trx, assigneeId, 'body.assigneeId');
  // Herself: under her claimant lock, as a claim, so a logout in her other tab returns it after this.
  if (assignee.id === actor.id) await lockLiveClaimant(trx, actor, {});
  else await lockLoggedInColleague(trx, assignee, idleMinutes);
  return assignee;
}

/** Taking a live (not stale) claim from its holder needs a reason: 422 REASON_REQUIRED. */
export function assertReasonForLiveClaim(liveClaim: boolean, reason: string | undefined): void {
  if (liveClaim && !reason) {
    throw new AppError(422, 'REASON_REQUIRED', 'The current holder is active: give a reason for taking it from them.', [
      { path: 'body.reason', message: 'Required while the claim is live' },
    ]);
  }
}

/** A claim is stale when its holder's client stopped sending heartbeats: shown, never released silently. */
export function isClaimStale(claimed: boolean, heartbeatAt: Date | null, config: LifecycleConfig, now = Date.now()): boolean {
  return claimed && heartbeatAt !== null && now - heartbeatAt.getTime() > config.claimStaleSeconds * 1000;
}
