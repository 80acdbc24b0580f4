import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditBatch } from '../../server/audit/audit.repository.ts';
import { createDb, type DbHandle } from '../../server/db/create-db.ts';
import { prepared, preparedName, type Slots } from '../../server/db/prepared.ts';
import { appendEvents } from '../../server/events/events.repository.ts';
import { SYSTEM, NO_REQUEST } from '../../server/http/actor.ts';
import { factsChangedSince } from '../../server/stats/stats.repository.ts';
import { insertIntakeTask } from '../../server/tasks/tasks.repository.ts';
import { createTestDb, onPostgres } from '../helpers/test-db.ts';

const byCode = prepared((db, p: Slots<{ code: string; active: boolean }>) =>
  db.selectFrom('task_code').select(['code', 'active']).where('code', '=', p.code).where('active', '=', p.active).where('code', '<>', 'never a code'),
);

describe('statements compiled once (db/prepared.ts)', () => {
  let handle: DbHandle & { url: string | null };
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(() => handle.close());

  it('fills its slots anew at each run and keeps the values written into it', async () => {
    const code = (await handle.db.selectFrom('task_code').select('code').where('active', '=', true).executeTakeFirstOrThrow()).code;
    expect((await byCode.execute(handle.db, { code, active: true })).rows).toEqual([{ code, active: true }]);
    expect((await byCode.execute(handle.db, { code, active: false })).rows).toEqual([]);
    expect((await byCode.execute(handle.db, { code: 'no such code', active: true })).rows).toEqual([]);
    // The constant 'never a code' stays a bound value of its own beside the two slots.
    expect(byCode.sql).toMatch(/\$3/);
  });

  it('runs inside a transaction on the transaction\'s connection', async () => {
    const code = (await handle.db.selectFrom('task_code').select('code').executeTakeFirstOrThrow()).code;
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await sql`update task_code set active = false where code = ${code}`.execute(trx);
        expect((await byCode.execute(trx, { code, active: false })).rows).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await byCode.execute(handle.db, { code, active: false })).rows).toHaveLength(0);
  });
});

// On PostgreSQL the hot statements run as named prepared statements. A statement that PostgreSQL
// plans again at every run gains nothing from that: the events' statement did so while it took its
// rows as arrays (unnest() of a known array is sized at planning, so each custom plan looked cheaper).
describe.runIf(onPostgres())('named prepared statements on PostgreSQL', () => {
  let test: DbHandle & { url: string | null };
  let one: DbHandle;
  beforeAll(async () => {
    test = await createTestDb();
    // One connection: every run below goes through the same server session, whose statements it lists.
    one = await createDb({ kind: 'postgres', url: test.url!, poolSize: 1 });
  });
  afterAll(async () => {
    await one.close();
    await test.close();
  });

  it('keep a generic plan: intake and the events statement are planned a few times, not once per run', async () => {
    for (let i = 0; i < 20; i++) {
      await one.db.transaction().execute(async (trx) => {
        const task = await insertIntakeTask(trx, {
          ercTaskId: `prepared-${i}`, intakeHash: 'h', source: 'erc', urgency: 'D', taskCode: '745', taskLabel: null, receivedAt: new Date(),
          municipality: 'Oulu', address: null, callbackPhone: '+358401234567', callbackPhoneHash: `hash-${i % 3}`, patientAge: 80, patientSex: 'female', summary: 'Prepared',
        });
        expect(task?.erc_task_id).toBe(`prepared-${i}`);
        const events = [{ taskId: task!.id, type: 'task.received', version: task!.version, state: task!.state, audience: 'all' as const, actorName: 'system' }];
        const seqs = await appendEvents(trx, [...events, { ...events[0]!, type: 'task.test' }], auditBatch(SYSTEM, NO_REQUEST, [{ action: 'task.intake', targetType: 'task', targetId: task!.id }]));
        expect(seqs[1]).toBe(seqs[0]! + 1);
      });
    }
    const { rows } = await sql<{ name: string; generic_plans: string; custom_plans: string }>`
      select name, generic_plans, custom_plans from pg_prepared_statements where name like 'dtc_%'`.execute(one.db);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(Number(row.custom_plans), row.name).toBeLessThanOrEqual(5);
      expect(Number(row.generic_plans), row.name).toBeGreaterThanOrEqual(15);
    }
  });

  it('the live board\'s catch-up is planned for its own `since` each time (no generic plan that scans every task)', async () => {
    const { facts, lastSeq } = await factsChangedSince(one.db, 0);
    expect(facts.length).toBeGreaterThan(0);
    expect((await factsChangedSince(one.db, lastSeq)).facts).toEqual([]);
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(one.db);
    expect(rows.some((r) => r.statement.includes('"facts"'))).toBe(false);
    expect(rows.every((r) => preparedName(r.statement) !== undefined)).toBe(true);
  });
});

