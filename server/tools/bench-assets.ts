// npm run bench:assets: what each page's first load costs the browser. Builds the client when it is
// missing or stale (as `npm start` does), then reads Vite's manifest: a page's first load is the entry
// with its static imports, the messages of one language (Finnish, the default), the page's own chunk
// with its static imports, the back-office messages on a back-office page and, once someone is logged in, the Socket.IO client. Prints the bytes of script and style as sent: raw, gzip and Brotli
// (the precompressed copies the server serves), and the script's gzip bytes against the 120 kB goal.
// A part a page fetches right after its first render (the nurse console's task view, prefetched once
// the queue is shown) is not first load; its row shows the total once it has arrived.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ENCODED_SUFFIXES } from './precompress.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIST = path.join(ROOT, 'client/dist');
const GOAL_GZIP_SCRIPT = 120_000;
const LANGUAGE_MODULE = 'src/lib/locales/fi.ts';
/** The back-office pages' messages, a chunk of their own that those pages load with their code. */
const BACK_OFFICE_MODULE = 'src/lib/locales/fi-back-office.ts';
const REALTIME_MODULE = /\/node_modules\/socket\.io-client\//;
const PAGES: readonly { name: string; module: string; loggedIn: boolean; backOffice?: boolean; prefetched?: { name: string; module: string } }[] = [
  { name: 'login', module: 'src/features/auth/components/login-page.tsx', loggedIn: false },
  {
    name: 'nurse console',
    module: 'src/features/nurse-console/components/nurse-console-page.tsx',
    loggedIn: true,
    prefetched: { name: '+ task view', module: 'src/features/nurse-console/components/task-view.tsx' },
  },
  { name: 'live board', backOffice: true, module: 'src/features/live-load/components/live-load-page.tsx', loggedIn: true },
  { name: 'reports', backOffice: true, module: 'src/features/reports/components/reports-page.tsx', loggedIn: true },
  { name: 'admin', backOffice: true, module: 'src/features/admin/components/admin-page.tsx', loggedIn: true },
];

const Manifest = z.record(
  z.string(),
  z.object({
    file: z.string(),
    isEntry: z.boolean().optional(),
    imports: z.array(z.string()).optional(),
    css: z.array(z.string()).optional(),
  }),
);
type Manifest = z.infer<typeof Manifest>;

execFileSync(process.execPath, [path.join(ROOT, 'server/tools/ensure-client-build.mjs')], { cwd: ROOT, stdio: 'inherit' });
const manifest = Manifest.parse(JSON.parse(readFileSync(path.join(DIST, '.vite/manifest.json'), 'utf8')));

/** The files a chunk needs before it runs: itself, its static imports (transitively) and their style. */
function firstLoad(key: string, files: Set<string>, seen = new Set<string>()): Set<string> {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the client's manifest`);
  if (seen.has(key)) return files;
  seen.add(key);
  files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const imported of chunk.imports ?? []) firstLoad(imported, files, seen);
  return files;
}

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : null);

interface Bytes {
  raw: number;
  gzip: number;
  br: number;
}

/** Bytes as sent: the compressed copy when there is one, else the file itself. */
function bytes(files: Iterable<string>): Bytes {
  const total: Bytes = { raw: 0, gzip: 0, br: 0 };
  for (const file of files) {
    const full = path.join(DIST, file);
    const raw = statSync(full).size;
    total.raw += raw;
    total.gzip += sizeOf(full + ENCODED_SUFFIXES.gzip) ?? raw;
    total.br += sizeOf(full + ENCODED_SUFFIXES.br) ?? raw;
  }
  return total;
}

const entry = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
const realtime = Object.keys(manifest).find((key) => REALTIME_MODULE.test(key));
if (!entry || !realtime) throw new Error('The client manifest has no entry or no Socket.IO client chunk');
const kB = (n: number) => (n / 1000).toFixed(1).padStart(7);
const out = (line: string) => process.stdout.write(`${line}\n`);

out(`First load per page (entry + ${LANGUAGE_MODULE.replace(/.*\//, '')} messages + the page's chunk + Socket.IO when logged in + ${BACK_OFFICE_MODULE.replace(/.*\//, '')} on back-office pages), kB = 1,000 bytes`);
out('page            |  script raw  gzip   brotli |  style raw  gzip  brotli | script gzip / 120 kB goal');
function row(name: string, files: Set<string>, goal: boolean): void {
  const script = bytes([...files].filter((file) => file.endsWith('.js')));
  const style = bytes([...files].filter((file) => file.endsWith('.css')));
  const ratio = script.gzip / GOAL_GZIP_SCRIPT;
  const judged = goal ? `${ratio.toFixed(2)}${ratio <= 1 ? '' : '  over the goal'}` : 'after first load, not judged';
  out(`${name.padEnd(15)} | ${kB(script.raw)} ${kB(script.gzip)} ${kB(script.br)} | ${kB(style.raw)} ${kB(style.gzip)} ${kB(style.br)} | ${judged}`);
}

for (const page of PAGES) {
  const files = firstLoad(page.module, firstLoad(LANGUAGE_MODULE, firstLoad(entry, new Set())));
  if (page.loggedIn) firstLoad(realtime, files);
  if (page.backOffice) firstLoad(BACK_OFFICE_MODULE, files);
  row(page.name, files, true);
  if (page.prefetched) row(page.prefetched.name, firstLoad(page.prefetched.module, new Set(files)), false);
}
