import http from 'node:http';
import type { Config } from './config.ts';
import type { DbHandle } from './db/create-db.ts';
import type { Logger } from './logger.ts';
import { createApp, type AppParts } from './app.ts';
import { startCacheInvalidation } from './db/cache-invalidation.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { createPublisher, rooms, type Publisher } from './realtime/publisher.ts';
import { createSocketServer } from './realtime/socket-server.ts';
import { createLiveStats, type LiveStatsService } from './stats/live-stats.service.ts';
import { startScheduler } from './tasks/scheduler.ts';

export interface RunningServer {
  httpServer: http.Server;
  parts: AppParts;
  publisher: Publisher;
  liveStats: LiveStatsService;
  metrics: Metrics;
  /** With METRICS_PORT: the listener that serves only GET /metrics (not yet listening). */
  metricsServer: http.Server | undefined;
  /** Stop accepting, let requests finish (up to `graceMs`), close sockets, then (unless told not to) the database. */
  shutdown(graceMs?: number, options?: { keepDb?: boolean }): Promise<void>;
}

/** Wires HTTP, Socket.IO, the live board and the app on one server, not yet listening. */
export async function createServer(handle: DbHandle, config: Config, logger: Logger): Promise<RunningServer> {
  // The pieces need each other (sockets -> auth, live board -> sockets, app -> publisher): the
  // callbacks below resolve at call time. The request listener must exist before Socket.IO
  // attaches, so that Socket.IO keeps its own paths (/socket.io/, long-polling too) from Express.
  let parts: AppParts | undefined;
  let liveStats: LiveStatsService | undefined;
  let metrics: Metrics | undefined;
  const httpServer = http.createServer((req, res) => {
    if (metrics?.serve(req, res, true)) return;
    if (!parts) return void res.writeHead(503).end();
    metrics?.observeRequest(req, res);
    parts.app(req, res);
  });
  // Longer than a load balancer's idle timeout (commonly 60 s), so the balancer, not this node,
  // closes idle keep-alive connections: no request is sent down a socket the node just closed.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const io = createSocketServer(httpServer, {
    userForToken: (token) => (parts ? parts.auth.userForToken(token) : Promise.resolve(undefined)),
    logger,
    allowedOrigins: config.allowedOrigins,
    pool: handle.pubsubPool,
    onPresenceChange: () => liveStats?.presenceChanged(),
  });
  liveStats = createLiveStats(
    handle.db,
    config,
    {
      async online() {
        // fetchSockets asks every node through the adapter, so presence is the same on each.
        const sockets = await io.timeout(1000).in([rooms.role('nurse'), rooms.role('shift_leader')]).fetchSockets();
        const users = new Map(sockets.map((s) => [s.data.user.id, { id: s.data.user.id, displayName: s.data.user.displayName, role: s.data.user.role }]));
        return [...users.values()];
      },
      emit(full, reduced) {
        // Each node serves its own sockets; the adapter would otherwise repeat this on every node.
        io.local.to(rooms.role('shift_leader')).emit('stats:update', full);
        io.local.to(rooms.role('nurse')).emit('stats:update', reduced);
      },
    },
    logger,
  );
  await liveStats.start();
  metrics = createMetrics(config, {
    db: handle.db,
    ...(handle.poolStats ? { pool: handle.poolStats } : {}),
    socketsByRole() {
      const counts = new Map<string, number>();
      for (const socket of io.of('/').sockets.values()) counts.set(socket.data.user.role, (counts.get(socket.data.user.role) ?? 0) + 1);
      return counts;
    },
  });
  const publisher = metrics.instrument(createPublisher(io, () => liveStats.notify()));
  const caches = await startCacheInvalidation(handle, logger);
  parts = createApp({ db: handle.db, caches, config, logger, publisher, liveStats, metrics });
  const scheduler = config.scheduler.enabled ? startScheduler(handle.db, publisher, config, logger, metrics.schedulerRule) : undefined;
  const metricsServer =
    config.metrics.port === undefined
      ? undefined
      : http.createServer((req, res) => {
          if (!metrics.serve(req, res, false)) res.writeHead(404).end();
        });

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    parts,
    publisher,
    liveStats,
    metrics,
    metricsServer,
    shutdown(graceMs = 10_000, options = {}) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        metricsServer?.close();
        httpServer.closeIdleConnections();
        io.disconnectSockets(true);
        const timer = setTimeout(() => httpServer.closeAllConnections(), graceMs);
        await closed;
        clearTimeout(timer);
        liveStats.stop();
        await scheduler?.stop();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        await caches.stop();
        if (!options.keepDb) await handle.close();
      })();
      return closing;
    },
  };
}
