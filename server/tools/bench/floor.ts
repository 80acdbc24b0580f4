// THE FLOOR of `npm run bench`: not the console. The least a server can do for the console's durable
// transactions, to measure the console against: Express 5 + zod + Kysely + pg, no authentication, no
// triggers, no reads beyond the transaction (reference data is read once at start). Each command is
// one transaction with the console's rows: the task change, an audit row, the gapless event counter
// and an event row. Its tables are copies of the console's (`like ... including all`: same columns,
// defaults, checks and indexes; no triggers, no foreign keys) in a schema of their own.
import express, { type Request } from 'express';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { IntakeRequest } from '../../contracts/tasks.ts';
import type { Database, Db } from '../../db/create-db.ts';

export const FLOOR_SCHEMA = 'bench_floor';
const TABLES = ['task', 'audit_log', 'task_event', 'event_counter', 'task_call_attempt', 'task_outcome'] as const;

/** Creates (again) the floor's tables beside the migrated console schema. */
export async function createFloorTables(db: Db): Promise<void> {
  await sql`drop schema if exists ${sql.id(FLOOR_SCHEMA)} cascade`.execute(db);
  await sql`create schema ${sql.id(FLOOR_SCHEMA)}`.execute(db);
  for (const table of TABLES) await sql`create table ${sql.id(FLOOR_SCHEMA, table)} (like ${sql.id('public', table)} including all)`.execute(db);
  await sql`insert into ${sql.id(FLOOR_SCHEMA, 'event_counter')} (seq) values (0)`.execute(db);
}

/** What the floor tells sockets after a commit (the console's task:changed, without audiences). */
export interface FloorEvent {
  seq: number;
  taskId: string;
  type: string;
  version: number;
  state: string;
}

const Nurse = z.strictObject({ nurseId: z.uuid() });
const TaskParams = z.strictObject({ id: z.uuid() });
const CallAttempt = Nurse.extend({ result: z.literal('answered') });
const Outcome = Nurse.extend({ version: z.number().int(), type: z.literal('phone_advice'), advice: z.string(), rationale: z.string() });

type Row = { id: string; version: number; state: string };
/** The task was not in the state the command needs: the transaction rolls back, the answer is 409. */
class Conflict extends Error {}

