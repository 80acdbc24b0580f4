import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Clinical audit: closed tasks chosen for review (a seeded monthly sample per nurse, plus triggers),
// the reviews, and their submitted results. A task is reviewed at most once: `audit_review.task_id`
// is UNIQUE, so a trigger or a sample that finds a task already queued only adds its reason, however
// many nodes look at once. Submitted results are history, like outcomes: an amendment is a new row,
// and the database refuses UPDATE and DELETE on them.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_review')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('task_id', 'uuid', (c) => c.notNull().unique().references('task.id'))
    // The nurse whose decision is reviewed: who recorded the task's first outcome.
    .addColumn('nurse_id', 'uuid', (c) => c.notNull().references('app_user.id'))
    .addColumn('month', 'date', (c) => c.notNull().check(sql`extract(day from month) = 1`))
    .addColumn('reasons', sql`text[]`, (c) => c.notNull().check(sql`cardinality(reasons) > 0`))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued').check(sql`state in ('queued', 'in_review', 'submitted', 'acknowledged')`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('reviewer_id', 'uuid', (c) => c.references('app_user.id'))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('draft', 'jsonb')
    // No foreign keys back to audit_submission (which references this table): a cycle would stop
    // npm run migrate-to-postgres from ordering the copy. Submissions are never deleted (trigger
    // below), and the service sets these from the row it has just inserted.
    .addColumn('current_submission_id', 'uuid')
    .addColumn('compliance', 'text', (c) => c.check(sql`compliance in ('high', 'partial', 'low', 'non_compliant')`))
    .addColumn('recontact_reason', 'text')
    .addColumn('critical', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('acknowledged_submission_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('audit_review_reviewer_matches_state', sql`(state = 'queued') = (reviewer_id is null)`)
    .addCheckConstraint(
      'audit_review_result_matches_state',
      sql`(state in ('submitted', 'acknowledged')) = (current_submission_id is not null and compliance is not null)`,
    )
    .execute();
  await db.schema.createIndex('audit_review_month_idx').on('audit_review').columns(['month', 'state']).execute();
  await db.schema.createIndex('audit_review_nurse_idx').on('audit_review').columns(['nurse_id', 'month']).execute();

  await db.schema
    .createTable('audit_submission')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('audit_review.id'))
    .addColumn('form', 'jsonb', (c) => c.notNull())
    .addColumn('compliance', 'text', (c) => c.notNull().check(sql`compliance in ('high', 'partial', 'low', 'non_compliant')`))
    .addColumn('critical', 'boolean', (c) => c.notNull())
    .addColumn('submitted_by_id', 'uuid', (c) => c.notNull().references('app_user.id'))
    .addColumn('submitted_by_name', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('amends_id', 'uuid', (c) => c.unique().references('audit_submission.id'))
    .addColumn('amendment_reason', 'text')
    .addCheckConstraint('audit_submission_amendment_has_reason', sql`(amends_id is null) = (amendment_reason is null)`)
    .execute();
  await db.schema.createIndex('audit_submission_review_idx').on('audit_submission').columns(['review_id', 'submitted_at']).execute();
  await sql`create trigger audit_submission_append_only before update or delete on audit_submission
    for each row execute function audit_log_refuse_change()`.execute(db);

  // A submission with a critical deviation: the medical director's list.
  await db.schema
    .createTable('audit_notification')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('audit_review.id'))
    .addColumn('submission_id', 'uuid', (c) => c.notNull().unique().references('audit_submission.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create trigger audit_notification_append_only before update or delete on audit_notification
    for each row execute function audit_log_refuse_change()`.execute(db);

  // One row per month whose random sample was drawn: the first drawer inserts it, so a month is
  // sampled once whichever node or person asks.
  await db.schema
    .createTable('audit_sample_run')
    .addColumn('month', 'date', (c) => c.primaryKey().check(sql`extract(day from month) = 1`))
    .addColumn('rate', 'double precision', (c) => c.notNull())
    .addColumn('minimum', 'integer', (c) => c.notNull())
    .addColumn('tasks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('drawn_by', 'text', (c) => c.notNull())
    .addColumn('drawn_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // When the triggers last looked: a conditional update on this row paces the scan across nodes.
  await db.schema
    .createTable('audit_scan_state')
    .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
    .addColumn('last_scan_at', 'timestamptz')
    .execute();
  await db.insertInto('audit_scan_state').values({ id: true, last_scan_at: null }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_scan_state', 'audit_sample_run', 'audit_notification', 'audit_submission', 'audit_review']) {
    await db.schema.dropTable(table).execute();
  }
}
