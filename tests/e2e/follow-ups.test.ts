import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDetail } from '../../server/contracts/tasks.ts';
import { apiLogin, assertClientBuilt, collectBrowserProblems, ercIntake, expectText, expectTextContaining, freePort, launchChromium, OUT_DIR, ROOT, seriousViolations, startServer, WAIT_MS, type TestServer } from './helpers.ts';

// Issue 11's follow-up calls in a real Chromium: nurse A advises and schedules a call in 1 h; an
// hour later (the server's clock moved by tests/e2e/clock-shim.mjs, the browser's by Playwright)
// it is in nurse B's queue; B finds the patient worse and a unit is requested from the ERC.

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd-followup';
const NURSE_A = { username: 'aino.follow', displayName: 'Aino Aalto', password: 'nurse-A-Passw0rd-fu' };
const NURSE_B = { username: 'bertta.follow', displayName: 'Bertta Berg', password: 'nurse-B-Passw0rd-fu' };
const LEADER = { username: 'vilma.follow', displayName: 'Vilma Vuoro', password: 'leader-V-Passw0rd-fu' };
const MINUTE = 60_000;
const HOUR = 3_600_000;

let server: TestServer;
let dataDir = '';
let clockFile = '';
let baseUrl = '';
let ercKey = '';
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

