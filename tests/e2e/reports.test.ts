import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiLogin, assertClientBuilt, expectText, freePort, launchChromium, startServer, WAIT_MS, type TestServer } from './helpers.ts';

// The manager's Reports page in a real Chromium against the real server: history imported through
// the API, the chart, the table, a breakdown by area and the CSV download.

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd-2026';
const MANAGER = { username: 'esihenkilo.e2e', displayName: 'Eino Esihenkilö', password: 'manager-Passw0rd-e2e-1', role: 'manager' };

let server: TestServer | undefined;
let dataDir: string | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
const browserProblems: string[] = [];

/** The month before this one in Helsinki, as the page's default range ends there. */
function previousHelsinkiMonth(): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' }).formatToParts(new Date());
  const year = Number(parts.find((p) => p.type === 'year')?.value);
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

beforeAll(async () => {
  assertClientBuilt();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'dtc-e2e-reports-'));
  server = await startServer({ port: await freePort(), dataDir, adminPassword: ADMIN_PASSWORD });
  const adminCookie = await apiLogin(server.baseUrl, 'admin', ADMIN_PASSWORD);
  const post = (p: string, body: object) =>
    fetch(`${server!.baseUrl}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: adminCookie }, body: JSON.stringify(body) });
  expect((await post('/api/users', MANAGER)).status).toBe(201);

  const month = previousHelsinkiMonth();
  const tasks = Array.from({ length: 12 }, (_, i) => ({
    ercTaskId: `E2E-REP-${i}`,
    urgency: 'D',
    taskCode: '774',
    receivedAt: `${month}-10T0${i % 10}:00:00Z`,
    municipality: i < 8 ? 'Oulu' : 'Kempele',
    callbackPhone: `+35840777${String(i).padStart(4, '0')}`,
    summary: 'e2e history',
    outcome: i < 5
      ? { type: 'phone_advice', advice: 'self_care', rationale: 'stable' }
      : i < 9
        ? { type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'clinical_need' }
        : { type: 'redirect', target: 'home_care', handoffTo: 'home care', rationale: 'fits' },
    firstCallAt: `${month}-10T0${i % 10}:1${i % 10}:00Z`,
    closedAt: `${month}-10T0${i % 10}:30:00Z`,
  }));
  const imported = await post('/api/import/tasks', { tasks });
  expect(imported.status).toBe(200);

  browser = await launchChromium();
  context = await browser.newContext({ locale: 'fi-FI', acceptDownloads: true });
  const cookie = (await apiLogin(server.baseUrl, MANAGER.username, MANAGER.password)).split('=');
  await context.addCookies([{ name: cookie[0]!, value: cookie.slice(1).join('='), url: server.baseUrl }]);
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') browserProblems.push(m.text());
  });
  page.on('pageerror', (e) => browserProblems.push(e.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('reports page', () => {
  it('shows the chart with the avoided count, the table and the breakdown by area, and downloads the CSV', async () => {
    await page.goto(`${server!.baseUrl}/reports`);
    await expectText(page.getByRole('heading', { level: 1 }), 'Raportit');
    const chart = page.getByRole('img', { name: /Pinotut pylväät/ });
    await chart.waitFor({ timeout: WAIT_MS });
    // 5 phone advice + 3 redirects avoided a unit: the number above the bar.
    await expect.poll(() => chart.locator('text', { hasText: /^8$/ }).count(), { timeout: WAIT_MS }).toBe(1);
    const monthRow = page.getByRole('row').filter({ has: page.getByRole('rowheader') }).filter({ hasText: '12' }).first();
    await expect.poll(async () => (await monthRow.textContent()) ?? '', { timeout: WAIT_MS }).toContain('8');

    await page.getByLabel('Erittely', { exact: true }).selectOption('area');
    await page.getByRole('button', { name: 'Näytä' }).click();
    await expectText(page.getByRole('rowheader', { name: '↳ Oulu' }), '↳ Oulu');
    // Kempele is in Lakeus: 4 tasks, fewer than 5, so its counts are hidden.
    const lakeus = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '↳ Lakeus' }) });
    await expect.poll(async () => (await lakeus.textContent()) ?? '', { timeout: WAIT_MS }).toContain('<5');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Lataa CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^d-task-report_\d{4}-\d{2}_\d{4}-\d{2}_area\.csv$/);
    const file = await download.path();
    const text = await readFile(file, 'utf8');
    expect(text.startsWith('\uFEFFmonth;area;received;')).toBe(true);
    expect(text).toContain(';Lakeus;<5;');
    expect(browserProblems).toEqual([]);
  });
});
