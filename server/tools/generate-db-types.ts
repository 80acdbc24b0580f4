// Regenerates server/db/schema.generated.ts from the migrated schema, so the Database types follow the
// migrations. `--check` fails when the committed file has drifted (CI runs it against its throwaway
// PostgreSQL). Needs a PostgreSQL server: ADMIN_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb } from '../db/create-db.ts';
import { migrateToLatest } from '../db/migrate.ts';

const adminUrl = process.argv.find((a) => a.startsWith('postgres'))
  ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const check = process.argv.includes('--check');
const target = path.resolve('server/db/schema.generated.ts');
const dbName = `dtc_types_${process.pid}`;

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
try {
  const handle = await createDb({ kind: 'postgres', url: url.toString(), poolSize: 2 });
  await migrateToLatest(handle.db);
  await handle.close();
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'dtc-types-')), 'schema.ts');
  execFileSync('npx', ['kysely-codegen', '--dialect', 'postgres', '--url', url.toString(), '--out-file', out,
    '--exclude-pattern', 'kysely_migration*'], { stdio: 'ignore' });
  const generated = readFileSync(out, 'utf8');
  if (check) {
    if (generated !== readFileSync(target, 'utf8')) {
      process.stderr.write('server/db/schema.generated.ts differs from the migrated schema: run npm run db:types\n');
      process.exitCode = 1;
    }
  } else {
    writeFileSync(target, generated);
  }
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
