import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TaskSummary } from '../../server/contracts/tasks.ts';

// What browser tests share: the real server in a child process (PGlite in a temp folder), Debian's
// Chromium, and small waits on what the page shows.

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const OUT_DIR = path.join(ROOT, '.ci/out');
export const WAIT_MS = 15_000;

export function assertClientBuilt(): void {
  if (!existsSync(path.join(ROOT, 'client/dist/index.html'))) {
    throw new Error('client/dist is missing: build the client first (npm run build)');
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export interface ServerOptions {
  port: number;
  dataDir: string;
  adminPassword: string;
  /** Extra environment, e.g. a shorter scheduler interval. */
  env?: Record<string, string>;
  /** How long to wait for /readyz to answer 200; 60 s unless told. */
  readyTimeoutMs?: number;
}

export interface TestServer {
  baseUrl: string;
  /** What the server wrote to stdout and stderr. */
  log(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** Starts server/main.ts as `npm start` would and waits until /readyz answers 200. */
export async function startServer(options: ServerOptions): Promise<TestServer> {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(options.port),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      ADMIN_PASSWORD: options.adminPassword,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`The server was not ready within ${readyTimeoutMs / 1000} s:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    baseUrl,
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Waits until the locator's trimmed text equals `text`. */
export async function expectText(locator: Locator, text: string): Promise<void> {
  await expect.poll(async () => (await locator.textContent({ timeout: WAIT_MS }))?.trim(), { timeout: WAIT_MS }).toBe(text);
}

/** Waits until the locator's text contains `text`. */
export async function expectTextContaining(locator: Locator, text: string): Promise<void> {
  await expect.poll(async () => (await locator.textContent({ timeout: WAIT_MS })) ?? '', { timeout: WAIT_MS }).toContain(text);
}

/** Logs in over the API (as another device would) and returns the session cookie. */
export async function apiLogin(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('login set no cookie');
  return cookie;
}

/** The ERC hands over a D-task through the integration API (201 expected); returns the task. */
export async function ercIntake(baseUrl: string, integrationKey: string, task: Record<string, unknown>): Promise<TaskSummary> {
  const res = await fetch(`${baseUrl}/api/intake/tasks`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${integrationKey}` },
    body: JSON.stringify({ urgency: 'D', taskCode: '745', receivedAt: new Date(Date.now() - 3 * 60_000).toISOString(), ...task }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { task: TaskSummary }).task;
}

/** Collects the page's script errors and console errors (except refused API calls, 4xx) into `problems`. */
export function collectBrowserProblems(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
}

interface AxeNode {
  target: unknown[];
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

let axeSource: Promise<string> | undefined;

/** axe-core on the page as it is: its serious and critical violations, each on one line. */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: await axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 5).join(', ')}`);
}
