import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFloorApp, createFloorTables, FLOOR_SCHEMA, type FloorEvent } from '../../server/tools/bench/floor.ts';
import { intakeBody } from '../../server/tools/bench/jobs.ts';
import { formatTable, percentile, ratioGoal } from '../../server/tools/bench/table.ts';
import { createTestDb } from '../helpers/test-db.ts';

// `npm run bench` itself is not part of the tests (it prints figures; nothing here is timed). This
// checks that its floor does the transactions it claims to, and that its table says met / NOT MET right.

describe('the benchmark floor', () => {
  let handle: Awaited<ReturnType<typeof createTestDb>>;
  let app: Awaited<ReturnType<typeof createFloorApp>>;
  const events: FloorEvent[] = [];
  const nurseId = '00000000-0000-4000-8000-00000000a001';

  beforeAll(async () => {
    handle = await createTestDb();
    await createFloorTables(handle.db);
    app = await createFloorApp(handle.db, (e) => events.push(e));
  });
  afterAll(async () => {
    await handle.close();
  });

  const count = async (table: 'task_event' | 'audit_log') =>
    Number((await handle.db.withSchema(FLOOR_SCHEMA).selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n);

  it('intake, claim, answered call and outcome: each one transaction with an audit row, the counter and an event', async () => {
    const consoleSeq = (await handle.db.selectFrom('event_counter').select('seq').executeTakeFirstOrThrow()).seq;
    const intake = await request(app).post('/floor/intake').send(intakeBody('FLOOR-1'));
    expect(intake.status).toBe(201);
    const id = intake.body.task.id as string;
    expect((await request(app).post(`/floor/tasks/${id}/claim`).send({ nurseId })).status).toBe(200);
    const call = await request(app).post(`/floor/tasks/${id}/call-attempts`).send({ nurseId, result: 'answered' });
    expect(call.status).toBe(201);
    const outcome = await request(app).post(`/floor/tasks/${id}/outcome`).send({ nurseId, version: call.body.task.version, type: 'phone_advice', advice: 'self_care', rationale: 'Benchmark' });
    expect(outcome.status).toBe(200);

    expect(events.map((e) => [e.seq, e.type, e.state])).toEqual([
      [1, 'task.received', 'queued'], [2, 'task.claimed', 'in_assessment'], [3, 'task.call_attempted', 'in_assessment'], [4, 'task.closed', 'closed'],
    ]);
    const task = await handle.db.withSchema(FLOOR_SCHEMA).selectFrom('task').select(['state', 'outcome_type', 'answered_at', 'claimed_by']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ state: 'closed', outcome_type: 'phone_advice', claimed_by: null });
    expect(task.answered_at).not.toBeNull();
    expect(await count('task_event')).toBe(4);
    expect(await count('audit_log')).toBe(4);
    // The console's own tables are not the floor's.
    expect((await handle.db.selectFrom('event_counter').select('seq').executeTakeFirstOrThrow()).seq).toBe(consoleSeq);
  });

  it('a command on a task in the wrong state answers 409 and leaves nothing behind; bad input answers 400', async () => {
    const id = (await request(app).post('/floor/intake').send(intakeBody('FLOOR-2'))).body.task.id as string;
    const before = { events: await count('task_event'), audit: await count('audit_log') };
    const outcome = await request(app).post(`/floor/tasks/${id}/outcome`).send({ nurseId, version: 1, type: 'phone_advice', advice: 'self_care', rationale: 'Not held' });
    expect(outcome.status).toBe(409);
    expect(await handle.db.withSchema(FLOOR_SCHEMA).selectFrom('task_outcome').select('id').where('task_id', '=', id).execute()).toEqual([]);
    expect((await request(app).post(`/floor/tasks/${id}/claim`).send({ nurseId: 'nobody' })).status).toBe(400);
    expect({ events: await count('task_event'), audit: await count('audit_log') }).toEqual(before);
  });
});

describe('the benchmark table', () => {
  it('shows floor, console, their ratio and whether each goal is met', () => {
    const table = formatTable([
      { figure: 'intake', unit: 'req/s', floor: 100, console: 80, goal: ratioGoal(100, 80, { min: 0.8 }) },
      { figure: 'intake p50', unit: 'ms', floor: 10, console: 16, goal: ratioGoal(10, 16, { max: 1.5 }) },
      { figure: 'live board', unit: 'ms', console: 0.0123, goal: { text: '< 0.1 ms', met: true } },
      { figure: 'event p50', unit: 'ms', floor: 12.5, console: 25 },
    ]).split('\n');
    expect(table[0]).toBe('| figure | floor | console | ratio | goal | met |');
    expect(table.slice(2)).toEqual([
      '| intake | 100 req/s | 80 req/s | 0.80x | >= 0.8x floor | met |',
      '| intake p50 | 10.0 ms | 16.0 ms | 1.60x | <= 1.5x floor | NOT MET |',
      '| live board | - | 0.012 ms | - | < 0.1 ms | met |',
      '| event p50 | 12.5 ms | 25.0 ms | 2.00x | - | - |',
    ]);
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 0.99)).toBe(5);
  });
});
