import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, ercClient, type ErcClient } from '../factories/tasks.ts';
import { onPostgres } from '../helpers/test-db.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
let erc: ErcClient;
let nurse: Agent;
let manager: Agent;

beforeAll(async () => {
  // The re-contact test backdates live intakes by weeks.
  t = await startTestServer({ RECEIVED_MAX_AGE_HOURS: String(24 * 366) });
  erc = await ercClient(t);
  nurse = (await t.userWithRole('nurse')).agent;
  manager = (await t.userWithRole('manager')).agent;
});
afterAll(() => t.close());

let counter = 0;
function row(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    ercTaskId: `HIST-${counter}`,
    urgency: 'D',
    taskCode: '774',
    receivedAt: '2025-06-10T08:00:00Z',
    municipality: 'Oulu',
    callbackPhone: `+35840555${String(counter).padStart(4, '0')}`,
    summary: 'history row',
    outcome: { type: 'phone_advice', advice: 'self_care', rationale: 'stable' },
    firstCallAt: '2025-06-10T08:20:00Z',
    closedAt: '2025-06-10T08:35:00Z',
    ...overrides,
  };
}

const importTasks = (tasks: object[], agent: Agent = t.admin) => agent.post('/api/import/tasks').send({ tasks });

async function existing(ids: string[]): Promise<string[]> {
  const rows = await t.db.selectFrom('task').select('erc_task_id').where('erc_task_id', 'in', ids).execute();
  return rows.map((r) => r.erc_task_id);
}

const june2025 = async () => (await manager.get('/api/reports/monthly?from=2025-06&to=2025-06')).body.months[0];

