import { refuseIfServed, serveSnapshots } from './backup/pglite-backup.ts';
import type { Config } from './config.ts';
import { createDb } from './db/create-db.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createLogger, type Logger } from './logger.ts';
import { createServer, type RunningServer } from './server.ts';
import { ensureFirstAdmin } from './users/first-admin.ts';

/**
 * Starts the console: database -> migrations -> first admin -> HTTP + sockets -> listen. Stops on
 * SIGTERM/SIGINT after draining requests and sockets.
 */
export async function startConsole(config: Config): Promise<{ server: RunningServer; url: string; logger: Logger }> {
  const logger = createLogger(config.logLevel);
  if (config.database.kind === 'pglite') await refuseIfServed(config.database.dataDir);
  const handle = await createDb(config.database);
  const applied = await migrateToLatest(handle.db);
  logger.info({ database: handle.kind, applied }, 'database ready');

  const firstAdmin = await ensureFirstAdmin(handle.db, config.adminPassword);
  if (firstAdmin.created) {
    logger.info('created the first admin user "admin"');
    if (firstAdmin.password) {
      // The log lines before it come first.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      // Printed once, on purpose, outside the structured log: the operator needs to see it.
      process.stdout.write(
        `\n  ================================================================\n` +
          `   First start: an admin account was created.\n` +
          `   username: admin\n   password: ${firstAdmin.password}\n` +
          `   Log in and change it. This password is not shown again.\n` +
          `  ================================================================\n\n`,
      );
    }
  }

  const server = await createServer(handle, config, logger);
  // npm run backup reaches the embedded database through this process (only one may open it).
  const backups = config.database.kind === 'pglite' ? await serveSnapshots(handle, config.database.dataDir, logger) : undefined;
  await new Promise<void>((resolve) => server.httpServer.listen(config.port, config.host, resolve));
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, host: config.host }, `console listening on http://localhost:${port}`);
  // Operators and scripts wait for this line: out now, not with the next batch.
  logger.flush();
  const { metricsServer } = server;
  if (metricsServer && config.metrics.port !== undefined) {
    const metricsPort = config.metrics.port;
    await new Promise<void>((resolve, reject) => {
      metricsServer.once('error', reject);
      metricsServer.listen(metricsPort, config.host, resolve);
    });
    logger.info({ port: metricsPort }, 'metrics on GET /metrics');
  }

  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    Promise.resolve(backups?.close())
      .then(() => server.shutdown())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return { server, url: `http://127.0.0.1:${port}`, logger };
}