/** The floor's Express app: POST /floor/intake, /floor/tasks/:id/claim, /call-attempts, /outcome. */
export async function createFloorApp(db: Db, emit: (event: FloorEvent) => void = () => undefined): Promise<express.Express> {
  const floor: Kysely<Database> = db.withSchema(FLOOR_SCHEMA);
  const municipalities = new Map((await db.selectFrom('municipality').select(['id', 'name', 'area_id']).execute()).map((m) => [m.name.toLowerCase(), m]));

  /** One command: `work` changes the task; then audit row, counter, event row; after commit the event goes out. */
  async function command(req: Request, action: string, actorId: string | null, work: (trx: Transaction<Database>) => Promise<Row | undefined>): Promise<Row | undefined> {
    const result = await floor.transaction().execute(async (trx) => {
      const task = await work(trx);
      if (!task) throw new Conflict();
      await trx.insertInto('audit_log').values({ actor_id: actorId, actor_name: 'floor', actor_role: 'floor', action, target_type: 'task', target_id: task.id, request_id: null, client_ip: req.ip ?? null, details: '{}' }).execute();
      const { seq } = await trx.updateTable('event_counter').set({ seq: sql`seq + 1` }).returning('seq').executeTakeFirstOrThrow();
      await trx.insertInto('task_event').values({ seq, task_id: task.id, type: action, version: task.version, state: task.state, audience: 'all', actor_name: 'floor', data: '{}' }).execute();
      return { task, seq: Number(seq) };
    }).catch((err: unknown) => {
      if (err instanceof Conflict) return undefined;
      throw err;
    });
    if (!result) return undefined;
    emit({ seq: result.seq, taskId: result.task.id, type: action, version: result.task.version, state: result.task.state });
    return result.task;
  }

  const app = express();
  app.use(express.json());
  app.post('/floor/intake', async (req, res) => {
    const input = IntakeRequest.parse(req.body);
    const municipality = municipalities.get(input.municipality.toLowerCase());
    if (!municipality) return void res.status(422).json({ error: { code: 'VALIDATION_FAILED', message: 'Unknown municipality' } });
    const task = await command(req, 'task.received', null, (trx) =>
      trx
        .insertInto('task')
        .values({
          erc_task_id: input.ercTaskId, intake_hash: input.ercTaskId, source: 'erc', urgency: input.urgency, task_code: input.taskCode, task_label: input.taskLabel ?? null,
          task_code_known: true, received_at: new Date(input.receivedAt), municipality_id: municipality.id, area_id: municipality.area_id, address: input.address ?? null,
          callback_phone: input.callbackPhone, callback_phone_hash: null, patient_age: input.patientAge ?? null, patient_sex: input.patientSex ?? null, summary: input.summary, state: 'queued',
        })
        .returning(['id', 'version', 'state'])
        .executeTakeFirst(),
    );
    res.status(201).json({ task });
  });
  app.post('/floor/tasks/:id/claim', async (req, res) => {
    const { id } = TaskParams.parse(req.params);
    const { nurseId } = Nurse.parse(req.body);
    const task = await command(req, 'task.claimed', nurseId, (trx) =>
      trx.updateTable('task').set({ state: 'in_assessment', claimed_by: nurseId, claimed_at: sql`now()`, heartbeat_at: sql`now()`, version: sql`version + 1` })
        .where('id', '=', id).where('state', '=', 'queued').returning(['id', 'version', 'state']).executeTakeFirst(),
    );
    res.status(task ? 200 : 409).json({ task });
  });
  app.post('/floor/tasks/:id/call-attempts', async (req, res) => {
    const { id } = TaskParams.parse(req.params);
    const { nurseId, result } = CallAttempt.parse(req.body);
    const task = await command(req, 'task.call_attempted', nurseId, async (trx) => {
      await trx.insertInto('task_call_attempt').values({ task_id: id, result, attempted_by: nurseId }).execute();
      return trx.updateTable('task').set({ first_call_at: sql`coalesce(first_call_at, now())`, answered_at: sql`coalesce(answered_at, now())`, version: sql`version + 1` })
        .where('id', '=', id).where('claimed_by', '=', nurseId).returning(['id', 'version', 'state']).executeTakeFirst();
    });
    res.status(task ? 201 : 409).json({ task });
  });
  app.post('/floor/tasks/:id/outcome', async (req, res) => {
    const { id } = TaskParams.parse(req.params);
    const { nurseId, version, ...outcome } = Outcome.parse(req.body);
    const task = await command(req, 'task.closed', nurseId, async (trx) => {
      const { id: outcomeId } = await trx.insertInto('task_outcome')
        .values({ task_id: id, type: outcome.type, details: JSON.stringify(outcome), recorded_by_id: nurseId, recorded_by_name: 'floor' })
        .returning('id').executeTakeFirstOrThrow();
      return trx.updateTable('task')
        .set({ state: 'closed', outcome_type: outcome.type, current_outcome_id: outcomeId, closed_at: sql`now()`, claimed_by: null, claimed_at: null, heartbeat_at: null, version: sql`version + 1` })
        .where('id', '=', id).where('claimed_by', '=', nurseId).where('version', '=', version).returning(['id', 'version', 'state']).executeTakeFirst();
    });
    res.status(task ? 200 : 409).json({ task });
  });
  app.use((err: unknown, _req: Request, res: express.Response, next: express.NextFunction) => {
    if (!(err instanceof z.ZodError)) return next(err);
    res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: err.message } });
  });
  return app;
}
