import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProtocolDetail, ProtocolSet } from '../../server/contracts/protocols.ts';
import { createTask, ercClient, freeHands, type ErcClient } from '../factories/tasks.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
let erc: ErcClient;
let nurse: Agent;
let nurseId = '';
let director: Agent;
let directorId: string;

beforeAll(async () => {
  t = await startTestServer();
  erc = await ercClient(t);
  const created = await t.userWithRole('nurse', 'pnurse');
  nurse = created.agent;
  nurseId = created.id;
  const md = await t.userWithRole('medical_director', 'director');
  director = md.agent;
  directorId = md.id;
});
afterAll(() => t.close());

const now = () => new Date().toISOString();
type AnswerValue = boolean | string | number;

async function protocol(id: string): Promise<ProtocolDetail> {
  const res = await nurse.get(`/api/protocols/${id}`);
  expect(res.status).toBe(200);
  return res.body.protocol as ProtocolDetail;
}

async function claimedTask(taskCode = '745') {
  // One held task per nurse (issue 13): earlier tests' tasks go back first.
  await freeHands(nurse, nurseId);
  const task = await createTask(erc, { taskCode });
  const res = await nurse.post(`/api/tasks/${task.id}/claim`);
  expect(res.status).toBe(200);
  await nurse.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
  return task.id;
}

async function version(taskId: string): Promise<number> {
  return (await nurse.get(`/api/tasks/${taskId}`)).body.task.version as number;
}

function assess(taskId: string, v: number, p: { id: string; version: number }, answers: Record<string, AnswerValue>, vitals: Record<string, number> = {}) {
  return nurse.put(`/api/tasks/${taskId}/assessment`).send({
    version: v,
    vitals,
    protocol: { ...p, answers: Object.entries(answers).map(([questionId, value]) => ({ questionId, value, answeredAt: now() })) },
  });
}

async function assessed(answers: Record<string, AnswerValue>, vitals: Record<string, number> = {}, taskCode = '745', protocolId = 'fall') {
  const taskId = await claimedTask(taskCode);
  const p = await protocol(protocolId);
  const res = await assess(taskId, await version(taskId), { id: protocolId, version: p.approvedVersion! }, answers, vitals);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { taskId, version: res.body.task.version as number, protocolVersion: p.approvedVersion! };
}

const advice = (rationale = 'Fine after the fall') => ({ type: 'phone_advice', advice: 'self_care', rationale });

