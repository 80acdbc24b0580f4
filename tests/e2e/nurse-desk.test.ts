import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDetail, TaskList, TaskSummary } from '../../server/contracts/tasks.ts';
import { apiLogin, assertClientBuilt, ercIntake, expectText, expectTextContaining, freePort, launchChromium, OUT_DIR, startServer, WAIT_MS, type TestServer } from './helpers.ts';

// Issue 13 in a real Chromium at 1280x720: no stray call result, no outcome without a call or a
// confirmation, an amendable closed task, one held task at a time, no silent hold at logout, the
// patient and the call section in view while the outcome is filled, counts from the server's totals.

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd-desk';
const NURSE = { username: 'desk.nurse', displayName: 'Dora Desk', password: 'nurse-Desk-Passw0rd-e2e' };
const COLLEAGUE = { username: 'desk.colleague', displayName: 'Kaisa Kollega', password: 'nurse-Colleague-Passw0rd' };

let server: TestServer;
let dataDir = '';
let baseUrl = '';
let integrationKey = '';
let nurseCookie = '';
let browser: Browser | undefined;
let page: Page;
const browserProblems: string[] = [];

async function post(pathName: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}${pathName}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

let phone = 1000;
function intake(ercTaskId: string, overrides: Record<string, unknown> = {}): Promise<TaskSummary> {
  return ercIntake(baseUrl, integrationKey, {
    ercTaskId,
    municipality: 'Oulu',
    address: 'Isokatu 1, Oulu',
    callbackPhone: `040 555 ${++phone}`,
    patientAge: 80,
    patientSex: 'female',
    summary: 'Huimaa, kaatunut kotona.',
    ...overrides,
  });
}

async function detail(id: string): Promise<TaskDetail> {
  const res = await fetch(`${baseUrl}/api/tasks/${id}`, { headers: { Cookie: nurseCookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { task: TaskDetail }).task;
}

const queueItem = (ercTaskId: string) => page.locator(`[data-testid="queue-item"][data-erc-task-id="${ercTaskId}"]`);
const view = () => page.getByTestId('task-view');

async function logIn(): Promise<void> {
  await page.getByLabel('Käyttäjätunnus', { exact: true }).fill(NURSE.username);
  await page.getByLabel('Salasana', { exact: true }).fill(NURSE.password);
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Hoitajan konsoli' }).waitFor({ timeout: WAIT_MS });
  await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
}

async function take(ercTaskId: string): Promise<void> {
  await queueItem(ercTaskId).getByRole('button', { name: /^Ota tehtävä/ }).click();
  await expectTextContaining(view().locator('.task-head-meta'), ercTaskId);
  await view().getByTestId('release').waitFor({ timeout: WAIT_MS });
}

/** Whether the element is wholly inside the 1280x720 viewport. */
async function inViewport(selector: string): Promise<boolean> {
  return page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth && r.height > 0;
  });
}

