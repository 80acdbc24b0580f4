import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application code here.
//
// Congestion mode (issue 11, FACTS.md): in congestion the EMS field commander may route C-tasks to
// the phone desk. A shift leader switches the mode on and off; the state lives here, one row, so
// every node reads the same, and a switch is a conditional update on it. Every switch is appended
// to congestion_mode_change (the database refuses to update or delete it), beside its audit row.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('congestion_mode')
    .addColumn('id', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`id`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('changed_at', 'timestamptz')
    .addColumn('changed_by_name', 'text')
    .execute();
  await sql`insert into congestion_mode (id, active) values (true, false)`.execute(db);

  await db.schema
    .createTable('congestion_mode_change')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('active', 'boolean', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('by_id', 'uuid')
    .addColumn('by_name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute();
  await sql`create trigger congestion_mode_change_append_only before update or delete on congestion_mode_change
    for each row execute function audit_log_refuse_change()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('congestion_mode_change').execute();
  await db.schema.dropTable('congestion_mode').execute();
}
