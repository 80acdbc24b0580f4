import type { AuditState } from './audits.ts';
import type { CongestionModeDto } from './congestion.ts';
import type { LiveStats, NurseLiveStats } from './stats.ts';

// The Socket.IO contract: both the server and the client import these types. Event names are resource:verb.

export interface SessionEndedEvent {
  reason: 'logout' | 'deactivated' | 'password_changed' | 'idle';
}

/** Says only what changed; clients fetch what they need (and are allowed) through the API. */
export interface TaskChangedEvent {
  seq: number;
  taskId: string;
  type: string;
  version: number;
  state: 'queued' | 'in_assessment' | 'callback_pending' | 'closed';
}

/** A clinical audit review changed: sent to those who may see it, who fetch it through the API. */
export interface AuditChangedEvent {
  auditId: string;
  type: 'audit.queued' | 'audit.claimed' | 'audit.draft_saved' | 'audit.submitted' | 'audit.amended' | 'audit.acknowledged';
  state: AuditState;
  version: number;
}

/** A review found a critical deviation: the medical director is told at once. */
export interface AuditCriticalEvent {
  auditId: string;
  notificationId: string;
  ercTaskId: string;
}

export interface ServerToClientEvents {
  /** Emitted after the change committed; seq is gapless, so a jump means: fetch /api/events?since=. */
  'task:changed': (event: TaskChangedEvent) => void;
  /** The live load: the full figures to shift leaders, a reduced view to nurses; coalesced. */
  'stats:update': (stats: LiveStats | NurseLiveStats) => void;
  /** This session was ended elsewhere: the client shows the login page. */
  'session:ended': (event: SessionEndedEvent) => void;
  /** The user's role or name changed: the client reloads /api/auth/me and reconnects. */
  'session:changed': (event: Record<string, never>) => void;
  /** After commit, to the roles that see every review and to the reviewed nurse (once it has a result). */
  'audit:changed': (event: AuditChangedEvent) => void;
  /** After commit, to the roles configured to be told of critical deviations (AUDIT_NOTIFY_ROLES). */
  'audit:critical': (event: AuditCriticalEvent) => void;
  /** After commit, to every signed-in screen: congestion mode was switched (its new state). */
  'congestion:changed': (event: CongestionModeDto) => void;
}

export interface ClientToServerEvents {
  'presence:ping': (ack: (reply: { data: { at: string } }) => void) => void;
}
