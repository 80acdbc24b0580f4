import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/postgres-adapter';
import type pg from 'pg';
import { Server } from 'socket.io';
import type { AuthService } from '../auth/auth.service.ts';
import { readSessionToken } from '../auth/session-cookie.ts';
import { isOwnOrigin } from '../http/security.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/realtime.ts';
import type { Logger } from '../logger.ts';
import type { UserActor } from '../http/actor.ts';
import { rooms, type RealtimeServer } from './publisher.ts';

interface SocketData {
  user: UserActor;
}

/**
 * Socket.IO on the HTTP server. A connection is admitted only from the console's own origin with a live session cookie, and its
 * rooms come from that session on the server, never from what the client asks. With PostgreSQL the
 * adapter fans messages out to every node.
 */
export function createSocketServer(
  httpServer: HttpServer,
  deps: {
    userForToken: AuthService['userForToken'];
    logger: Logger;
    /** ALLOWED_ORIGINS: browser origins admitted besides none (see isOwnOrigin). */
    allowedOrigins: readonly string[];
    pool?: pg.Pool | undefined;
    /** A clinical user's socket came or went: presence on the live board changed. */
    onPresenceChange(): void;
  },
): RealtimeServer {
  const { userForToken, logger, pool } = deps;
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    cors: { origin: false },
    // The handshake carries the session cookie of whatever page opened it: a page on another port of
    // the same host would otherwise receive the live board. Browsers always send Origin on these
    // requests; programs (tests, tools) without one have no cookie of a user's browser to abuse.
    allowRequest(req, callback) {
      const origin = req.headers.origin;
      callback(null, origin === undefined || isOwnOrigin(origin, req.headers.host, deps.allowedOrigins));
    },
    ...(pool ? { adapter: createAdapter(pool, { tableName: 'socket_io_attachments', errorHandler: (err) => logger.warn({ err: err.message }, 'socket.io adapter error') }) } : {}),
  });
  io.use(async (socket, next) => {
    try {
      const user = await userForToken(readSessionToken(socket.handshake.headers.cookie));
      if (!user) return next(new Error('UNAUTHENTICATED'));
      socket.data.user = user;
      next();
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'socket authentication failed');
      next(new Error('UNAVAILABLE'));
    }
  });
  io.on('connection', (socket) => {
    const { user } = socket.data;
    void socket.join([rooms.role(user.role), rooms.user(user.id), rooms.session(user.sessionId)]);
    deps.onPresenceChange();
    socket.on('disconnect', () => deps.onPresenceChange());
    socket.on('presence:ping', (ack) => {
      if (typeof ack === 'function') ack({ data: { at: new Date().toISOString() } });
    });
  });
  return io as RealtimeServer;
}
