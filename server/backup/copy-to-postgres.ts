import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createDb } from '../db/create-db.ts';
import { migrateToLatest } from '../db/migrate.ts';

// The migrator's own bookkeeping: the target gets it by migrating, never by copying.
const MIGRATOR_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);
const BATCH = 2000;

export interface CopyReport {
  tables: { table: string; rows: number }[];
  sequences: { sequence: string; value: string | null }[];
  lastSeq: number;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Tables in an order that inserts every referenced row before the rows that reference it. */
async function tablesInInsertOrder(client: pg.PoolClient): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  const { rows: refs } = await client.query<{ child: string; parent: string }>(
    `select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname = 'public' and c.conrelid <> c.confrelid`,
  );
  const names = tables.map((t) => t.name).filter((t) => !MIGRATOR_TABLES.has(t));
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table)) return;
    if (path.has(table)) throw new Error(`foreign keys form a cycle through ${table}`);
    for (const ref of refs.filter((r) => r.child === table)) visit(ref.parent, new Set([...path, table]));
    ordered.push(table);
  };
  for (const table of names) visit(table, new Set());
  return ordered;
}

async function sequences(run: (sql: string) => Promise<{ name: string }[]>): Promise<string[]> {
  return (await run(`select sequencename as name from pg_sequences where schemaname = 'public' order by 1`)).map((r) => r.name);
}

/**
 * Copies every row of the embedded database into an empty PostgreSQL database migrated to the same
 * schema, in one transaction (all or nothing), then compares row counts, sequences and the event
 * counter on both sides. Triggers are off while copying: the rows already carry what the triggers
 * would compute (report aggregates, re-contact links), and the audit log's guard would refuse the
 * emptying of the rows the migrations seed.
 */
export async function copyToPostgres(source: PGlite, targetUrl: string): Promise<CopyReport> {
  // Both sides at the same schema version; the embedded side's handle is left open for the caller to close.
  await migrateToLatest((await createDb({ kind: 'pglite-instance', pglite: source })).db);
  const pool = new pg.Pool({ connectionString: targetUrl, max: 1 });
  try {
    const { rows: existing } = await pool.query<{ n: string }>(`select count(*)::text as n from pg_tables where schemaname = 'public'`);
    if (Number(existing[0]?.n) > 0) throw new Error('The target database is not empty: create a new, empty database for the move.');
    const target = await createDb({ kind: 'postgres', url: targetUrl, poolSize: 1 });
    try {
      await migrateToLatest(target.db);
    } finally {
      await target.close();
    }
    const conn = await pool.connect();
    try {
      await conn.query('begin');
      const tables = await tablesInInsertOrder(conn);
      for (const table of tables) await conn.query(`alter table ${quote(table)} disable trigger user`);
      await conn.query(`truncate ${tables.map(quote).join(', ')}`);
      const report: CopyReport = { tables: [], sequences: [], lastSeq: 0 };
      for (const table of tables) {
        let after = '(0,0)';
        for (;;) {
          // Keyset paging on the physical row id: no ordering key needed, each row read once.
          const { rows } = await source.query<{ ctid: string; row: unknown }>(
            `select t.ctid::text as ctid, to_jsonb(t) as row from ${quote(table)} t where t.ctid > $1::tid order by t.ctid limit ${BATCH}`,
            [after],
          );
          if (rows.length === 0) break;
          await conn.query(
            `insert into ${quote(table)} overriding system value select * from jsonb_populate_recordset(null::${quote(table)}, $1::jsonb)`,
            [JSON.stringify(rows.map((r) => r.row))],
          );
          after = rows[rows.length - 1]!.ctid;
        }
        await conn.query(`alter table ${quote(table)} enable trigger user`);
        const [from, to] = await Promise.all([
          source.query<{ n: string }>(`select count(*)::text as n from ${quote(table)}`),
          conn.query<{ n: string }>(`select count(*)::text as n from ${quote(table)}`),
        ]);
        if (from.rows[0]?.n !== to.rows[0]?.n) throw new Error(`${table}: ${from.rows[0]?.n} rows in the embedded database, ${to.rows[0]?.n} copied`);
        report.tables.push({ table, rows: Number(to.rows[0]?.n) });
      }
      for (const sequence of await sequences(async (q) => (await source.query<{ name: string }>(q)).rows)) {
        const { rows } = await source.query<{ last_value: string; is_called: boolean }>(`select last_value::text, is_called from ${quote(sequence)}`);
        const value = rows[0]!;
        await conn.query(`select setval($1, $2, $3)`, [quote(sequence), value.last_value, value.is_called]);
        const { rows: check } = await conn.query<{ last_value: string; is_called: boolean }>(`select last_value::text, is_called from ${quote(sequence)}`);
        if (check[0]?.last_value !== value.last_value || check[0]?.is_called !== value.is_called) throw new Error(`sequence ${sequence} did not take its value`);
        report.sequences.push({ sequence, value: value.is_called ? value.last_value : null });
      }
      const counters = await Promise.all([
        source.query<{ seq: string }>('select seq::text from event_counter'),
        conn.query<{ seq: string }>('select seq::text from event_counter'),
      ]);
      if (counters[0].rows[0]?.seq !== counters[1].rows[0]?.seq) throw new Error('the event counter differs after the copy');
      report.lastSeq = Number(counters[1].rows[0]?.seq);
      await conn.query('commit');
      return report;
    } catch (err) {
      await conn.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
  } finally {
    await pool.end();
  }
}
