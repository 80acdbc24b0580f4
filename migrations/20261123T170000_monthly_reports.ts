import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Monthly reports read two aggregate tables that triggers on `task` keep in step with every task
// change, in the same transaction as the change. Both hold one row set per dimension a report can
// group by ('all', 'area', 'municipality', 'task_code'; key '' or the id or code), so a report
// reads only the rows of the one dimension it shows:
//   task_month_stat  tasks per Helsinki month and key, by outcome (with redirect target, or unit
//                    level and reason) and re-contact class;
//   task_wait_stat   a histogram of whole minutes from intake to the first call per Helsinki month
//                    and key, so a median is read from a few hundred rows instead of a month of tasks.
// The grain is the month, not the day: reports are monthly, and with 2 million tasks a day grain
// made 787,000 rows and a 1.4 s municipality breakdown (README, Monthly reports) for no reader of days.
// Re-contact needs a per-task fact, "the earliest later task with the same callback number within
// 72 h": `task.next_contact_at`, kept by a trigger that matches on `callback_phone_hash` (an HMAC
// the application computes; the key never reaches the database unless it was generated here).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('task')
    .addColumn('callback_phone_hash', 'text')
    .addColumn('next_contact_at', 'timestamptz')
    .execute();
  await sql`create index task_phone_hash_idx on task (callback_phone_hash, received_at) where callback_phone_hash is not null`.execute(db);
  // Start-up fills the hash of rows that predate this migration (it needs the key): find them fast.
  await sql`create index task_phone_hash_missing_idx on task (received_at) where callback_phone_hash is null`.execute(db);

  // Secrets the application generates once when none is configured (the phone-hash key).
  await db.schema
    .createTable('app_secret')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // No foreign keys: areas and municipalities are deactivated, never deleted, and every upsert
  // here runs inside a task change, which should stay cheap.
  await db.schema
    .createTable('task_month_stat')
    .addColumn('dimension', 'text', (c) => c.notNull().check(sql`dimension in ('all', 'area', 'municipality', 'task_code')`))
    .addColumn('month', 'date', (c) => c.notNull().check(sql`extract(day from month) = 1`))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('open', 'dispatch_unit', 'phone_advice', 'redirect', 'cancelled')`))
    .addColumn('redirect_target', 'text', (c) => c.notNull())
    .addColumn('unit_level', 'text', (c) => c.notNull())
    .addColumn('dispatch_reason', 'text', (c) => c.notNull())
    // 0: no new task from the same number within 72 h; 24: one within (0, 24 h]; 72: within (24 h, 72 h].
    .addColumn('recontact', 'smallint', (c) => c.notNull().check(sql`recontact in (0, 24, 72)`))
    .addColumn('tasks', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_month_stat_pk', [
      'dimension', 'month', 'key', 'outcome', 'redirect_target', 'unit_level', 'dispatch_reason', 'recontact',
    ])
    .execute();

  await db.schema
    .createTable('task_wait_stat')
    .addColumn('dimension', 'text', (c) => c.notNull().check(sql`dimension in ('all', 'area', 'municipality', 'task_code')`))
    .addColumn('month', 'date', (c) => c.notNull().check(sql`extract(day from month) = 1`))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('tasks', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_wait_stat_pk', ['dimension', 'month', 'key', 'minutes'])
    .execute();

  await sql`
    create function task_recontact_class(received timestamptz, next_contact timestamptz) returns smallint
    language sql immutable as $$
      select (case
        when next_contact is null then 0
        when next_contact - received <= interval '24 hours' then 24
        when next_contact - received <= interval '72 hours' then 72
        else 0 end)::smallint
    $$`.execute(db);

  // Whole minutes, rounded down; a first call logged before intake (clock skew) counts as 0.
  await sql`
    create function task_wait_minutes(received timestamptz, first_call timestamptz) returns integer
    language sql immutable as $$
      select greatest(0, floor(extract(epoch from first_call - received) / 60))::integer
    $$`.execute(db);

  // The first day of the task's month in Helsinki: DST and month ends as people there see them.
  await sql`
    create function task_helsinki_month(received timestamptz) returns date
    language sql immutable as $$ select date_trunc('month', received at time zone 'Europe/Helsinki')::date $$`.execute(db);

  // The keys a task is counted under, one per dimension.
  await sql`
    create function task_stat_keys(t task) returns table (dimension text, key text)
    language sql stable as $$
      values ('all', ''), ('area', t.area_id::text), ('municipality', t.municipality_id::text), ('task_code', t.task_code)
    $$`.execute(db);

  // Adds `delta` (+1 or -1) for one version of a task row to both aggregates. The caller holds the
  // month lock (see task_stats_maintain).
  await sql`
    create function task_stats_add(t task, delta integer, counts boolean, waits boolean) returns void
    language plpgsql as $$
    declare
      d jsonb;
      v_month date := task_helsinki_month(t.received_at);
      v_minutes integer;
    begin
      if counts then
        if t.current_outcome_id is not null then
          select details into d from task_outcome where id = t.current_outcome_id;
        end if;
        insert into task_month_stat as s
          (dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, recontact, tasks)
        select k.dimension, v_month, k.key, coalesce(t.outcome_type, 'open'),
          case when t.outcome_type = 'redirect' then coalesce(d->>'target', '') else '' end,
          case when t.outcome_type = 'dispatch_unit' then coalesce(d->>'unitLevel', '') else '' end,
          case when t.outcome_type = 'dispatch_unit' then coalesce(d->>'reason', '') else '' end,
          task_recontact_class(t.received_at, t.next_contact_at),
          delta
        from task_stat_keys(t) k
        on conflict on constraint task_month_stat_pk do update set tasks = s.tasks + excluded.tasks;
      end if;
      if waits and t.first_call_at is not null then
        v_minutes := task_wait_minutes(t.received_at, t.first_call_at);
        insert into task_wait_stat as s (dimension, month, key, minutes, tasks)
        select k.dimension, v_month, k.key, v_minutes, delta from task_stat_keys(t) k
        on conflict on constraint task_wait_stat_pk do update set tasks = s.tasks + excluded.tasks;
      end if;
    end $$`.execute(db);

  // One transaction-scoped lock per Helsinki month of the task: two transactions that would move
  // the same aggregate rows in opposite orders (an amendment each way) queue instead of deadlocking.
  // Locks are taken later month first (a new task locks its own month before the earlier tasks it
  // marks as re-contacted), and a task's month never changes, so the order is always the same.
  await sql`
    create function task_stats_maintain() returns trigger
    language plpgsql as $$
    declare
      r task := coalesce(new, old);
      counts boolean := true;
      waits boolean := true;
    begin
      if current_setting('dtc.task_stats', true) = 'rebuild' then return null; end if;
      if tg_op = 'UPDATE' then
        counts := (old.outcome_type, old.current_outcome_id, old.next_contact_at, old.received_at, old.area_id, old.municipality_id, old.task_code)
          is distinct from (new.outcome_type, new.current_outcome_id, new.next_contact_at, new.received_at, new.area_id, new.municipality_id, new.task_code);
        waits := (old.first_call_at, old.received_at, old.area_id, old.municipality_id, old.task_code)
          is distinct from (new.first_call_at, new.received_at, new.area_id, new.municipality_id, new.task_code);
      end if;
      perform pg_advisory_xact_lock(7301, (task_helsinki_month(r.received_at) - date '2000-01-01')::integer);
      if tg_op in ('UPDATE', 'DELETE') then perform task_stats_add(old, -1, counts, waits); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform task_stats_add(new, 1, counts, waits); end if;
      return null;
    end $$`.execute(db);

  // Triggers of one event fire in name order: a new task's own month (a_) before the earlier
  // tasks it marks (b_), keeping the lock order above.
  await sql`create trigger task_a_stats_change after insert or delete on task
    for each row execute function task_stats_maintain()`.execute(db);
  // A WHEN clause, not "update of <columns>": it sees values a BEFORE trigger set (next_contact_at
  // when a hash is filled in), and the many updates that change none of these (heartbeats) skip it.
  await sql`create trigger task_a_stats_update after update on task for each row
    when ((old.outcome_type, old.current_outcome_id, old.next_contact_at, old.first_call_at, old.received_at, old.area_id, old.municipality_id, old.task_code)
      is distinct from (new.outcome_type, new.current_outcome_id, new.next_contact_at, new.first_call_at, new.received_at, new.area_id, new.municipality_id, new.task_code))
    execute function task_stats_maintain()`.execute(db);

  // Re-contact links, whatever order tasks arrive in (live intake, history import, the start-up
  // hash fill): a task learns the earliest later task with its number (before it is written), and
  // earlier tasks learn about it (after). The advisory lock on the hash makes two transactions
  // with the same number take turns, so each sees the other's committed row.
  await sql`
    create function task_recontact_own() returns trigger
    language plpgsql as $$
    begin
      if new.callback_phone_hash is null or (tg_op = 'UPDATE' and old.callback_phone_hash is not distinct from new.callback_phone_hash) then
        return new;
      end if;
      perform pg_advisory_xact_lock(7302, hashtext(new.callback_phone_hash));
      new.next_contact_at := (
        select min(received_at) from task
        where callback_phone_hash = new.callback_phone_hash
          and received_at > new.received_at and received_at <= new.received_at + interval '72 hours'
          and id <> new.id);
      return new;
    end $$`.execute(db);
  await sql`
    create function task_recontact_earlier() returns trigger
    language plpgsql as $$
    begin
      if new.callback_phone_hash is null or (tg_op = 'UPDATE' and old.callback_phone_hash is not distinct from new.callback_phone_hash) then
        return null;
      end if;
      update task set next_contact_at = new.received_at
      where callback_phone_hash = new.callback_phone_hash
        and received_at < new.received_at and received_at >= new.received_at - interval '72 hours'
        and (next_contact_at is null or next_contact_at > new.received_at);
      return null;
    end $$`.execute(db);
  await sql`create trigger task_recontact_own before insert or update of callback_phone_hash on task
    for each row execute function task_recontact_own()`.execute(db);
  await sql`create trigger task_b_recontact_earlier after insert or update of callback_phone_hash on task
    for each row execute function task_recontact_earlier()`.execute(db);

  // Recomputes the re-contact links and both aggregates from the tasks: for tasks that predate this
  // migration now, and for an operator's or the benchmark's rebuild later. Idempotent. Task changes
  // wait meanwhile (the table lock), and this transaction's own updates skip the triggers.
  await sql`
    create function task_stats_rebuild() returns void
    language plpgsql as $$
    begin
      lock table task in share row exclusive mode;
      perform set_config('dtc.task_stats', 'rebuild', true);
      update task t set next_contact_at = n.next_at
      from (
        select id, min(received_at) over (partition by callback_phone_hash order by received_at
          range between interval '1 microsecond' following and interval '72 hours' following) as next_at
        from task where callback_phone_hash is not null
      ) n
      where t.id = n.id and t.next_contact_at is distinct from n.next_at;
      delete from task_month_stat;
      delete from task_wait_stat;
      insert into task_month_stat (dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, recontact, tasks)
      select k.dimension, task_helsinki_month(t.received_at), k.key, coalesce(t.outcome_type, 'open'),
        case when t.outcome_type = 'redirect' then coalesce(o.details->>'target', '') else '' end,
        case when t.outcome_type = 'dispatch_unit' then coalesce(o.details->>'unitLevel', '') else '' end,
        case when t.outcome_type = 'dispatch_unit' then coalesce(o.details->>'reason', '') else '' end,
        task_recontact_class(t.received_at, t.next_contact_at), count(*)::integer
      from task t
      left join task_outcome o on o.id = t.current_outcome_id
      cross join lateral task_stat_keys(t) k
      group by 1, 2, 3, 4, 5, 6, 7, 8;
      insert into task_wait_stat (dimension, month, key, minutes, tasks)
      select k.dimension, task_helsinki_month(t.received_at), k.key,
        task_wait_minutes(t.received_at, t.first_call_at), count(*)::integer
      from task t cross join lateral task_stat_keys(t) k
      where t.first_call_at is not null
      group by 1, 2, 3, 4;
      perform set_config('dtc.task_stats', '', true);
    end $$`.execute(db);
  // Tasks that exist already (no hash yet) are counted now; their re-contact links follow when
  // start-up fills their hashes.
  await sql`select task_stats_rebuild()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger task_b_recontact_earlier on task`.execute(db);
  await sql`drop trigger task_recontact_own on task`.execute(db);
  await sql`drop trigger task_a_stats_update on task`.execute(db);
  await sql`drop trigger task_a_stats_change on task`.execute(db);
  await sql`drop function task_recontact_earlier(), task_recontact_own(), task_stats_maintain(),
    task_stats_rebuild(), task_stats_add(task, integer, boolean, boolean), task_stat_keys(task), task_helsinki_month(timestamptz),
    task_wait_minutes(timestamptz, timestamptz), task_recontact_class(timestamptz, timestamptz)`.execute(db);
  for (const table of ['task_wait_stat', 'task_month_stat', 'app_secret']) await db.schema.dropTable(table).execute();
  await db.schema.alterTable('task').dropColumn('next_contact_at').dropColumn('callback_phone_hash').execute();
}
