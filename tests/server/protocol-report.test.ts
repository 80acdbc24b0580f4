import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, ercClient, type ErcClient } from '../factories/tasks.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
let erc: ErcClient;
let nurse: Agent;
let nurseId: string;

beforeAll(async () => {
  t = await startTestServer({ REPORT_MIN_GROUP_SIZE: '2' });
  erc = await ercClient(t);
  ({ agent: nurse, id: nurseId } = await t.userWithRole('nurse', 'rnurse'));
});
afterAll(() => t.close());

const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
const advice = { type: 'phone_advice', advice: 'self_care', rationale: 'Managing at home' };
const adviceGiven = { adviceId: 'self_care_112', version: 1, language: 'fi', understood: true };

/** A task of this code, answered, assessed with these protocol answers (or none), closed with the outcome. */
async function closeTask(taskCode: string, protocolId: string | null, answers: Record<string, boolean>, outcome: object, by: Agent = nurse) {
  const task = await createTask(erc, { taskCode });
  await by.post(`/api/tasks/${task.id}/claim`);
  await by.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
  let version = (await by.get(`/api/tasks/${task.id}`)).body.task.version as number;
  const protocol = protocolId ? { id: protocolId, version: 1, answers: Object.entries(answers).map(([questionId, value]) => ({ questionId, value, answeredAt: new Date().toISOString() })) } : undefined;
  const saved = await by.put(`/api/tasks/${task.id}/assessment`).send({ version, ...(protocol ? { protocol } : {}) });
  expect(saved.status).toBe(200);
  version = saved.body.task.version;
  const res = await by.post(`/api/tasks/${task.id}/outcome`).send({ version, ...outcome });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

describe('the per-protocol report', () => {
  beforeAll(async () => {
    // fall: two downgrades with reasons, one upgrade; weakness: one task (suppressed); one task without a protocol.
    await closeTask('745', 'fall', { cannot_get_up: true }, { ...advice, adviceGiven, override: { reason: 'carer_present_and_able', note: 'Daughter stays' } });
    await closeTask('745', 'fall', { long_lie: true }, { ...advice, adviceGiven, override: { reason: 'patient_declines', note: 'Declines' } });
    await closeTask('745', 'fall', {}, { type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' });
    await closeTask('774', 'weakness', {}, { ...advice, adviceGiven });
    await closeTask('745', null, {}, advice);
  });

  it('counts assessed tasks, the recommended x chosen matrix, downgrades and upgrades with reasons, advice recorded', async () => {
    const director = (await t.userWithRole('medical_director')).agent;
    const res = await director.get(`/api/reports/protocols?from=${month}&to=${month}`);
    expect(res.status).toBe(200);
    const m = res.body.months[0];
    expect(m).toMatchObject({ month, closed: 5, withoutProtocol: 1 });
    const fall = m.protocols.find((p: { protocolId: string }) => p.protocolId === 'fall');
    expect(fall).toMatchObject({
      taskCodes: ['745'],
      assessed: 3,
      downgrades: 2,
      upgrades: 1,
      downgradeRate: 0.6667,
      upgradeRate: 0.3333,
      overrideReasons: { carer_present_and_able: 1, patient_declines: 1 },
      adviceOutcomes: 2,
      adviceRecorded: 2,
      adviceRecordedShare: 1,
    });
    expect(fall.matrix).toEqual(
      expect.arrayContaining([
        { recommended: 'unit', chosen: 'self_care', tasks: 1 },
        { recommended: 'health_centre_today', chosen: 'self_care', tasks: 1 },
        { recommended: 'self_care', chosen: 'unit', tasks: 1 },
      ]),
    );
    // One task is below the group size: its counts are suppressed like the monthly report's.
    expect(m.protocols.find((p: { protocolId: string }) => p.protocolId === 'weakness')).toMatchObject({ assessed: '<2', downgrades: '<2', downgradeRate: null, matrix: [] });
    expect(m.nurses).toEqual([{ nurseId, nurse: 'Test rnurse', assessed: 4, downgrades: 2, downgradeRate: 0.5 }]);
  });

  it('per-nurse override rates are for managers and the medical director only', async () => {
    const manager = (await t.userWithRole('manager')).agent;
    const leader = (await t.userWithRole('shift_leader')).agent;
    expect((await manager.get(`/api/reports/protocols?from=${month}&to=${month}`)).body.months[0].nurses).toHaveLength(1);
    const asLeader = await leader.get(`/api/reports/protocols?from=${month}&to=${month}`);
    expect(asLeader.status).toBe(200);
    expect(asLeader.body.months[0].nurses).toBeUndefined();
    expect((await nurse.get(`/api/reports/protocols?from=${month}&to=${month}`)).status).toBe(403);
  });

  it('gives the same figures as CSV with the monthly report\'s conventions', async () => {
    const res = await t.admin.get(`/api/reports/protocols?from=${month}&to=${month}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'month;protocol;task_codes;closed;without_protocol;assessed;downgrades;upgrades;downgrade_rate;upgrade_rate;advice_outcomes;advice_recorded;advice_recorded_share;override_carer_present_and_able;override_patient_declines',
    );
    expect(lines[1]).toBe(`${month};;;5;1;;;;;;;;;;`);
    expect(lines).toContain(`${month};fall;745;;;3;2;1;0,6667;0,3333;2;2;1;1;1`);
    expect(lines).toContain(`${month};weakness;774;;;<2;<2;<2;;;<2;<2;;<2;<2`);
  });

  it('keeps two nurses with the same display name apart (grouped by account, not by name)', async () => {
    const namesake = await t.userWithRole('nurse');
    expect((await t.admin.patch(`/api/users/${namesake.id}`).send({ displayName: 'Test rnurse' })).status).toBe(200);
    await closeTask('745', 'fall', {}, { type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' }, namesake.agent);
    await closeTask('745', 'fall', {}, { type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' }, namesake.agent);
    const director = (await t.userWithRole('medical_director')).agent;
    const nurses = (await director.get(`/api/reports/protocols?from=${month}&to=${month}`)).body.months[0].nurses;
    expect(nurses).toEqual(
      expect.arrayContaining([
        { nurseId, nurse: 'Test rnurse', assessed: 4, downgrades: 2, downgradeRate: 0.5 },
        { nurseId: namesake.id, nurse: 'Test rnurse', assessed: 2, downgrades: 0, downgradeRate: 0 },
      ]),
    );
    expect(nurses).toHaveLength(2);
  });
});