describe('the example set', () => {
  it('ships a generic protocol and at least six for D codes, labelled as example content', async () => {
    const res = await nurse.get('/api/protocols');
    expect(res.status).toBe(200);
    const list = res.body.protocols as { id: string; generic: boolean; taskCodes: string[]; example: boolean; approvedVersion: number | null }[];
    expect(list.filter((p) => p.generic)).toHaveLength(1);
    const codes = list.flatMap((p) => p.taskCodes);
    expect(codes).toEqual(expect.arrayContaining(['745', '774']));
    expect(codes.length).toBeGreaterThanOrEqual(6);
    for (const p of list) expect(p).toMatchObject({ example: true, approvedVersion: 1 });
  });

  it('every floor of every example protocol, answered alone, sets the recommendation and names its reason', async () => {
    const ladder = (await nurse.get('/api/reference/dispositions')).body.dispositions as { id: string; rank: number }[];
    const rank = (id: string) => ladder.find((d) => d.id === id)!.rank;
    const list = (await nurse.get('/api/protocols')).body.protocols as { id: string; taskCodes: string[] }[];
    let checked = 0;
    for (const summary of list) {
      const p = await protocol(summary.id);
      const content = p.versions.find((v) => v.status === 'approved')!.content;
      for (const question of content.questions) {
        for (const floor of question.floors) {
          const when = floor.when;
          const value = 'equals' in when ? when.equals : 'above' in when ? when.above + 1 : when.below - 1;
          const expected = rank(floor.disposition) < rank(content.defaultDisposition) ? floor.disposition : content.defaultDisposition;
          const { taskId } = await assessed({ [question.id]: value }, {}, summary.taskCodes[0] ?? '744', summary.id);
          const rec = (await nurse.get(`/api/tasks/${taskId}`)).body.task.recommendation;
          expect(rec.disposition, `${summary.id}.${question.id}`).toBe(expected);
          expect(rec.floors).toEqual([{ questionId: question.id, disposition: floor.disposition, reason: floor.reason, hard: floor.hard }]);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('vital thresholds: at, just below and just above each limit', async () => {
    const content = (await protocol('fall')).versions[0]!.content;
    expect(content.vitalThresholds.length).toBeGreaterThan(0);
    for (const threshold of content.vitalThresholds) {
      const limit = 'below' in threshold.when ? threshold.when.below : threshold.when.above;
      const fires = (v: number) => ('below' in threshold.when ? v < limit : v > limit);
      for (const value of [limit - 1, limit, limit + 1]) {
        const { taskId } = await assessed({}, { [threshold.vital]: value });
        const rec = (await nurse.get(`/api/tasks/${taskId}`)).body.task.recommendation;
        expect(rec.disposition, `${threshold.vital}=${value}`).toBe(fires(value) ? threshold.disposition : content.defaultDisposition);
      }
    }
  });

  it('a task code without a protocol of its own uses the generic one; the old red flags are its hard questions', async () => {
    const generic = await protocol('generic');
    const ids = generic.versions[0]!.content.questions.map((q) => q.id);
    expect(ids).toEqual(expect.arrayContaining(['chest_pain', 'breathing_difficulty', 'altered_consciousness', 'stroke_signs', 'major_bleeding', 'severe_pain', 'suicide_risk']));
    for (const q of generic.versions[0]!.content.questions) expect(q.floors[0]).toMatchObject({ disposition: 'unit', hard: true });
  });
});

describe('outcomes against the recommendation', () => {
  it('a downgrade without an override reason is refused with 422 OVERRIDE_REASON_REQUIRED and changes nothing', async () => {
    const { taskId, version: v, protocolVersion } = await assessed({ long_lie: true });
    const res = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: v, ...advice(), adviceGiven: { adviceId: 'self_care_112', version: protocolVersion, language: 'fi', understood: true } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'OVERRIDE_REASON_REQUIRED', details: { recommended: 'health_centre_today', chosen: 'self_care' } });
    expect((await nurse.get(`/api/tasks/${taskId}`)).body.task.state).toBe('in_assessment');

    const ok = await nurse.post(`/api/tasks/${taskId}/outcome`).send({
      version: v,
      ...advice(),
      override: { reason: 'carer_present_and_able', note: 'Daughter stays overnight' },
      adviceGiven: { adviceId: 'self_care_112', version: protocolVersion, language: 'fi', understood: true },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const detail = (await nurse.get(`/api/tasks/${taskId}`)).body.task;
    expect(detail.outcomes[0].decision).toEqual({
      protocolId: 'fall',
      protocolVersion,
      recommended: 'health_centre_today',
      chosen: 'self_care',
      overrideReason: 'carer_present_and_able',
      adviceId: 'self_care_112',
      adviceLanguage: 'fi',
    });
    expect(detail.outcomes[0].outcome.override).toEqual({ reason: 'carer_present_and_able', note: 'Daughter stays overnight' });
  });

  it('a red-flag floor is hard: advice is refused even with an override reason (RED_FLAG_REQUIRES_DISPATCH)', async () => {
    const { taskId, version: v, protocolVersion } = await assessed({ new_confusion: true, cannot_get_up: true });
    const res = await nurse.post(`/api/tasks/${taskId}/outcome`).send({
      version: v,
      ...advice(),
      override: { reason: 'patient_declines', note: 'Does not want a unit' },
      adviceGiven: { adviceId: 'self_care_112', version: protocolVersion, language: 'fi', understood: true },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'RED_FLAG_REQUIRES_DISPATCH', details: { redFlags: ['new_confusion'], required: 'unit' } });
    const unit = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: v, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'red_flag' });
    expect(unit.status).toBe(200);
  });

  it('"cannot get up" sets a unit floor that a documented override may go below', async () => {
    const { taskId, version: v, protocolVersion } = await assessed({ cannot_get_up: true });
    const adviceGiven = { adviceId: 'self_care_112', version: protocolVersion, language: 'fi', understood: true };
    const bare = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: v, ...advice(), adviceGiven });
    expect(bare.body.error).toMatchObject({ code: 'OVERRIDE_REASON_REQUIRED', details: { recommended: 'unit' } });
    const ok = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: v, ...advice(), adviceGiven, override: { reason: 'clinical_judgement', note: 'Got up with help meanwhile' } });
    expect(ok.status).toBe(200);
  });

  it('a more acute choice needs no reason', async () => {
    const { taskId, version: v } = await assessed({ alone_without_help: true });
    const res = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: v, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' });
    expect(res.status).toBe(200);
  });

  it('phone advice and redirects need the advice text confirmed, of the task\'s version and the chosen disposition', async () => {
    const { taskId, version: v, protocolVersion } = await assessed({ alone_without_help: true });
    const redirect = { type: 'redirect', target: 'home_care', handoffTo: 'Home care nurse on duty', rationale: 'Needs help at home' };
    const none = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: v, ...redirect });
    expect(none.status).toBe(422);
    expect(none.body.error).toMatchObject({ code: 'ADVICE_REQUIRED', details: { adviceId: 'home_care_worse', version: protocolVersion } });
    const wrong = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: v, ...redirect, adviceGiven: { adviceId: 'self_care_112', version: protocolVersion, language: 'sv', understood: true } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details[0].path).toBe('body.adviceGiven.adviceId');
    const notUnderstood = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: v, ...redirect, adviceGiven: { adviceId: 'home_care_worse', version: protocolVersion, language: 'sv', understood: false } });
    expect(notUnderstood.status).toBe(422);
    const ok = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: v, ...redirect, adviceGiven: { adviceId: 'home_care_worse', version: protocolVersion, language: 'sv', understood: true } });
    expect(ok.status).toBe(200);
  });

  it('an amendment is checked the same way', async () => {
    const { taskId, version: v } = await assessed({ new_confusion: true });
    await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: v, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'red_flag' });
    const amend = await nurse.post(`/api/tasks/${taskId}/outcome/amendments`).send({ version: await version(taskId), reason: 'Patient declined', outcome: advice() });
    expect(amend.status).toBe(422);
    expect(amend.body.error.code).toBe('RED_FLAG_REQUIRES_DISPATCH');
  });

  it('an assessment without protocol answers gets no recommendation and its outcome is accepted as before', async () => {
    const taskId = await claimedTask();
    const saved = await nurse.put(`/api/tasks/${taskId}/assessment`).send({ version: await version(taskId), vitals: { spo2: 80 } });
    expect(saved.status).toBe(200);
    expect((await nurse.get(`/api/tasks/${taskId}`)).body.task.recommendation).toBeNull();
    const res = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: saved.body.task.version, ...advice() });
    expect(res.status).toBe(200);
    expect((await nurse.get(`/api/tasks/${taskId}`)).body.task.outcomes[0].decision).toBeNull();
  });

  it('answers that do not fit the protocol are refused with their path', async () => {
    const taskId = await claimedTask();
    const p = await protocol('fall');
    const res = await assess(taskId, await version(taskId), { id: 'fall', version: p.approvedVersion! }, { cannot_get_up: 'yes', pain_score: 11, nope: true });
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.protocol.answers.0.value', 'body.protocol.answers.1.value', 'body.protocol.answers.2.questionId']);
  });
});

