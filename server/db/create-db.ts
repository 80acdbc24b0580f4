import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.generated.ts';

export type Database = DB;
export type Db = Kysely<Database>;

export type DbTarget =
  | { kind: 'postgres'; url: string; poolSize: number }
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite-instance'; pglite: PGlite };

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Present on PostgreSQL only: the Socket.IO adapter and LISTEN need a real pool. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

/** Opens the same Kysely API over PostgreSQL (a pool) or PGlite (in-process, one connection). */
export async function createDb(target: DbTarget): Promise<DbHandle> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize });
    // An idle client losing its server (database restart) must not crash the process.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', pool, close: () => db.destroy() };
  }
  const pglite = target.kind === 'pglite' ? await PGlite.create(target.dataDir) : target.pglite;
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}
