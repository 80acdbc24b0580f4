import { setTimeout } from 'node:timers/promises';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, ercClient, type ErcClient } from '../factories/tasks.ts';
import { onPostgres } from '../helpers/test-db.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';
import { foldReportDeltas, rebuildReportAggregates } from '../../server/reports/reports.repository.ts';
import { fillMissingPhoneHashes, createPhoneHasher } from '../../server/reports/phone-hash.ts';
import { expectedMonths, helsinkiMonth, type GroupBy, type ModelOutcome, type ModelTask } from './reports-model.ts';

const MIN_GROUP = 5;
const FROM = '2024-11';
const TO = '2026-10';
const HOUR = 3_600_000;

let t: TestServer;
let erc: ErcClient;
let manager: Agent;
let nurse: { agent: Agent; id: string };
let leader: Agent;
const model: ModelTask[] = [];
/** Every phone number, summary and other free text sent in, to prove none comes back. */
const secrets = new Set<string>();

// A small deterministic generator, so a failure can be replayed.
let seed = 20261123;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
}
const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const MUNICIPALITIES = ['Oulu', 'Oulu', 'Oulu', 'Kempele', 'Kempele', 'Raahe', 'Kuusamo', 'Ii', 'Hailuoto'];
const CODES = ['774', '774', '745', '745', '781', '785', '744'];
const TARGETS = ['home_care', 'home_hospital', 'social_emergency', 'health_centre', 'mental_health_substance'];
const LEVELS = ['ALS', 'BLS', 'first_response'];
const REASONS = ['unreachable', 'clinical_need', 'red_flag', 'no_suitable_alternative', 'patient_request'];

function randomOutcome(): { api: Record<string, string>; model: ModelOutcome } {
  const roll = random();
  const n = model.length;
  if (roll < 0.42) {
    const unitLevel = pick(LEVELS);
    const reason = pick(REASONS);
    return { api: { type: 'dispatch_unit', unitLevel, urgency: 'D', reason, note: `unit note ${n}` }, model: { type: 'dispatch_unit', unitLevel, reason } };
  }
  if (roll < 0.72) return { api: { type: 'phone_advice', advice: 'self_care', rationale: `advice rationale ${n}` }, model: { type: 'phone_advice' } };
  if (roll < 0.93) {
    const target = pick(TARGETS);
    // History imports carry no referral: they count as accepted.
    return { api: { type: 'redirect', target, handoffTo: `handoff person ${n}`, rationale: `redirect rationale ${n}` }, model: { type: 'redirect', target, referral: 'accepted' } };
  }
  return { api: { type: 'cancelled', reason: `cancel reason ${n}` }, model: { type: 'cancelled' } };
}

let ercCounter = 0;
/** An import row and its model twin; the free text of each row is unique and remembered. */
function importRow(receivedAt: string, overrides: { phone?: string; outcome?: { api: Record<string, string>; model: ModelOutcome }; municipality?: string; taskCode?: string; withCall?: boolean } = {}) {
  const n = ++ercCounter;
  const phone = overrides.phone ?? `+3584000${String(Math.floor(random() * 60)).padStart(4, '0')}`;
  const outcome = overrides.outcome ?? randomOutcome();
  const received = Date.parse(receivedAt);
  const withCall = overrides.withCall ?? (outcome.model.type !== 'cancelled' || random() < 0.5);
  const firstCallAt = withCall ? new Date(received + Math.floor(random() * 95 * 60_000) + Math.floor(random() * 59_000)).toISOString() : null;
  const closedAt = new Date((firstCallAt ? Date.parse(firstCallAt) : received) + 12 * 60_000).toISOString();
  const row = {
    ercTaskId: `IMP-${n}`,
    urgency: 'D',
    taskCode: overrides.taskCode ?? pick(CODES),
    receivedAt,
    municipality: overrides.municipality ?? pick(MUNICIPALITIES),
    address: `Testikatu ${n} B`,
    callbackPhone: phone,
    patientAge: 70,
    patientSex: 'female',
    summary: `summary text number ${n}`,
    outcome: outcome.api,
    ...(firstCallAt ? { firstCallAt } : {}),
    closedAt,
  };
  for (const s of [phone, phone.replace('+358', '0'), row.address, row.summary, ...Object.values(outcome.api).filter((v) => v.includes(' '))]) secrets.add(s);
  model.push({ ercTaskId: row.ercTaskId, receivedAt, phone, municipality: row.municipality, taskCode: row.taskCode, outcome: outcome.model, firstCallAt });
  return row;
}

