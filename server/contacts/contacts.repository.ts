import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../audit/audit.repository.ts';
import { CONTACT_HISTORY_DAYS } from '../contracts/contacts.ts';

const OPEN_STATES = ['queued', 'in_assessment', 'callback_pending'] as const;
/** More earlier contacts than this in a month is a pattern already; the list stops there. */
const MAX_CONTACTS = 100;

/** An address as people type it: case, surrounding and repeated spaces do not make another address. */
const normalisedAddress = (value: RawBuilder<unknown> | string) => sql<string>`lower(regexp_replace(btrim(${value}), '\\s+', ' ', 'g'))`;

/** The task being opened: only what matching needs (the keyed hash, never the number). */
export function findContactKey(db: Executor, taskId: string) {
  return db
    .selectFrom('task')
    .select(['id', 'received_at', 'callback_phone_hash', 'municipality_id', 'address'])
    .where('id', '=', taskId)
    .executeTakeFirst();
}
export type ContactKey = NonNullable<Awaited<ReturnType<typeof findContactKey>>>;

/**
 * Earlier tasks with the same keyed callback hash within CONTACT_HISTORY_DAYS before this task's
 * receivedAt, newest first. Served by task_phone_hash_idx (hash, received_at).
 */
export function listEarlierContacts(db: Executor, key: ContactKey & { callback_phone_hash: string }) {
  return db
    .selectFrom('task')
    .leftJoin('task_code', 'task_code.code', 'task.task_code')
    .leftJoin('task_outcome', 'task_outcome.id', 'task.current_outcome_id')
    .select([
      'task.id',
      'task.erc_task_id',
      'task.received_at',
      'task.state',
      'task.task_code',
      'task.outcome_type',
      'task.referral_state',
      'task_code.name_fi',
      'task_code.name_en',
      'task_outcome.details as outcome_details',
      sql<Date | null>`(select min(f.due_at) from follow_up f where f.task_id = task.id and f.state in ('scheduled', 'in_call'))`.as('follow_up_due_at'),
      sql<boolean>`exists (select 1 from follow_up f where f.task_id = task.id and f.state in ('scheduled', 'in_call') and f.overdue_flagged_at is not null)`.as('follow_up_overdue'),
    ])
    .where('task.callback_phone_hash', '=', key.callback_phone_hash)
    .where('task.id', '<>', key.id)
    .where('task.received_at', '<=', key.received_at)
    .where('task.received_at', '>', sql<Date>`${key.received_at}::timestamptz - make_interval(days => ${CONTACT_HISTORY_DAYS})`)
    .orderBy('task.received_at', 'desc')
    .orderBy('task.id', 'desc')
    .limit(MAX_CONTACTS)
    .execute();
}
export type EarlierContactRow = Awaited<ReturnType<typeof listEarlierContacts>>[number];

/** Other open tasks from the same number, or from the same address in the same municipality. */
export function listOpenDuplicates(db: Executor, key: ContactKey) {
  const samePhone = key.callback_phone_hash === null ? sql<boolean>`false` : sql<boolean>`task.callback_phone_hash is not distinct from ${key.callback_phone_hash}`;
  const sameAddress =
    key.address === null || key.address.trim() === ''
      ? sql<boolean>`false`
      : sql<boolean>`(task.municipality_id = ${key.municipality_id} and task.address is not null and ${normalisedAddress(sql.ref('task.address'))} = ${normalisedAddress(key.address)})`;
  return db
    .selectFrom('task')
    .select(['task.id', 'task.erc_task_id', 'task.received_at', 'task.state', 'task.task_code', samePhone.as('same_phone'), sameAddress.as('same_address')])
    .where('task.state', 'in', OPEN_STATES)
    .where('task.id', '<>', key.id)
    .where(sql<boolean>`((${samePhone}) or (${sameAddress}))`)
    .orderBy('task.received_at')
    .execute();
}
