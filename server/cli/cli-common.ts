import { ConfigError, loadConfigFromEnvironment } from '../config.ts';

/** The embedded database's folder; the PostgreSQL tools (pg_dump, pg_restore) are the operator's. */
export function embeddedDataDir(what: string): string {
  const config = loadConfigFromEnvironment();
  if (config.database.kind !== 'pglite') {
    throw new Error(`DATABASE_URL is set: ${what} PostgreSQL with its own tools (pg_dump, pg_restore; see README, Operations).`);
  }
  return config.database.dataDir;
}

/** Runs a command: prints its result line, or the error and exit code 1. */
export async function runCli(usage: string, command: () => Promise<string>): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  try {
    process.stdout.write(`${await command()}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
