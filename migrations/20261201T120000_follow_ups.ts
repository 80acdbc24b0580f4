import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Follow-up calls (safety netting, issue 11): after phone advice or a redirect a nurse schedules a
// call back to the patient. A follow-up is claimable like a task (claimed_by / heartbeat_at /
// stale_flagged_at), its current state a column kept in the same transaction as its append-only
// result history (follow_up_result):
//   scheduled -> in_call -> stable | worse | unreachable     (an unanswered call: back to scheduled)
//   scheduled | in_call -> cancelled                         (its task's outcome amended away)
// overdue_flagged_at is set once by the scheduler; escalated_at when the unreachable policy fires.

const OPEN = sql`('scheduled', 'in_call')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('follow_up')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('task.id'))
    // The advice or redirect outcome the call checks on.
    .addColumn('outcome_id', 'uuid', (c) => c.notNull().references('task_outcome.id'))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('scheduled').check(sql`state in ('scheduled', 'in_call', 'stable', 'worse', 'unreachable', 'cancelled')`))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    // What to check (free text, patient data: never in events, audit details or logs).
    .addColumn('check_text', 'text', (c) => c.notNull())
    // null: the shared queue; otherwise the one nurse who promised to call.
    .addColumn('owner_id', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('scheduled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('scheduled_by_id', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('scheduled_by_name', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('heartbeat_at', 'timestamptz')
    .addColumn('stale_flagged_at', 'timestamptz')
    .addColumn('failed_call_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_failed_call_at', 'timestamptz')
    .addColumn('overdue_flagged_at', 'timestamptz')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('result_at', 'timestamptz')
    // The amended outcome a `worse` result (or the unreachable policy) recorded: one per follow-up.
    .addColumn('dispatch_outcome_id', 'uuid', (c) => c.references('task_outcome.id').unique())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('follow_up_claim_consistent', sql`(state = 'in_call') = (claimed_by is not null)`)
    .execute();
  await db.schema.createIndex('follow_up_task_idx').on('follow_up').columns(['task_id', 'due_at']).execute();
  // The queue view, "next due" and the scheduler's overdue rule read only open ones.
  await sql`create index follow_up_open_idx on follow_up (due_at) where state in ${OPEN}`.execute(db);
  await sql`create index follow_up_held_idx on follow_up (claimed_by) where state = 'in_call'`.execute(db);

  await db.schema
    .createTable('follow_up_call_attempt')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('follow_up_id', 'uuid', (c) => c.notNull().references('follow_up.id'))
    .addColumn('result', 'text', (c) => c.notNull().check(sql`result in ('answered', 'no_answer', 'busy', 'wrong_number', 'line_failure')`))
    .addColumn('attempted_by', 'uuid', (c) => c.notNull().references('app_user.id'))
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('follow_up_call_attempt_idx').on('follow_up_call_attempt').columns(['follow_up_id', 'attempted_at']).execute();

  await db.schema
    .createTable('follow_up_result')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('follow_up_id', 'uuid', (c) => c.notNull().references('follow_up.id'))
    .addColumn('result', 'text', (c) => c.notNull().check(sql`result in ('stable', 'worse', 'unreachable', 'cancelled')`))
    .addColumn('note', 'text')
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('recorded_by_id', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('recorded_by_name', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('follow_up_result_idx').on('follow_up_result').columns(['follow_up_id', 'recorded_at']).execute();
  await sql`create trigger follow_up_result_append_only before update or delete on follow_up_result
    for each row execute function audit_log_refuse_change()`.execute(db);
}

// No down(): it would drop follow-up history. Restore a backup to go back.
