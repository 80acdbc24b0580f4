// npm run demo: the console on its own embedded database (./data-demo) with demo users, and the
// simulator sending tasks and working them at 60x speed. For training and demonstrations.
import { loadConfigFromEnvironment } from '../config.ts';
import { DEFAULTS, DEMO_PASSWORD, runSimulation, simulationReport } from '../simulator/simulate.ts';
import { startConsole } from '../start.ts';

const ADMIN_PASSWORD = 'demo-admin-password';
const config = loadConfigFromEnvironment({ DATA_DIR: './data-demo', ADMIN_PASSWORD, LOG_LEVEL: 'warn' });
const { url } = await startConsole(config);
const out = (line: string) => process.stdout.write(`${line}\n`);
out(`Demo console: http://localhost:${config.port}
  admin / ${config.adminPassword ?? ADMIN_PASSWORD}
  sim.leader, sim.manager, sim.nurse1..${DEFAULTS.nurses} / ${DEMO_PASSWORD}
The simulator now sends D-tasks and simulated nurses work them at ${DEFAULTS.speed}x speed. Ctrl+C stops.`);
const result = await runSimulation({ ...DEFAULTS, hours: 24 * 7, url, adminPassword: config.adminPassword ?? ADMIN_PASSWORD, log: out });
out(simulationReport(result));
