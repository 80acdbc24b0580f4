import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complianceLevel, type ComplianceLevel, type DeviationGrade } from '../../server/contracts/audit-compliance.ts';
import type { AuditCriticalEvent } from '../../server/contracts/realtime.ts';
import { drawSample, sampleSize } from '../../server/audits/sampling.ts';
import { monthDueForSample } from '../../server/audits/audits.service.ts';
import { runSchedulerTick } from '../../server/tasks/scheduler.ts';
import { closedTask, createTask, ercClient, UNIT_DISPATCH, type ErcClient } from '../factories/tasks.ts';
import { connectedSocket } from '../helpers/sockets.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

const HOUR = 3_600_000;
const SAMPLE_KEY = 'audit-sample-key-for-tests-0123456789';
let t: TestServer;
let erc: ErcClient;
let nurse: { agent: Agent; id: string; username: string };
let otherNurse: { agent: Agent; id: string; username: string };
let leader: { agent: Agent; id: string; username: string };
let manager: { agent: Agent; id: string; username: string };
let director: { agent: Agent; id: string; username: string };
let phoneCounter = 0;

beforeAll(async () => {
  t = await startTestServer({ AUDIT_SAMPLE_KEY: SAMPLE_KEY, AUDIT_SCAN_MINUTES: '1' });
  erc = await ercClient(t);
  nurse = await t.userWithRole('nurse');
  otherNurse = await t.userWithRole('nurse');
  leader = await t.userWithRole('shift_leader');
  manager = await t.userWithRole('manager');
  director = await t.userWithRole('medical_director');
});
afterAll(() => t.close());

const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR).toISOString();
const newPhone = () => `+35850${String(process.pid % 1000).padStart(3, '0')}${String(++phoneCounter).padStart(4, '0')}`;
const reviewsOf = (taskId: string) => t.db.selectFrom('audit_review').selectAll().where('task_id', '=', taskId).execute();
const scan = (agent: Agent = leader.agent, body: object = {}) => agent.post('/api/audits/sampling').send(body);

/**
 * A task closed by that nurse, then moved back to `receivedAt`: live intake refuses a receivedAt
 * more than 24 h old, and these tests need older ones. Call relink() once a test's tasks are in.
 */
async function closedAt(by: Agent, receivedAt: string, overrides: { callbackPhone: string }, outcome?: object) {
  const task = await closedTask(erc, by, overrides, outcome);
  await t.db.updateTable('task').set({ received_at: new Date(receivedAt) }).where('id', '=', task.id).execute();
  return task;
}
/** Recomputes the re-contact links (task.next_contact_at) after tasks were moved back in time. */
const relink = () => sql`select task_stats_rebuild()`.execute(t.db);

/** Phone advice by `by`, then a new task from the same number `laterHours` after it, closed with `laterOutcome`. */
async function adviceThenRecontact(laterHours: number, by: Agent = nurse.agent, laterOutcome: object | null = null) {
  const phone = newPhone();
  const start = Date.now() - 80 * HOUR;
  const first = await closedAt(by, new Date(start).toISOString(), { callbackPhone: phone });
  const later = await closedAt(otherNurse.agent, new Date(start + laterHours * HOUR).toISOString(), { callbackPhone: phone }, laterOutcome ?? undefined);
  await relink();
  return { first, later };
}

