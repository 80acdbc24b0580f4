// npm run migrate: brings the configured database (DATABASE_URL, or PGlite in DATA_DIR) to the latest schema.
import { ConfigError, loadConfigFromEnvironment } from '../config.ts';
import { createDb } from '../db/create-db.ts';
import { migrateToLatest } from '../db/migrate.ts';

try {
  const config = loadConfigFromEnvironment();
  const handle = await createDb(config.database);
  const applied = await migrateToLatest(handle.db);
  await handle.close();
  process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The schema is current.\n');
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
