// npm run user -- <command> ...: manage accounts from a shell, through the same service (and audit) as the admin page.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfigFromEnvironment } from '../config.ts';
import { CreateUserRequest, UpdateUserRequest } from '../contracts/users.ts';
import { createDb } from '../db/create-db.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { NO_REQUEST, type CliActor } from '../http/actor.ts';
import { AppError } from '../http/errors.ts';
import type { Publisher } from '../realtime/publisher.ts';
import { createUsersService } from '../users/users.service.ts';
import { generatePassword } from '../auth/secrets.ts';
import { findUserByUsername } from '../users/users.repository.ts';

const USAGE = `Usage: npm run user -- <command> [options]
  list
  create     --username NAME --role nurse|shift_leader|manager|admin --display-name "Full Name" [--password PW]
  set-role   --username NAME --role ROLE
  reset-password --username NAME [--password PW]     (also unlocks a locked account)
  deactivate --username NAME
  activate   --username NAME
Without --password a password is generated and printed once.`;

// The CLI runs outside the web server: sessions it ends are removed from the database, and any open
// socket notices at its next request. There is no socket server here to tell at once.
const OFFLINE: Publisher = {
  sessionsEnded: () => undefined,
  userChanged: () => undefined,
  taskChanged: () => undefined,
  auditChanged: () => undefined,
  auditCritical: () => undefined,
  congestionChanged: () => undefined,
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    username: { type: 'string' },
    role: { type: 'string' },
    'display-name': { type: 'string' },
    password: { type: 'string' },
  },
});

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function run(): Promise<void> {
  const command = positionals[0];
  if (!command || command === 'help') return out(USAGE);
  const config = loadConfigFromEnvironment();
  const handle = await createDb(config.database);
  try {
    await migrateToLatest(handle.db);
    const users = createUsersService(handle.db, OFFLINE, config.session.idleMinutes);
    const actor: CliActor = { kind: 'cli', name: os.userInfo().username };
    const password = values.password ?? generatePassword();
    const generated = values.password === undefined ? password : undefined;
    const target = async () => {
      const row = await findUserByUsername(handle.db, z.string().min(1, '--username is required').parse(values.username));
      if (!row) throw new AppError(404, 'NOT_FOUND', `No user "${values.username}"`);
      return row.id;
    };
    switch (command) {
      case 'list':
        for (const u of await users.list()) out(`${u.username}\t${u.role}\t${u.active ? 'active' : 'inactive'}\t${u.displayName}`);
        return;
      case 'create': {
        const input = CreateUserRequest.parse({ username: values.username, role: values.role, displayName: values['display-name'], password });
        const user = await users.create(input, actor, NO_REQUEST);
        out(`Created ${user.username} (${user.role}).`);
        if (generated) out(`Password (shown once): ${generated}`);
        return;
      }
      case 'set-role':
        await users.update(await target(), UpdateUserRequest.parse({ role: values.role }), actor, NO_REQUEST);
        return out(`${values.username} is now ${values.role}.`);
      case 'reset-password':
        await users.update(await target(), UpdateUserRequest.parse({ password }), actor, NO_REQUEST);
        out(`Password of ${values.username} reset; sessions ended; account unlocked.`);
        if (generated) out(`Password (shown once): ${generated}`);
        return;
      case 'deactivate':
      case 'activate':
        await users.update(await target(), { active: command === 'activate' }, actor, NO_REQUEST);
        return out(`${values.username} ${command}d.`);
      default:
        throw new Error(`Unknown command "${command}".\n${USAGE}`);
    }
  } finally {
    await handle.close();
  }
}

run().catch((err: unknown) => {
  if (err instanceof z.ZodError) {
    process.stderr.write(`${err.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('\n')}\n`);
  } else {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exitCode = 1;
});
