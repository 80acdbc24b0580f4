import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Contention-free monthly aggregates (issue 16). The triggers on `task` used to upsert shared
// counter rows under a per-month advisory lock, so every intake, first call and outcome of a month
// waited for the one before it to commit (WAL flush included): no group commit, no parallelism.
// Now they only append signed delta rows to insert-only tables with the aggregate's key columns and
// no unique key (task_month_stat_delta, task_wait_stat_delta, task_accept_stat_delta): concurrent
// writers touch no shared row, so there is no lock order to keep and the month lock is gone.
//   - Readers read aggregate + deltas in one statement (union all, group by, sum), so a report is
//     exact at every moment: a committed change is in exactly one of the two.
//   - task_stats_fold() moves the committed deltas into the aggregates in one transaction (delete
//     ... returning, summed, upserted); the scheduler runs it every tick on one node, so the delta
//     tables stay small. Deltas of transactions still open are not visible to it and are folded the
//     next time. Aggregate rows whose count falls to 0 stay, as before (readers skip them).
//   - task_stats_rebuild() leaves the aggregates exact and the delta tables empty.
// Fold and rebuild are the only writers of the aggregate tables and take turns on one advisory lock
// (7303), so a rebuild never deletes an aggregate while a fold adds to it.
// The per-number re-contact lock (7302) stays: it orders the re-contact links, not the aggregates
// (each row change appends the difference between its own old and new row).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table task_month_stat_delta (like task_month_stat including defaults including constraints)`.execute(db);
  await sql`create table task_wait_stat_delta (like task_wait_stat including defaults including constraints)`.execute(db);
  await sql`create table task_accept_stat_delta (like task_accept_stat including defaults including constraints)`.execute(db);

  await sql`
    create or replace function task_stats_add(t task, delta integer, counts boolean, waits boolean) returns void
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
        insert into task_month_stat_delta
          (dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact, tasks)
        select k.dimension, v_month, k.key, coalesce(t.outcome_type, 'open'),
          case when t.outcome_type = 'redirect' then coalesce(d->>'target', '') else '' end,
          case when t.outcome_type = 'dispatch_unit' then coalesce(d->>'unitLevel', '') else '' end,
          case when t.outcome_type = 'dispatch_unit' then coalesce(d->>'reason', '') else '' end,
          task_referral_class(t.outcome_type, t.referral_state),
          task_recontact_class(t.received_at, t.next_contact_at),
          delta
        from task_stat_keys(t) k;
        if task_referral_class(t.outcome_type, t.referral_state) = 'accepted' and t.referral_accept_minutes is not null then
          insert into task_accept_stat_delta (dimension, month, key, target, minutes, tasks)
          select k.dimension, v_month, k.key, coalesce(d->>'target', ''), t.referral_accept_minutes, delta from task_stat_keys(t) k;
        end if;
      end if;
      if waits and t.first_call_at is not null then
        v_minutes := task_wait_minutes(t.received_at, t.first_call_at);
        insert into task_wait_stat_delta (dimension, month, key, minutes, tasks)
        select k.dimension, v_month, k.key, v_minutes, delta from task_stat_keys(t) k;
      end if;
    end $$`.execute(db);

  await sql`
    create or replace function task_stats_maintain() returns trigger
    language plpgsql as $$
    declare
      counts boolean := true;
      waits boolean := true;
    begin
      if current_setting('dtc.task_stats', true) = 'rebuild' then return null; end if;
      if tg_op = 'UPDATE' then
        counts := (old.outcome_type, old.current_outcome_id, old.referral_state, old.referral_accept_minutes, old.next_contact_at, old.received_at, old.area_id, old.municipality_id, old.task_code)
          is distinct from (new.outcome_type, new.current_outcome_id, new.referral_state, new.referral_accept_minutes, new.next_contact_at, new.received_at, new.area_id, new.municipality_id, new.task_code);
        waits := (old.first_call_at, old.received_at, old.area_id, old.municipality_id, old.task_code)
          is distinct from (new.first_call_at, new.received_at, new.area_id, new.municipality_id, new.task_code);
      end if;
      if tg_op in ('UPDATE', 'DELETE') then perform task_stats_add(old, -1, counts, waits); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform task_stats_add(new, 1, counts, waits); end if;
      return null;
    end $$`.execute(db);

  // Returns the number of delta rows folded.
  await sql`
    create function task_stats_fold() returns integer
    language plpgsql as $$
    declare
      folded integer := 0;
      v_rows integer;
    begin
      perform pg_advisory_xact_lock(7303, 0);
      with d as (delete from task_month_stat_delta returning *),
      s as (
        select dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact,
          sum(tasks)::integer as tasks, count(*)::integer as n
        from d group by 1, 2, 3, 4, 5, 6, 7, 8, 9
      ),
      u as (
        insert into task_month_stat as a (dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact, tasks)
        select dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact, tasks from s where tasks <> 0
        on conflict on constraint task_month_stat_pk do update set tasks = a.tasks + excluded.tasks
      )
      select coalesce(sum(s.n), 0) into v_rows from s;
      folded := folded + v_rows;
      with d as (delete from task_wait_stat_delta returning *),
      s as (select dimension, month, key, minutes, sum(tasks)::integer as tasks, count(*)::integer as n from d group by 1, 2, 3, 4),
      u as (
        insert into task_wait_stat as a (dimension, month, key, minutes, tasks)
        select dimension, month, key, minutes, tasks from s where tasks <> 0
        on conflict on constraint task_wait_stat_pk do update set tasks = a.tasks + excluded.tasks
      )
      select coalesce(sum(s.n), 0) into v_rows from s;
      folded := folded + v_rows;
      with d as (delete from task_accept_stat_delta returning *),
      s as (select dimension, month, key, target, minutes, sum(tasks)::integer as tasks, count(*)::integer as n from d group by 1, 2, 3, 4, 5),
      u as (
        insert into task_accept_stat as a (dimension, month, key, target, minutes, tasks)
        select dimension, month, key, target, minutes, tasks from s where tasks <> 0
        on conflict on constraint task_accept_stat_pk do update set tasks = a.tasks + excluded.tasks
      )
      select coalesce(sum(s.n), 0) into v_rows from s;
      return folded + v_rows;
    end $$`.execute(db);

  // As in the referrals migration, plus the fold lock and the delta tables emptied: the table lock
  // waits for every open task change, so all their deltas are committed and replaced here.
  await sql`
    create or replace function task_stats_rebuild() returns void
    language plpgsql as $$
    begin
      lock table task in share row exclusive mode;
      perform pg_advisory_xact_lock(7303, 0);
      perform set_config('dtc.task_stats', 'rebuild', true);
      update task t set next_contact_at = n.next_at
      from (
        select id, min(received_at) over (partition by callback_phone_hash order by received_at
          range between interval '1 microsecond' following and interval '72 hours' following) as next_at
        from task where callback_phone_hash is not null
      ) n
      where t.id = n.id and t.next_contact_at is distinct from n.next_at;
      delete from task_month_stat_delta;
      delete from task_wait_stat_delta;
      delete from task_accept_stat_delta;
      delete from task_month_stat;
      delete from task_wait_stat;
      delete from task_accept_stat;
      insert into task_month_stat (dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact, tasks)
      select k.dimension, task_helsinki_month(t.received_at), k.key, coalesce(t.outcome_type, 'open'),
        case when t.outcome_type = 'redirect' then coalesce(o.details->>'target', '') else '' end,
        case when t.outcome_type = 'dispatch_unit' then coalesce(o.details->>'unitLevel', '') else '' end,
        case when t.outcome_type = 'dispatch_unit' then coalesce(o.details->>'reason', '') else '' end,
        task_referral_class(t.outcome_type, t.referral_state),
        task_recontact_class(t.received_at, t.next_contact_at), count(*)::integer
      from task t
      left join task_outcome o on o.id = t.current_outcome_id
      cross join lateral task_stat_keys(t) k
      group by 1, 2, 3, 4, 5, 6, 7, 8, 9;
      insert into task_accept_stat (dimension, month, key, target, minutes, tasks)
      select k.dimension, task_helsinki_month(t.received_at), k.key, coalesce(o.details->>'target', ''),
        t.referral_accept_minutes, count(*)::integer
      from task t
      join task_outcome o on o.id = t.current_outcome_id
      cross join lateral task_stat_keys(t) k
      where task_referral_class(t.outcome_type, t.referral_state) = 'accepted' and t.referral_accept_minutes is not null
      group by 1, 2, 3, 4, 5;
      insert into task_wait_stat (dimension, month, key, minutes, tasks)
      select k.dimension, task_helsinki_month(t.received_at), k.key,
        task_wait_minutes(t.received_at, t.first_call_at), count(*)::integer
      from task t cross join lateral task_stat_keys(t) k
      where t.first_call_at is not null
      group by 1, 2, 3, 4;
      perform set_config('dtc.task_stats', '', true);
    end $$`.execute(db);
}

// No down(): going back needs the referrals migration's trigger and rebuild definitions again.
// Restore a backup to go back.