// On PostgreSQL the events' statement ends its transaction: its COMMIT goes out right behind it and
// BEGIN goes out with the first statement (create-db.ts, PipelinedClient). Still one transaction.
describe.runIf(onPostgres())('the pipelined BEGIN and COMMIT on PostgreSQL', () => {
  let handle: DbHandle & { url: string | null };
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(() => handle.close());

  const intake = (ercTaskId: string) => ({
    ercTaskId, intakeHash: 'h', source: 'erc', urgency: 'D', taskCode: '745', taskLabel: null, receivedAt: new Date(),
    municipality: 'Oulu', address: null, callbackPhone: '+358401234567', callbackPhoneHash: 'pipelined', patientAge: 80, patientSex: 'female', summary: 'Pipelined',
  });
  const seq = async () => Number((await handle.db.selectFrom('event_counter').select('seq').executeTakeFirstOrThrow()).seq);

  it('a failing events statement rolls back everything before it in the transaction, and the counter stays', async () => {
    const before = await seq();
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await insertIntakeTask(trx, intake('pipelined-fails'));
        // No such task: the event row's foreign key fails the statement, and the COMMIT behind it rolls back.
        await appendEvents(trx, [{ taskId: '00000000-0000-4000-8000-000000000000', type: 'task.received', version: 1, state: 'queued', audience: 'all', actorName: 'system' }],
          auditBatch(SYSTEM, NO_REQUEST, [{ action: 'task.intake' }]));
      }),
    ).rejects.toThrow(/foreign key/);
    expect(await handle.db.selectFrom('task').select('id').where('erc_task_id', '=', 'pipelined-fails').executeTakeFirst()).toBeUndefined();
    expect(await seq()).toBe(before);
    // The connection is fit for the next transaction.
    await handle.db.transaction().execute(async (trx) => {
      const task = await insertIntakeTask(trx, intake('pipelined-works'));
      await appendEvents(trx, [{ taskId: task!.id, type: 'task.received', version: 1, state: 'queued', audience: 'all', actorName: 'system' }], auditBatch(SYSTEM, NO_REQUEST, [{ action: 'task.intake' }]));
    });
    expect(await seq()).toBe(before + 1);
    expect(await handle.db.selectFrom('task').select('id').where('erc_task_id', '=', 'pipelined-works').executeTakeFirst()).toBeDefined();
  });

  it('a statement after the one that ends its transaction fails loudly, saying the transaction committed', async () => {
    await expect(
      handle.db.transaction().execute(async (trx) => {
        const task = await insertIntakeTask(trx, intake('pipelined-late'));
        await appendEvents(trx, [{ taskId: task!.id, type: 'task.received', version: 1, state: 'queued', audience: 'all', actorName: 'system' }], auditBatch(SYSTEM, NO_REQUEST, [{ action: 'task.intake' }]));
        await sql`select 1`.execute(trx);
      }),
    ).rejects.toThrow(/after the statement that ended its transaction, which committed/);
    // It did commit: the error must not let anyone think otherwise.
    expect(await handle.db.selectFrom('task').select('id').where('erc_task_id', '=', 'pipelined-late').executeTakeFirst()).toBeDefined();
  });

  it('a connection whose prepared statement went stale after a schema change is dropped, not reused', async () => {
    await sql`create table prepared_scratch (a int)`.execute(handle.db);
    await sql`insert into prepared_scratch values (1)`.execute(handle.db);
    const everything = prepared((db) => db.selectFrom('prepared_scratch' as never).selectAll());
    const one = await createDb({ kind: 'postgres', url: handle.url!, poolSize: 1 });
    try {
      expect((await everything.execute(one.db, {})).rows).toEqual([{ a: 1 }]);
      await sql`alter table prepared_scratch add column b int`.execute(handle.db);
      await expect(everything.execute(one.db, {})).rejects.toThrow(/cached plan must not change result type/);
      // The next use gets a new connection, where the statement is prepared afresh.
      expect((await everything.execute(one.db, {})).rows).toEqual([{ a: 1, b: null }]);
    } finally {
      await one.close();
    }
  });

  it('a transaction whose first statement fails is rolled back as before', async () => {
    await expect(handle.db.transaction().execute(async (trx) => sql`select 1 / 0`.execute(trx))).rejects.toThrow(/division by zero/);
    expect((await sql<{ n: number }>`select 1 as n`.execute(handle.db)).rows[0]!.n).toBe(1);
  });
});