describe('the nurse desk in Chromium', () => {
  beforeAll(async () => {
    assertClientBuilt();
    await mkdir(OUT_DIR, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dtask-e2e-desk-'));
    server = await startServer({ port: await freePort(), dataDir, adminPassword: ADMIN_PASSWORD });
    baseUrl = server.baseUrl;
    const admin = { Cookie: await apiLogin(baseUrl, 'admin', ADMIN_PASSWORD) };
    integrationKey = ((await (await post('/api/integration-keys', { name: 'ERC desk' }, admin)).json()) as { key: string }).key;
    for (const user of [NURSE, COLLEAGUE]) expect((await post('/api/users', { ...user, role: 'nurse' }, admin)).status).toBe(201);
    nurseCookie = await apiLogin(baseUrl, NURSE.username, NURSE.password);

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) browserProblems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => browserProblems.push(`page error: ${error.message}`));
    await page.goto(baseUrl);
    await logIn();
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  let first: TaskSummary;

  it('typing "2" on a red-flag checkbox records nothing; in the call section it waits with Undo, and Esc undoes it', async () => {
    first = await intake('DESK-1');
    await take('DESK-1');
    const flag = view().getByTestId('red-flag-severe_pain');
    await flag.focus();
    await page.keyboard.press('2');
    // Time for a pending call to show, had the key started one.
    await page.waitForTimeout(500);
    expect(await page.getByTestId('call-pending').count()).toBe(0);
    expect((await detail(first.id)).callAttempts).toEqual([]);
    expect(await flag.isChecked()).toBe(false);

    await view().getByTestId('call-answered').focus();
    await page.keyboard.press('2');
    await expectTextContaining(page.getByTestId('call-pending'), '”Ei vastannut” kirjataan');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('call-pending').count(), { timeout: WAIT_MS }).toBe(0);
    // Past the undo window: still nothing was sent, and the nurse still holds the task.
    await page.waitForTimeout(6_000);
    const after = await detail(first.id);
    expect(after.callAttempts).toEqual([]);
    expect(after.state).toBe('in_assessment');
    await expectTextContaining(page.locator('.shortcut-list'), '2–5');
  });

  it('offers phone advice and redirect only after an answered call (Alt+1 from a text field), and shows the result beside the buttons', async () => {
    const advice = view().getByRole('radio', { name: /Puhelinneuvonta/ });
    expect(await advice.isDisabled()).toBe(true);
    await expectTextContaining(view().getByTestId('outcome'), 'Ei mahdollinen ennen kuin potilas on vastannut puheluun.');
    await expectText(view().getByTestId('call-last'), 'Ei vielä soittoja.');
    await view().getByLabel('Pääoire', { exact: true }).fill('Huimaus');
    await page.keyboard.press('Alt+1');
    await expectTextContaining(view().getByTestId('call-last'), 'Viimeisin: Vastasi klo');
    await expect.poll(() => advice.isDisabled(), { timeout: WAIT_MS }).toBe(false);
  });

  it('Ctrl+Enter shows the confirmation and Esc cancels it; Enter records, and the closed task stays open with focus on the notice', async () => {
    await view().getByRole('radio', { name: /Puhelinneuvonta/ }).check();
    await view().getByLabel('Ohje', { exact: true }).selectOption('self_care');
    await view().getByLabel('Perustelu', { exact: true }).fill('Lievä huimaus, juo hyvin, omahoito-ohjeet annettu.');
    await page.keyboard.press('Control+Enter');
    const dialog = page.getByTestId('confirm-outcome');
    await expectTextContaining(dialog.getByTestId('confirm-summary'), 'Puhelinneuvonta');
    await expectTextContaining(dialog.getByTestId('confirm-summary'), 'Lievä huimaus, juo hyvin');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count(), { timeout: WAIT_MS }).toBe(0);
    expect((await detail(first.id)).state).toBe('in_assessment');

    await page.keyboard.press('Control+Enter');
    await dialog.waitFor({ timeout: WAIT_MS });
    await page.keyboard.press('Enter');
    const status = view().getByTestId('read-only');
    await expectText(status.locator('p'), 'Tehtävä on suljettu: Puhelinneuvonta.');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: WAIT_MS }).toBe('read-only');
    expect(await status.getAttribute('role')).toBe('status');
    expect((await detail(first.id)).outcomeType).toBe('phone_advice');
  });

  it('the nurse who closed it amends the outcome: an amendment is recorded', async () => {
    await view().getByTestId('amend-open').click();
    const form = view().getByTestId('amend');
    await form.getByRole('radio', { name: /Yksikön lähetys/ }).check();
    await form.getByLabel('Yksikön taso', { exact: true }).selectOption('BLS');
    await form.getByLabel('Syy', { exact: true }).selectOption('clinical_need');
    await form.getByLabel('Korjauksen syy', { exact: true }).fill('Potilas soitti uudelleen, oireet pahenivat.');
    await form.getByTestId('submit-amend').click();
    await expectText(view().getByTestId('read-only').locator('p'), 'Ratkaisu korjattiin: Yksikön lähetys.');
    const stored = await detail(first.id);
    expect(stored.outcomes).toHaveLength(2);
    expect(stored.outcomes.find((o) => o.current)).toMatchObject({ outcome: { type: 'dispatch_unit', reason: 'clinical_need' }, amendmentReason: 'Potilas soitti uudelleen, oireet pahenivat.' });
  });

  it('at 1280x720 the call buttons and the phone number stay in view while the outcome is filled; O jumps to the outcome', async () => {
    await page.keyboard.press('Escape');
    await intake('DESK-2', { summary: 'Yskää ja kuumetta kolme päivää, asuu yksin.' });
    await take('DESK-2');
    await page.keyboard.press('Alt+1');
    await expectTextContaining(view().getByTestId('call-last'), 'Vastasi');
    await page.locator('body').press('o');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')), { timeout: WAIT_MS }).toBe('outcome-type');
    await view().getByRole('radio', { name: /Ohjaus toiseen palveluun/ }).check();
    await view().getByLabel('Perustelu', { exact: true }).fill('Kotisairaala käy tänään.');
    await page.screenshot({ path: path.join(OUT_DIR, 'nurse-desk-1280.png') });
    expect(await inViewport('[data-testid="callback-phone"]')).toBe(true);
    for (const result of ['answered', 'no_answer', 'busy', 'wrong_number', 'line_failure']) {
      expect(await inViewport(`[data-testid="call-${result}"]`), result).toBe(true);
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('outcome-rationale');
  });

  it('taking a second task asks to return the first, whose draft is kept', async () => {
    const second = (await (await fetch(`${baseUrl}/api/tasks`, { headers: { Cookie: nurseCookie } })).json()) as TaskList;
    const held = second.tasks.find((t) => t.ercTaskId === 'DESK-2');
    if (!held) throw new Error('DESK-2 missing');
    await view().getByLabel('Pääoire', { exact: true }).fill('Yskä');
    await expectTextContaining(view().getByTestId('draft-status'), 'Luonnos tallennettu');
    await intake('DESK-3');
    await queueItem('DESK-3').getByRole('button', { name: /^Ota tehtävä/ }).click();
    const ask = page.getByTestId('switch-task');
    await expectTextContaining(ask, 'Sinulla on jo tehtävä DESK-2');
    await ask.getByTestId('switch-task-yes').click();
    await expectTextContaining(view().locator('.task-head-meta'), 'DESK-3');
    const returned = await detail(held.id);
    expect(returned.state).toBe('queued');
    expect(returned.assessment?.chiefComplaint).toBe('Yskä');
  });

  it('an escalated task whose patient then answers says so and offers the true reasons', async () => {
    await page.keyboard.press('Alt+4');
    await page.getByTestId('call-pending').getByRole('button', { name: 'Kirjaa nyt' }).click();
    await expectTextContaining(view().getByTestId('escalation'), 'potilasta ei tavoitettu');
    await page.keyboard.press('Alt+1');
    await expectTextContaining(view().getByTestId('escalation'), 'Turvaverkko laukesi aiemmin, mutta potilas on nyt vastannut.');
    await view().getByRole('radio', { name: /Yksikön lähetys/ }).check();
    const reason = view().getByLabel('Syy', { exact: true });
    expect(await reason.isDisabled()).toBe(false);
    expect(await reason.locator('option[value="unreachable"]').count()).toBe(0);
    await reason.selectOption('clinical_need');
    await view().getByLabel('Yksikön taso', { exact: true }).selectOption('ALS');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('confirm-outcome-yes').waitFor({ timeout: WAIT_MS });
    await page.keyboard.press('Enter');
    await expectText(view().getByTestId('read-only').locator('p'), 'Tehtävä on suljettu: Yksikön lähetys.');
  });

  it('logout with a held task offers to return it; the task is back in the queue', async () => {
    await page.keyboard.press('Escape');
    const task = await intake('DESK-5');
    await take('DESK-5');
    await page.getByTestId('logout').click();
    const ask = page.getByTestId('logout-held');
    await expectTextContaining(ask, 'Tehtävä DESK-5 on sinulla');
    await ask.getByTestId('logout-return').click();
    await page.getByLabel('Käyttäjätunnus', { exact: true }).waitFor({ timeout: WAIT_MS });
    const stored = await detail(task.id);
    expect(stored.state).toBe('queued');
    expect(stored.claimedBy).toBeNull();
  });

  it('logout with a held task can hand it to a named colleague instead', async () => {
    // Only a colleague who is logged in is offered: she is on duty at her own desk.
    await apiLogin(baseUrl, COLLEAGUE.username, COLLEAGUE.password);
    await logIn();
    const task = await intake('DESK-6');
    await take('DESK-6');
    await page.getByTestId('logout').click();
    const ask = page.getByTestId('logout-held');
    await ask.getByLabel('Tai anna tehtävä kollegalle', { exact: true }).selectOption({ label: COLLEAGUE.displayName });
    await ask.getByTestId('logout-handover').click();
    await page.getByLabel('Käyttäjätunnus', { exact: true }).waitFor({ timeout: WAIT_MS });
    expect((await detail(task.id)).claimedBy?.displayName).toBe(COLLEAGUE.displayName);
  });

  it('queue counts come from the server totals, and the list says when it is cut', async () => {
    await logIn();
    const batch = Array.from({ length: 205 }, (_, i) => i);
    for (let i = 0; i < batch.length; i += 25) await Promise.all(batch.slice(i, i + 25).map((n) => intake(`BULK-${n}`)));
    const list = (await (await fetch(`${baseUrl}/api/tasks`, { headers: { Cookie: nurseCookie } })).json()) as TaskList;
    expect(list.tasks).toHaveLength(200);
    await expectTextContaining(page.getByTestId('queue-counts'), `Jonossa ${list.totals.queued}`);
    await expectTextContaining(page.getByTestId('queue-cut'), `200/${list.totals.all}`);
  });

  it('ran without script errors in the browser', () => {
    expect(browserProblems).toEqual([]);
  });
});
