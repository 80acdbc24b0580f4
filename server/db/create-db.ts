import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, type PostgresCursor, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';
import pg from 'pg';
import { endsTransaction, preparedName } from './prepared.ts';
import type { DB } from './schema.generated.ts';

export type Database = DB;
export type Db = Kysely<Database>;

export type DbTarget =
  | { kind: 'postgres'; url: string; poolSize: number }
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite-instance'; pglite: PGlite };

/** What a LISTEN tells its owner. */
export interface ListenEvents {
  notified(payload: string): void;
  /** Listening (again): notifications sent while not listening are lost, so assume anything changed. */
  connected(): void;
  /** Not listening until `connected` comes again. */
  disconnected(): void;
}

/** How long a lost LISTEN connection waits before it tries again. */
const LISTEN_RETRY_MS = 1_000;

/**
 * LISTEN on a connection of its own that comes back after it is lost (database restart, network cut):
 * `connected` after each (re)start, `disconnected` when it drops. The returned function stops it.
 */
async function listenOnPostgres(url: string, channel: string, events: ListenEvents): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    let lost = false;
    const drop = () => {
      if (lost) return;
      lost = true;
      events.disconnected();
      next.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect(), LISTEN_RETRY_MS);
    };
    next.on('error', drop);
    next.on('end', drop);
    next.on('notification', (message) => {
      if (message.channel === channel) events.notified(message.payload ?? '');
    });
    try {
      await next.connect();
      await next.query(`listen "${channel}"`);
    } catch {
      drop();
      return;
    }
    if (stopped) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    events.connected();
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

/** The pg pool as Kysely sees it: each connection a PipelinedClient. */
class PreparingPool implements PostgresPool {
  private readonly clients = new WeakMap<pg.PoolClient, PipelinedClient>();
  constructor(private readonly pool: pg.Pool) {}

  get options(): object {
    return this.pool.options;
  }

  async connect(): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    // Kysely keeps its connection state per client object: the same client, the same wrapper.
    let wrapped = this.clients.get(client);
    if (!wrapped) {
      wrapped = new PipelinedClient(client);
      this.clients.set(client, wrapped);
    }
    return wrapped;
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

/** PostgreSQL refuses a prepared statement whose result columns changed since it was prepared. */
const isStalePreparedStatement = (err: unknown) =>
  err instanceof Error && (err as { code?: string }).code === '0A000' && err.message.includes('cached plan must not change result type');

/** Values pg sends as they are: nothing to convert on this side, so nothing that can fail here. */
const plainValue = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * One pooled connection, in pg's pipeline mode (a statement is written at once, without waiting for
 * the answer to the one before), as Kysely uses it:
 * - the statements of prepared.ts run as named prepared statements: PostgreSQL parses and plans
 *   each once per connection instead of once per request;
 * - BEGIN is written at once and answered at once; the transaction's first statement then waits
 *   for both answers (a failed BEGIN fails it): one round trip less per transaction;
 * - right behind a statement that ends its transaction (prepared.ts, endsTransaction) goes its
 *   COMMIT, and Kysely's own COMMIT gets that answer: one round trip less, and the event counter
 *   row is held only while PostgreSQL commits, not while the answer travels here and back. The
 *   statement must fail, if at all, on the server (so its values must need no conversion here):
 *   then the COMMIT behind it finds the transaction aborted and rolls it back.
 */
class PipelinedClient implements PostgresPoolClient {
  private begun: Promise<unknown> | undefined;
  private committed: Promise<pg.QueryResult> | undefined;
  // A statement prepared before a schema change fails on this connection from then on: drop it.
  private stale = false;

  constructor(private readonly client: pg.PoolClient) {}

