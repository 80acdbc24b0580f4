// npm run migrate-to-postgres -- postgres://user@host/db: copies the embedded database (DATA_DIR) into an empty PostgreSQL database.
import { PGlite } from '@electric-sql/pglite';
import { parseArgs } from 'node:util';
import { copyToPostgres } from '../backup/copy-to-postgres.ts';
import { hasFiles, refuseIfServed } from '../backup/pglite-backup.ts';
import { embeddedDataDir, runCli } from './cli-common.ts';

const USAGE = `Usage: npm run migrate-to-postgres -- postgres://user@host:port/database
Copies every row of the embedded database (DATA_DIR, default ./data) into that PostgreSQL database,
which must exist and be empty (the user needs to own what it creates), and checks row counts,
sequences and the event counter on both sides. Stop the console first; then start it with DATABASE_URL.`;

await runCli(USAGE, async () => {
  const { positionals } = parseArgs({ allowPositionals: true });
  const url = positionals[0];
  if (!url || positionals.length > 1 || !/^postgres(ql)?:\/\//.test(url)) throw new Error(USAGE);
  const dataDir = embeddedDataDir('move');
  await refuseIfServed(dataDir);
  if (!hasFiles(dataDir)) throw new Error(`No embedded database in ${dataDir}.`);
  const source = await PGlite.create(dataDir);
  try {
    const report = await copyToPostgres(source, url);
    const lines = report.tables.map((t) => `  ${t.table}: ${t.rows} rows`);
    const seqs = report.sequences.map((s) => `  sequence ${s.sequence}: ${s.value ?? 'unused'}`);
    return [`Copied ${dataDir} to PostgreSQL; counts verified:`, ...lines, ...seqs, `  task events up to seq ${report.lastSeq}`, 'Start the console with DATABASE_URL set to that database.'].join('\n');
  } finally {
    await source.close();
  }
});
