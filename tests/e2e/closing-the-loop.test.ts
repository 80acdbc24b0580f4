import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../server/contracts/tasks.ts';
import { apiLogin, assertClientBuilt, expectText, expectTextContaining, freePort, launchChromium, OUT_DIR, startServer, WAIT_MS, type TestServer } from './helpers.ts';

// Issue 11 in a real Chromium: the patient's earlier contacts at the desk (and, as they land,
// referrals waiting for acceptance and follow-up calls).

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd-loop';
const NURSE = { username: 'kaisa.loop', displayName: 'Kaisa Kallio', password: 'nurse-K-Passw0rd-loop' };

let server: TestServer;
let dataDir = '';
let baseUrl = '';
let ercKey = '';
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

async function send(method: 'POST' | 'GET', pathName: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}${pathName}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function ercTask(ercTaskId: string, overrides: Record<string, unknown>): Promise<TaskSummary> {
  const res = await send('POST', '/api/intake/tasks', { Authorization: `Bearer ${ercKey}` }, {
    ercTaskId,
    urgency: 'D',
    taskCode: '774',
    receivedAt: hoursAgo(0.05),
    municipality: 'Kempele',
    address: 'Ketunpolku 4',
    callbackPhone: '0405550101',
    summary: 'Heikotus, huimaa seistessä.',
    ...overrides,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { task: TaskSummary }).task;
}

async function consolePage(): Promise<Page> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(baseUrl);
  await page.getByLabel('Käyttäjätunnus', { exact: true }).fill(NURSE.username);
  await page.getByLabel('Salasana', { exact: true }).fill(NURSE.password);
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Hoitajan konsoli' }).waitFor({ timeout: WAIT_MS });
  return page;
}

