import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, ercClient, type ErcClient } from '../factories/tasks.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
let erc: ErcClient;
let nurse: { agent: Agent; id: string };

beforeAll(async () => {
  t = await startTestServer({ RECEIVED_MAX_AGE_HOURS: '2000' });
  erc = await ercClient(t);
  nurse = await t.userWithRole('nurse', 'contactnurse');
});
afterAll(() => t.close());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

/** Claims, reaches and closes a task with phone advice. */
async function closeWithAdvice(taskId: string) {
  let version = (await nurse.agent.post(`/api/tasks/${taskId}/claim`)).body.task.version as number;
  version = (await nurse.agent.post(`/api/tasks/${taskId}/call-attempts`).send({ result: 'answered' })).body.task.version as number;
  const res = await nurse.agent.post(`/api/tasks/${taskId}/outcome`).send({ version, type: 'phone_advice', advice: 'call_back_if_worse', rationale: 'Rest, call 112 if worse' });
  expect(res.status).toBe(200);
}

async function contactsOf(taskId: string) {
  const res = await nurse.agent.get(`/api/tasks/${taskId}/contacts`);
  expect(res.status).toBe(200);
  return res.body as {
    contacts: { taskId: string; outcomeType: string | null; advice: string | null; receivedAt: string }[];
    contactsInBadgeWindow: number;
    badgeWindowDays: number;
    openDuplicates: { taskId: string; samePhone: boolean; sameAddress: boolean }[];
  };
}

describe('earlier contacts at the desk', () => {
  it('matches the same number written in another format, newest first, with the outcome and advice', async () => {
    const first = await createTask(erc, { callbackPhone: '0401230001', receivedAt: daysAgo(12), address: 'Rantatie 1' });
    await closeWithAdvice(first.id);
    const second = await createTask(erc, { callbackPhone: '+358 40 123 0001', receivedAt: daysAgo(3), address: 'Rantatie 1' });
    const now = await createTask(erc, { callbackPhone: '040-1230001', receivedAt: daysAgo(0.01), address: 'Rantatie 1' });
    const body = await contactsOf(now.id);
    expect(body.contacts.map((c) => c.taskId)).toEqual([second.id, first.id]);
    expect(body.contacts[1]).toMatchObject({ outcomeType: 'phone_advice', advice: 'call_back_if_worse' });
    expect(body.contacts[0]).toMatchObject({ outcomeType: null, advice: null });
  });

  it('counts the contacts of the last 7 days for the badge and looks back 30 days only', async () => {
    const phone = '0401230002';
    const old = await createTask(erc, { callbackPhone: phone, receivedAt: daysAgo(40) });
    const tenDays = await createTask(erc, { callbackPhone: phone, receivedAt: daysAgo(10) });
    const a = await createTask(erc, { callbackPhone: phone, receivedAt: daysAgo(5) });
    const b = await createTask(erc, { callbackPhone: phone, receivedAt: daysAgo(1) });
    const c = await createTask(erc, { callbackPhone: phone, receivedAt: daysAgo(0.01) });
    const body = await contactsOf(c.id);
    expect(body.contacts.map((x) => x.taskId)).toEqual([b.id, a.id, tenDays.id]);
    expect(body.contacts.map((x) => x.taskId)).not.toContain(old.id);
    expect(body.contactsInBadgeWindow).toBe(3);
    expect(body.badgeWindowDays).toBe(7);
    // From an earlier task's point of view, later tasks are not "earlier contacts".
    const fromA = await contactsOf(a.id);
    expect(fromA.contacts.map((x) => x.taskId)).toEqual([tenDays.id]);
    expect(fromA.contactsInBadgeWindow).toBe(2);
  });

  it('warns of another open task from the same number or the same address, and not of closed ones or other municipalities', async () => {
    const closed = await createTask(erc, { callbackPhone: '0401230003', address: 'Kauppakatu 5' });
    await closeWithAdvice(closed.id);
    const samePhone = await createTask(erc, { callbackPhone: '0401230003', address: 'Elsewhere 9' });
    const sameAddress = await createTask(erc, { callbackPhone: '0401239999', address: '  kauppakatu   5 ' });
    await createTask(erc, { callbackPhone: '0401238888', address: 'Kauppakatu 5', municipality: 'Oulu' });
    const task = await createTask(erc, { callbackPhone: '0401230003', address: 'Kauppakatu 5' });
    const body = await contactsOf(task.id);
    expect(body.openDuplicates).toEqual([
      expect.objectContaining({ taskId: samePhone.id, samePhone: true, sameAddress: false }),
      expect.objectContaining({ taskId: sameAddress.id, samePhone: false, sameAddress: true }),
    ]);
    // The other patient at the same address is a warning, never a contact of this patient.
    expect(body.contacts.map((c) => c.taskId)).not.toContain(sameAddress.id);
  });

  it("never answers with another patient's number or address, nor this one's", async () => {
    const numbers = ['0401230004', '0409870004', '0501110004'];
    for (const phone of numbers) await createTask(erc, { callbackPhone: phone, address: 'Salainen polku 7' });
    const task = await createTask(erc, { callbackPhone: numbers[0], address: 'Salainen polku 7' });
    const res = await nurse.agent.get(`/api/tasks/${task.id}/contacts`);
    expect(res.status).toBe(200);
    expect(res.body.openDuplicates.length).toBe(3);
    for (const phone of numbers) {
      const digits = phone.slice(1);
      expect(res.text).not.toContain(digits);
      expect(res.text).not.toContain(`+358${digits}`);
    }
    expect(res.text.toLowerCase()).not.toContain('salainen');
    expect(res.text).not.toMatch(/callbackPhone|phone_hash|"address"/i);
  });

  it('audits every read, and refuses unknown tasks and roles without patient work', async () => {
    const task = await createTask(erc, { callbackPhone: '0401230005' });
    const count = async () =>
      (await t.db.selectFrom('audit_log').select(({ fn }) => fn.countAll<string>().as('n')).where('action', '=', 'task.contacts_read').where('target_id', '=', task.id).executeTakeFirstOrThrow()).n;
    expect(Number(await count())).toBe(0);
    await contactsOf(task.id);
    await contactsOf(task.id);
    expect(Number(await count())).toBe(2);
    const row = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'task.contacts_read').where('target_id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor_id: nurse.id, actor_role: 'nurse' });
    expect((await nurse.agent.get('/api/tasks/00000000-0000-4000-8000-000000000000/contacts')).status).toBe(404);
    const manager = await t.userWithRole('manager');
    expect((await manager.agent.get(`/api/tasks/${task.id}/contacts`)).status).toBe(403);
    expect(Number(await count())).toBe(2);
  });
});
