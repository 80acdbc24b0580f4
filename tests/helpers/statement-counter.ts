import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** One statement a pg client sent, and where in this repository it came from. */
export interface SeenStatement {
  sql: string;
  /**
   * The innermost frame of this repository's code that sent it (e.g. `server/stats/stats.repository.ts`),
   * else the package under node_modules, else `unknown`. Statements inside a Kysely transaction come
   * from a callback and are `unknown`: the stack names the sender only outside transactions.
   */
  origin: string;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OWN_FRAME = /\(?((?:\/|file:\/\/)[^\s()]+?):\d+:\d+\)?$/;

function originOf(stack: string): string {
  let dependency: string | undefined;
  for (const line of stack.split('\n').slice(1)) {
    const match = OWN_FRAME.exec(line.trim());
    if (!match?.[1]) continue;
    const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
    if (!file.startsWith(ROOT)) continue;
    const relative = path.relative(ROOT, file);
    const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(relative);
    if (inModules) {
      if (inModules[1] !== 'pg' && inModules[1] !== 'pg-pool' && inModules[1] !== 'kysely') dependency ??= inModules[1];
      continue;
    }
    // The counter itself and the database layer's own frames (the pool wrapper, prepared statements) name no sender.
    if (relative.startsWith('tests/helpers/statement-counter') || relative === 'server/db/create-db.ts' || relative === 'server/db/prepared.ts') continue;
    return relative;
  }
  return dependency ?? 'unknown';
}

/**
 * The Socket.IO adapter's publishes (NOTIFY), which the round-trip budget leaves out: it sends them
 * through the pool from a callback, so its text (upper case, unlike Kysely's) names it, not the stack.
 */
export const fromAdapter = (s: SeenStatement): boolean => s.sql === 'SELECT pg_notify($1, $2)';
/** The live board's reads (server/stats/), counted on their own. */
export const fromLiveBoard = (s: SeenStatement): boolean => s.origin.startsWith('server/stats/');

export interface StatementWatch {
  /** Runs `work` and returns what it resolved to with every statement sent meanwhile, in order. */
  during<T>(work: () => Promise<T>): Promise<{ result: T; statements: SeenStatement[] }>;
  /** Puts pg back as it was. */
  stop(): void;
}

/**
 * Counts what this process's pg clients send to PostgreSQL (PostgreSQL only: PGlite has no pg
 * client), by wrapping `pg.Client#query`, which every pool connection (requests, LISTEN, the
 * Socket.IO adapter) goes through. Kysely and the pool send one query per call, BEGIN and COMMIT
 * included; on PostgreSQL BEGIN and the COMMIT behind the events statement share the round trip of
 * their neighbour (create-db.ts, PipelinedClient), so a count is an upper bound on round trips.
 */
export function watchStatements(): StatementWatch {
  const proto = pg.Client.prototype;
  const original = proto.query;
  let log: SeenStatement[] | undefined;
  const counting = function (this: pg.Client, ...args: unknown[]): unknown {
    const [first] = args;
    const text = typeof first === 'string' ? first : typeof first === 'object' && first !== null && 'text' in first ? String(first.text) : String(first);
    log?.push({ sql: text.replace(/\s+/g, ' ').trim(), origin: originOf(new Error().stack ?? '') });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  proto.query = counting as unknown as typeof original;
  return {
    async during(work) {
      const statements: SeenStatement[] = [];
      log = statements;
      try {
        return { result: await work(), statements };
      } finally {
        log = undefined;
      }
    },
    stop() {
      proto.query = original;
    },
  };
}
