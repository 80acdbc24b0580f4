import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export type { Logger };

/**
 * Errors as logged: name, message, code and stack only. A PostgreSQL error's `detail` ("Failing row
 * contains (...)") or `where` can carry a task row, phone number and summary included.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = 'code' in err ? String(err.code) : undefined;
  return { type: err.name, message: err.message, ...(code ? { code } : {}), stack: err.stack };
}

/**
 * A logger to stdout, or to `destination` (tests read what was logged). Stdout is written in
 * batches of about 4 kB, at least every second and at once after an error line: a write per request
 * line cost the busiest path more CPU than its validation. pino writes out what is left when the
 * process exits; a SIGKILL loses at most the last second of info lines.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'dtask-console' },
    // Personal health data must never reach the logs: whatever a caller passes by mistake is cut here.
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'body', 'password', '*.password', 'callbackPhone', '*.callbackPhone'], remove: true },
    serializers: { err: safeError },
  };
  if (destination || level === 'silent') return pino(options, destination);
  const logger = pino(
    {
      ...options,
      // An error line goes out at once: the process may be killed before the next batch.
      hooks: {
        logMethod(args, method, methodLevel) {
          method.apply(this, args);
          if (methodLevel >= 50) this.flush();
        },
      },
    },
    pino.destination({ dest: 1, sync: false, minLength: 4096 }),
  );
  setInterval(() => logger.flush(), 1000).unref();
  return logger;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** One log line per request with its id, path (no query string: it may carry filters), status and time. */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Unwrapped, so pino-http's own serializers (which copy every property of an error, SQL
    // parameters and request bodies included) never run: the safe one above serializes errors here too.
    wrapSerializers: false,
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      err: safeError,
    },
    customLogLevel: (req, res, err) => {
      // A client that went away before its answer was sent is no server error (and has no stack worth keeping).
      if (req.readableAborted || !res.writableEnded) return 'debug';
      return err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
  });
}
