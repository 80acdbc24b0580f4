import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/realtime.ts';

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
  sessionsEnded(sessionIds: readonly string[], reason: 'logout' | 'deactivated' | 'password_changed'): void;
  /** The user's role changed: their sockets must reconnect to join the rooms of the new role. */
  userChanged(userId: string): void;
}

export function createPublisher(io: RealtimeServer): Publisher {
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
  };
}