describe('history import', () => {
  it('writes nothing when one row fails, and names the row and field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ municipality: 'Atlantis' }, 'body.tasks.2.municipality'],
      [{ callbackPhone: 'call me' }, 'body.tasks.2.callbackPhone'],
      [{ urgency: 'C' }, 'body.tasks.2.urgency'],
      [{ closedAt: '2025-06-10T07:00:00Z' }, 'body.tasks.2.closedAt'],
      [{ firstCallAt: '2025-06-10T07:00:00Z' }, 'body.tasks.2.firstCallAt'],
      [{ closedAt: '2099-01-01T00:00:00Z' }, 'body.tasks.2.closedAt'],
      [{ outcome: { type: 'redirect', target: 'home_care' } }, 'body.tasks.2.outcome'],
    ];
    for (const [bad, path] of cases) {
      const rows = [row(), row(), row(bad)];
      const res = await importTasks(rows);
      expect(res.status, path).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { path: string }) => d.path), JSON.stringify(res.body)).toContain(path);
      expect(await existing(rows.map((r) => r.ercTaskId))).toEqual([]);
    }
  });

  it('refuses an ercTaskId twice in one request, naming the repeat', async () => {
    const first = row();
    const res = await importTasks([first, row(), { ...row(), ercTaskId: first.ercTaskId }]);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: 'body.tasks.2.ercTaskId', message: 'Repeats row 0' }]);
  });

  it('is idempotent on ercTaskId and counts imported tasks in the reports like live ones', async () => {
    const before = await june2025();
    const rows = [
      row(),
      row({ outcome: { type: 'redirect', target: 'home_care', handoffTo: 'home care', rationale: 'fits' } }),
      row({ outcome: { type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'unreachable' } }),
      row({ outcome: { type: 'cancelled', reason: 'patient went by taxi' }, firstCallAt: undefined }),
    ];
    const first = await importTasks(rows);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: 4, created: 4, skipped: 0, redirectsAssumedAccepted: 1 });
    const after = await june2025();
    expect(after.received).toBe(before.received + 4);
    expect(after.avoided).toBe(before.avoided + 2);
    expect(after.byOutcome.cancelled).toBe(before.byOutcome.cancelled + 1);
    expect(after.dispatchesByReason.unreachable).toBe(before.dispatchesByReason.unreachable + 1);
    expect(after.redirectsByTarget.home_care).toBe(before.redirectsByTarget.home_care + 1);

    const again = await importTasks([...rows, row()]);
    expect(again.body).toEqual({ received: 5, created: 1, skipped: 4, redirectsAssumedAccepted: 0 });
    expect((await june2025()).received).toBe(before.received + 5);
  });

  it('an imported redirect is accepted: with its referral data as given, without it assumed (and counted so)', async () => {
    const before = await june2025();
    const redirect = { type: 'redirect', target: 'home_hospital', handoffTo: 'home hospital', rationale: 'fits' };
    const given = row({ outcome: redirect, referral: { acceptedAt: '2025-06-10T10:00:00Z', acceptedBy: 'Dr Home' } });
    const assumed = row({ outcome: redirect });
    const res = await importTasks([given, assumed]);
    expect(res.body).toEqual({ received: 2, created: 2, skipped: 0, redirectsAssumedAccepted: 1 });
    expect((await june2025()).avoided).toBe(before.avoided + 2);
    const referrals = await t.db
      .selectFrom('referral')
      .innerJoin('task', 'task.id', 'referral.task_id')
      .select(['task.erc_task_id', 'task.referral_state', 'referral.state', 'referral.accepted_by', 'referral.accepted_at', 'referral.answered_via'])
      .where('task.erc_task_id', 'in', [given.ercTaskId, assumed.ercTaskId])
      .orderBy('task.erc_task_id')
      .execute();
    const byId = new Map(referrals.map((r) => [r.erc_task_id, r]));
    expect(byId.get(given.ercTaskId)).toMatchObject({ referral_state: 'accepted', state: 'accepted', accepted_by: 'Dr Home', answered_via: 'import' });
    expect(byId.get(given.ercTaskId)?.accepted_at?.toISOString()).toBe('2025-06-10T10:00:00.000Z');
    expect(byId.get(assumed.ercTaskId)).toMatchObject({ referral_state: 'accepted', state: 'accepted', accepted_by: null });

    const wrong = await importTasks([row({ referral: { acceptedAt: '2025-06-10T10:00:00Z', acceptedBy: 'x' } })]);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.map((d: { path: string }) => d.path)).toContain('body.tasks.0.referral');
  });

  it('refuses the whole import when an ercTaskId is here with other content (409 naming the row)', async () => {
    const live = await createTask(erc);
    const fresh = row();
    const res = await importTasks([fresh, row({ ercTaskId: live.ercTaskId })]);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DUPLICATE_ERC_TASK');
    expect(res.body.error.details).toEqual([{ path: 'body.tasks.1.ercTaskId', message: 'Already received with different content' }]);
    expect(await existing([fresh.ercTaskId])).toEqual([]);
  });

  it('imported tasks are closed: not in the queue, no events, no dispatch requests, one audit row per import', async () => {
    const rows = [row({ outcome: { type: 'dispatch_unit', unitLevel: 'ALS', urgency: 'C', reason: 'clinical_need' } }), row(), row()];
    const res = await importTasks(rows);
    expect(res.status).toBe(200);
    const ids = (await t.db.selectFrom('task').select(['id', 'state', 'source', 'current_outcome_id']).where('erc_task_id', 'in', rows.map((r) => r.ercTaskId)).execute());
    expect(ids).toHaveLength(3);
    for (const task of ids) expect(task).toMatchObject({ state: 'closed', source: 'import' });
    for (const task of ids) expect(task.current_outcome_id).not.toBeNull();
    const queue = await nurse.get('/api/tasks');
    expect(queue.body.tasks.map((x: { ercTaskId: string }) => x.ercTaskId)).not.toContain(rows[0]!.ercTaskId);
    const taskIds = ids.map((i) => i.id);
    const events = await t.db.selectFrom('task_event').select('seq').where('task_id', 'in', taskIds).execute();
    expect(events).toEqual([]);
    const requests = await t.db.selectFrom('dispatch_request').select('id').where('task_id', 'in', taskIds).execute();
    expect(requests).toEqual([]);
    const audit = await t.admin.get('/api/audit?action=task.import');
    expect(audit.body.entries[0].details).toEqual({ received: 3, created: 3, skipped: 0, redirectsAssumedAccepted: 0 });
  });

  it('takes 5000 rows in one request and refuses 5001', async () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      row({ receivedAt: new Date(Date.parse('2024-01-01T00:00:00Z') + i * 37 * 60_000).toISOString(), firstCallAt: undefined, closedAt: '2024-12-31T00:00:00Z' }),
    );
    const res = await importTasks(many);
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.created).toBe(5000);
    const tooMany = await importTasks([...many, row()]);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.details[0].path).toBe('body.tasks');
  });

  it('only an admin may import', async () => {
    expect((await importTasks([row()], manager)).status).toBe(403);
  });
});

describe('re-contact under concurrency', () => {
  it.runIf(onPostgres())('intakes from one number arriving at the same moment still link to each other', async () => {
    const hours = [0, 1, 2, 3];
    for (let round = 0; round < 8; round++) {
      const phone = `+35840556${String(round).padStart(4, '0')}`;
      const base = Date.parse('2026-11-02T08:00:00Z') + round * 24 * 3_600_000;
      const tasks = await Promise.all(hours.map((h) => createTask(erc, { callbackPhone: phone, receivedAt: new Date(base + h * 3_600_000).toISOString() })));
      const rows = await t.db.selectFrom('task').select(['id', 'next_contact_at']).where('id', 'in', tasks.map((x) => x.id)).execute();
      const next = new Map(rows.map((r) => [r.id, r.next_contact_at?.getTime() ?? null]));
      expect(tasks.map((x) => next.get(x.id))).toEqual([...hours.slice(1).map((h) => base + h * 3_600_000), null]);
    }
  });
});