describe('sampling (pure)', () => {
  const candidates = Array.from({ length: 250 }, (_, i) => ({ taskId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, nurseId: i % 5 === 0 ? 'nurse-a' : 'nurse-b' }));
  const rule = { rate: 0.02, minimum: 3 };

  it('the same month and seed give the same sample, in any input order; another month or seed another one', () => {
    const a = drawSample(candidates, 'seed-one-0123456789', '2026-10', rule);
    const b = drawSample([...candidates].reverse(), 'seed-one-0123456789', '2026-10', rule);
    expect(b.map((c) => c.taskId).sort()).toEqual(a.map((c) => c.taskId).sort());
    expect(drawSample(candidates, 'seed-one-0123456789', '2026-11', rule).map((c) => c.taskId).sort()).not.toEqual(a.map((c) => c.taskId).sort());
    expect(drawSample(candidates, 'seed-two-0123456789', '2026-10', rule).map((c) => c.taskId).sort()).not.toEqual(a.map((c) => c.taskId).sort());
  });

  it('draws 2 % of each nurse\'s tasks rounded up, at least 3, never more than she has', () => {
    expect([sampleSize(0, rule), sampleSize(2, rule), sampleSize(3, rule), sampleSize(100, rule), sampleSize(150, rule), sampleSize(200, rule), sampleSize(1000, rule)]).toEqual([0, 2, 3, 3, 3, 4, 20]);
    const drawn = drawSample(candidates, 'seed-one-0123456789', '2026-10', rule);
    expect(drawn.filter((c) => c.nurseId === 'nurse-a')).toHaveLength(3); // 50 tasks: 1 by rate, 3 by minimum
    expect(drawn.filter((c) => c.nurseId === 'nurse-b')).toHaveLength(4); // 200 tasks: 4 by rate
  });

  it('draws the month before last until a day has passed since the last month ended (Helsinki)', () => {
    expect(monthDueForSample(new Date('2026-11-01T21:59:00Z'))).toBe('2026-09'); // 23:59 on 1 Nov in Helsinki
    expect(monthDueForSample(new Date('2026-11-01T22:01:00Z'))).toBe('2026-10'); // 00:01 on 2 Nov
    expect(monthDueForSample(new Date('2026-01-02T12:00:00Z'))).toBe('2025-12');
  });
});

describe('compliance rule', () => {
  const TABLE: [DeviationGrade[], ComplianceLevel][] = [
    [[], 'high'],
    [['minor'], 'high'],
    [['minor', 'minor', 'minor'], 'high'],
    [['moderate'], 'high'],
    [['moderate', 'minor', 'minor', 'minor'], 'high'],
    [['minor', 'minor', 'minor', 'minor'], 'partial'],
    [['moderate', 'moderate'], 'partial'],
    [['major'], 'partial'],
    [['major', 'moderate'], 'partial'],
    [['major', 'minor', 'minor', 'minor', 'minor'], 'partial'],
    [['moderate', 'moderate', 'moderate'], 'partial'],
    [['moderate', 'moderate', 'moderate', 'moderate'], 'low'],
    [['major', 'moderate', 'moderate'], 'low'],
    [['major', 'major'], 'low'],
    [['major', 'major', 'moderate', 'moderate', 'minor'], 'low'],
    [['major', 'major', 'major'], 'non_compliant'],
    [['critical'], 'non_compliant'],
    [['critical', 'minor'], 'non_compliant'],
    [['minor', 'critical', 'moderate', 'major'], 'non_compliant'],
  ];
  for (const [grades, level] of TABLE) {
    it(`${grades.join(' + ') || 'no deviation'} -> ${level}`, () => {
      expect(complianceLevel(grades)).toBe(level);
      expect(complianceLevel([...grades].reverse())).toBe(level);
    });
  }
});

