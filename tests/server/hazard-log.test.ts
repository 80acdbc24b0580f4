import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LIKELIHOODS, SEVERITIES, checkHazardLog, hazardLogSchema, loadHazardLog, riskRating, testTitles, type HazardLog,
} from '../../server/safety/hazard-log.ts';

const root = path.resolve(import.meta.dirname, '../..');
const checklist = readFileSync(path.join(root, 'docs/safety/deployment-checklist.md'), 'utf8');
const log = loadHazardLog(path.join(root, 'docs/safety/hazards.yaml'));

/** One hazard with one tested control, for the rule tests to break one thing at a time. */
function oneHazard(overrides: Partial<HazardLog['hazards'][number]> = {}): HazardLog {
  return hazardLogSchema.parse({
    version: 1,
    reviewed: '2026-12-01',
    hazards: [{
      id: 'HAZ-001', title: 't', cause: 'c', harm: 'h',
      initial: { severity: 'major', likelihood: 'medium' },
      controls: [{ id: 'HAZ-001-C1', kind: 'software', description: 'd',
        tests: [{ file: 'tests/server/hazard-log.test.ts', name: 'the risk matrix is the one in DCB0129' }] }],
      residual: { severity: 'major', likelihood: 'very_low' },
      ...overrides,
    }],
  });
}

describe('hazard log', () => {
  it('every control is traced to tests that exist, and no residual risk is left untested', () => {
    const summary = checkHazardLog(log, root, checklist);
    expect(summary.problems).toEqual([]);
    expect(summary.hazards).toBeGreaterThanOrEqual(15);
    expect(summary.tracedTests).toBeGreaterThan(summary.hazards);
  });

  it('the risk matrix is the one in DCB0129', () => {
    const table = LIKELIHOODS.map((l) => SEVERITIES.map((s) => riskRating({ severity: s, likelihood: l })).join(''));
    expect(table).toEqual(['11223', '12234', '22334', '23345', '34455']);
  });

  it('a control naming a test that is not there fails the check', () => {
    const broken = oneHazard();
    const first = broken.hazards[0]!.controls[0]!;
    if (first.kind !== 'software') throw new Error('fixture');
    first.tests = [{ file: 'tests/server/hazard-log.test.ts', name: 'a test nobody wrote' },
      { file: 'tests/server/no-such.test.ts', name: 'x' }];
    expect(checkHazardLog(broken, root, checklist).problems).toEqual([
      'HAZ-001-C1: no test "a test nobody wrote" in tests/server/hazard-log.test.ts',
      'HAZ-001-C1: the test file tests/server/no-such.test.ts does not exist',
      'HAZ-001: residual risk 2 (tolerable) needs a software control whose tests all exist',
    ]);
    expect(checkHazardLog(oneHazard(), root, checklist).problems).toEqual([]);
  });

  it('a residual risk above acceptable carried only by organisational controls fails the check', () => {
    const orgOnly = oneHazard({ controls: [{ id: 'HAZ-001-C1', kind: 'organisational', description: 'd', checklist: 'protocols-approved' }] });
    expect(checkHazardLog(orgOnly, root, checklist).problems).toEqual([
      'HAZ-001: residual risk 2 (tolerable) needs a software control whose tests all exist',
    ]);
    const acceptable = oneHazard({ controls: orgOnly.hazards[0]!.controls, residual: { severity: 'minor', likelihood: 'low' } });
    expect(checkHazardLog(acceptable, root, checklist).problems).toEqual([]);
  });

  it('refuses an unacceptable residual risk, a risk raised by its controls, unknown checklist items and repeated ids', () => {
    expect(checkHazardLog(oneHazard({ initial: { severity: 'catastrophic', likelihood: 'high' }, residual: { severity: 'catastrophic', likelihood: 'low' } }), root, checklist).problems)
      .toEqual(['HAZ-001: residual risk 4 (unacceptable) cannot be accepted']);
    expect(checkHazardLog(oneHazard({ initial: { severity: 'minor', likelihood: 'very_low' } }), root, checklist).problems)
      .toEqual(['HAZ-001: residual risk 2 is above the initial 1']);
    const badAnchor = oneHazard();
    badAnchor.hazards[0]!.controls.push({ id: 'HAZ-001-C2', kind: 'organisational', description: 'd', checklist: 'no-such-item' });
    badAnchor.hazards.push({ ...badAnchor.hazards[0]!, controls: [badAnchor.hazards[0]!.controls[0]!] });
    expect(checkHazardLog(badAnchor, root, checklist).problems).toEqual([
      'HAZ-001-C2: no item "no-such-item" in the deployment checklist',
      'HAZ-001: the id is used twice',
      'HAZ-001-C1: the id is used twice',
    ]);
  });

  it('the schema names the path of a malformed entry', () => {
    const result = hazardLogSchema.safeParse({ version: 1, reviewed: '2026-12-01',
      hazards: [{ id: 'H1', title: 't', cause: 'c', harm: 'h', initial: { severity: 'huge', likelihood: 'low' }, controls: [], residual: {} }] });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['hazards.0.id', 'hazards.0.initial.severity', 'hazards.0.controls']));
  });

  it('reads test titles as written: quotes, escapes, each and template literals', () => {
    const titles = testTitles([
      "it('plain', () => {});",
      'test("double \\"quoted\\"", () => {});',
      "it('the holder\\'s next save', () => {});",
      'it.each([1, 2])(`each ${"x"}`, () => {});',
      'it(`template without substitution`, () => {});',
      'describe("a suite", () => {});',
    ].join('\n'));
    expect([...titles]).toEqual(['plain', 'double "quoted"', "the holder's next save", 'template without substitution']);
  });
});
