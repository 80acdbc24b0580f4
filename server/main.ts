import { ConfigError, loadConfigFromEnvironment } from './config.ts';
import { startConsole } from './start.ts';

// npm start: the console with the configuration from the environment.
try {
  await startConsole(loadConfigFromEnvironment());
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\nThe console did not start. See README.md, section Configuration.\n`);
  } else {
    process.stderr.write(`The console could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
}
