import http from 'node:http';
import type { Config } from './config.ts';
import type { DbHandle } from './db/create-db.ts';
import type { Logger } from './logger.ts';
import { createApp, type AppParts } from './app.ts';
import { createPublisher, type Publisher } from './realtime/publisher.ts';
import { createSocketServer } from './realtime/socket-server.ts';
import { startScheduler } from './tasks/scheduler.ts';

export interface RunningServer {
  httpServer: http.Server;
  parts: AppParts;
  publisher: Publisher;
  /** Stop accepting, let requests finish (up to `graceMs`), close sockets, then (unless told not to) the database. */
  shutdown(graceMs?: number, options?: { keepDb?: boolean }): Promise<void>;
}

/** Wires HTTP, Socket.IO and the app on one server, not yet listening. */
export function createServer(handle: DbHandle, config: Config, logger: Logger): RunningServer {
  // The socket server needs the app's auth service and the app needs the publisher: both resolve
  // late. The request listener must exist before Socket.IO attaches, so that Socket.IO keeps its
  // own paths (/socket.io/, long-polling included) away from Express.
  let parts: AppParts | undefined;
  const httpServer = http.createServer((req, res) => {
    if (parts) parts.app(req, res);
    else res.writeHead(503).end();
  });
  const io = createSocketServer(
    httpServer,
    (token) => (parts ? parts.auth.userForToken(token) : Promise.resolve(undefined)),
    logger,
    handle.pool,
  );
  const publisher = createPublisher(io);
  parts = createApp({ db: handle.db, config, logger, publisher });
  const scheduler = config.scheduler.enabled ? startScheduler(handle.db, publisher, config, logger) : undefined;

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    parts,
    publisher,
    shutdown(graceMs = 10_000, options = {}) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        io.disconnectSockets(true);
        const timer = setTimeout(() => httpServer.closeAllConnections(), graceMs);
        await closed;
        clearTimeout(timer);
        await scheduler?.stop();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        if (!options.keepDb) await handle.close();
      })();
      return closing;
    },
  };
}
