import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
const RED_FLAGS: [string, string, string, string][] = [
  ['chest_pain', 'Rintakipu', 'Bröstsmärta', 'Chest pain'],
  ['breathing_difficulty', 'Hengitysvaikeus', 'Andningssvårigheter', 'Breathing difficulty'],
  ['altered_consciousness', 'Tajunnan tason muutos', 'Förändrad medvetandegrad', 'Altered consciousness'],
  ['stroke_signs', 'Aivoverenkiertohäiriön merkit', 'Tecken på stroke', 'Stroke signs'],
  ['major_bleeding', 'Runsas verenvuoto', 'Kraftig blödning', 'Major bleeding'],
  ['severe_pain', 'Voimakas kipu', 'Svår smärta', 'Severe pain'],
  ['suicide_risk', 'Itsetuhoisuus', 'Suicidrisk', 'Suicide risk'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('red_flag')
    .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^[a-z][a-z0-9_]{1,39}$'`))
    .addColumn('label_fi', 'text', (c) => c.notNull())
    .addColumn('label_sv', 'text', (c) => c.notNull())
    .addColumn('label_en', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  await db
    .insertInto('red_flag')
    .values(RED_FLAGS.map(([id, fi, sv, en]) => ({ id, label_fi: fi, label_sv: sv, label_en: en })))
    .execute();

  await db.schema
    .createTable('task')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('erc_task_id', 'text', (c) => c.notNull().unique())
    .addColumn('intake_hash', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('erc', 'manual', 'import')`))
    .addColumn('urgency', 'text', (c) => c.notNull().check(sql`urgency in ('A', 'B', 'C', 'D')`))
    .addColumn('task_code', 'text', (c) => c.notNull().check(sql`task_code ~ '^7[0-9]{2}$'`))
    .addColumn('task_label', 'text')
    .addColumn('task_code_known', 'boolean', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('municipality_id', 'uuid', (c) => c.notNull().references('municipality.id'))
    // The area at intake: reports count a task where it was handled even if the municipality moves later.
    .addColumn('area_id', 'uuid', (c) => c.notNull().references('area.id'))
    .addColumn('address', 'text')
    .addColumn('callback_phone', 'text', (c) => c.notNull())
    .addColumn('patient_age', 'integer')
    .addColumn('patient_sex', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c.notNull().check(sql`state in ('queued', 'in_assessment', 'callback_pending', 'closed')`),
    )
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('claimed_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('heartbeat_at', 'timestamptz')
    .addColumn('stale_flagged_at', 'timestamptz')
    .addColumn('callback_due_at', 'timestamptz')
    .addColumn('callback_due_flagged_at', 'timestamptz')
    .addColumn('failed_call_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_call_at', 'timestamptz')
    .addColumn('answered_at', 'timestamptz')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('escalation_reason', 'text')
    .addColumn('breach_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('assessment', 'jsonb')
    .addColumn('outcome_type', 'text')
    .addColumn('current_outcome_id', 'uuid')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('task_claim_matches_state', sql`(state = 'in_assessment') = (claimed_by is not null)`)
    .addCheckConstraint('task_closed_has_outcome', sql`(state = 'closed') = (outcome_type is not null and closed_at is not null)`)
    .execute();
  await sql`create index task_open_queue_idx on task ((escalated_at is null), coalesce(callback_due_at, received_at), received_at)
    where state in ('queued', 'callback_pending')`.execute(db);
  await sql`create index task_open_idx on task (state) where state <> 'closed'`.execute(db);
  await db.schema.createIndex('task_received_idx').on('task').column('received_at').execute();

  await db.schema
    .createTable('task_call_attempt')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('task.id'))
    .addColumn('result', 'text', (c) =>
      c.notNull().check(sql`result in ('answered', 'no_answer', 'busy', 'wrong_number', 'line_failure')`),
    )
    .addColumn('attempted_by', 'uuid', (c) => c.notNull().references('app_user.id'))
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('task_call_attempt_task_idx').on('task_call_attempt').columns(['task_id', 'attempted_at']).execute();

  // Outcomes are never edited: an amendment is a new row pointing at the one it replaces.
  await db.schema
    .createTable('task_outcome')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('task.id'))
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('dispatch_unit', 'phone_advice', 'redirect', 'cancelled')`),
    )
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('recorded_by_id', 'uuid')
    .addColumn('recorded_by_name', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('amends_id', 'uuid', (c) => c.references('task_outcome.id').unique())
    .addColumn('amendment_reason', 'text')
    .execute();
  await db.schema.createIndex('task_outcome_task_idx').on('task_outcome').columns(['task_id', 'recorded_at']).execute();
  await sql`create trigger task_outcome_append_only before update or delete on task_outcome
    for each row execute function audit_log_refuse_change()`.execute(db);

  await db.schema
    .createTable('dispatch_request')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('task.id'))
    .addColumn('outcome_id', 'uuid', (c) => c.notNull().references('task_outcome.id').unique())
    .addColumn('unit_level', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('acknowledged_by', 'uuid', (c) => c.references('integration_key.id'))
    .addColumn('overdue_flagged_at', 'timestamptz')
    .execute();
  await sql`create index dispatch_request_open_idx on dispatch_request (requested_at) where acknowledged_at is null`.execute(db);

  // One row, one counter: taking it last in a transaction makes event numbers gapless and
  // committed in order, so a reader of "since N" can never miss a later-committing smaller number.
  await db.schema.createTable('event_counter').addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
    .addColumn('seq', 'bigint', (c) => c.notNull()).execute();
  await db.insertInto('event_counter').values({ id: true, seq: 0 }).execute();

  await db.schema
    .createTable('task_event')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('task.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull().check(sql`audience in ('all', 'shift_leader')`))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('task_event_task_idx').on('task_event').columns(['task_id', 'seq']).execute();
  await sql`create trigger task_event_append_only before update or delete on task_event
    for each row execute function audit_log_refuse_change()`.execute(db);

  await db.schema
    .createTable('idempotency_record')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_record_pk', ['scope', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_record_created_idx').on('idempotency_record').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['idempotency_record', 'task_event', 'event_counter', 'dispatch_request', 'task_outcome', 'task_call_attempt', 'task', 'red_flag']) {
    await db.schema.dropTable(table).execute();
  }
}