async function send(method: 'POST' | 'GET', pathName: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}${pathName}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** A page logged in as `user`, its clock `offsetMs` ahead of the real one (as the server's). */
async function loggedIn(user: { username: string; password: string }, offsetMs: number): Promise<Page> {
  if (!browser) throw new Error('no browser');
  // bypassCSP: axe-core is injected as an inline script.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki', bypassCSP: true });
  contexts.push(context);
  if (offsetMs !== 0) await context.clock.setSystemTime(Date.now() + offsetMs);
  const page = await context.newPage();
  collectBrowserProblems(page, problems);
  await page.goto(baseUrl);
  await page.getByLabel('Käyttäjätunnus', { exact: true }).fill(user.username);
  await page.getByLabel('Salasana', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
  await page.getByRole('button', { name: 'Kirjaudu ulos' }).waitFor({ timeout: WAIT_MS });
  return page;
}

async function consolePage(nurse: { username: string; password: string }, offsetMs = 0): Promise<Page> {
  const page = await loggedIn(nurse, offsetMs);
  await page.getByRole('heading', { level: 1, name: 'Hoitajan konsoli' }).waitFor({ timeout: WAIT_MS });
  return page;
}

describe('follow-up calls in Chromium', () => {
  beforeAll(async () => {
    assertClientBuilt();
    await mkdir(OUT_DIR, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dtask-e2e-followup-'));
    clockFile = path.join(dataDir, 'clock-offset');
    await writeFile(clockFile, '0');
    server = await startServer({
      port: await freePort(),
      dataDir,
      adminPassword: ADMIN_PASSWORD,
      env: { NODE_OPTIONS: `--import ${path.join(ROOT, 'tests/e2e/clock-shim.mjs')}`, E2E_CLOCK_FILE: clockFile },
    });
    baseUrl = server.baseUrl;
    const admin = { Cookie: await apiLogin(baseUrl, 'admin', ADMIN_PASSWORD) };
    ercKey = ((await (await send('POST', '/api/integration-keys', admin, { name: 'ERC follow-up' })).json()) as { key: string }).key;
    for (const nurse of [NURSE_A, NURSE_B]) expect((await send('POST', '/api/users', admin, { ...nurse, role: 'nurse' })).status).toBe(201);
    expect((await send('POST', '/api/users', admin, { ...LEADER, role: 'shift_leader' })).status).toBe(201);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    expect(problems).toEqual([]);
  });

  it('A advises and schedules a call in 1 h; an hour later it is in B’s queue; B records worse and a unit is requested', async () => {
    const task = await ercIntake(baseUrl, ercKey, { ercTaskId: 'FU-1', municipality: 'Kempele', address: 'Ketunpolku 4', callbackPhone: '0405550303', summary: 'Huimaa, kaatuillut.' });

    const pageA = await consolePage(NURSE_A);
    await pageA.locator('[data-testid="queue-item"][data-erc-task-id="FU-1"]').getByRole('button', { name: /^Ota tehtävä/ }).click();
    const view = pageA.getByTestId('task-view');
    await view.getByTestId('call-answered').click();
    await expectTextContaining(view.getByTestId('call-attempts'), 'Vastasi');
    await view.getByLabel('Pääoire', { exact: true }).fill('Huimaus seistessä');
    await view.getByRole('radio', { name: /Puhelinneuvonta/ }).check();
    await view.getByLabel('Ohje', { exact: true }).selectOption('call_back_if_worse');
    await view.getByLabel('Perustelu', { exact: true }).fill('Vointi vakaa, juo nestettä; soitetaan tunnin päästä.');
    await view.getByTestId('submit-outcome').click();
    await pageA.getByTestId('confirm-outcome').waitFor({ timeout: WAIT_MS });
    await pageA.keyboard.press('Enter');
    await expectTextContaining(view.getByTestId('read-only').locator('p'), 'Tehtävä on suljettu');

    const panel = view.getByTestId('follow-ups');
    await panel.getByLabel('1 h kuluttua', { exact: true }).check();
    await panel.getByLabel('Mitä tarkistetaan', { exact: true }).fill('Onko huimaus pahempi? Pystyykö seisomaan?');
    expect(await seriousViolations(pageA)).toEqual([]);
    await panel.getByTestId('follow-up-schedule').click();
    await expect.poll(() => panel.getByTestId('follow-up-entry').count(), { timeout: WAIT_MS }).toBe(1);
    await expectTextContaining(panel.getByTestId('follow-up-entry'), 'Ajastettu');

    // Now: B sees it in the queue, but not yet to take.
    const early = await consolePage(NURSE_B);
    const earlyItem = early.locator('[data-testid="follow-up-item"][data-erc-task-id="FU-1"]');
    await earlyItem.waitFor({ timeout: WAIT_MS });
    expect(await earlyItem.getByRole('button', { name: /^Ota/ }).count()).toBe(0);

    // An hour later.
    await writeFile(clockFile, String(HOUR));
    const pageB = await consolePage(NURSE_B, HOUR);
    const item = pageB.locator('[data-testid="follow-up-item"][data-erc-task-id="FU-1"]');
    await item.getByRole('button', { name: /^Ota/ }).click();
    const call = pageB.getByTestId('follow-up-call');
    await expectTextContaining(call.getByTestId('follow-up-check'), 'Onko huimaus pahempi?');
    await expectTextContaining(call.getByTestId('follow-up-advice'), 'Vointi vakaa, juo nestettä');
    await expectText(call.getByTestId('follow-up-phone'), '+358405550303');
    await call.getByRole('button', { name: 'Vastasi', exact: true }).click();
    await expectTextContaining(call, 'Soittoja 1');
    await pageB.screenshot({ path: path.join(OUT_DIR, 'follow-up-call.png'), fullPage: true });
    expect(await seriousViolations(pageB)).toEqual([]);
    await call.getByTestId('follow-up-result-worse').click();
    await expect.poll(() => pageB.getByTestId('follow-up-call').count(), { timeout: WAIT_MS }).toBe(0);

    // The ERC gets exactly one dispatch request, reason deteriorated_at_follow_up.
    const requests = (await (await send('GET', '/api/intake/dispatch-requests', { Authorization: `Bearer ${ercKey}` })).json()) as { dispatchRequests: { taskId: string; reason: string }[] };
    expect(requests.dispatchRequests.filter((r) => r.taskId === task.id).map((r) => r.reason)).toEqual(['deteriorated_at_follow_up']);
    const nurseB = { Cookie: await apiLogin(baseUrl, NURSE_B.username, NURSE_B.password) };
    const stored = ((await (await send('GET', `/api/tasks/${task.id}`, nurseB)).json()) as { task: TaskDetail }).task;
    expect(stored.outcomeType).toBe('dispatch_unit');
  });

  it('a follow-up nobody calls is flagged overdue and shown on the live board with its age', async () => {
    const task = await ercIntake(baseUrl, ercKey, { ercTaskId: 'FU-2', municipality: 'Kempele', callbackPhone: '0405550404', summary: 'Kuumetta.' });
    const nurseA = { Cookie: await apiLogin(baseUrl, NURSE_A.username, NURSE_A.password) };
    expect((await send('POST', `/api/tasks/${task.id}/claim`, nurseA)).status).toBe(200);
    const called = (await (await send('POST', `/api/tasks/${task.id}/call-attempts`, nurseA, { result: 'answered' })).json()) as { task: { version: number } };
    const closed = await send('POST', `/api/tasks/${task.id}/outcome`, nurseA, { type: 'phone_advice', advice: 'self_care', rationale: 'Kuume laskussa.', version: called.task.version });
    expect(closed.status).toBe(200);
    expect((await send('POST', `/api/tasks/${task.id}/follow-ups`, nurseA, { when: 'in_1h', check: 'Kuume?' })).status).toBe(201);

    // 80 minutes on (the clock already runs an hour ahead): due 20 min ago, overdue after 15.
    await writeFile(clockFile, String(2 * HOUR + 20 * MINUTE));
    const page = await loggedIn(LEADER, 2 * HOUR + 20 * MINUTE);
    await page.goto(`${baseUrl}/live`);
    const board = page.getByTestId('overdue-follow-ups');
    // The scheduler flags it on its next tick (every 5 s); the board reads the list every 15 s.
    await expect.poll(() => board.getByTestId('overdue-follow-up').count(), { timeout: 3 * WAIT_MS }).toBe(1);
    await expectTextContaining(board.getByTestId('overdue-follow-up'), 'FU-2');
    await expect.poll(async () => (await board.getByTestId('overdue-follow-up').textContent()) ?? '', { timeout: WAIT_MS }).toMatch(/myöhässä 2\d min/);
    await expectTextContaining(board.locator('h2'), '(1)');
    await page.screenshot({ path: path.join(OUT_DIR, 'follow-up-overdue-live.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });
});
