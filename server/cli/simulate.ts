// npm run simulate -- --admin-password PW [options]: drives a running console like a situation centre.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULTS, runSimulation, simulationReport, type SimulationOptions } from '../simulator/simulate.ts';

const USAGE = `Usage: npm run simulate -- --admin-password PW [options]
  --url URL                console to drive (default http://localhost:3000)
  --tasks-per-day N        D-tasks a day (default ${DEFAULTS.tasksPerDay}; Oulu alone sees a few thousand a year,
                           the whole country about 734,000 EMS tasks a year of which about a third are D)
  --speed N                simulated seconds per real second (default ${DEFAULTS.speed}; 720 = a day in 2 min)
  --hours N                simulated hours to run (default ${DEFAULTS.hours})
  --start-hour H           simulated hour of day to start at (default ${DEFAULTS.startHour})
  --nurses N               simulated nurses (default ${DEFAULTS.nurses}); users sim.nurse1..N are created
  --handling-minutes N     mean handling time (default ${DEFAULTS.handlingMinutes})
  --answer-rate P          share of calls answered (default ${DEFAULTS.answerRate})
  --mix D,A,R              outcome weights dispatch,advice,redirect (default 45,30,25)
  --seed N                 random seed (default ${DEFAULTS.seed})`;

const Args = z.object({
  url: z.url().default('http://localhost:3000'),
  'admin-password': z.string().min(1, '--admin-password is required'),
  'tasks-per-day': z.coerce.number().positive().max(100_000).default(DEFAULTS.tasksPerDay),
  speed: z.coerce.number().positive().max(100_000).default(DEFAULTS.speed),
  hours: z.coerce.number().positive().max(24 * 365).default(DEFAULTS.hours),
  'start-hour': z.coerce.number().int().min(0).max(23).default(DEFAULTS.startHour),
  nurses: z.coerce.number().int().min(1).max(200).default(DEFAULTS.nurses),
  'handling-minutes': z.coerce.number().positive().max(240).default(DEFAULTS.handlingMinutes),
  'answer-rate': z.coerce.number().min(0).max(1).default(DEFAULTS.answerRate),
  mix: z
    .string()
    .regex(/^\d+(\.\d+)?,\d+(\.\d+)?,\d+(\.\d+)?$/, 'three weights: dispatch,advice,redirect')
    .transform((s) => s.split(',').map(Number) as [number, number, number])
    .optional(),
  seed: z.coerce.number().int().default(DEFAULTS.seed),
});

function parseSimulationArgs(argv: string[], log: (line: string) => void): SimulationOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries([...Object.keys(Args.shape), 'help'].map((k) => [k, { type: k === 'help' ? 'boolean' : 'string' }])) as Record<string, { type: 'string' | 'boolean' }>,
  });
  if (values.help) return null;
  const a = Args.parse(values);
  return {
    url: a.url,
    adminPassword: a['admin-password'],
    tasksPerDay: a['tasks-per-day'],
    speed: a.speed,
    hours: a.hours,
    startHour: a['start-hour'],
    nurses: a.nurses,
    handlingMinutes: a['handling-minutes'],
    answerRate: a['answer-rate'],
    outcomeMix: a.mix ? { dispatch_unit: a.mix[0], phone_advice: a.mix[1], redirect: a.mix[2] } : DEFAULTS.outcomeMix,
    seed: a.seed,
    log,
  };
}

const out = (line: string) => process.stdout.write(`${line}\n`);
try {
  const options = parseSimulationArgs(process.argv.slice(2), out);
  if (!options) out(USAGE);
  else out(simulationReport(await runSimulation(options)));
} catch (err) {
  const message = err instanceof z.ZodError ? err.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n') : err instanceof Error ? err.message : String(err);
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exitCode = 1;
}
