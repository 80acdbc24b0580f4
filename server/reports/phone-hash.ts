import { createHmac, randomBytes } from 'node:crypto';
import type { Executor } from '../audit/audit.repository.ts';
import type { Db } from '../db/create-db.ts';
import type { Logger } from '../logger.ts';

const KEY_NAME = 'phone_hash_key';
const FILL_BATCH = 500;

export type HashPhone = (normalizedPhone: string) => string;

export interface PhoneHasher {
  /**
   * The keyed hash function, once the key is known. Call it before opening a transaction: the first
   * call may read or create the key in the database (PGlite has one connection).
   */
  keyed(): Promise<HashPhone>;
}

/**
 * A secret generated once and kept in the database (`app_secret`): of nodes starting at once, the
 * first insert wins and all read it.
 */
export async function storedSecret(db: Executor, name: string): Promise<string> {
  await db
    .insertInto('app_secret')
    .values({ name, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('app_secret').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}

/**
 * HMAC-SHA256 of a callback number in its normalised form (+358...), so that re-contacts can be
 * matched without any report or aggregate ever holding a number. The key comes from
 * PHONE_HASH_KEY, else from the database (generated on first use).
 */
export function createPhoneHasher(db: Db, configuredKey: string | undefined): PhoneHasher {
  let pending: Promise<HashPhone> | undefined;
  const load = async (): Promise<HashPhone> => {
    const key = configuredKey ?? (await storedSecret(db, KEY_NAME));
    return (phone) => createHmac('sha256', key).update(phone).digest('hex');
  };
  return {
    keyed() {
      pending ??= load().catch((err: unknown) => {
        pending = undefined; // a database hiccup must not poison every later intake
        throw err;
      });
      return pending;
    },
  };
}

/**
 * Gives every task without a callback hash (rows older than the reports migration) its hash, newest
 * first, in batches; the re-contact triggers link them as they go. Idempotent; safe on several nodes
 * at once (SKIP LOCKED).
 */
export async function fillMissingPhoneHashes(db: Db, hasher: PhoneHasher): Promise<number> {
  const hash = await hasher.keyed();
  let filled = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('task')
        .select(['id', 'callback_phone'])
        .where('callback_phone_hash', 'is', null)
        .orderBy('received_at', 'desc')
        .limit(FILL_BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      // One row at a time, newest first: the order in which the aggregate triggers take month locks.
      for (const row of rows) {
        await trx.updateTable('task').set({ callback_phone_hash: hash(row.callback_phone) }).where('id', '=', row.id).execute();
      }
      return rows.length;
    });
    filled += done;
    if (done < FILL_BATCH) return filled;
  }
}

/** Runs the fill in the background at start-up; a failure is logged and retried at the next start. */
export function startPhoneHashFill(db: Db, hasher: PhoneHasher, logger: Logger): void {
  fillMissingPhoneHashes(db, hasher).then(
    (filled) => {
      if (filled > 0) logger.info({ filled }, 'callback hashes filled for older tasks');
    },
    (err: unknown) => logger.error({ err }, 'filling callback hashes failed'),
  );
}