const advice = { api: { type: 'phone_advice', advice: 'call_back_if_worse', rationale: 'stable, advised to call again' }, model: { type: 'phone_advice' } as ModelOutcome };
const dispatch = { api: { type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' }, model: { type: 'dispatch_unit', unitLevel: 'BLS', reason: 'clinical_need' } as ModelOutcome };

// Instants that fall in another month or day in Helsinki than in UTC, or inside a DST change.
const EDGE_INSTANTS: [string, string][] = [
  ['2024-12-31T21:30:00Z', '2024-12'], // 23:30 EET on New Year's Eve
  ['2024-12-31T22:30:00Z', '2025-01'], // 00:30 EET on 1 January (still December in UTC)
  ['2025-01-31T21:30:00Z', '2025-01'],
  ['2025-01-31T22:30:00Z', '2025-02'],
  ['2025-03-30T00:30:00Z', '2025-03'], // 02:30 EET, the night clocks go forward (last Sunday of March)
  ['2025-03-30T01:30:00Z', '2025-03'], // 04:30 EEST
  ['2025-03-31T20:30:00Z', '2025-03'], // 23:30 EEST
  ['2025-03-31T21:30:00Z', '2025-04'], // 00:30 EEST on 1 April
  ['2025-10-26T00:30:00Z', '2025-10'], // 03:30 EEST, the night clocks go back (last Sunday of October)
  ['2025-10-26T01:30:00Z', '2025-10'], // 03:30 EET, the repeated hour
  ['2025-10-31T21:30:00Z', '2025-10'], // 23:30 EET
  ['2025-10-31T22:30:00Z', '2025-11'], // 00:30 EET on 1 November
  ['2026-03-29T00:30:00Z', '2026-03'],
  ['2026-03-29T01:30:00Z', '2026-03'],
  ['2026-03-31T20:30:00Z', '2026-03'],
  ['2026-03-31T21:30:00Z', '2026-04'],
  ['2026-06-30T20:30:00Z', '2026-06'],
  ['2026-06-30T21:30:00Z', '2026-07'],
  ['2026-09-30T20:30:00Z', '2026-09'],
  ['2026-09-30T21:30:00Z', '2026-10'],
  ['2026-10-25T00:30:00Z', '2026-10'],
  ['2026-10-25T01:30:00Z', '2026-10'],
];

async function importRows(rows: object[]) {
  const res = await t.admin.post('/api/import/tasks').send({ tasks: rows });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { received: number; created: number; skipped: number };
}

async function report(query: string, agent: Agent = manager) {
  const res = await agent.get(`/api/reports/monthly?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
}

/** Every aggregate figure as kept: aggregate rows plus the deltas not folded yet, summed per key. */
async function statSnapshot(): Promise<string[]> {
  const { rows } = await sql<{ row: string }>`
    select concat_ws('|', dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact, sum(tasks)) as row
    from (select * from task_month_stat union all select * from task_month_stat_delta) s
    group by dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact having sum(tasks) <> 0
    union all
    select concat_ws('|', dimension, month, key, minutes, sum(tasks))
    from (select * from task_wait_stat union all select * from task_wait_stat_delta) s
    group by dimension, month, key, minutes having sum(tasks) <> 0
    union all
    select concat_ws('|', 'accept', dimension, month, key, target, minutes, sum(tasks))
    from (select * from task_accept_stat union all select * from task_accept_stat_delta) s
    group by dimension, month, key, target, minutes having sum(tasks) <> 0
    order by 1`.execute(t.db);
  return rows.map((r) => r.row);
}

async function pendingDeltas(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select ((select count(*) from task_month_stat_delta)
    + (select count(*) from task_wait_stat_delta) + (select count(*) from task_accept_stat_delta))::int as n`.execute(t.db);
  return rows[0]!.n;
}

/**
 * In ONE statement (one snapshot), how many (month, task code) counts and monthly first-call counts
 * the aggregates plus deltas get wrong against the tasks themselves: 0 whenever the figures are exact.
 */
async function wrongFigures(): Promise<number> {
  const { rows } = await sql<{ wrong: number }>`
    with kept as (
      select month, key, sum(tasks)::int as tasks
      from (select month, key, tasks from task_month_stat where dimension = 'task_code'
        union all select month, key, tasks from task_month_stat_delta where dimension = 'task_code') s
      group by month, key having sum(tasks) <> 0
    ),
    kept_waits as (
      select month, sum(tasks)::int as tasks
      from (select month, tasks from task_wait_stat where dimension = 'all'
        union all select month, tasks from task_wait_stat_delta where dimension = 'all') s
      group by month having sum(tasks) <> 0
    ),
    actual as (select task_helsinki_month(received_at) as month, task_code as key, count(*)::int as tasks from task group by 1, 2),
    actual_waits as (select task_helsinki_month(received_at) as month, count(*)::int as tasks from task where first_call_at is not null group by 1)
    select ((select count(*) from kept full join actual using (month, key) where kept.tasks is distinct from actual.tasks)
      + (select count(*) from kept_waits full join actual_waits using (month) where kept_waits.tasks is distinct from actual_waits.tasks))::int as wrong`.execute(t.db);
  return rows[0]!.wrong;
}

// Re-contact pairs: [first task (avoided or not), hours to the repeat].
const PAIRS = {
  at23h: { phone: '+358409990001', first: advice, hours: 23 },
  at50h: { phone: '+358409990002', first: advice, hours: 50 },
  at80h: { phone: '+358409990003', first: advice, hours: 80 },
  exactly24h: { phone: '+358409990004', first: advice, hours: 24 },
  sameInstant: { phone: '+358409990005', first: advice, hours: 0 },
  notAvoided: { phone: '+358409990006', first: dispatch, hours: 10 },
  acrossMonthEnd: { phone: '+358409990007', first: advice, hours: 2 },
};
const PAIR_START: Record<keyof typeof PAIRS, string> = {
  at23h: '2026-05-10T08:00:00Z',
  at50h: '2026-05-12T08:00:00Z',
  at80h: '2026-05-15T08:00:00Z',
  exactly24h: '2026-05-20T08:00:00Z',
  sameInstant: '2026-05-22T08:00:00Z',
  notAvoided: '2026-05-24T08:00:00Z',
  acrossMonthEnd: '2026-05-31T20:30:00Z', // 23:30 on 31 May in Helsinki; the repeat falls in June
};

beforeAll(async () => {
  // Some tests backdate live intakes by months to fill earlier report months.
  t = await startTestServer({ REPORT_MIN_GROUP_SIZE: String(MIN_GROUP), RECEIVED_MAX_AGE_HOURS: String(24 * 366) });
  erc = await ercClient(t);
  manager = (await t.userWithRole('manager')).agent;
  nurse = await t.userWithRole('nurse');
  leader = (await t.userWithRole('shift_leader')).agent;

  // The bulk: 24 months of tasks at random times, plus the edge instants.
  const bulk: object[] = [];
  const start = Date.parse('2024-11-01T00:00:00Z');
  const end = Date.parse('2026-10-31T00:00:00Z');
  for (let i = 0; i < 420; i++) bulk.push(importRow(new Date(start + Math.floor(random() * (end - start) / 60_000) * 60_000).toISOString()));
  for (const [instant] of EDGE_INSTANTS) bulk.push(importRow(instant), importRow(instant));
  await importRows(bulk.slice(0, 250));
  await importRows(bulk.slice(250));

  // Re-contact pairs; the repeats are imported before the first tasks, so links must form either way.
  const firsts: object[] = [];
  const repeats: object[] = [];
  for (const [name, pair] of Object.entries(PAIRS) as [keyof typeof PAIRS, (typeof PAIRS)[keyof typeof PAIRS]][]) {
    const at = Date.parse(PAIR_START[name]);
    firsts.push(importRow(PAIR_START[name], { phone: pair.phone, outcome: pair.first }));
    repeats.push(importRow(new Date(at + pair.hours * HOUR).toISOString(), { phone: pair.phone, outcome: dispatch }));
  }
  await importRows(repeats);
  await importRows(firsts);
});
afterAll(() => t.close());

describe('the test model itself', () => {
  it('puts the edge instants in the Helsinki months written next to them', () => {
    for (const [instant, month] of EDGE_INSTANTS) expect(helsinkiMonth(instant), instant).toBe(month);
  });
});

describe('monthly report', () => {
  it('matches every cell of the independently computed months', async () => {
    const res = await report(`from=${FROM}&to=${TO}`);
    expect(res.body).toMatchObject({ from: FROM, to: TO, groupBy: null, minGroupSize: MIN_GROUP });
    expect(res.body.months).toEqual(expectedMonths(model, { from: FROM, to: TO, minGroupSize: MIN_GROUP }));
  });

  for (const groupBy of ['area', 'municipality', 'task_code'] as GroupBy[]) {
    it(`groupBy=${groupBy}, compared with the year before: every cell, small groups as "<${MIN_GROUP}"`, async () => {
      const from = '2025-11';
      const res = await report(`from=${from}&to=${TO}&groupBy=${groupBy}&compare=previous_year`);
      const expected = expectedMonths(model, { from, to: TO, groupBy, compare: true, minGroupSize: MIN_GROUP });
      expect(res.body.months).toEqual(expected);
      // The data is built so that both kinds of group occur.
      const groups = expected.flatMap((m) => (m.groups as { received: unknown }[]));
      expect(groups.some((g) => g.received === `<${MIN_GROUP}`)).toBe(true);
      expect(groups.some((g) => typeof g.received === 'number')).toBe(true);
    });
  }

  it('re-contact: a repeat at 23 h counts for 24 h and 72 h, at 50 h for 72 h only, in the avoided task\'s month', async () => {
    const may = (await report('from=2026-05&to=2026-05')).body.months[0];
    // at23h, exactly24h (boundary inclusive), acrossMonthEnd: within 24 h; at50h adds to 72 h.
    // Not counted: at80h (too late), sameInstant (not after), notAvoided (a unit went).
    const bulkMay = expectedMonths(model.filter((m) => !Object.values(PAIRS).some((p) => p.phone === m.phone)), { from: '2026-05', to: '2026-05', minGroupSize: MIN_GROUP })[0]!;
    expect(may.recontact24h - (bulkMay.recontact24h as number)).toBe(3);
    expect(may.recontact72h - (bulkMay.recontact72h as number)).toBe(4);
    const june = (await report('from=2026-06&to=2026-06')).body.months[0];
    const bulkJune = expectedMonths(model.filter((m) => !Object.values(PAIRS).some((p) => p.phone === m.phone)), { from: '2026-06', to: '2026-06', minGroupSize: MIN_GROUP })[0]!;
    expect(june.recontact24h).toBe(bulkJune.recontact24h);
  });

  it('CSV: the same table, every cell, with BOM, ";" and a decimal comma', async () => {
    const from = '2025-11';
    const res = await report(`from=${from}&to=${TO}&groupBy=area&compare=previous_year&format=csv`);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="d-task-report_${from}_${TO}_area.csv"`);
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const lines = res.text.slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    const header = lines[0]!.split(';');
    const cell = (v: unknown) => (v === null ? '' : typeof v === 'number' ? String(v).replace('.', ',') : String(v));
    const flatten = (c: Record<string, unknown>): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const key of ['received', 'closed', 'avoided']) out[key] = cell(c[key]);
      out.avoided_share = cell(c.avoidedShare);
      for (const [k, v] of Object.entries(c.byOutcome as object)) out[k] = cell(v);
      for (const [k, v] of Object.entries(c.redirectsByTarget as object)) out[`redirect_${k}`] = cell(v);
      for (const [k, v] of Object.entries(c.dispatchesByLevel as object)) out[`dispatch_level_${k}`] = cell(v);
      for (const [k, v] of Object.entries(c.dispatchesByReason as object)) out[`dispatch_reason_${k}`] = cell(v);
      out.redirects_pending = cell(c.redirectsPending);
      out.redirects_rejected = cell(c.redirectsRejected);
      for (const [k, v] of Object.entries(c.referralAcceptanceRateByTarget as object)) out[`referral_acceptance_rate_${k}`] = cell(v);
      for (const [k, v] of Object.entries(c.referralMedianMinutesToAcceptanceByTarget as object)) out[`referral_median_minutes_to_acceptance_${k}`] = cell(v);
      out.recontact_24h = cell(c.recontact24h);
      out.recontact_72h = cell(c.recontact72h);
      out.recontact_24h_rate = cell(c.recontact24hRate);
      out.recontact_72h_rate = cell(c.recontact72hRate);
      for (const [k, v] of Object.entries(c.followUps as object)) out[`follow_ups_${k}`] = cell(v);
      out.median_minutes_to_first_call = cell(c.medianMinutesToFirstCall);
      return out;
    };
    const expectedRows: Record<string, string>[] = [];
    for (const month of expectedMonths(model, { from, to: TO, groupBy: 'area', compare: true, minGroupSize: MIN_GROUP })) {
      const rowOf = (group: string, c: Record<string, unknown>) => {
        const row: Record<string, string> = { month: String(month.month), area: group, ...flatten(c) };
        for (const [k, v] of Object.entries(flatten(c.previousYear as Record<string, unknown>))) row[`previous_year_${k}`] = v;
        return row;
      };
      expectedRows.push(rowOf('', month));
      for (const g of month.groups as Record<string, unknown>[]) expectedRows.push(rowOf(String(g.key), g));
    }
    expect(new Set(header)).toEqual(new Set(Object.keys(expectedRows[0]!)));
    const actualRows = lines.slice(1).map((line) => Object.fromEntries(line.split(';').map((v, i) => [header[i]!, v])));
    expect(actualRows).toEqual(expectedRows);
    // Accept: text/csv chooses CSV too.
    const byAccept = await manager.get(`/api/reports/monthly?from=${from}&to=${TO}`).set('Accept', 'text/csv');
    expect(byAccept.headers['content-type']).toBe('text/csv; charset=utf-8');
  });

  it('amending an outcome after its month ended moves the counts in that month only', async () => {
    // A live task received in September (backdated intake), handled now, in November.
    const phone = '+358409990100';
    const task = await createTask(erc, { receivedAt: '2026-09-15T09:00:00Z', callbackPhone: phone, municipality: 'Kempele', taskCode: '774' });
    secrets.add(phone).add('Kirkkotie 1').add('Fell at home, cannot get up, no injuries reported');
    const claimed = await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    expect(claimed.status).toBe(200);
    const called = await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    expect(called.status).toBe(201);
    const closed = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ ...advice.api, version: called.body.task.version });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const entry: ModelTask = {
      ercTaskId: task.ercTaskId, receivedAt: '2026-09-15T09:00:00Z', phone, municipality: 'Kempele', taskCode: '774',
      outcome: advice.model, firstCallAt: closed.body.task.firstCallAt,
    };
    model.push(entry);
    const range = `from=2026-08&to=2026-11`;
    expect((await report(range)).body.months).toEqual(expectedMonths(model, { from: '2026-08', to: '2026-11', minGroupSize: MIN_GROUP }));
    const before = (await report('from=2026-09&to=2026-09')).body.months[0];

    const amended = await leader.post(`/api/tasks/${task.id}/outcome/amendments`).send({
      version: closed.body.task.version, reason: 'the patient was called back and needed a unit', outcome: dispatch.api,
    });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    entry.outcome = dispatch.model;
    const after = (await report('from=2026-09&to=2026-09')).body.months[0];
    expect(after.byOutcome.phone_advice).toBe(before.byOutcome.phone_advice - 1);
    expect(after.byOutcome.dispatch_unit).toBe(before.byOutcome.dispatch_unit + 1);
    expect(after.avoided).toBe(before.avoided - 1);
    expect(after.dispatchesByReason.clinical_need).toBe(before.dispatchesByReason.clinical_need + 1);
    expect(after.received).toBe(before.received);
    expect((await report(range)).body.months).toEqual(expectedMonths(model, { from: '2026-08', to: '2026-11', minGroupSize: MIN_GROUP }));
  });

  it('live intake hashes the number in its normalised form: a re-contact written differently still matches', async () => {
    const first = await createTask(erc, { receivedAt: '2026-08-03T09:00:00Z', callbackPhone: '040 999 0200', municipality: 'Oulu', taskCode: '745' });
    await nurse.agent.post(`/api/tasks/${first.id}/claim`);
    const called = await nurse.agent.post(`/api/tasks/${first.id}/call-attempts`).send({ result: 'answered' });
    const closed = await nurse.agent.post(`/api/tasks/${first.id}/outcome`).send({ ...advice.api, version: called.body.task.version });
    expect(closed.status).toBe(200);
    model.push({ ercTaskId: first.ercTaskId, receivedAt: '2026-08-03T09:00:00Z', phone: '+358409990200', municipality: 'Oulu', taskCode: '745', outcome: advice.model, firstCallAt: closed.body.task.firstCallAt });
    // The repeat is still open: it counts as received, not closed.
    const repeat = await createTask(erc, { receivedAt: '2026-08-04T07:00:00Z', callbackPhone: '+358 40 999 0200', municipality: 'Oulu', taskCode: '745' });
    model.push({ ercTaskId: repeat.ercTaskId, receivedAt: '2026-08-04T07:00:00Z', phone: '+358409990200', municipality: 'Oulu', taskCode: '745', outcome: null, firstCallAt: null });
    secrets.add('+358409990200').add('0409990200');
    expect((await report('from=2026-08&to=2026-08')).body.months).toEqual(expectedMonths(model, { from: '2026-08', to: '2026-08', minGroupSize: MIN_GROUP }));
  });

  it('a redirect counts as avoided only from its acceptance, in its own month; pending and rejected apart', async () => {
    const july = async () => (await report('from=2026-07&to=2026-07')).body.months[0];
    const matches = async () => expect((await report('from=2026-06&to=2026-08')).body.months).toEqual(expectedMonths(model, { from: '2026-06', to: '2026-08', minGroupSize: MIN_GROUP }));
    const redirectLive = async (receivedAt: string, phone: string, serviceId?: string) => {
      const task = await createTask(erc, { receivedAt, callbackPhone: phone, municipality: 'Kempele', taskCode: '774' });
      await nurse.agent.post(`/api/tasks/${task.id}/claim`);
      const called = await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
      const body = { type: 'redirect', target: 'home_care', handoffTo: 'Kempele home care', rationale: 'home care visits today', ...(serviceId ? { serviceId } : {}) };
      const closed = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ ...body, version: called.body.task.version });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
      expect(closed.body.task.referralState).toBe('requested');
      const entry: ModelTask = { ercTaskId: task.ercTaskId, receivedAt, phone, municipality: 'Kempele', taskCode: '774', outcome: { type: 'redirect', target: 'home_care', referral: 'pending' }, firstCallAt: closed.body.task.firstCallAt };
      model.push(entry);
      secrets.add(phone);
      return { task: closed.body.task as { id: string; version: number }, entry };
    };

    const before = await july();
    const accepted = await redirectLive('2026-07-08T09:00:00Z', '+358409990300');
    await matches();
    const pending = await july();
    expect(pending.avoided).toBe(before.avoided);
    expect(pending.redirectsPending).toBe(before.redirectsPending + 1);

    // Accepted 17 minutes after the referral (the nurse writes the time the service said yes).
    const requestedAt = Date.parse((await nurse.agent.get(`/api/tasks/${accepted.task.id}/referrals`)).body.referrals[0].requestedAt);
    await t.db.updateTable('referral').set({ requested_at: new Date(requestedAt - 20 * 60_000) }).where('task_id', '=', accepted.task.id).execute();
    const acceptedAt = new Date(requestedAt - 3 * 60_000).toISOString();
    const byPhone = await nurse.agent.post(`/api/tasks/${accepted.task.id}/referral/accepted-by-phone`)
      .send({ acceptedBy: 'Nurse Laine, home care', acceptedAt, version: accepted.task.version });
    expect(byPhone.status, JSON.stringify(byPhone.body)).toBe(200);
    accepted.entry.outcome = { type: 'redirect', target: 'home_care', referral: 'accepted', acceptMinutes: 17 };
    await matches();
    expect((await july()).avoided).toBe(before.avoided + 1);

    // A directory entry's key rejects the next one: counted apart, never avoided; the task is back.
    const service = (await nurse.agent.get('/api/services?municipality=Kempele&target=home_care')).body.services[0];
    const key = (await t.admin.post('/api/integration-keys').send({ name: 'home care Lakeus', scope: 'referrals', serviceId: service.id })).body.key as string;
    const rejected = await redirectLive('2026-07-09T09:00:00Z', '+358409990301', service.id);
    const referral = (await nurse.agent.get(`/api/tasks/${rejected.task.id}/referrals`)).body.referrals[0];
    const res = await request(t.url).post(`/api/referrals/${referral.id}/reject`).set('Authorization', `Bearer ${key}`).send({ reason: 'No capacity today' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    rejected.entry.outcome = { type: 'redirect', target: 'home_care', referral: 'rejected' };
    await matches();
    expect((await july()).redirectsRejected).toBe(before.redirectsRejected + 1);

    // The nurse decides again: a unit; the rejected redirect leaves the counts.
    const claimed = await nurse.agent.post(`/api/tasks/${rejected.task.id}/claim`);
    expect(claimed.body.task).toMatchObject({ decisionReason: 'referral_rejected', state: 'in_assessment' });
    const redecided = await nurse.agent.post(`/api/tasks/${rejected.task.id}/outcome`).send({ ...dispatch.api, version: claimed.body.task.version });
    expect(redecided.status, JSON.stringify(redecided.body)).toBe(200);
    rejected.entry.outcome = dispatch.model;
    await matches();
  });

  it('the aggregates the triggers kept equal a rebuild from the tasks', async () => {
    expect(await pendingDeltas()).toBeGreaterThan(0);
    const kept = await statSnapshot();
    await rebuildReportAggregates(t.db);
    expect(await pendingDeltas()).toBe(0);
    expect(await statSnapshot()).toEqual(kept);
  });

  it('start-up fills missing callback hashes, and the re-contact links follow', async () => {
    const expected = (await report(`from=${FROM}&to=${TO}`)).body;
    await sql`update task set callback_phone_hash = null, next_contact_at = null`.execute(t.db);
    expect((await report('from=2026-05&to=2026-05')).body.months[0].recontact72h).toBe(0);
    await fillMissingPhoneHashes(t.db, createPhoneHasher(t.db, undefined));
    const again = (await report(`from=${FROM}&to=${TO}`)).body;
    expect(again.months).toEqual(expected.months);
  });

  it('no phone number or free text in any report answer', async () => {
    const bodies: string[] = [];
    for (const q of ['', '&groupBy=area', '&groupBy=municipality', '&groupBy=task_code&compare=previous_year']) {
      bodies.push((await report(`from=${FROM}&to=${TO}${q}`)).text);
      bodies.push((await report(`from=${FROM}&to=${TO}${q}&format=csv`)).text);
    }
    const all = bodies.join('\n');
    expect(secrets.size).toBeGreaterThan(100);
    for (const secret of secrets) expect(all.includes(secret), secret).toBe(false);
    expect(all).not.toMatch(/\+358\d{6,}/);
    expect(all).not.toMatch(/\b0\d{8,}\b/);
  });
});

describe('aggregate deltas and the fold', () => {
  it('figures are exact with deltas pending and after a fold, which empties the delta tables', async () => {
    // Tests run no scheduler: every change since the last rebuild is still a delta row.
    await sql`update task set task_code = '781' where id = (select id from task where task_code = '774' order by received_at limit 1)`.execute(t.db);
    expect(await pendingDeltas()).toBeGreaterThan(0);
    expect(await wrongFigures()).toBe(0);
    const before = { snapshot: await statSnapshot(), months: (await report(`from=${FROM}&to=${TO}&groupBy=task_code`)).body.months };
    expect(await foldReportDeltas(t.db)).toBeGreaterThan(0);
    expect(await pendingDeltas()).toBe(0);
    expect(await foldReportDeltas(t.db)).toBe(0);
    expect(await wrongFigures()).toBe(0);
    expect(await statSnapshot()).toEqual(before.snapshot);
    expect((await report(`from=${FROM}&to=${TO}&groupBy=task_code`)).body.months).toEqual(before.months);
    await rebuildReportAggregates(t.db);
    expect(await statSnapshot()).toEqual(before.snapshot);
  });

  it('folds running while intakes, first calls and amendments commit: exact at every moment', async () => {
    const codes = ['774', '745', '781'];
    let writing = true;
    const checks: number[] = [];
    let folded = 0;
    // Each loop yields to the event loop between rounds, so the server's requests get their turn.
    const folds = (async () => {
      while (writing) {
        folded += await foldReportDeltas(t.db);
        await setTimeout(1);
      }
    })();
    const readers = (async () => {
      while (writing) {
        checks.push(await wrongFigures());
        await setTimeout(1);
      }
    })();
    const writes = Array.from({ length: 30 }, async (_, i) => {
      const task = await createTask(erc, { callbackPhone: `+3584077${String(i).padStart(5, '0')}`, taskCode: codes[i % 3]! });
      await sql`update task set first_call_at = now() where id = ${task.id}`.execute(t.db);
      await sql`update task set task_code = ${codes[(i + 1) % 3]!} where id = ${task.id}`.execute(t.db);
    });
    await Promise.all(writes);
    writing = false;
    await Promise.all([folds, readers]);
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((wrong) => wrong === 0), JSON.stringify(checks)).toBe(true);
    expect(folded).toBeGreaterThan(0);
    expect(await wrongFigures()).toBe(0);
    const kept = await statSnapshot();
    await rebuildReportAggregates(t.db);
    expect(await statSnapshot()).toEqual(kept);
  });

  it.runIf(onPostgres())('a fold leaves the deltas of an open transaction for the next fold, without waiting for it', async () => {
    await rebuildReportAggregates(t.db);
    const kept = await statSnapshot();
    const task = (await t.db.selectFrom('task').select(['id', 'task_code']).where('task_code', '=', '745').limit(1).executeTakeFirstOrThrow()).id;
    await t.db.transaction().execute(async (trx) => {
      await sql`update task set task_code = '785' where id = ${task}`.execute(trx);
      // Another connection folds meanwhile: nothing committed to fold, and it does not wait.
      expect(await foldReportDeltas(t.db)).toBe(0);
      expect(await statSnapshot()).toEqual(kept);
    });
    expect(await pendingDeltas()).toBeGreaterThan(0);
    expect(await wrongFigures()).toBe(0);
    expect(await foldReportDeltas(t.db)).toBeGreaterThan(0);
    expect(await pendingDeltas()).toBe(0);
    expect(await wrongFigures()).toBe(0);
  });
});

describe('access and validation', () => {
  it('a nurse cannot read reports; manager, shift leader and admin can', async () => {
    const res = await nurse.agent.get(`/api/reports/monthly?from=${FROM}&to=${TO}`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    for (const agent of [manager, leader, t.admin]) expect((await agent.get('/api/reports/monthly?from=2026-01&to=2026-01')).status).toBe(200);
  });

  it('refuses a bad month, a reversed range and more than 120 months', async () => {
    for (const q of ['from=2026-13&to=2026-12', 'from=2026-05&to=2026-04', 'from=2000-01&to=2010-01', 'from=2026-01&to=2026-02&groupBy=nurse']) {
      const res = await manager.get(`/api/reports/monthly?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});
