import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adviceFor,
  dispositionOfOutcome,
  evaluate,
  judgeOutcome,
  rankOf,
  type Answer,
  type LadderStep,
  type Localized,
  type ProtocolContent,
} from '../../server/protocols/evaluator.ts';

const t = (en: string): Localized => ({ fi: en, sv: en, en });

const LADDER: LadderStep[] = [
  { id: 'unit_urgent', rank: 1, outcomeType: 'dispatch_unit', outcomeMatch: { urgency: ['A', 'B', 'C'] } },
  { id: 'unit', rank: 2, outcomeType: 'dispatch_unit', outcomeMatch: { urgency: ['D'] } },
  { id: 'emergency_department', rank: 3, outcomeType: 'redirect', outcomeMatch: { target: ['other'] } },
  { id: 'health_centre_today', rank: 4, outcomeType: 'redirect', outcomeMatch: { target: ['health_centre'] } },
  { id: 'home_care', rank: 6, outcomeType: 'redirect', outcomeMatch: { target: ['home_care'] } },
  { id: 'self_care', rank: 9, outcomeType: 'phone_advice', outcomeMatch: {} },
];

const PROTOCOL: ProtocolContent = {
  title: t('Test'),
  questions: [
    { id: 'cannot_get_up', kind: 'yes_no', text: t('Cannot get up'), floors: [{ when: { equals: true }, disposition: 'unit', reason: t('Cannot get up'), hard: true }] },
    { id: 'alone', kind: 'yes_no', text: t('Alone'), floors: [{ when: { equals: true }, disposition: 'home_care', reason: t('Alone'), hard: false }] },
    {
      id: 'pain_where',
      kind: 'single_choice',
      text: t('Where'),
      options: [
        { id: 'hip', label: t('Hip') },
        { id: 'wrist', label: t('Wrist') },
      ],
      floors: [{ when: { equals: 'hip' }, disposition: 'emergency_department', reason: t('Hip pain'), hard: false }],
    },
    {
      id: 'pain_score',
      kind: 'number',
      text: t('Pain'),
      unit: '/10',
      min: 0,
      max: 10,
      floors: [{ when: { above: 6 }, disposition: 'health_centre_today', reason: t('Pain above 6'), hard: false }],
    },
  ],
  vitalThresholds: [
    { vital: 'spo2', when: { below: 90 }, disposition: 'unit', reason: t('SpO2 < 90'), hard: true },
    { vital: 'respiratoryRate', when: { above: 24 }, disposition: 'unit', reason: t('RR > 24'), hard: false },
  ],
  defaultDisposition: 'self_care',
  advice: [
    { id: 'self', disposition: 'self_care', text: t('Call 112 if worse') },
    { id: 'hc', disposition: 'health_centre_today', text: t('Go to the health centre') },
  ],
};

const a = (questionId: string, value: Answer['value']): Answer => ({ questionId, value });