  get processID(): number | undefined {
    return (this.client as { processID?: number }).processID;
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(text: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof text !== 'string') return this.client.query(text as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
    return this.send(text, (parameters ?? []) as unknown[]) as Promise<PostgresQueryResult<R>>;
  }

  private send(text: string, values: unknown[]): Promise<unknown> {
    if (this.committed) return this.afterCommit(text);
    if (text === 'begin' && values.length === 0 && !this.begun) {
      this.begun = this.client.query('begin');
      // Its failure is reported with the next statement, which waits for it.
      this.begun.catch(() => undefined);
      return Promise.resolve({ command: 'BEGIN', rowCount: null, rows: [] });
    }
    const name = preparedName(text);
    const result = name ? this.client.query({ name, text, values }) : this.client.query(text, values);
    if (name) result.catch((err: unknown) => void (this.stale ||= isStalePreparedStatement(err)));
    if (endsTransaction(text) && values.every(plainValue)) {
      this.committed = this.client.query('commit');
      this.committed.catch(() => undefined);
    }
    const begun = this.begun;
    this.begun = undefined;
    return begun ? Promise.all([begun, result]).then(([, answer]) => answer) : result;
  }

  /** Kysely's COMMIT or ROLLBACK after the COMMIT went out: answered from it. */
  private async afterCommit(text: string): Promise<unknown> {
    const result = await this.committed!;
    const committed = result.command === 'COMMIT';
    if (text === 'commit' || (text === 'rollback' && !committed)) {
      this.committed = undefined;
      return text === 'commit' ? result : { command: 'ROLLBACK', rowCount: null, rows: [] };
    }
    // A caller broke the rule (another statement, or a rollback of a committed transaction): say
    // plainly that the transaction committed rather than let anyone believe it did not.
    throw new Error(`"${text.slice(0, 40)}" after the statement that ended its transaction, which ${committed ? 'committed' : 'rolled back'}`);
  }

  release(destroy?: boolean): void {
    this.begun = undefined;
    this.committed = undefined;
    this.client.release(destroy || this.stale);
    this.stale = false;
  }
}

export interface DbHandle {
  db: Db;
  /**
   * Hears NOTIFY on `channel` (sent with pg_notify, delivered at commit to every node). On PGlite the
   * one process is the only listener and is always connected.
   */
  listen(channel: string, events: ListenEvents): Promise<() => Promise<void>>;
  kind: 'postgres' | 'pglite';
  /** PostgreSQL only: a small pool of its own for the Socket.IO adapter's LISTEN connection. */
  pubsubPool?: pg.Pool;
  /** PostgreSQL only: the request pool's connections, for the metrics. */
  poolStats?(): { total: number; idle: number; waiting: number };
  /**
   * PGlite only: a gzipped tarball of the data directory. PGlite takes it under its query lock, so
   * no statement writes meanwhile: a crash-consistent copy that recovers like after a power cut
   * (every committed transaction in, any open one rolled back).
   */
  snapshot?(): Promise<Blob>;
  close(): Promise<void>;
}

/** Opens the same Kysely API over PostgreSQL (a pool) or PGlite (in-process, one connection). */
export async function createDb(target: DbTarget): Promise<DbHandle> {
  if (target.kind === 'postgres') {
    // A connection losing its server (database restart, network cut) must not crash the process.
    // Queries in flight fail on their own and answer 503 DATABASE_UNAVAILABLE; idle clients are
    // reported to the pool's 'error' and dropped.
    // Bounded waits: a silently lost network answers 503 within seconds instead of hanging requests.
    const limits = { connectionTimeoutMillis: 5_000, statement_timeout: 30_000, idle_in_transaction_session_timeout: 60_000 };
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize, pipeline: true, ...limits });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    // The Socket.IO adapter keeps one client checked out for LISTEN and, when it dies, takes a new
    // one without releasing the old: released here with the error, or every outage would leak a
    // connection until the pool is exhausted (and pool.end() would wait for it forever).
    // One connection stays checked out for LISTEN; the rest carry NOTIFY publishes and attachments.
    const pubsubPool = new pg.Pool({ connectionString: target.url, max: 6, connectionTimeoutMillis: 5_000 });
    pubsubPool.on('error', () => undefined);
    pubsubPool.on('connect', (client) =>
      client.on('error', (err) => {
        try {
          (client as pg.PoolClient).release(err);
        } catch {
          // Not checked out: the pool's own 'error' handling drops it.
        }
      }),
    );
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new PreparingPool(pool) }) });
    return {
      db,
      kind: 'postgres',
      listen: (channel, events) => listenOnPostgres(target.url, channel, events),
      pubsubPool,
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      async close() {
        await db.destroy();
        await pubsubPool.end();
      },
    };
  }
  const pglite = target.kind === 'pglite' ? await PGlite.create(target.dataDir) : target.pglite;
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    async listen(channel, events) {
      const stop = await pglite.listen(channel, (payload) => events.notified(payload));
      events.connected();
      return () => stop();
    },
    snapshot: () => pglite.dumpDataDir('gzip'),
    close: () => db.destroy(),
  };
}
