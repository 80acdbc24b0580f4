// npm run restore -- FILE [--force]: puts a backup taken with npm run backup into the embedded database's folder.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { restoreSnapshot } from '../backup/pglite-backup.ts';
import { embeddedDataDir, runCli } from './cli-common.ts';

const USAGE = `Usage: npm run restore -- FILE [--force]
Restores a backup written by npm run backup into DATA_DIR (default ./data). Stop the console first.
Refuses a non-empty DATA_DIR unless --force, which replaces the database there.`;

await runCli(USAGE, async () => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean', default: false } } });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new Error(USAGE);
  const dataDir = embeddedDataDir('restore');
  const { lastSeq } = await restoreSnapshot(readFileSync(file), dataDir, { force: values.force });
  return `Restored ${file} into ${dataDir} (task events up to seq ${lastSeq}). Start the console with npm start.`;
});
