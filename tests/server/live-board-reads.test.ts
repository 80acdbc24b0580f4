import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStats } from '../../server/contracts/stats.ts';
import { createLogger } from '../../server/logger.ts';
import { createLiveStats, type LiveStatsService } from '../../server/stats/live-stats.service.ts';
import { createTask, ercClient, type ErcClient } from '../factories/tasks.ts';
import { onPostgres } from '../helpers/test-db.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * Counts the statements executed through the Kysely instance it is plugged into: one result per
 * statement (transformQuery would also see every subquery built from the same instance).
 */
class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count++;
    return args.result;
  }
}

// Issue 16: after a commit the live board takes at most one read. A live board of its own, over a
// counting view of the test server's database, is told of the commit as the publisher tells it;
// the intake itself goes through the real server. On PostgreSQL (the deployment's database).
describe.runIf(onPostgres())('the live board after a commit', () => {
  let t: TestServer;
  let erc: ErcClient;
  let board: LiveStatsService;
  const counter = new StatementCounter();
  const emitted: LiveStats[] = [];

  beforeAll(async () => {
    // Timers far apart, so that only the commit's catch-up runs while the test counts.
    t = await startTestServer({ STATS_POLL_MS: '60000', STATS_FULL_INTERVAL_MS: '3600000', STATS_MIN_INTERVAL_MS: '50' });
    erc = await ercClient(t);
    board = createLiveStats(t.db.withPlugin(counter), t.config, { online: async () => [], emit: (full) => emitted.push(full) }, createLogger('silent'));
    await board.start();
  });
  afterAll(async () => {
    board.stop();
    await t.close();
  });

  async function lastSeq(): Promise<number> {
    return Number((await t.db.selectFrom('event_counter').select('seq').executeTakeFirstOrThrow()).seq);
  }

  /** Tells the board of a commit, as the publisher does, and waits for the figures it emits for `seq`. */
  async function notifyAndWait(seq: number): Promise<LiveStats> {
    counter.count = 0;
    board.notify();
    for (let i = 0; i < 200 && emitted.at(-1)?.seq !== seq; i++) await new Promise((r) => setTimeout(r, 10));
    expect(emitted.at(-1)?.seq).toBe(seq);
    return emitted.at(-1)!;
  }

  it('one intake: the board reads once and its figures include the new task', async () => {
    await createTask(erc, { receivedAt: new Date().toISOString() });
    const stats = await notifyAndWait(await lastSeq());
    expect(counter.count).toBe(1);
    expect(stats).toMatchObject({ queued: 1, receivedToday: 1 });
  });

  it('several commits before the board catches up: still one read for all of them', async () => {
    for (let i = 0; i < 5; i++) await createTask(erc, { receivedAt: new Date().toISOString() });
    const stats = await notifyAndWait(await lastSeq());
    expect(counter.count).toBe(1);
    expect(stats).toMatchObject({ queued: 6, receivedToday: 6 });
  });
});
