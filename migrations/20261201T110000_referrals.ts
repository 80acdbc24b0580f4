import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Redirects become referrals the receiving service accepts or rejects (issue 11):
//   service                 the directory (admin-managed reference data) with the areas and
//                           municipalities each entry serves; seeded with an EXAMPLE set;
//   referral                one per redirect outcome, its current state a column kept in the same
//                           transaction as its append-only history (referral_state_change);
//   task.referral_state     the state of the current outcome's referral, so the aggregates (and the
//                           avoided-dispatch rule) read it from the task row like the outcome type;
//   task.decision_*         a rejected or unanswered referral returns the task for a new decision;
//   integration_key.scope   a key for the ERC interface or one limited to one service's referrals.
// The monthly aggregate gains a `referral` column (pending / accepted / rejected for redirects) and
// a histogram of minutes to acceptance (task_accept_stat); the triggers and task_stats_rebuild()
// keep both and count everything else exactly as before.

const TARGETS = sql`('home_care', 'home_hospital', 'social_emergency', 'social_services', 'mental_health_substance', 'health_centre', 'other')`;

const ALWAYS = { from: '00:00', to: '24:00' };
const week = (weekdays: { from: string; to: string } | null, weekend: { from: string; to: string } | null) => ({
  mon: weekdays ? [weekdays] : [],
  tue: weekdays ? [weekdays] : [],
  wed: weekdays ? [weekdays] : [],
  thu: weekdays ? [weekdays] : [],
  fri: weekdays ? [weekdays] : [],
  sat: weekend ? [weekend] : [],
  sun: weekend ? [weekend] : [],
});

