import type { Server } from 'socket.io';
import { ROLES, type Role } from '../contracts/common.ts';
import type { CongestionModeDto } from '../contracts/congestion.ts';
import type { AuditChangedEvent, AuditCriticalEvent, ClientToServerEvents, ServerToClientEvents } from '../contracts/realtime.ts';
import { AUDIENCE_ROLES } from '../events/audience.ts';
import type { PublishedTaskEvent } from '../events/task-change.ts';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents>;

export const rooms = {
  role: (role: string) => `role:${role}`,
  user: (id: string) => `user:${id}`,
  session: (id: string) => `session:${id}`,
};

/**
 * What services tell connected clients, always after their transaction has committed. Through the
 * Socket.IO adapter this reaches sockets on every node.
 */
export interface Publisher {
  /** Those sessions were ended (logout, deactivation): tell their sockets and close them. */
  sessionsEnded(sessionIds: readonly string[], reason: 'logout' | 'deactivated' | 'password_changed' | 'idle'): void;
  /** The user's role changed: their sockets must reconnect to join the rooms of the new role. */
  userChanged(userId: string): void;
  /** Committed task changes, in seq order, each to the roles its audience admits. */
  taskChanged(events: readonly PublishedTaskEvent[]): void;
  /** Committed review changes, each to those roles and users. */
  auditChanged(events: readonly { event: AuditChangedEvent; roles: readonly Role[]; userIds: readonly string[] }[]): void;
  /** A committed review with a critical deviation, to those roles. */
  auditCritical(event: AuditCriticalEvent, roles: readonly Role[]): void;
  /** Congestion mode was switched (committed): every role's screens show it. */
  congestionChanged(mode: CongestionModeDto): void;
}


/** How long other nodes' sockets get to receive the last word before they are closed. */
const CLOSE_GRACE_MS = 1000;

/** `afterTaskChange` runs after the task events went out (the live board catches up from it). */
export function createPublisher(io: RealtimeServer, afterTaskChange: () => void = () => undefined): Publisher {
  /**
   * Tells sockets why they are being closed, then closes them. Through the cluster adapter an emit
   * is delivered only after its NOTIFY went out, while a close acts at once: this node's sockets are
   * told and closed in order right here; other nodes' sockets get the message first and the close
   * a moment later.
   */
  function tellAndClose(target: string[], tell: (to: ReturnType<RealtimeServer['in']>) => void): void {
    tell(io.local.in(target));
    io.local.in(target).disconnectSockets(true);
    tell(io.in(target));
    setTimeout(() => io.in(target).disconnectSockets(true), CLOSE_GRACE_MS).unref();
  }

  return {
    sessionsEnded(sessionIds, reason) {
      if (sessionIds.length === 0) return;
      tellAndClose(sessionIds.map(rooms.session), (to) => to.emit('session:ended', { reason }));
    },
    userChanged(userId) {
      tellAndClose([rooms.user(userId)], (to) => to.emit('session:changed', {}));
    },
    taskChanged(events) {
      for (const { audience, ...event } of events) {
        io.to(AUDIENCE_ROLES[audience].map(rooms.role)).emit('task:changed', event);
      }
      if (events.length > 0) afterTaskChange();
    },
    auditChanged(events) {
      for (const { event, roles, userIds } of events) {
        io.to([...roles.map(rooms.role), ...userIds.map(rooms.user)]).emit('audit:changed', event);
      }
    },
    auditCritical(event, roles) {
      io.to(roles.map(rooms.role)).emit('audit:critical', event);
    },
    congestionChanged(mode) {
      io.to(ROLES.map(rooms.role)).emit('congestion:changed', mode);
    },
  };
}
