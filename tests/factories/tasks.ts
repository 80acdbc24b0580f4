import request from 'supertest';
import type { Agent, TestServer } from '../helpers/test-server.ts';

let counter = 0;

export interface IntakeBody {
  ercTaskId: string;
  urgency: string;
  taskCode: string;
  receivedAt: string;
  municipality: string;
  address?: string;
  callbackPhone: string;
  patientAge?: number;
  patientSex?: string;
  summary: string;
  taskLabel?: string;
  [extra: string]: unknown;
}

/** A valid D-task intake, received a minute ago, with a unique ERC id; override any field. */
export function intakeBody(overrides: Partial<IntakeBody> = {}): IntakeBody {
  counter += 1;
  return {
    ercTaskId: `ERC-TEST-${process.pid}-${counter}`,
    urgency: 'D',
    taskCode: '745',
    receivedAt: new Date(Date.now() - 60_000).toISOString(),
    municipality: 'Kempele',
    address: 'Kirkkotie 1',
    callbackPhone: '+358401234567',
    patientAge: 84,
    patientSex: 'female',
    summary: 'Fell at home, cannot get up, no injuries reported',
    ...overrides,
  };
}

/** An integration key for the ERC side, and a client that sends it. */
export async function ercClient(t: TestServer) {
  const key = (await t.admin.post('/api/integration-keys').send({ name: `erc-${++counter}` })).body.key as string;
  return {
    key,
    post: (path: string, body?: object) => request(t.url).post(path).set('Authorization', `Bearer ${key}`).send(body),
    get: (path: string) => request(t.url).get(path).set('Authorization', `Bearer ${key}`),
  };
}
export type ErcClient = Awaited<ReturnType<typeof ercClient>>;

/** Creates a task through the intake API and returns its JSON. */
export async function createTask(erc: ErcClient, overrides: Partial<IntakeBody> = {}) {
  const res = await erc.post('/api/intake/tasks', intakeBody(overrides));
  if (res.status !== 201) throw new Error(`intake failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.task as { id: string; ercTaskId: string; version: number; state: string };
}

/**
 * Returns to the queue every task this user holds, so a test's next claim is not refused with
 * ALREADY_HOLDING_TASK (one held task per user).
 */
export async function freeHands(agent: Agent, userId: string): Promise<void> {
  const list = await agent.get('/api/tasks?state=in_assessment&limit=500');
  const held = (list.body.tasks as { id: string; version: number; claimedBy: { id: string } | null }[]).filter((task) => task.claimedBy?.id === userId);
  for (const task of held) {
    const res = await agent.post(`/api/tasks/${task.id}/release`).send({ version: task.version });
    if (res.status !== 200) throw new Error(`release failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export const PHONE_ADVICE = { type: 'phone_advice', advice: 'self_care', rationale: 'Stable, safety-netted' } as const;
export const UNIT_DISPATCH = { type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' } as const;

/** A task taken in by the ERC and closed by that nurse (claim, answered call, outcome). */
export async function closedTask(erc: ErcClient, nurse: request.Agent, overrides: Partial<IntakeBody> = {}, outcome: object = PHONE_ADVICE) {
  const task = await createTask(erc, overrides);
  const claimed = await nurse.post(`/api/tasks/${task.id}/claim`);
  if (claimed.status !== 200) throw new Error(`claim failed: ${claimed.status} ${JSON.stringify(claimed.body)}`);
  const called = await nurse.post(`/api/tasks/${task.id}/call-attempts`).send({ result: 'answered' });
  const closed = await nurse.post(`/api/tasks/${task.id}/outcome`).send({ ...outcome, version: called.body.task.version });
  if (closed.status !== 200) throw new Error(`outcome failed: ${closed.status} ${JSON.stringify(closed.body)}`);
  return closed.body.task as { id: string; ercTaskId: string; version: number; state: string };
}