describe('triggered reviews', () => {
  it('a re-contact within 72 h after phone advice queues the advice task once, naming why', async () => {
    const { first, later } = await adviceThenRecontact(50);
    expect((await scan()).status).toBe(200);
    expect((await scan()).status).toBe(200);
    const reviews = await reviewsOf(first.id);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ reasons: ['recontact_72h'], nurse_id: nurse.id, state: 'queued' });
    // The later task had no re-contact of its own.
    expect(await reviewsOf(later.id)).toHaveLength(0);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_name']).where('target_id', '=', reviews[0]!.id).execute();
    expect(audit).toEqual([{ action: 'audit.queue', actor_name: leader.username }]);
  });

  it('a unit dispatched to the same number within 24 h after advice adds both reasons to one review', async () => {
    const { first, later } = await adviceThenRecontact(20, nurse.agent, UNIT_DISPATCH);
    await scan();
    const [review] = await reviewsOf(first.id);
    expect(review!.reasons.sort()).toEqual(['dispatch_24h', 'recontact_72h']);
    expect(await reviewsOf(later.id)).toHaveLength(0); // a unit was sent: nothing to audit by these triggers
  });

  it('no trigger for a re-contact after 72 h, for a unit dispatch after 24 h, or after a unit dispatch', async () => {
    const late = await adviceThenRecontact(73);
    const unitLate = await adviceThenRecontact(25, nurse.agent, UNIT_DISPATCH);
    const phone = newPhone();
    const dispatched = await closedAt(nurse.agent, hoursAgo(30), { callbackPhone: phone }, UNIT_DISPATCH);
    await closedAt(otherNurse.agent, hoursAgo(29), { callbackPhone: phone });
    await relink();
    await scan();
    expect(await reviewsOf(late.first.id)).toHaveLength(0);
    expect((await reviewsOf(unitLate.first.id))[0]!.reasons).toEqual(['recontact_72h']);
    expect(await reviewsOf(dispatched.id)).toHaveLength(0);
  });

  it('every trigger adds its task exactly once however many samplers run at once', async () => {
    // One held task per nurse: the pairs are made one after another; the samplers then race.
    const pairs: Awaited<ReturnType<typeof adviceThenRecontact>>[] = [];
    for (let i = 0; i < 4; i++) pairs.push(await adviceThenRecontact(10 + i, nurse.agent, UNIT_DISPATCH));
    const scans = await Promise.all(Array.from({ length: 6 }, () => scan()));
    expect(scans.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // The scheduler's scan on top, as another node's would be.
    await runSchedulerTick(t.db, t.server.publisher, t.config);
    for (const { first } of pairs) {
      const reviews = await reviewsOf(first.id);
      expect(reviews).toHaveLength(1);
      expect(reviews[0]!.reasons.sort()).toEqual(['dispatch_24h', 'recontact_72h']);
    }
    const added = scans.reduce((sum, s) => sum + (s.body.triggered as number), 0);
    expect(added).toBeLessThanOrEqual(pairs.length * 2);
  });

  it('a downgrade below the protocol recommendation, with its override reason, queues the task', async () => {
    const protocol = (await nurse.agent.get('/api/protocols/fall')).body.protocol as { approvedVersion: number };
    const task = await createTask(erc, { callbackPhone: newPhone(), taskCode: '745' });
    await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    const called = await nurse.agent.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
    const assessed = await nurse.agent.put(`/api/tasks/${task.id}/assessment`).send({
      version: called.body.task.version,
      protocol: { id: 'fall', version: protocol.approvedVersion, answers: [{ questionId: 'long_lie', value: true, answeredAt: new Date().toISOString() }] },
    });
    expect(assessed.status, JSON.stringify(assessed.body)).toBe(200);
    const closed = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({
      version: assessed.body.task.version,
      type: 'phone_advice',
      advice: 'self_care',
      rationale: 'Fine after the fall',
      override: { reason: 'carer_present_and_able', note: 'Daughter stays overnight' },
      adviceGiven: { adviceId: 'self_care_112', version: protocol.approvedVersion, language: 'fi', understood: true },
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    // The same protocol followed to its recommendation: nothing to trigger.
    const followed = await closedTask(erc, nurse.agent, { callbackPhone: newPhone() }, UNIT_DISPATCH);
    await scan();
    expect((await reviewsOf(task.id))[0]!.reasons).toEqual(['downgrade_override']);
    expect(await reviewsOf(followed.id)).toHaveLength(0);
  });

  it('a redirect whose referral was rejected (here: never answered) is queued once its new decision is recorded', async () => {
    const redirect = { type: 'redirect', target: 'home_care', handoffTo: 'Home care', rationale: 'Needs help at home today' };
    const task = await closedTask(erc, nurse.agent, { callbackPhone: newPhone() }, redirect);
    // Nobody answered the referral: the scheduler rejects it after REFERRAL_ACCEPT_MINUTES.
    await t.db.updateTable('referral').set({ requested_at: sql<Date>`now() - interval '1 day'` }).where('task_id', '=', task.id).execute();
    expect((await runSchedulerTick(t.db, t.server.publisher, t.config)).referralsUnanswered).toBe(1);
    await scan();
    expect(await reviewsOf(task.id)).toHaveLength(0); // back in the queue, not closed: nothing to review yet
    const taken = await nurse.agent.post(`/api/tasks/${task.id}/claim`);
    const closed = await nurse.agent.post(`/api/tasks/${task.id}/outcome`).send({ ...UNIT_DISPATCH, version: taken.body.task.version });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    await scan();
    expect((await reviewsOf(task.id)).map((r) => r.reasons)).toEqual([['referral_rejected']]);
  });

  it('the scheduler finds triggered tasks by itself, paced by AUDIT_SCAN_MINUTES', async () => {
    await t.db.updateTable('audit_scan_state').set({ last_scan_at: null }).execute();
    const { first } = await adviceThenRecontact(30);
    expect((await runSchedulerTick(t.db, t.server.publisher, t.config)).auditReviewsQueued).toBeGreaterThanOrEqual(1);
    expect(await reviewsOf(first.id)).toHaveLength(1);
    const { first: second } = await adviceThenRecontact(31);
    expect((await runSchedulerTick(t.db, t.server.publisher, t.config)).auditReviewsQueued).toBe(0); // not a minute yet
    expect(await reviewsOf(second.id)).toHaveLength(0);
    await t.db.updateTable('audit_scan_state').set({ last_scan_at: sql<Date>`now() - interval '2 minutes'` }).execute();
    await runSchedulerTick(t.db, t.server.publisher, t.config);
    expect(await reviewsOf(second.id)).toHaveLength(1);
  });
});

describe('monthly sample', () => {
  it('draws a finished month once, per nurse, reproducibly from the month and key; refuses a month not over', async () => {
    const month = '2026-03';
    const ids: Record<string, string[]> = { [nurse.id]: [], [otherNurse.id]: [] };
    for (let i = 0; i < 5; i++) ids[nurse.id]!.push((await closedAt(nurse.agent, `${month}-1${i}T08:00:00Z`, { callbackPhone: newPhone() })).id);
    for (let i = 0; i < 2; i++) ids[otherNurse.id]!.push((await closedAt(otherNurse.agent, `${month}-2${i}T08:00:00Z`, { callbackPhone: newPhone() })).id);
    // Not a candidate: received in April (Helsinki), though in March in UTC.
    await closedAt(nurse.agent, '2026-03-31T21:30:00Z', { callbackPhone: newPhone() });

    const notOver = await scan(leader.agent, { month: '2999-01' });
    expect(notOver.status).toBe(422);
    expect(notOver.body.error.code).toBe('VALIDATION_FAILED');

    const res = await scan(leader.agent, { month });
    expect(res.status).toBe(200);
    expect(res.body.sampled).toBe(5); // 3 of 5 (the minimum) + both of the other nurse's 2
    const again = await scan(leader.agent, { month });
    expect(again.body.sampled).toBeNull();

    const sampled = await t.db.selectFrom('audit_review').select(['task_id', 'nurse_id', 'reasons']).where('month', '=', sql<Date>`'2026-03-01'::date`).execute();
    expect(sampled.every((r) => r.reasons.includes('random_sample'))).toBe(true);
    const expected = drawSample(
      Object.entries(ids).flatMap(([nurseId, taskIds]) => taskIds.map((taskId) => ({ taskId, nurseId }))),
      SAMPLE_KEY,
      month,
      { rate: 0.02, minimum: 3 },
    );
    expect(sampled.map((r) => r.task_id).sort()).toEqual(expected.map((e) => e.taskId).sort());
    expect(sampled.filter((r) => r.nurse_id === nurse.id)).toHaveLength(3);
  });
});

describe('reviewing', () => {
  async function queuedReview() {
    const { first } = await adviceThenRecontact(40);
    await scan();
    const [review] = await reviewsOf(first.id);
    return review!;
  }

  it('nobody reviews a task they handled', async () => {
    // A shift leader closed this one herself.
    const { first } = await adviceThenRecontact(41, leader.agent);
    await scan();
    const [review] = await reviewsOf(first.id);
    const res = await leader.agent.post(`/api/audits/${review!.id}/claim`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('OWN_TASK');
    expect((await reviewsOf(first.id))[0]).toMatchObject({ state: 'queued', reviewer_id: null });
  });

  it('claim, draft, submit (re-contact reason required), acknowledge; results are append-only with amendments', async () => {
    const review = await queuedReview();
    const claim = await leader.agent.post(`/api/audits/${review.id}/claim`);
    expect(claim.status).toBe(200);
    expect(claim.body.audit).toMatchObject({ state: 'in_review', reviewer: { id: leader.id } });
    const secondLeader = await t.userWithRole('shift_leader');
    const taken = await secondLeader.agent.post(`/api/audits/${review.id}/claim`);
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('AUDIT_ALREADY_CLAIMED');

    const form = { deviations: [{ section: 'advice_safety_netting', grade: 'major', note: 'No worsening advice given' }], feedback: 'Give the 112 advice every time.', recontactReason: null };
    const draft = await leader.agent.put(`/api/audits/${review.id}`).send({ version: claim.body.audit.version, form });
    expect(draft.status).toBe(200);
    const stale = await leader.agent.post(`/api/audits/${review.id}/submit`).send({ version: claim.body.audit.version, form });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_VERSION');
    const noReason = await leader.agent.post(`/api/audits/${review.id}/submit`).send({ version: draft.body.audit.version, form });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.code).toBe('RECONTACT_REASON_REQUIRED');
    const submitted = await leader.agent.post(`/api/audits/${review.id}/submit`).send({ version: draft.body.audit.version, form: { ...form, recontactReason: 'professional_related' } });
    expect(submitted.status).toBe(200);
    expect(submitted.body.audit).toMatchObject({ state: 'submitted', compliance: 'partial', critical: false, recontactReason: 'professional_related' });

    // The nurse sees it, with the task as it was, and acknowledges it.
    const mine = await nurse.agent.get(`/api/audits/${review.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.audit.draft).toBeNull();
    expect(mine.body.audit.recontacts).toHaveLength(1);
    expect(mine.body.audit.task.outcomes[0].outcome.type).toBe('phone_advice');
    const ack = await nurse.agent.post(`/api/audits/${review.id}/acknowledge`).send({ version: submitted.body.audit.version });
    expect(ack.status).toBe(200);
    expect(ack.body.audit.state).toBe('acknowledged');

    // History rows cannot be changed or removed, not even by SQL.
    await expect(sql`update audit_submission set compliance = 'high' where review_id = ${review.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_submission where review_id = ${review.id}`.execute(t.db)).rejects.toThrow(/append-only/);

    // An amendment needs a reason, keeps the first result, and asks the nurse to acknowledge again.
    const amendedForm = { ...form, deviations: [...form.deviations, { section: 'documentation', grade: 'major', note: 'Rationale missing' }], recontactReason: 'professional_related' };
    const noWhy = await secondLeader.agent.post(`/api/audits/${review.id}/submit`).send({ version: ack.body.audit.version, form: amendedForm });
    expect(noWhy.body.error.code).toBe('REASON_REQUIRED');
    const amended = await secondLeader.agent.post(`/api/audits/${review.id}/submit`).send({ version: ack.body.audit.version, form: amendedForm, reason: 'Second look at the notes' });
    expect(amended.status).toBe(200);
    expect(amended.body.audit).toMatchObject({ state: 'submitted', compliance: 'low', acknowledgedAt: null });
    const history = (await nurse.agent.get(`/api/audits/${review.id}`)).body.audit.submissions;
    expect(history.map((s: { compliance: string; current: boolean }) => [s.compliance, s.current])).toEqual([['partial', false], ['low', true]]);
    expect(history[1].amendsId).toBe(history[0].id);
    const actions = (await t.db.selectFrom('audit_log').select('action').where('target_id', '=', review.id).orderBy('id').execute()).map((a) => a.action);
    expect(actions).toEqual(['audit.queue', 'audit.claim', 'audit.draft_save', 'audit.submit', 'audit.read', 'audit.acknowledge', 'audit.amend', 'audit.read']);
  });

  it('a critical deviation notifies the medical director role at once, and lists it', async () => {
    const review = await queuedReview();
    const socket = await connectedSocket(t.url, director.username);
    const told = new Promise<AuditCriticalEvent>((resolve) => socket.on('audit:critical', resolve));
    const claim = await leader.agent.post(`/api/audits/${review.id}/claim`);
    const form = { deviations: [{ section: 'protocol_red_flags', grade: 'critical', note: 'Chest pain not asked' }], feedback: '', recontactReason: 'illness_related' };
    const submitted = await leader.agent.post(`/api/audits/${review.id}/submit`).send({ version: claim.body.audit.version, form });
    expect(submitted.body.audit).toMatchObject({ compliance: 'non_compliant', critical: true });
    expect(await told).toMatchObject({ auditId: review.id });
    socket.close();
    const list = await director.agent.get('/api/audits/notifications');
    expect(list.status).toBe(200);
    expect(list.body.notifications[0]).toMatchObject({ auditId: review.id, nurse: { id: nurse.id }, deviations: [{ grade: 'critical', section: 'protocol_red_flags' }] });
    expect((await nurse.agent.get('/api/audits/notifications')).status).toBe(403);
    expect((await manager.agent.get('/api/audits/notifications')).status).toBe(403);
  });
});

describe('roles', () => {
  it('a nurse sees only her own reviews, and only once they have a result', async () => {
    const { first } = await adviceThenRecontact(45);
    const { first: others } = await adviceThenRecontact(46, otherNurse.agent);
    await scan();
    const [mine] = await reviewsOf(first.id);
    const [theirs] = await reviewsOf(others.id);
    // Queued: not shown to the nurse yet.
    expect((await nurse.agent.get('/api/audits')).body.audits.map((a: { id: string }) => a.id)).not.toContain(mine!.id);
    expect((await nurse.agent.get(`/api/audits/${mine!.id}`)).status).toBe(404);
    for (const review of [mine!, theirs!]) {
      const claim = await leader.agent.post(`/api/audits/${review.id}/claim`);
      await leader.agent.post(`/api/audits/${review.id}/submit`).send({ version: claim.body.audit.version, form: { deviations: [], feedback: 'Good call', recontactReason: 'unrelated' } });
    }
    const list = await nurse.agent.get('/api/audits');
    expect(list.status).toBe(200);
    expect(list.body.permissions).toEqual({ review: false, seeAll: false, notified: false });
    expect(list.body.audits.length).toBeGreaterThan(0);
    expect(list.body.audits.every((a: { nurse: { id: string } }) => a.nurse.id === nurse.id)).toBe(true);
    expect(list.body.audits.map((a: { id: string }) => a.id)).toContain(mine!.id);
    expect((await nurse.agent.get(`/api/audits/${theirs!.id}`)).status).toBe(404);
    const ackOthers = await nurse.agent.post(`/api/audits/${theirs!.id}/acknowledge`).send({ version: 3 });
    expect(ackOthers.status).toBe(404);
    // Managers and reviewers see every review.
    const all = (await manager.agent.get('/api/audits')).body;
    expect(all.permissions).toEqual({ review: false, seeAll: true, notified: false });
    expect((await director.agent.get('/api/audits')).body.permissions).toEqual({ review: true, seeAll: true, notified: true });
    expect(all.audits.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([mine!.id, theirs!.id]));
  });

  it('a manager cannot claim, edit or submit a review; a nurse cannot either', async () => {
    const { first } = await adviceThenRecontact(47);
    await scan();
    const [review] = await reviewsOf(first.id);
    const form = { deviations: [], feedback: '', recontactReason: 'unrelated' };
    for (const who of [manager.agent, otherNurse.agent]) {
      for (const res of [
        await who.post(`/api/audits/${review!.id}/claim`),
        await who.put(`/api/audits/${review!.id}`).send({ version: 1, form }),
        await who.post(`/api/audits/${review!.id}/submit`).send({ version: 1, form }),
        await who.post('/api/audits/sampling').send({}),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
    }
    expect((await reviewsOf(first.id))[0]).toMatchObject({ state: 'queued', version: 1 });
  });
});

describe('audit report', () => {
  it('counts a month\'s reviews by compliance level against the bands, with deviations, re-contact causes, per nurse, and as CSV', async () => {
    const month = '2026-05';
    const phone = newPhone();
    const first = await closedAt(nurse.agent, `${month}-10T08:00:00Z`, { callbackPhone: phone });
    await closedAt(otherNurse.agent, `${month}-11T08:00:00Z`, { callbackPhone: phone });
    await relink();
    await scan(leader.agent, { month });
    const reviews = await t.db.selectFrom('audit_review').selectAll().where('month', '=', sql<Date>`'2026-05-01'::date`).execute();
    const target = reviews.find((r) => r.task_id === first.id)!;
    expect(target.reasons.sort()).toEqual(['random_sample']); // received long ago: outside the triggers' look-back
    const claim = await leader.agent.post(`/api/audits/${target.id}/claim`);
    await leader.agent.post(`/api/audits/${target.id}/submit`).send({
      version: claim.body.audit.version,
      form: { deviations: [{ section: 'documentation', grade: 'major', note: 'Too short' }], feedback: '', recontactReason: null },
    });

    const res = await manager.agent.get('/api/reports/audit').query({ from: month, to: month, groupBy: 'nurse' });
    expect(res.status).toBe(200);
    const [m] = res.body.months;
    expect(m).toMatchObject({ month, done: 1, queued: reviews.length - 1, byLevel: { high: 0, partial: 1, low: 0, non_compliant: 0 }, withinBands: false });
    expect(m.shares.partial).toBe(1);
    expect(m.deviationsBySection.documentation.major).toBe(1);
    expect(res.body.bands).toEqual({ partial: 0.1, low: 0.1, non_compliant: 0.07 });
    expect(m.groups.find((g: { key: string }) => g.key === nurse.id)).toMatchObject({ label: `Test ${nurse.username}`, done: 1 });

    const csv = await manager.agent.get('/api/reports/audit').query({ from: month, to: month, format: 'csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFFmonth;queued;done;high;partial;low;non_compliant;high_share;partial_share/);
    expect(lines[1]).toMatch(new RegExp(`^${month};${reviews.length - 1};1;0;1;0;0;0;1;0;0;0;`));

    expect((await leader.agent.get('/api/reports/audit').query({ from: month, to: month })).status).toBe(403);
    expect((await director.agent.get('/api/reports/audit').query({ from: month, to: month, groupBy: 'nurse' })).status).toBe(200);
    expect((await manager.agent.get('/api/reports/audit').query({ from: '2026-06', to: month })).status).toBe(422);
  });
});