describe('closing the loop in Chromium', () => {
  beforeAll(async () => {
    assertClientBuilt();
    await mkdir(OUT_DIR, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dtask-e2e-loop-'));
    server = await startServer({ port: await freePort(), dataDir, adminPassword: ADMIN_PASSWORD, env: { RECEIVED_MAX_AGE_HOURS: '200' } });
    baseUrl = server.baseUrl;
    const admin = { Cookie: await apiLogin(baseUrl, 'admin', ADMIN_PASSWORD) };
    ercKey = ((await (await send('POST', '/api/integration-keys', admin, { name: 'ERC loop' })).json()) as { key: string }).key;
    expect((await send('POST', '/api/users', admin, { ...NURSE, role: 'nurse' })).status).toBe(201);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    expect(problems).toEqual([]);
  });

  it('the third task from one number shows the badge, the earlier contacts and the open-duplicate warning', async () => {
    await ercTask('LOOP-C1', { callbackPhone: '0405550101', receivedAt: hoursAgo(72) });
    await ercTask('LOOP-C2', { callbackPhone: '+358 40 555 0101', receivedAt: hoursAgo(20), address: 'Muu katu 1' });
    const third = await ercTask('LOOP-C3', { callbackPhone: '040-555 0101' });
    const page = await consolePage();
    await page.locator(`[data-testid="queue-item"][data-erc-task-id="LOOP-C3"]`).getByRole('button', { name: /^Näytä tehtävä/ }).click();
    const view = page.getByTestId('task-view');
    await expectText(view.getByTestId('contact-badge'), '3. yhteydenotto 7 vrk:n sisällä');
    await expect.poll(() => view.getByTestId('earlier-contact').count(), { timeout: WAIT_MS }).toBe(2);
    await expectTextContaining(view.getByTestId('open-duplicates'), 'LOOP-C2');
    await expectTextContaining(view.getByTestId('open-duplicates'), 'LOOP-C1');
    await page.screenshot({ path: path.join(OUT_DIR, 'loop-earlier-contacts.png'), fullPage: true });
    // The link opens the other task in the same view (it showed the third task until then).
    await expectTextContaining(view.locator('.task-head-meta'), third.ercTaskId);
    await view.getByTestId('open-duplicates').getByRole('button', { name: /LOOP-C2/ }).click();
    await expectTextContaining(page.getByTestId('task-view').locator('.task-head-meta'), 'LOOP-C2');
  });

  /** Takes the task, records an answered call and a redirect to the area's (EXAMPLE) home care, and opens the waiting referral. */
  async function redirectToHomeCare(page: Page, ercTaskId: string) {
    await page.locator(`[data-testid="queue-item"][data-erc-task-id="${ercTaskId}"]`).getByRole('button', { name: /^Ota tehtävä/ }).click();
    const view = page.getByTestId('task-view');
    await view.getByTestId('call-answered').click();
    await expectTextContaining(view.getByTestId('call-attempts'), 'Vastasi');
    await view.getByRole('radio', { name: /Ohjaus toiseen palveluun/ }).check();
    await view.getByLabel('Palvelu', { exact: true }).selectOption('home_care');
    // The directory offers the (EXAMPLE) home care of the patient's area; choosing it names the receiver.
    const picker = view.getByLabel('Palveluhakemistosta', { exact: true });
    await expect.poll(async () => (await picker.locator('option').allTextContents()).join('|'), { timeout: WAIT_MS }).toContain('ESIMERKKI Lakeus: kotihoito');
    const option = await picker.locator('option', { hasText: 'ESIMERKKI Lakeus: kotihoito' }).getAttribute('value');
    await picker.selectOption(option ?? '');
    expect(await view.getByLabel('Vastaanottaja', { exact: true }).inputValue()).toBe('ESIMERKKI Lakeus: kotihoito');
    await view.getByLabel('Perustelu', { exact: true }).fill('Kotihoito käy tänään; vointi vakaa.');
    await view.getByTestId('submit-outcome').click();
    // The summary to confirm names the receiver; Enter records.
    const confirm = page.getByTestId('confirm-outcome');
    await expectTextContaining(confirm.getByTestId('confirm-summary'), 'ESIMERKKI Lakeus: kotihoito');
    await page.keyboard.press('Enter');
    await expectTextContaining(view.getByTestId('read-only').locator('p'), 'Tehtävä on suljettu');

    const waiting = page.getByTestId('waiting-referrals');
    await expectTextContaining(waiting, ercTaskId);
    await waiting.getByRole('button', { name: new RegExp(ercTaskId) }).click();
    const referral = page.getByTestId('task-view').getByTestId('referral');
    await expectTextContaining(referral.getByTestId('referral-state'), 'odottaa vastaanottajan hyväksyntää');
    return referral;
  }

  it('a redirect to home care shows "waiting for acceptance" until accepted by phone', async () => {
    await ercTask('LOOP-R1', { callbackPhone: '0405550202', address: 'Ratatie 9' });
    const page = await consolePage();
    const referral = await redirectToHomeCare(page, 'LOOP-R1');
    await page.screenshot({ path: path.join(OUT_DIR, 'loop-referral-waiting.png'), fullPage: true });
    await referral.getByLabel('Hyväksyjä (nimi)', { exact: true }).fill('Sairaanhoitaja Laine');
    await referral.getByTestId('accepted-by-phone').click();
    await expectTextContaining(page.getByTestId('task-view').getByTestId('referral-state'), 'hyväksytty: Sairaanhoitaja Laine');
    await expectTextContaining(page.getByTestId('task-view').getByTestId('history'), 'Lähete hyväksytty');
    await expect.poll(() => page.getByTestId('waiting-referrals').count(), { timeout: WAIT_MS }).toBe(0);
    // Later the service says the patient was seen: the nurse records it, the referral is completed.
    await page.getByTestId('task-view').getByTestId('referral-complete').click();
    await expect.poll(() => page.getByTestId('task-view').getByTestId('referral').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('completed');
    await expectTextContaining(page.getByTestId('task-view').getByTestId('history'), 'Lähete toteutui');
  });

  it('a waiting referral cancelled with a reason: the task comes back to the queue for a new decision', async () => {
    await ercTask('LOOP-R2', { callbackPhone: '0405550203', address: 'Ratatie 11' });
    const page = await consolePage();
    const referral = await redirectToHomeCare(page, 'LOOP-R2');
    await referral.getByTestId('referral-cancel').click();
    // No reason, no cancellation: the form says what is missing.
    await referral.getByTestId('referral-cancel-confirm').click();
    await referral.getByRole('alert').waitFor({ timeout: WAIT_MS });
    expect(await referral.getAttribute('data-state')).toBe('requested');
    await referral.getByLabel('Miksi lähete perutaan?', { exact: true }).fill('Kotihoidolla ei tilaa tänään');
    await referral.getByTestId('referral-cancel-confirm').click();
    await expectTextContaining(page.getByTestId('task-view').getByTestId('referral-state'), 'peruttu: Kotihoidolla ei tilaa tänään');
    await expect.poll(() => page.getByTestId('waiting-referrals').count(), { timeout: WAIT_MS }).toBe(0);
    await page.locator('[data-testid="queue-item"][data-erc-task-id="LOOP-R2"]').waitFor({ timeout: WAIT_MS });
  });
});
