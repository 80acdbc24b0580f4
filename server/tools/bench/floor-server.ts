// The floor of `npm run bench` (floor.ts) as a server process of its own, with Socket.IO: after each
// commit the event goes to every socket. With --adapter, nodes share events through PostgreSQL as
// the console's do. Usage: node --import tsx server/tools/bench/floor-server.ts DATABASE_URL [--adapter]
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/postgres-adapter';
import { Server } from 'socket.io';
import { createDb } from '../../db/create-db.ts';
import { createFloorApp } from './floor.ts';

const [url, ...flags] = process.argv.slice(2);
if (!url) throw new Error('usage: floor-server.ts DATABASE_URL [--adapter]');
const handle = await createDb({ kind: 'postgres', url, poolSize: 10 });
// Events go out only after a commit, by which time `io` exists.
const server = http.createServer(await createFloorApp(handle.db, (event) => io.emit('task:changed', event)));
const adapter = flags.includes('--adapter') && handle.pubsubPool ? { adapter: createAdapter(handle.pubsubPool, { tableName: 'socket_io_attachments' }) } : {};
const io = new Server(server, { serveClient: false, ...adapter });
server.listen(0, '127.0.0.1', () => process.stdout.write(`floor listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => {
  void io.close();
  server.close(() => void handle.close().then(() => process.exit(0)));
});