describe('evaluate: answer sets -> disposition', () => {
  const table: [string, Answer[], Record<string, number>, string, string[]][] = [
    ['nothing answered: the default', [], {}, 'self_care', []],
    ['all negative: the default', [a('cannot_get_up', false), a('alone', false), a('pain_where', 'wrist'), a('pain_score', 2)], {}, 'self_care', []],
    ['cannot get up: unit', [a('cannot_get_up', true)], {}, 'unit', ['cannot_get_up']],
    ['alone: home care', [a('alone', true)], {}, 'home_care', ['alone']],
    ['hip pain: emergency department', [a('pain_where', 'hip')], {}, 'emergency_department', ['pain_where']],
    ['pain 7: health centre', [a('pain_score', 7)], {}, 'health_centre_today', ['pain_score']],
    ['pain 6 (at the limit): default', [a('pain_score', 6)], {}, 'self_care', []],
    ['several floors: the most acute wins, all listed most acute first', [a('alone', true), a('pain_score', 9), a('cannot_get_up', true)], {}, 'unit', ['cannot_get_up', 'pain_score', 'alone']],
    ['spo2 89: unit', [], { spo2: 89 }, 'unit', ['vitals.spo2']],
    ['spo2 89.9 (just below): unit', [], { spo2: 89.9 }, 'unit', ['vitals.spo2']],
    ['spo2 90 (at the limit): default', [], { spo2: 90 }, 'self_care', []],
    ['spo2 91 (just above): default', [], { spo2: 91 }, 'self_care', []],
    ['rr 24 (at the limit): default', [], { respiratoryRate: 24 }, 'self_care', []],
    ['rr 23 (just below): default', [], { respiratoryRate: 23 }, 'self_care', []],
    ['rr 25 (just above): unit', [], { respiratoryRate: 25 }, 'unit', ['vitals.respiratoryRate']],
  ];
  for (const [name, answers, vitals, expected, floorIds] of table) {
    it(name, () => {
      const result = evaluate(PROTOCOL, answers, vitals, LADDER);
      expect(result.disposition).toBe(expected);
      expect(result.floors.map((f) => f.questionId)).toEqual(floorIds);
    });
  }

  it('lists the unanswered questions in protocol order', () => {
    expect(evaluate(PROTOCOL, [a('alone', false)], {}, LADDER).unanswered).toEqual(['cannot_get_up', 'pain_where', 'pain_score']);
  });

  it('a default more acute than every floor stays the recommendation (floors only raise)', () => {
    const strict = { ...PROTOCOL, defaultDisposition: 'health_centre_today' };
    expect(evaluate(strict, [a('alone', true)], {}, LADDER).disposition).toBe('health_centre_today');
  });

  it('a disposition the ladder does not know counts as most acute, never as harmless', () => {
    expect(rankOf(LADDER, 'no_such')).toBe(0);
    const odd = { ...PROTOCOL, questions: [{ id: 'x', kind: 'yes_no' as const, text: t('x'), floors: [{ when: { equals: true }, disposition: 'no_such', reason: t('x'), hard: false }] }] };
    expect(evaluate(odd, [a('x', true)], {}, LADDER).disposition).toBe('no_such');
  });
});

describe('judgeOutcome: the ladder decides downgrade and upgrade', () => {
  const unitRec = evaluate(PROTOCOL, [a('pain_score', 8)], {}, LADDER); // health_centre_today, soft floor
  const hardRec = evaluate(PROTOCOL, [a('cannot_get_up', true)], {}, LADDER);

  it('maps outcomes to rungs', () => {
    expect(dispositionOfOutcome({ type: 'dispatch_unit', urgency: 'D' }, LADDER)).toBe('unit');
    expect(dispositionOfOutcome({ type: 'dispatch_unit', urgency: 'B' }, LADDER)).toBe('unit_urgent');
    expect(dispositionOfOutcome({ type: 'redirect', target: 'home_care' }, LADDER)).toBe('home_care');
    expect(dispositionOfOutcome({ type: 'phone_advice', advice: 'self_care' }, LADDER)).toBe('self_care');
    expect(dispositionOfOutcome({ type: 'redirect', target: 'social_services' }, LADDER)).toBeNull();
  });

  it('phone advice below a soft floor is a downgrade; a unit is an upgrade; the same rung is neither', () => {
    expect(judgeOutcome(unitRec, { type: 'phone_advice', advice: 'self_care' }, LADDER)).toMatchObject({ chosen: 'self_care', direction: 'downgrade', hardFloorsBroken: [] });
    expect(judgeOutcome(unitRec, { type: 'dispatch_unit', urgency: 'D' }, LADDER).direction).toBe('upgrade');
    expect(judgeOutcome(unitRec, { type: 'redirect', target: 'health_centre' }, LADDER).direction).toBe('same');
  });

  it('an outcome no rung maps to counts as the least acute', () => {
    expect(judgeOutcome(unitRec, { type: 'redirect', target: 'social_services' }, LADDER).direction).toBe('downgrade');
  });

  it('below a hard floor the floor is reported broken; at or above it, not', () => {
    expect(judgeOutcome(hardRec, { type: 'phone_advice', advice: 'self_care' }, LADDER).hardFloorsBroken.map((f) => f.questionId)).toEqual(['cannot_get_up']);
    expect(judgeOutcome(hardRec, { type: 'dispatch_unit', urgency: 'D' }, LADDER).hardFloorsBroken).toEqual([]);
    expect(judgeOutcome(hardRec, { type: 'dispatch_unit', urgency: 'C' }, LADDER).hardFloorsBroken).toEqual([]);
  });

  it('finds the advice text of a disposition', () => {
    expect(adviceFor(PROTOCOL, 'self_care')?.id).toBe('self');
    expect(adviceFor(PROTOCOL, 'home_care')).toBeUndefined();
    expect(adviceFor(PROTOCOL, null)).toBeUndefined();
  });
});

