// The clinical hazard log (docs/safety/hazards.yaml) as checked data: its schema, the DCB0129 risk
// matrix, and the traceability rules CI enforces. Kept out of the running server on purpose: nothing
// here is needed to serve a request, only to prove that each safety control is backed by a test.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const SEVERITIES = ['minor', 'significant', 'considerable', 'major', 'catastrophic'] as const;
export const LIKELIHOODS = ['very_low', 'low', 'medium', 'high', 'very_high'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Likelihood = (typeof LIKELIHOODS)[number];

/**
 * DCB0129's 5x5 matrix: rows are likelihood (very low .. very high), columns severity (minor ..
 * catastrophic). 1 acceptable, 2 tolerable (acceptable only where further reduction costs more than
 * it gains), 3 undesirable, 4 and 5 unacceptable.
 */
const MATRIX: Record<Likelihood, readonly [number, number, number, number, number]> = {
  very_low: [1, 1, 2, 2, 3],
  low: [1, 2, 2, 3, 4],
  medium: [2, 2, 3, 3, 4],
  high: [2, 3, 3, 4, 5],
  very_high: [3, 4, 4, 5, 5],
};

export const RISK_LABELS = ['acceptable', 'tolerable', 'undesirable', 'unacceptable', 'unacceptable'] as const;

export function riskRating(risk: { severity: Severity; likelihood: Likelihood }): number {
  return MATRIX[risk.likelihood][SEVERITIES.indexOf(risk.severity)] ?? 5;
}

const text = z.string().trim().min(1);
const risk = z.object({ severity: z.enum(SEVERITIES), likelihood: z.enum(LIKELIHOODS) }).strict();

/** A test is named by its file and its exact title (the string given to `it` / `test`). */
const testRef = z.object({
  file: z.string().regex(/^tests\/(server|e2e)\/[\w.-]+\.test\.ts$/, 'a file under tests/server or tests/e2e'),
  name: text,
}).strict();

const control = z.discriminatedUnion('kind', [
  z.object({
    id: z.string().regex(/^HAZ-\d{3}-C\d+$/),
    kind: z.literal('software'),
    description: text,
    tests: z.array(testRef).min(1, 'a software control names the tests that prove it'),
  }).strict(),
  z.object({
    id: z.string().regex(/^HAZ-\d{3}-C\d+$/),
    kind: z.literal('organisational'),
    description: text,
    /** An anchor id in docs/safety/deployment-checklist.md: the deploying county's task. */
    checklist: z.string().regex(/^[a-z0-9-]+$/),
  }).strict(),
]);

const hazard = z.object({
  id: z.string().regex(/^HAZ-\d{3}$/),
  title: text,
  cause: text,
  harm: text,
  initial: risk,
  controls: z.array(control).min(1),
  residual: risk,
  issues: z.array(z.number().int().positive()).default([]),
}).strict();

export const hazardLogSchema = z.object({
  version: z.number().int().positive(),
  reviewed: z.iso.date(),
  hazards: z.array(hazard).min(1),
}).strict();

export type HazardLog = z.infer<typeof hazardLogSchema>;
export type Hazard = HazardLog['hazards'][number];

export function loadHazardLog(file: string): HazardLog {
  return hazardLogSchema.parse(parse(readFileSync(file, 'utf8')));
}

// `it('...')`, `test("...")`, `it.each(...)('...')` and template literals without substitutions.
const TEST_CALL = /\b(?:it|test)(?:\.(?:each\([\s\S]*?\)|concurrent|sequential))?\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*)\1/g;

/** The literal titles of the tests in one file; parameterised titles cannot be named in the log. */
export function testTitles(source: string): Set<string> {
  const titles = new Set<string>();
  for (const m of source.matchAll(TEST_CALL)) {
    const [, quote, raw = ''] = m;
    if (quote === '`' && raw.includes('${')) continue;
    titles.add(raw.replace(/\\(.)/g, '$1'));
  }
  return titles;
}

export interface TraceSummary {
  hazards: number;
  controls: number;
  tracedTests: number;
  problems: string[];
}

/**
 * Every rule CI holds the log to: ids unique, every named test exists, every organisational control
 * points at a checklist item, controls never raise the risk, no residual risk is unacceptable, and a
 * residual risk above acceptable is carried by at least one software control with tests.
 */
export function checkHazardLog(log: HazardLog, root: string, checklist: string): TraceSummary {
  const problems: string[] = [];
  const titleCache = new Map<string, Set<string> | null>();
  const titlesOf = (file: string) => {
    if (!titleCache.has(file)) {
      const full = path.join(root, file);
      titleCache.set(file, existsSync(full) ? testTitles(readFileSync(full, 'utf8')) : null);
    }
    return titleCache.get(file) ?? null;
  };
  const anchors = new Set([...checklist.matchAll(/\{#([a-z0-9-]+)\}|<a id="([a-z0-9-]+)">/g)].map((m) => m[1] ?? m[2]));
  const ids = new Set<string>();
  const traced = new Set<string>();
  let controls = 0;

  for (const h of log.hazards) {
    if (ids.has(h.id)) problems.push(`${h.id}: the id is used twice`);
    ids.add(h.id);
    const initial = riskRating(h.initial);
    const residual = riskRating(h.residual);
    if (residual > initial) problems.push(`${h.id}: residual risk ${residual} is above the initial ${initial}`);
    if (residual >= 4) problems.push(`${h.id}: residual risk ${residual} (${RISK_LABELS[residual - 1]}) cannot be accepted`);
    let tested = 0;
    for (const c of h.controls) {
      controls++;
      if (!c.id.startsWith(`${h.id}-`)) problems.push(`${c.id}: a control of ${h.id} must be numbered ${h.id}-Cn`);
      if (ids.has(c.id)) problems.push(`${c.id}: the id is used twice`);
      ids.add(c.id);
      if (c.kind === 'organisational') {
        if (!anchors.has(c.checklist)) problems.push(`${c.id}: no item "${c.checklist}" in the deployment checklist`);
        continue;
      }
      let found = 0;
      for (const t of c.tests) {
        const titles = titlesOf(t.file);
        if (!titles) problems.push(`${c.id}: the test file ${t.file} does not exist`);
        else if (!titles.has(t.name)) problems.push(`${c.id}: no test "${t.name}" in ${t.file}`);
        else { found++; traced.add(`${t.file} > ${t.name}`); }
      }
      if (found === c.tests.length) tested++;
    }
    if (residual > 1 && tested === 0) {
      problems.push(`${h.id}: residual risk ${residual} (${RISK_LABELS[residual - 1]}) needs a software control whose tests all exist`);
    }
  }
  return { hazards: log.hazards.length, controls, tracedTests: traced.size, problems };
}
