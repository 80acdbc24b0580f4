import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../server/contracts/tasks.ts';
import { apiLogin, assertClientBuilt, freePort, launchChromium, seriousViolations, startServer, WAIT_MS, type TestServer } from './helpers.ts';

// axe-core on every page in Finnish, Swedish and English: no serious or critical violation. The
// script is injected into the page (bypassing the CSP for the test only); the pages show real data.

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd-a11y';
const LANGUAGES = ['fi', 'sv', 'en'] as const;
const CODE_745 = { fi: 'Kaatuminen', sv: 'Fall', en: 'Fall (same level)' } as const;
const USERS = {
  nurse: { username: 'a11y.nurse', displayName: 'Aino Nurse', password: 'a11y-Nurse-Passw0rd', role: 'nurse' },
  shift_leader: { username: 'a11y.leader', displayName: 'Lea Leader', password: 'a11y-Leader-Passw0rd', role: 'shift_leader' },
  admin: { username: 'admin', displayName: 'admin', password: ADMIN_PASSWORD, role: 'admin' },
} as const;
type Who = keyof typeof USERS;

interface PageCheck {
  name: string;
  who: Who | null;
  path: string;
  /** What the page must show before it is checked. */
  ready: string;
  prepare?: (page: Page) => Promise<void>;
}

let server: TestServer;
let dataDir = '';
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
let heldTask: TaskSummary;

const PAGES: PageCheck[] = [
  { name: 'login', who: null, path: '/login', ready: 'input[type="password"]' },
  {
    name: 'nurse console with a task open',
    who: 'nurse',
    path: '/nurse',
    ready: '[data-testid="task-view"] [data-testid="call-last"]',
  },
  {
    name: 'nurse console, outcome confirmation',
    who: 'nurse',
    path: '/nurse',
    ready: '[data-testid="task-view"] [data-testid="call-last"]',
    async prepare(page) {
      await page.getByTestId('task-view').getByRole('radio').first().check();
      await page.locator('#outcome-unitLevel').selectOption('BLS');
      await page.locator('#outcome-reason').selectOption('clinical_need');
      await page.keyboard.press('Control+Enter');
      await page.getByTestId('confirm-outcome').waitFor({ timeout: WAIT_MS });
    },
  },
  { name: 'live load', who: 'shift_leader', path: '/live', ready: '[data-testid="live-seq"]' },
  { name: 'reports', who: 'shift_leader', path: '/reports', ready: 'table' },
  { name: 'admin users', who: 'admin', path: '/admin/users', ready: 'table' },
  { name: 'admin integration keys', who: 'admin', path: '/admin/keys', ready: 'h1' },
  { name: 'admin audit', who: 'admin', path: '/admin/audit', ready: 'table' },
  { name: 'admin reference data', who: 'admin', path: '/admin/reference', ready: '[data-testid="task-codes-table"]' },
];

async function contextFor(who: Who | null, language: string): Promise<BrowserContext> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki', bypassCSP: true });
  contexts.push(context);
  await context.addInitScript((lang) => window.localStorage.setItem('dtask.language', lang), language);
  if (who) {
    const [name, ...value] = (await apiLogin(server.baseUrl, USERS[who].username, USERS[who].password)).split('=');
    await context.addCookies([{ name: name ?? '', value: value.join('='), url: server.baseUrl }]);
  }
  return context;
}

describe('accessibility (axe-core) and tab titles on every page in fi, sv and en', () => {
  beforeAll(async () => {
    assertClientBuilt();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dtask-e2e-a11y-'));
    server = await startServer({ port: await freePort(), dataDir, adminPassword: ADMIN_PASSWORD });
    const admin = await apiLogin(server.baseUrl, 'admin', ADMIN_PASSWORD);
    const post = (p: string, body: object, headers: Record<string, string>) =>
      fetch(`${server.baseUrl}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    for (const who of ['nurse', 'shift_leader'] as const) expect((await post('/api/users', USERS[who], { Cookie: admin })).status).toBe(201);
    const key = ((await (await post('/api/integration-keys', { name: 'ERC a11y' }, { Cookie: admin })).json()) as { key: string }).key;
    const intake = async (ercTaskId: string, minutes: number) =>
      ((await (await post('/api/intake/tasks', {
        ercTaskId,
        urgency: 'D',
        taskCode: '745',
        receivedAt: new Date(Date.now() - minutes * 60_000).toISOString(),
        municipality: 'Oulu',
        callbackPhone: '0401234567',
        summary: 'Kaatunut kotona.',
      }, { Authorization: `Bearer ${key}` })).json()) as { task: TaskSummary }).task;
    heldTask = await intake('A11Y-1', 10);
    await intake('A11Y-2', 40);
    const nurse = await apiLogin(server.baseUrl, USERS.nurse.username, USERS.nurse.password);
    expect((await post(`/api/tasks/${heldTask.id}/claim`, {}, { Cookie: nurse })).status).toBe(200);
    expect((await post(`/api/tasks/${heldTask.id}/call-attempts`, { result: 'answered' }, { Cookie: nurse })).status).toBe(201);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  for (const language of LANGUAGES) {
    it(`has no serious or critical violation in ${language}`, async () => {
      const found: string[] = [];
      const titles = new Map<string, string>();
      for (const check of PAGES) {
        const context = await contextFor(check.who, language);
        const page = await context.newPage();
        await page.goto(`${server.baseUrl}${check.path}`);
        await page.locator(check.ready).first().waitFor({ timeout: WAIT_MS });
        await check.prepare?.(page);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(language);
        titles.set(check.path, await page.title());
        if (check.who === 'nurse') {
          // The task code's name comes from the code table in the UI's language (Swedish too).
          expect((await page.locator('#task-title').textContent())?.trim()).toBe(`745 ${CODE_745[language]}`);
        }
        for (const problem of await seriousViolations(page)) found.push(`${language} ${check.name}: ${problem}`);
        await context.close();
      }
      expect(found).toEqual([]);
      // Every page names its own browser tab.
      expect(new Set(titles.values()).size).toBe(titles.size);
    });
  }
});