describe('versions: drafts, approval, immutability', () => {
  const content = (title: string, floorDisposition = 'unit') => ({
    title: { fi: title, sv: title, en: title },
    questions: [{ id: 'q1', kind: 'yes_no', text: { fi: 'K1', sv: 'F1', en: 'Q1' }, floors: [{ when: { equals: true }, disposition: floorDisposition, reason: { fi: 'R', sv: 'R', en: 'R' }, hard: false }] }],
    defaultDisposition: 'self_care',
    advice: [{ id: 'self', disposition: 'self_care', text: { fi: 'Soita 112', sv: 'Ring 112', en: 'Call 112' } }],
  });

  it('admins and medical directors draft; only a medical director approves; approval is recorded and audited', async () => {
    const created = await t.admin.post('/api/protocols').send({ id: 'wound', taskCodes: ['744'], content: content('Wound v1') });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.protocol).toMatchObject({ id: 'wound', taskCodes: ['744'], approvedVersion: null, draftVersion: 1 });
    expect((await nurse.put('/api/protocols/wound/draft').send({ content: content('x') })).status).toBe(403);
    expect((await t.admin.post('/api/protocols/wound/versions/1/approve')).status).toBe(403);
    const approved = await director.post('/api/protocols/wound/versions/1/approve');
    expect(approved.status).toBe(200);
    const v1 = approved.body.protocol.versions[0];
    expect(v1).toMatchObject({ version: 1, status: 'approved', example: false, approvedBy: 'Test director' });
    expect(v1.approvedAt).toBeTruthy();
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'protocol.approve').where('target_id', '=', 'wound').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(directorId);
  });

  it('an approved version is immutable: the API answers 409 PROTOCOL_VERSION_IMMUTABLE and the database refuses edits', async () => {
    const again = await director.post('/api/protocols/wound/versions/1/approve');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PROTOCOL_VERSION_IMMUTABLE');
    const edit = await t.admin.put('/api/protocols/wound/draft').send({ version: 1, content: content('Changed') });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('PROTOCOL_VERSION_IMMUTABLE');
    await expect(
      t.db.updateTable('protocol_version').set({ content: JSON.stringify(content('Sneaky')) }).where('protocol_id', '=', 'wound').where('version', '=', 1).execute(),
    ).rejects.toThrow(/cannot be changed/);
    await expect(t.db.deleteFrom('protocol_version').where('protocol_id', '=', 'wound').execute()).rejects.toThrow(/cannot be deleted/);
    await expect(sql`update protocol_version set status = 'draft' where protocol_id = 'fall'`.execute(t.db)).rejects.toThrow(/cannot be changed/);
  });

  it('a task keeps its version when a new one is approved mid-assessment; a new task gets the new one', async () => {
    const taskId = await claimedTask('744');
    const first = await assess(taskId, await version(taskId), { id: 'wound', version: 1 }, { q1: true });
    expect(first.status).toBe(200);

    const draft = await director.put('/api/protocols/wound/draft').send({ content: content('Wound v2', 'health_centre_today') });
    expect(draft.body.protocol).toMatchObject({ approvedVersion: 1, draftVersion: 2 });
    expect((await director.post('/api/protocols/wound/versions/2/approve')).body.protocol).toMatchObject({ approvedVersion: 2, draftVersion: null });

    const again = await assess(taskId, await version(taskId), { id: 'wound', version: 1 }, { q1: true });
    expect(again.status).toBe(200);
    const detail = (await nurse.get(`/api/tasks/${taskId}`)).body.task;
    expect(detail.recommendation).toMatchObject({ protocolId: 'wound', protocolVersion: 1, disposition: 'unit' });
    const closed = await nurse.post(`/api/tasks/${taskId}/outcome`).send({ version: detail.version, type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' });
    expect(closed.status).toBe(200);
    expect((await nurse.get(`/api/tasks/${taskId}`)).body.task.outcomes[0].decision).toMatchObject({ protocolVersion: 1, recommended: 'unit' });

    const other = await claimedTask('744');
    const old = await assess(other, await version(other), { id: 'wound', version: 1 }, { q1: true });
    expect(old.status).toBe(422);
    expect(old.body.error.code).toBe('PROTOCOL_VERSION_NOT_APPROVED');
    const draftUse = await director.put('/api/protocols/wound/draft').send({ content: content('Wound v3') });
    expect(draftUse.body.protocol.draftVersion).toBe(3);
    const useDraft = await assess(other, await version(other), { id: 'wound', version: 3 }, { q1: true });
    expect(useDraft.body.error.code).toBe('PROTOCOL_VERSION_NOT_APPROVED');
    const current = await assess(other, await version(other), { id: 'wound', version: 2 }, { q1: true });
    expect(current.status).toBe(200);
    expect((await nurse.get(`/api/tasks/${other}`)).body.task.recommendation.disposition).toBe('health_centre_today');
  });

  it('the medical director can retire an approved version without a successor: its codes fall back to the generic protocol', async () => {
    expect((await t.admin.post('/api/protocols/wound/versions/2/retire')).status).toBe(403);
    const draftRetire = await director.post('/api/protocols/wound/versions/3/retire');
    expect(draftRetire.status).toBe(409);
    const res = await director.post('/api/protocols/wound/versions/2/retire');
    expect(res.status).toBe(200);
    expect(res.body.protocol).toMatchObject({ approvedVersion: null, draftVersion: 3 });
    const taskId = await claimedTask('744');
    const refused = await assess(taskId, await version(taskId), { id: 'wound', version: 2 }, { q1: true });
    expect(refused.body.error.code).toBe('PROTOCOL_VERSION_NOT_APPROVED');
    const generic = await protocol('generic');
    const ok = await assess(taskId, await version(taskId), { id: 'generic', version: generic.approvedVersion! }, { chest_pain: false });
    expect(ok.status).toBe(200);
  });

  it('content is cross-checked: unknown dispositions and floors that cannot match are named by path', async () => {
    const bad = content('Bad');
    const res = await t.admin.post('/api/protocols').send({
      id: 'bad',
      content: { ...bad, defaultDisposition: 'nowhere', questions: [{ ...bad.questions[0], floors: [{ ...bad.questions[0]!.floors[0], when: { above: 3 } }] }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.content.questions.0.floors.0.when', 'body.content.defaultDisposition']);
    const taken = await t.admin.post('/api/protocols').send({ id: 'another_fall', taskCodes: ['745'], content: content('Fall 2') });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('TASK_CODE_TAKEN');
    expect((await t.db.selectFrom('protocol').select('id').where('id', '=', 'another_fall').execute())).toEqual([]);
  });
});

describe('import and export', () => {
  it('export then import round-trips: the imported drafts equal what was exported', async () => {
    const exported = await director.get('/api/protocols/export');
    expect(exported.status).toBe(200);
    const set = exported.body as ProtocolSet;
    expect(set.format).toBe('dtask-protocol-set/1');
    const imported = await director.post('/api/protocols/import').send(set);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect((imported.body.drafts as { id: string }[]).map((d) => d.id).sort()).toEqual(set.protocols.map((p) => p.id).sort());
    for (const { id, version: v } of imported.body.drafts as { id: string; version: number }[]) {
      const p = await protocol(id);
      const draft = p.versions.find((x) => x.version === v)!;
      expect(draft.status).toBe('draft');
      const original = set.protocols.find((x) => x.id === id)!;
      expect(draft.content).toEqual(original.content);
      expect(p.taskCodes).toEqual(original.taskCodes);
    }
    const reExported = (await director.get('/api/protocols/export')).body as ProtocolSet;
    expect(reExported).toEqual(set);
  });

  it('an invalid set is refused whole, naming the path', async () => {
    const set = (await director.get('/api/protocols/export')).body as ProtocolSet;
    const broken = structuredClone(set);
    broken.protocols[1]!.content.questions[0]!.floors[0]!.disposition = 'nowhere';
    const before = await t.db.selectFrom('protocol_version').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const res = await director.post('/api/protocols/import').send(broken);
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].path).toBe('body.protocols.1.content.questions.0.floors.0.disposition');
    const schema = await director.post('/api/protocols/import').send({ format: 'dtask-protocol-set/1', protocols: [{ id: 'x1', content: { title: 'no' } }] });
    expect(schema.status).toBe(422);
    expect(schema.body.error.details[0].path).toMatch(/^body\.protocols\.0\.content\./);
    const after = await t.db.selectFrom('protocol_version').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('the disposition ladder', () => {
  it('is ordered reference data an admin can relabel, and the change is audited', async () => {
    const list = (await nurse.get('/api/reference/dispositions')).body.dispositions as { id: string; rank: number }[];
    expect(list.map((d) => d.id)).toEqual([
      'unit_urgent', 'unit', 'emergency_department', 'health_centre_today', 'home_hospital', 'home_care', 'social_emergency', 'mental_health_substance', 'self_care',
    ]);
    const res = await t.admin.put('/api/reference/dispositions/home_care').send({ labels: { fi: 'Kotihoito (alue)', sv: 'Hemvård', en: 'Home care' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'home_care', rank: 6, labels: { fi: 'Kotihoito (alue)' } });
    expect((await director.put('/api/reference/dispositions/home_care').send({ labels: { fi: 'a', sv: 'b', en: 'c' } })).status).toBe(403);
  });
});
