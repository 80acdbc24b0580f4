import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from '../db/create-db.ts';
import type { Logger } from '../logger.ts';

/**
 * PGlite lets one process open a data folder. A backup while the console runs therefore goes through
 * the running server: it answers GET /snapshot on a Unix socket beside the data folder, made
 * readable and writable only by the account that runs the server (which can read the data folder
 * anyway). No network port, no credentials to manage. Without a server the CLI opens the folder itself.
 */
export function backupSocketPath(dataDir: string): string {
  return `${path.resolve(dataDir)}.backup.sock`;
}

// Unix socket paths are limited to 107 bytes on Linux (103 on macOS).
const MAX_SOCKET_PATH = 100;

function get(socketPath: string, urlPath: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: urlPath }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const NOBODY_LISTENS = new Set(['ENOENT', 'ECONNREFUSED']);

/** True when a console process serves this data folder now. */
export async function servedByRunningServer(dataDir: string): Promise<boolean> {
  try {
    return (await get(backupSocketPath(dataDir), '/status')).status === 200;
  } catch (err) {
    if (NOBODY_LISTENS.has((err as NodeJS.ErrnoException).code ?? '')) return false;
    throw err;
  }
}

/** Stops a second process from opening a folder a running console has open. */
export async function refuseIfServed(dataDir: string): Promise<void> {
  if (await servedByRunningServer(dataDir)) throw new Error(`A console process serves ${dataDir}: only one process may open it at a time.`);
}

/** The server's side (call `refuseIfServed` before opening the folder); replaces a socket file left by a process that died. */
export async function serveSnapshots(handle: DbHandle, dataDir: string, logger: Logger): Promise<{ close(): Promise<void> }> {
  const socketPath = backupSocketPath(dataDir);
  const snapshot = handle.snapshot;
  if (!snapshot) throw new Error('snapshots need the embedded database');
  if (socketPath.length > MAX_SOCKET_PATH) {
    throw new Error(`The backup socket path ${socketPath} is longer than ${MAX_SOCKET_PATH} characters: use a shorter DATA_DIR.`);
  }
  if (existsSync(socketPath)) unlinkSync(socketPath);
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/status') return void res.writeHead(200).end('ok');
    if (req.method !== 'GET' || req.url !== '/snapshot') return void res.writeHead(404).end();
    const started = Date.now();
    snapshot().then(
      async (blob) => {
        const bytes = Buffer.from(await blob.arrayBuffer());
        logger.info({ bytes: bytes.length, ms: Date.now() - started }, 'database snapshot taken for a backup');
        res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': bytes.length }).end(bytes);
      },
      (err: unknown) => {
        logger.error({ err }, 'database snapshot failed');
        res.writeHead(500).end(err instanceof Error ? err.message : String(err));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function openDirectory<T>(dataDir: string, work: (pglite: PGlite) => Promise<T>): Promise<T> {
  const pglite = await PGlite.create(dataDir);
  try {
    return await work(pglite);
  } finally {
    await pglite.close();
  }
}

/** True when the folder exists and holds anything (a database, or what restore must not overwrite). */
export function hasFiles(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).length > 0;
}

/** A gzipped tarball of the data folder: from the running server, or from the folder when none runs. */
export async function takeSnapshot(dataDir: string): Promise<{ bytes: Buffer; via: 'server' | 'folder' }> {
  try {
    const res = await get(backupSocketPath(dataDir), '/snapshot');
    if (res.status !== 200) throw new Error(`The running server could not take a snapshot: ${res.body.toString()}`);
    return { bytes: res.body, via: 'server' };
  } catch (err) {
    if (!NOBODY_LISTENS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
  if (!hasFiles(dataDir)) throw new Error(`No database in ${dataDir} and no server running on it.`);
  const blob = await openDirectory(dataDir, (pglite) => pglite.dumpDataDir('gzip'));
  return { bytes: Buffer.from(await blob.arrayBuffer()), via: 'folder' };
}

/**
 * Unpacks a snapshot into `dataDir` through PGlite itself (it knows its own tarball), into a
 * folder beside it first, so a broken file never leaves a half-restored database behind.
 */
export async function restoreSnapshot(bytes: Buffer, dataDir: string, options: { force: boolean }): Promise<{ lastSeq: number }> {
  await refuseIfServed(dataDir);
  if (hasFiles(dataDir) && !options.force) {
    throw new Error(`${dataDir} is not empty: restoring would replace that database. Move it away, or pass --force.`);
  }
  const staging = `${path.resolve(dataDir)}.restoring`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  try {
    const pglite = await PGlite.create({ dataDir: staging, loadDataDir: new Blob([new Uint8Array(bytes)]) });
    let lastSeq: number;
    try {
      // A console database has its event counter; anything else is not a backup of this program.
      const { rows } = await pglite.query<{ seq: string }>('select seq::text from event_counter');
      lastSeq = Number(rows[0]?.seq ?? Number.NaN);
    } finally {
      await pglite.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
    renameSync(staging, dataDir);
    return { lastSeq };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