describe('evaluate: properties', () => {
  const answer = fc.oneof(
    fc.boolean().map((v) => a('cannot_get_up', v)),
    fc.boolean().map((v) => a('alone', v)),
    fc.constantFrom('hip', 'wrist').map((v) => a('pain_where', v)),
    fc.integer({ min: 0, max: 10 }).map((v) => a('pain_score', v)),
  );
  const answers = fc.uniqueArray(answer, { selector: (x) => x.questionId, maxLength: 4 });
  const vitals = fc.record({ spo2: fc.double({ min: 50, max: 100, noNaN: true }), respiratoryRate: fc.double({ min: 4, max: 60, noNaN: true }) }, { requiredKeys: [] });
  const rank = (id: string) => rankOf(LADDER, id);

  it('the recommendation is at least as acute as the default and every floor, and is one of them', () => {
    fc.assert(
      fc.property(answers, vitals, (as, vs) => {
        const r = evaluate(PROTOCOL, as, vs, LADDER);
        expect(rank(r.disposition)).toBeLessThanOrEqual(rank(PROTOCOL.defaultDisposition));
        for (const f of r.floors) expect(rank(r.disposition)).toBeLessThanOrEqual(rank(f.disposition));
        expect([PROTOCOL.defaultDisposition, ...r.floors.map((f) => f.disposition)]).toContain(r.disposition);
      }),
    );
  });

  it('the order of the answers does not matter', () => {
    fc.assert(
      fc.property(answers, vitals, (as, vs) => {
        expect(evaluate(PROTOCOL, [...as].reverse(), vs, LADDER)).toEqual(evaluate(PROTOCOL, as, vs, LADDER));
      }),
    );
  });

  it('answering one more question never makes the recommendation less acute', () => {
    fc.assert(
      fc.property(answers, answer, vitals, (as, extra, vs) => {
        if (as.some((x) => x.questionId === extra.questionId)) return;
        const before = evaluate(PROTOCOL, as, vs, LADDER);
        const after = evaluate(PROTOCOL, [...as, extra], vs, LADDER);
        expect(rank(after.disposition)).toBeLessThanOrEqual(rank(before.disposition));
      }),
    );
  });

  it('a worse SpO2 never makes the recommendation less acute', () => {
    fc.assert(
      fc.property(answers, fc.double({ min: 50, max: 100, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), (as, spo2, drop) => {
        const better = evaluate(PROTOCOL, as, { spo2 }, LADDER);
        const worse = evaluate(PROTOCOL, as, { spo2: Math.max(50, spo2 - drop) }, LADDER);
        expect(rank(worse.disposition)).toBeLessThanOrEqual(rank(better.disposition));
      }),
    );
  });

  it('an outcome is a downgrade exactly when its rung is less acute than the recommendation, and never breaks a hard floor at or above it', () => {
    const outcomes = fc.constantFrom(
      { type: 'dispatch_unit', urgency: 'B' },
      { type: 'dispatch_unit', urgency: 'D' },
      { type: 'redirect', target: 'other' },
      { type: 'redirect', target: 'health_centre' },
      { type: 'redirect', target: 'home_care' },
      { type: 'phone_advice', advice: 'self_care' },
    );
    fc.assert(
      fc.property(answers, vitals, outcomes, (as, vs, outcome) => {
        const r = evaluate(PROTOCOL, as, vs, LADDER);
        const j = judgeOutcome(r, outcome, LADDER);
        const chosenRank = rank(j.chosen!);
        expect(j.direction === 'downgrade').toBe(chosenRank > rank(r.disposition));
        expect(j.direction === 'upgrade').toBe(chosenRank < rank(r.disposition));
        for (const f of j.hardFloorsBroken) expect(chosenRank).toBeGreaterThan(rank(f.disposition));
        const hardAbove = r.floors.filter((f) => f.hard && chosenRank > rank(f.disposition));
        expect(j.hardFloorsBroken).toEqual(hardAbove);
      }),
    );
  });
});
