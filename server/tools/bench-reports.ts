// Benchmark of the monthly report on years of data: `npm run bench:reports [-- --tasks N --runs N postgres://...]`.
// Not part of CI. Creates its own database on PostgreSQL (default admin URL postgres://postgres@127.0.0.1:5432/postgres),
// loads TASKS closed tasks over 25 Helsinki months with generate_series, rebuilds the aggregates,
// times the 24-month report several ways, times live task changes with the triggers on, and drops
// the database again.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../config.ts';
import type { MonthlyReportQuery } from '../contracts/reports.ts';
import { createDb } from '../db/create-db.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { rebuildReportAggregates } from '../reports/reports.repository.ts';
import { createReportsService } from '../reports/reports.service.ts';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { tasks: { type: 'string' }, runs: { type: 'string' } } });
const TASKS = Number(args.tasks ?? 2_000_000);
const RUNS = Number(args.runs ?? 7);
const adminUrl = positionals.find((a) => a.startsWith('postgres')) ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `dtc_bench_${process.pid}`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const handle = await createDb({ kind: 'postgres', url: url.toString(), poolSize: 4 });
const { db } = handle;
try {
  await migrateToLatest(db);
  const { rows: server } = await sql<{ version: string }>`select version()`.execute(db);
  say(`PostgreSQL: ${server[0]?.version ?? '?'}`);
  say(`Loading ${TASKS.toLocaleString('en')} tasks over 2024-10 .. 2026-10 ...`);

  // Loading history in bulk skips the row triggers; the rebuild below then computes what they would have.
  const [, loadMs] = await timed(async () => {
    await sql`alter table task disable trigger user`.execute(db);
    // Outcome mix as in the seed's figures: about 45 % unit dispatches, 30 % phone advice, 18 %
    // redirects, 7 % cancelled; 300,000 callback numbers so that some people call again; Oulu and
    // codes 774 and 745 weighted highest (FACTS.md).
    await sql`
      with muni as (
        select array_agg(m.id order by m.name) as ids, array_agg(m.area_id order by m.name) as areas, count(*)::int as n
        from municipality m cross join generate_series(1, case when m.name = 'Oulu' then 8 when m.name in ('Kempele', 'Raahe', 'Kuusamo') then 3 else 1 end)
      ),
      codes as (select array['774','774','774','745','745','745','781','782','783','785','744','775'] as c)
      insert into task (id, erc_task_id, intake_hash, source, urgency, task_code, task_code_known, received_at,
        municipality_id, area_id, callback_phone, callback_phone_hash, summary, state, outcome_type, current_outcome_id,
        first_call_at, closed_at)
      select gen_random_uuid(), 'BENCH-' || g, 'bench', 'import', 'D', codes.c[1 + floor(r.code * 12)::int], true, r.received,
        muni.ids[1 + floor(r.place * muni.n)::int], muni.areas[1 + floor(r.place * muni.n)::int],
        '+358400000000', md5('phone' || floor(r.phone * 300000)::text), 'bench', 'closed',
        case when r.outcome < 0.45 then 'dispatch_unit' when r.outcome < 0.75 then 'phone_advice' when r.outcome < 0.93 then 'redirect' else 'cancelled' end,
        gen_random_uuid(),
        case when r.outcome < 0.96 then r.received + make_interval(secs => floor(r.wait * r.wait * 150 * 60)) end,
        r.received + make_interval(secs => floor(r.wait * r.wait * 150 * 60) + 900)
      from generate_series(1, ${TASKS}::int) g
      cross join muni cross join codes
      cross join lateral (
        select timestamptz '2024-10-01 00:00+03' + (g::float8 / ${TASKS}::int) * (timestamptz '2026-10-31 00:00+02' - timestamptz '2024-10-01 00:00+03') as received,
          random() + 0 * g as code, random() + 0 * g as place, random() + 0 * g as phone, random() + 0 * g as outcome, random() + 0 * g as wait
      ) r`.execute(db);
    await sql`
      insert into task_outcome (id, task_id, type, details, recorded_by_name, recorded_at)
      select t.current_outcome_id, t.id, t.outcome_type,
        case t.outcome_type
          when 'dispatch_unit' then jsonb_build_object('type', 'dispatch_unit', 'urgency', 'D',
            'unitLevel', (array['ALS', 'BLS', 'BLS', 'first_response'])[1 + floor(random() * 4)::int],
            'reason', (array['unreachable', 'clinical_need', 'clinical_need', 'red_flag', 'no_suitable_alternative', 'patient_request'])[1 + floor(random() * 6)::int])
          when 'redirect' then jsonb_build_object('type', 'redirect', 'handoffTo', 'bench', 'rationale', 'bench',
            'target', (array['home_care', 'home_hospital', 'social_emergency', 'social_services', 'mental_health_substance', 'health_centre'])[1 + floor(random() * 6)::int])
          when 'phone_advice' then jsonb_build_object('type', 'phone_advice', 'advice', 'self_care', 'rationale', 'bench')
          else jsonb_build_object('type', 'cancelled', 'reason', 'bench')
        end,
        'bench', t.closed_at
      from task t`.execute(db);
    await sql`alter table task enable trigger user`.execute(db);
    await sql`analyze task`.execute(db);
  });
  say(`load: ${seconds(loadMs)}`);

  const [, rebuildMs] = await timed(() => rebuildReportAggregates(db));
  await sql`analyze task_month_stat`.execute(db);
  await sql`analyze task_wait_stat`.execute(db);
  const { rows: sizes } = await sql<{ counts: number; waits: number; linked: number }>`
    select (select count(*) from task_month_stat)::int as counts, (select count(*) from task_wait_stat)::int as waits,
      (select count(*) from task where next_contact_at is not null)::int as linked`.execute(db);
  say(`aggregate rebuild (re-contact links + both aggregates): ${seconds(rebuildMs)}; rows: ${JSON.stringify(sizes[0])}`);

  const reports = createReportsService(db, loadConfig({}).reports);
  const cases: [string, MonthlyReportQuery][] = [
    ['24 months', { from: '2024-11', to: '2026-10' }],
    ['24 months, groupBy=area', { from: '2024-11', to: '2026-10', groupBy: 'area' }],
    ['24 months, groupBy=municipality', { from: '2024-11', to: '2026-10', groupBy: 'municipality' }],
    ['24 months, groupBy=task_code', { from: '2024-11', to: '2026-10', groupBy: 'task_code' }],
    ['12 months, groupBy=area, compare=previous_year', { from: '2025-11', to: '2026-10', groupBy: 'area', compare: 'previous_year' }],
  ];
  for (const [name, query] of cases) {
    const times: number[] = [];
    let received = 0;
    for (let i = 0; i < RUNS; i++) {
      const [report, ms] = await timed(() => reports.monthly(query));
      times.push(ms);
      received = report.months.reduce((sum, m) => sum + (typeof m.received === 'number' ? m.received : 0), 0);
    }
    times.sort((a, b) => a - b);
    say(`${name}: p50 ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (${RUNS} runs, ${received.toLocaleString('en')} tasks counted)`);
  }

  // What the triggers cost a live change on this much data: intake (with re-contact lookup) and close.
  const LIVE = 500;
  const [, liveMs] = await timed(async () => {
    for (let i = 0; i < LIVE; i++) {
      await db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ id: string }>`
          insert into task (erc_task_id, intake_hash, source, urgency, task_code, task_code_known, received_at, municipality_id, area_id,
            callback_phone, callback_phone_hash, summary, state)
          select 'LIVE-' || ${i}::int, 'bench', 'erc', 'D', '774', true, timestamptz '2026-10-30 12:00+02' + ${i}::int * interval '1 minute',
            m.id, m.area_id, '+358400000000', md5('phone' || ${i * 997}::int), 'bench', 'queued'
          from municipality m where m.name = 'Oulu'
          returning id`.execute(trx);
        const id = rows[0]!.id;
        const { rows: outcome } = await sql<{ id: string }>`insert into task_outcome (task_id, type, details, recorded_by_name)
          values (${id}, 'phone_advice', ${JSON.stringify({ type: 'phone_advice', advice: 'self_care', rationale: 'x' })}::jsonb, 'bench') returning id`.execute(trx);
        await sql`update task set state = 'closed', outcome_type = 'phone_advice', current_outcome_id = ${outcome[0]!.id}::uuid,
          first_call_at = now(), closed_at = now() where id = ${id}::uuid`.execute(trx);
      });
    }
  });
  say(`live intake + close with triggers (${LIVE} tasks, one transaction each): ${(liveMs / LIVE).toFixed(2)} ms per task`);
} finally {
  await handle.close();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
