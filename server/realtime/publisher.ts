import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/realtime.ts';
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
}


/** `afterTaskChange` runs after the task events went out (the live board catches up from it). */
export function createPublisher(io: RealtimeServer, afterTaskChange: () => void = () => undefined): Publisher {
  return {
    sessionsEnded(sessionIds, reason) {
      if (sessionIds.length === 0) return;
      const target = io.in(sessionIds.map(rooms.session));
      target.emit('session:ended', { reason });
      target.disconnectSockets(true);
    },
    userChanged(userId) {
      const target = io.in(rooms.user(userId));
      target.emit('session:changed', {});
      target.disconnectSockets(true);
    },
    taskChanged(events) {
      for (const { audience, ...event } of events) {
        io.to(AUDIENCE_ROLES[audience].map(rooms.role)).emit('task:changed', event);
      }
      if (events.length > 0) afterTaskChange();
    },
  };
}
