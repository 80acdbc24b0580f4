// npm run safety:check: validates docs/safety/hazards.yaml, checks that every control's tests exist,
// and prints the counts CI shows in its summary. Exits 1 on any problem.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkHazardLog, loadHazardLog } from '../safety/hazard-log.ts';

const root = path.resolve(import.meta.dirname, '../..');
const log = loadHazardLog(path.join(root, 'docs/safety/hazards.yaml'));
const summary = checkHazardLog(log, root, readFileSync(path.join(root, 'docs/safety/deployment-checklist.md'), 'utf8'));
for (const p of summary.problems) process.stderr.write(`hazard log: ${p}\n`);
process.stdout.write(`hazard log: ${summary.hazards} hazards, ${summary.controls} controls, ${summary.tracedTests} traced tests, ${summary.problems.length} problems\n`);
if (summary.problems.length > 0) process.exitCode = 1;
