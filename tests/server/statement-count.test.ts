import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ercClient, intakeBody, PHONE_ADVICE, type ErcClient } from '../factories/tasks.ts';
import { fromAdapter, fromLiveBoard, watchStatements, type SeenStatement, type StatementWatch } from '../helpers/statement-counter.ts';
import { startTestServer, type Agent, type TestServer } from '../helpers/test-server.ts';
import { onPostgres } from '../helpers/test-db.ts';

// Round trips from request to answer, counted at the pg client (issue 16). The Socket.IO adapter's
// NOTIFY and the live board's reads after the commit are counted apart. PostgreSQL only: PGlite
// runs in-process and has no pg client to count at.
describe.runIf(onPostgres())('statements per command (PostgreSQL)', () => {
  let t: TestServer;
  let erc: ErcClient;
  let nurse: Agent;
  let watch: StatementWatch;

  beforeAll(async () => {
    t = await startTestServer();
    erc = await ercClient(t);
    ({ agent: nurse } = await t.userWithRole('nurse'));
    // Warm: the key's first use stamps last_used_at, and the phone-hash key is read once per node.
    expect((await erc.post('/api/intake/tasks', intakeBody())).status).toBe(201);
    watch = watchStatements();
  });
  afterAll(async () => {
    watch.stop();
    await t.close();
  });

  /** The command's own statements: neither the adapter's publish nor the live board's reads. */
  async function commandStatements(send: () => Promise<{ status: number; body: { task: { id: string; version: number } } }>, status: number) {
    const { result, statements } = await watch.during(send);
    expect(result.status).toBe(status);
    const own = statements.filter((s) => !fromAdapter(s) && !fromLiveBoard(s));
    return { task: result.body.task, own, all: statements };
  }
  const show = (label: string, own: SeenStatement[]) => process.stdout.write(`${label}: ${own.length} statements\n${own.map((s) => `  ${s.origin}: ${s.sql.slice(0, 100)}`).join('\n')}\n`);

  it('an intake takes at most 7 statements from request to answer, BEGIN and COMMIT included', async () => {
    const { own, all } = await commandStatements(() => erc.post('/api/intake/tasks', intakeBody()), 201);
    show('intake', own);
    expect(own.length).toBeLessThanOrEqual(7);
    expect(own[0]?.sql).toMatch(/^begin$/i);
    expect(own.at(-1)?.sql).toMatch(/^commit$/i);
    // The key comes from the node's key cache; municipality, task code and an earlier delivery are
    // settled by the insert itself; the answer comes from its RETURNING.
    expect(own.filter((s) => /integration_key|from "municipality"|from "task_code"/.test(s.sql) && !/^with "task" as \(insert/.test(s.sql))).toEqual([]);
    // The counter sees the adapter's publish: what is left out exists and is recognised.
    expect(all.some(fromAdapter)).toBe(true);
  });

  it('a resend of the same intake writes nothing and answers within 4 statements', async () => {
    const body = intakeBody();
    expect((await erc.post('/api/intake/tasks', body)).status).toBe(201);
    const { own } = await commandStatements(() => erc.post('/api/intake/tasks', body), 200);
    show('intake resend', own);
    expect(own.length).toBeLessThanOrEqual(4);
    expect(own.filter((s) => /^(insert|update|delete)\b/i.test(s.sql) && !/^insert into "task"|^with "task" as \(insert/i.test(s.sql))).toEqual([]);
  });

  it('claim, call attempt and outcome each answer from their own transaction', async () => {
    const created = await erc.post('/api/intake/tasks', intakeBody());
    const id = created.body.task.id as string;
    const claim = await commandStatements(() => nurse.post(`/api/tasks/${id}/claim`), 200);
    show('claim', claim.own);
    const call = await commandStatements(() => nurse.post(`/api/tasks/${id}/call-attempts`).send({ result: 'answered' }), 201);
    show('call attempt', call.own);
    const outcome = await commandStatements(() => nurse.post(`/api/tasks/${id}/outcome`).send({ ...PHONE_ADVICE, version: call.task.version }), 200);
    show('outcome', outcome.own);
    // session, BEGIN, claimant lock, session + held task, claim returning the summary, audit + events, COMMIT
    expect(claim.own.length).toBeLessThanOrEqual(7);
    // session, BEGIN, task lock, call row, task update returning the summary, audit + events, COMMIT
    expect(call.own.length).toBeLessThanOrEqual(7);
    // session, BEGIN, task lock, outcome row, task update returning the summary, audit + events, COMMIT
    // (a task assessed under a protocol adds its decision-support reads)
    expect(outcome.own.length).toBeLessThanOrEqual(7);
    for (const { own } of [claim, call, outcome]) {
      // No read of the task after the commit: the answer comes from the transaction.
      const commit = own.findIndex((s) => /^commit$/i.test(s.sql));
      expect(own.slice(commit + 1)).toEqual([]);
    }
  });
});
