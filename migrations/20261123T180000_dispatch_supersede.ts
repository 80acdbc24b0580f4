import { sql, type Kysely } from 'kysely';

// An amended outcome replaces the dispatch request of the outcome it amends: the old request is
// marked superseded (never deleted), so the ERC sees it withdrawn and no second unit goes out.
// The event-time index serves the live board's queue trend.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('dispatch_request')
    .addColumn('superseded_at', 'timestamptz')
    .addColumn('superseded_by_outcome_id', 'uuid', (c) => c.references('task_outcome.id'))
    .execute();
  await sql`drop index dispatch_request_open_idx`.execute(db);
  await sql`create index dispatch_request_open_idx on dispatch_request (requested_at)
    where acknowledged_at is null and superseded_at is null`.execute(db);
  await db.schema.createIndex('task_event_at_idx').on('task_event').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('task_event_at_idx').execute();
  await sql`drop index dispatch_request_open_idx`.execute(db);
  await sql`create index dispatch_request_open_idx on dispatch_request (requested_at) where acknowledged_at is null`.execute(db);
  await db.schema.alterTable('dispatch_request').dropColumn('superseded_by_outcome_id').dropColumn('superseded_at').execute();
}
