import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, runSimulation } from '../../server/simulator/simulate.ts';
import { nextGap, ratePerSecond, seededRandom } from '../../server/simulator/arrivals.ts';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('simulator', () => {
  it('arrivals follow the daily volume and profile', () => {
    const random = seededRandom(7);
    // Mean gap over many draws at a flat rate is 1/rate.
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += nextGap(0.5, random);
    expect(sum / 20_000).toBeCloseTo(2, 1);
    const day = Array.from({ length: 24 }, (_, h) => ratePerSecond(3000, h) * 3600).reduce((a, b) => a + b, 0);
    expect(day).toBeCloseTo(3000, 6);
    expect(ratePerSecond(3000, 10)).toBeGreaterThan(ratePerSecond(3000, 3));
  });

  it('drives a running console: the ERC sends tasks and simulated nurses close them', async () => {
    const result = await runSimulation({
      ...DEFAULTS,
      url: t.url,
      adminPassword: ADMIN_PASSWORD,
      tasksPerDay: 1500,
      speed: 3600,
      hours: 1,
      startHour: 10,
      nurses: 3,
      handlingMinutes: 1,
      log: () => undefined,
    });
    expect(result.errors).toBe(0);
    expect(result.created).toBeGreaterThan(20);
    const closed = Object.values(result.closed).reduce((a, b) => a + b, 0);
    expect(closed).toBeGreaterThan(0);
    const rows = await t.db
      .selectFrom('task')
      .select(['state', sql<number>`count(*)::int`.as('n')])
      .where('erc_task_id', 'like', 'SIM-%')
      .groupBy('state')
      .execute();
    expect(rows.reduce((a, r) => a + r.n, 0)).toBe(result.created);
    expect(rows.find((r) => r.state === 'closed')?.n).toBe(closed);
  });
});