// An EXAMPLE directory for the North Ostrobothnia areas (names, hours and phones are invented):
// the county replaces it with its own. Every entry is marked example and says so in its notes.
const EXAMPLE_NOTE = 'ESIMERKKI / EXAMPLE: invented entry for demonstration, not a real service. Replace with the county’s own directory.';
const EXAMPLE_AREAS = ['Lakeus', 'Oulu', 'Koillismaa', 'Oulunkaari', 'Oulun eteläinen', 'Rannikkoseutu'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull().check(sql`target_type in ${TARGETS}`))
    .addColumn('phone', 'text')
    .addColumn('notes', 'text')
    // { mon: [{ from: 'HH:MM', to: 'HH:MM' }], ..., sun: [] } in Helsinki time; to '24:00' = midnight.
    .addColumn('opening_hours', 'jsonb', (c) => c.notNull())
    // [{ date: 'YYYY-MM-DD', hours: [...] }]: that Helsinki day's hours instead (none = closed).
    .addColumn('opening_exceptions', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('example', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('service_area')
    .addColumn('service_id', 'uuid', (c) => c.notNull().references('service.id').onDelete('cascade'))
    .addColumn('area_id', 'uuid', (c) => c.notNull().references('area.id'))
    .addPrimaryKeyConstraint('service_area_pk', ['service_id', 'area_id'])
    .execute();
  await db.schema
    .createTable('service_municipality')
    .addColumn('service_id', 'uuid', (c) => c.notNull().references('service.id').onDelete('cascade'))
    .addColumn('municipality_id', 'uuid', (c) => c.notNull().references('municipality.id'))
    .addPrimaryKeyConstraint('service_municipality_pk', ['service_id', 'municipality_id'])
    .execute();

  await db.schema
    .alterTable('integration_key')
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('erc').check(sql`scope in ('erc', 'referrals')`))
    .addColumn('service_id', 'uuid', (c) => c.references('service.id'))
    .execute();
  await sql`alter table integration_key add constraint integration_key_scope_service
    check ((scope = 'referrals') = (service_id is not null))`.execute(db);

  await db.schema
    .createTable('referral')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('task.id'))
    .addColumn('outcome_id', 'uuid', (c) => c.notNull().references('task_outcome.id').unique())
    .addColumn('service_id', 'uuid', (c) => c.references('service.id'))
    .addColumn('target_type', 'text', (c) => c.notNull().check(sql`target_type in ${TARGETS}`))
    .addColumn('target_name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('requested', 'accepted', 'rejected', 'completed', 'cancelled')`))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('accepted_by', 'text')
    .addColumn('answered_via', 'text', (c) => c.check(sql`answered_via in ('phone', 'api', 'scheduler', 'import')`))
    .addColumn('reject_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('referral_task_idx').on('referral').columns(['task_id', 'requested_at']).execute();
  // The scheduler's timeout rule and a service's "what is waiting for us" read only pending ones.
  await sql`create index referral_pending_idx on referral (requested_at) where state = 'requested'`.execute(db);
  await sql`create index referral_service_idx on referral (service_id, state, requested_at) where service_id is not null`.execute(db);

  await db.schema
    .createTable('referral_state_change')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('referral_id', 'uuid', (c) => c.notNull().references('referral.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('by_name', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('accepted_by', 'text')
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('referral_state_change_idx').on('referral_state_change').columns(['referral_id', 'at']).execute();
  await sql`create trigger referral_state_change_append_only before update or delete on referral_state_change
    for each row execute function audit_log_refuse_change()`.execute(db);

  await db.schema
    .alterTable('task')
    .addColumn('referral_state', 'text', (c) => c.check(sql`referral_state in ('requested', 'accepted', 'rejected', 'completed', 'cancelled')`))
    .addColumn('decision_required_at', 'timestamptz')
    .addColumn('decision_reason', 'text')
    // Whole minutes from the referral to its acceptance (live answers only: imports do not know when
    // the referral was made), for the median per target type.
    .addColumn('referral_accept_minutes', 'integer')
    .execute();

  // A task back for a new decision goes to the top of the queue with the escalated ones.
  await sql`drop index task_open_queue_idx`.execute(db);
  await sql`create index task_open_queue_idx on task ((escalated_at is null and decision_required_at is null), coalesce(callback_due_at, received_at), received_at)
    where state in ('queued', 'callback_pending')`.execute(db);

  // Redirects recorded before referrals existed named who had accepted the patient (handoffTo):
  // they stay accepted, as history imports without referral data are.
  await sql`set local dtc.task_stats = 'rebuild'`.execute(db);
  await sql`
    insert into referral (task_id, outcome_id, target_type, target_name, state, requested_at, accepted_at, accepted_by, answered_via)
    select t.id, o.id, coalesce(o.details->>'target', 'other'), coalesce(o.details->>'handoffTo', ''), 'accepted',
      o.recorded_at, o.recorded_at, o.details->>'handoffTo', 'import'
    from task t join task_outcome o on o.id = t.current_outcome_id
    where t.outcome_type = 'redirect'`.execute(db);
  await sql`update task set referral_state = 'accepted' where outcome_type = 'redirect'`.execute(db);
  await sql`set local dtc.task_stats = ''`.execute(db);

  // --- aggregates: one more counted column --------------------------------------------------
  await sql`alter table task_month_stat add column referral text not null default ''
    check (referral in ('', 'pending', 'accepted', 'rejected'))`.execute(db);
  await sql`alter table task_month_stat drop constraint task_month_stat_pk`.execute(db);
  // Minutes from referral to acceptance per month, key and target type: a histogram, as for waits.
  await db.schema
    .createTable('task_accept_stat')
    .addColumn('dimension', 'text', (c) => c.notNull().check(sql`dimension in ('all', 'area', 'municipality', 'task_code')`))
    .addColumn('month', 'date', (c) => c.notNull().check(sql`extract(day from month) = 1`))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('tasks', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_accept_stat_pk', ['dimension', 'month', 'key', 'target', 'minutes'])
    .execute();
  await sql`alter table task_month_stat add constraint task_month_stat_pk primary key
    (dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact)`.execute(db);

  // A redirect's referral as the reports count it: accepted (or completed after acceptance),
  // rejected (or cancelled before it was answered), or still pending.
  await sql`
    create function task_referral_class(outcome_type text, referral_state text) returns text
    language sql immutable as $$
      select case
        when outcome_type is distinct from 'redirect' then ''
        when referral_state in ('accepted', 'completed') then 'accepted'
        when referral_state in ('rejected', 'cancelled') then 'rejected'
        else 'pending' end
    $$`.execute(db);

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
        insert into task_month_stat as s
          (dimension, month, key, outcome, redirect_target, unit_level, dispatch_reason, referral, recontact, tasks)
        select k.dimension, v_month, k.key, coalesce(t.outcome_type, 'open'),
          case when t.outcome_type = 'redirect' then coalesce(d->>'target', '') else '' end,
          case when t.outcome_type = 'dispatch_unit' then coalesce(d->>'unitLevel', '') else '' end,
          case when t.outcome_type = 'dispatch_unit' then coalesce(d->>'reason', '') else '' end,
          task_referral_class(t.outcome_type, t.referral_state),
          task_recontact_class(t.received_at, t.next_contact_at),
          delta
        from task_stat_keys(t) k
        on conflict on constraint task_month_stat_pk do update set tasks = s.tasks + excluded.tasks;
        if task_referral_class(t.outcome_type, t.referral_state) = 'accepted' and t.referral_accept_minutes is not null then
          insert into task_accept_stat as s (dimension, month, key, target, minutes, tasks)
          select k.dimension, v_month, k.key, coalesce(d->>'target', ''), t.referral_accept_minutes, delta from task_stat_keys(t) k
          on conflict on constraint task_accept_stat_pk do update set tasks = s.tasks + excluded.tasks;
        end if;
      end if;
      if waits and t.first_call_at is not null then
        v_minutes := task_wait_minutes(t.received_at, t.first_call_at);
        insert into task_wait_stat as s (dimension, month, key, minutes, tasks)
        select k.dimension, v_month, k.key, v_minutes, delta from task_stat_keys(t) k
        on conflict on constraint task_wait_stat_pk do update set tasks = s.tasks + excluded.tasks;
      end if;
    end $$`.execute(db);

  await sql`
    create or replace function task_stats_maintain() returns trigger
    language plpgsql as $$
    declare
      r task := coalesce(new, old);
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
      perform pg_advisory_xact_lock(7301, (task_helsinki_month(r.received_at) - date '2000-01-01')::integer);
      if tg_op in ('UPDATE', 'DELETE') then perform task_stats_add(old, -1, counts, waits); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform task_stats_add(new, 1, counts, waits); end if;
      return null;
    end $$`.execute(db);

  await sql`drop trigger task_a_stats_update on task`.execute(db);
  await sql`create trigger task_a_stats_update after update on task for each row
    when ((old.outcome_type, old.current_outcome_id, old.referral_state, old.referral_accept_minutes, old.next_contact_at, old.first_call_at, old.received_at, old.area_id, old.municipality_id, old.task_code)
      is distinct from (new.outcome_type, new.current_outcome_id, new.referral_state, new.referral_accept_minutes, new.next_contact_at, new.first_call_at, new.received_at, new.area_id, new.municipality_id, new.task_code))
    execute function task_stats_maintain()`.execute(db);

  await sql`
    create or replace function task_stats_rebuild() returns void
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
  await sql`select task_stats_rebuild()`.execute(db);

  // --- the EXAMPLE directory -----------------------------------------------------------------
  const areas = await db.selectFrom('area').select(['id', 'name']).execute();
  const areaId = new Map(areas.map((a: { id: string; name: string }) => [a.name, a.id]));
  const entries: { name: string; target: string; hours: object; areas: string[]; phone: string }[] = [
    ...EXAMPLE_AREAS.map((area) => ({ name: `ESIMERKKI ${area}: kotihoito`, target: 'home_care', hours: week({ from: '07:00', to: '21:00' }, { from: '08:00', to: '20:00' }), areas: [area], phone: '+358 40 000 0001' })),
    ...EXAMPLE_AREAS.map((area) => ({ name: `ESIMERKKI ${area}: terveysasema`, target: 'health_centre', hours: week({ from: '08:00', to: '16:00' }, null), areas: [area], phone: '+358 40 000 0002' })),
    { name: 'ESIMERKKI: kotisairaala', target: 'home_hospital', hours: week(ALWAYS, ALWAYS), areas: EXAMPLE_AREAS, phone: '+358 40 000 0003' },
    { name: 'ESIMERKKI: sosiaali- ja kriisipäivystys', target: 'social_emergency', hours: week(ALWAYS, ALWAYS), areas: EXAMPLE_AREAS, phone: '+358 40 000 0004' },
    { name: 'ESIMERKKI: mielenterveys- ja päihdepalvelut', target: 'mental_health_substance', hours: week({ from: '08:00', to: '15:00' }, null), areas: EXAMPLE_AREAS, phone: '+358 40 000 0005' },
  ];
  for (const entry of entries) {
    const served = entry.areas.map((a) => areaId.get(a)).filter((id): id is string => id !== undefined);
    if (served.length === 0) continue; // a county that renamed its areas gets no example for them
    const { id } = await db
      .insertInto('service')
      .values({ name: entry.name, target_type: entry.target, phone: entry.phone, notes: EXAMPLE_NOTE, opening_hours: JSON.stringify(entry.hours), example: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('service_area').values(served.map((area_id) => ({ service_id: id, area_id }))).execute();
  }
}

// No down(): undoing this would need the earlier trigger and rebuild definitions back, and would
// drop referral history. Restore a backup to go back.
