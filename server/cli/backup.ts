// npm run backup -- FILE [--force]: a consistent snapshot of the embedded database, also while the console runs.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { takeSnapshot } from '../backup/pglite-backup.ts';
import { embeddedDataDir, runCli } from './cli-common.ts';

const USAGE = `Usage: npm run backup -- FILE [--force]
Writes a gzipped snapshot of the embedded database (DATA_DIR, default ./data) to FILE. While the
console runs, the running server takes it; otherwise the folder is read directly. --force overwrites FILE.`;

await runCli(USAGE, async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean', default: false } } });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new Error(USAGE);
  const dataDir = embeddedDataDir('back up');
  if (existsSync(file) && !values.force) throw new Error(`${file} exists: pass --force to overwrite it.`);
  const { bytes, via } = await takeSnapshot(dataDir);
  // Patient data: readable by the owner only; written beside and renamed, so FILE is never half-written.
  const partial = `${file}.partial`;
  writeFileSync(partial, bytes, { mode: 0o600 });
  renameSync(partial, file);
  return `Backup of ${dataDir} written to ${file} (${bytes.length} bytes, taken by ${via === 'server' ? 'the running server' : 'reading the folder'}).`;
});
