import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiLogin, assertClientBuilt, expectText, freePort, launchChromium, OUT_DIR, startServer, WAIT_MS, type TestServer } from './helpers.ts';

// The shift leader's Live load board in a real Chromium against the real server: figures pushed
// over the socket as tasks arrive, are claimed and close; the read-only task view; a take-over.

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd-2026';
const LEADER = { username: 'vuoro.e2e', displayName: 'Vilma Vuorovastaava', password: 'leader-Passw0rd-e2e-1', role: 'shift_leader' };
const NURSE = { username: 'hoitaja.live', displayName: 'Hilkka Hoitaja', password: 'nurse-Passw0rd-e2e-1', role: 'nurse' };

let server: TestServer | undefined;
let dataDir: string | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let integrationKey = '';
let nurseCookie = '';
let leaderId = '';
/** The nurse's console, as far as presence goes: a live socket with her session. */
let nurseSocket: Socket | undefined;
const browserProblems: string[] = [];

interface TaskReply {
  task: { id: string; version: number; claimedBy: { id: string; displayName: string } | null };
}

/** Calls the API as another device would: JSON in and out, with a session cookie or an integration key. */
async function call<T>(method: string, url: string, auth: { cookie?: string; bearer?: string }, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Idempotency-Key': randomUUID() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth.cookie) headers.Cookie = auth.cookie;
  if (auth.bearer) headers.Authorization = `Bearer ${auth.bearer}`;
  const res = await fetch(`${baseUrl}${url}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** An ERC intake with the integration key; returns the new task's id. */
async function intake(ercTaskId: string, municipality: string, address: string): Promise<string> {
  const reply = await call<TaskReply>('POST', '/api/intake/tasks', { bearer: integrationKey }, {
    ercTaskId,
    urgency: 'D',
    taskCode: '745',
    receivedAt: new Date().toISOString(),
    municipality,
    address,
    callbackPhone: '+358401234567',
    patientAge: 84,
    patientSex: 'female',
    summary: 'Fell at home',
  });
  expect(reply.status).toBe(201);
  return reply.body.task.id;
}

const figure = (id: string) => page.getByTestId(`live-${id}`);
const areaCell = (area: string, column: number) => page.locator(`tr[data-area="${area}"] td`).nth(column);
const heldTask = (ercTaskId: string) => page.locator(`li.live-hold[data-task="${ercTaskId}"]`);

/** A value set in the page before a change and read after it: still there means no reload happened. */
async function markPage(): Promise<void> {
  await page.evaluate(() => Reflect.set(window, 'liveLoadMarker', 'kept'));
}
async function expectSamePage(): Promise<void> {
  expect(await page.evaluate(() => Reflect.get(window, 'liveLoadMarker'))).toBe('kept');
}

describe('Live load board in Chromium', () => {
  let firstTaskId = '';

  beforeAll(async () => {
    assertClientBuilt();
    await mkdir(OUT_DIR, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dtask-e2e-live-'));
    server = await startServer({
      port: await freePort(),
      dataDir,
      adminPassword: ADMIN_PASSWORD,
      env: { STATS_MIN_INTERVAL_MS: '100' },
      // The machine may be busy: give the server longer to come up.
      readyTimeoutMs: 100_000,
    });
    baseUrl = server.baseUrl;

    const admin = await apiLogin(baseUrl, 'admin', ADMIN_PASSWORD);
    for (const user of [LEADER, NURSE]) {
      const created = await call<{ user: { id: string } }>('POST', '/api/users', { cookie: admin }, user);
      expect(created.status).toBe(201);
      if (user === LEADER) leaderId = created.body.user.id;
    }
    const key = await call<{ key: string }>('POST', '/api/integration-keys', { cookie: admin }, { name: 'ERC e2e' });
    expect(key.status).toBe(201);
    integrationKey = key.body.key;
    nurseCookie = await apiLogin(baseUrl, NURSE.username, NURSE.password);
    const socket = io(baseUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { Cookie: nurseCookie } });
    nurseSocket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
        browserProblems.push(`console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => browserProblems.push(`page error: ${error.message}`));
  });

  afterAll(async () => {
    nurseSocket?.disconnect();
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the shift leader the board at /live, connected, with empty figures', async () => {
    await page.goto(`${baseUrl}/live`);
    await page.getByLabel('Käyttäjätunnus', { exact: true }).fill(LEADER.username);
    await page.getByLabel('Salasana', { exact: true }).fill(LEADER.password);
    await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Kuormitus nyt');
    expect(await page.getByTestId('nav-live').getAttribute('aria-current')).toBe('page');
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    await expectText(figure('queued'), '0');
    await expectText(figure('escalated'), '0');
    await expectText(figure('oldest-wait'), '–');
    await expectText(areaCell('Lakeus', 0), '0');
    expect(await page.getByTestId('live-updated').textContent()).toMatch(/^Päivitetty \d\d\.\d\d\.\d\d$/);
    expect(await page.getByTestId('live-seq').textContent()).toMatch(/^tapahtuma \d+$/);
    await expect.poll(() => page.locator('li.live-nurse[data-nurse="Vilma Vuorovastaava"] .badge').textContent(), { timeout: WAIT_MS }).toBe('Paikalla');
    await expectText(page.locator('li.live-nurse[data-nurse="Hilkka Hoitaja"] .badge'), 'Paikalla');
    await expectText(figure('nurses-online'), '1'); // the nurse; the shift leader watching is not counted
    await markPage();
  });

  it('shows an ERC intake live: queued, received today and the Lakeus row', async () => {
    const seqBefore = await page.getByTestId('live-seq').textContent();
    firstTaskId = await intake('ERC-E2E-1', 'Kempele', 'Kirkkotie 1');
    await expectText(figure('queued'), '1');
    await expectText(areaCell('Lakeus', 0), '1');
    await expectText(figure('received-today'), '1');
    expect(await page.getByTestId('live-seq').textContent()).not.toBe(seqBefore);
    // The oldest wait ticks on between updates, as mm:ss minutes.
    await expect.poll(async () => (await figure('oldest-wait').textContent())?.trim(), { timeout: WAIT_MS }).toMatch(/^\d\d:\d\dmin$/);
    await expectSamePage();
  });

  it('shows the claim on the nurse board and opens the task read-only', async () => {
    const claimed = await call<TaskReply>('POST', `/api/tasks/${firstTaskId}/claim`, { cookie: nurseCookie });
    expect(claimed.status).toBe(200);
    await expectText(figure('in-assessment'), '1');
    await expectText(figure('queued'), '0');
    await expectText(areaCell('Lakeus', 2), '1');
    const hold = heldTask('ERC-E2E-1');
    await hold.waitFor({ timeout: WAIT_MS });
    expect(await page.locator('li.live-nurse[data-nurse="Hilkka Hoitaja"]').count()).toBe(1);

    await page.getByRole('button', { name: 'Avaa tehtävä ERC-E2E-1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tehtävä ERC-E2E-1' });
    await dialog.waitFor({ timeout: WAIT_MS });
    const detail = dialog.getByTestId('live-detail');
    await expect.poll(() => detail.textContent(), { timeout: WAIT_MS }).toContain('Kirkkotie 1');
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain('Kempele (Lakeus)');
    expect(text).toContain('Arvioitavana');
    expect(text).toContain('Hilkka Hoitaja');
    expect(text).toContain('Ei soittoyrityksiä.');
    expect(text).toContain('Otettu arvioitavaksi');
    await dialog.getByRole('button', { name: 'Sulje', exact: true }).click();
    await expect.poll(() => dialog.count(), { timeout: WAIT_MS }).toBe(0);
  });

  it('asks for a reason before taking a live claim from a nurse', async () => {
    await page.getByRole('button', { name: 'Siirrä tehtävä ERC-E2E-1 toiselle hoitajalle' }).click();
    const form = page.getByTestId('live-reassign');
    await expect.poll(() => form.textContent(), { timeout: WAIT_MS }).toContain('Varaus aktiivinen');
    await form.getByRole('button', { name: 'Siirrä', exact: true }).click();
    await expectText(form.locator('#live-reason-hint'), 'Kirjoita syy: arvioija työskentelee tehtävän parissa.');
    expect(await form.getByLabel('Syy').getAttribute('aria-invalid')).toBe('true');
    await form.getByRole('button', { name: 'Peruuta' }).click();
    await expect.poll(() => form.count(), { timeout: WAIT_MS }).toBe(0);
    // Nothing was sent: the nurse still holds the task.
    await heldTask('ERC-E2E-1').waitFor({ timeout: WAIT_MS });
    expect(await page.locator('li.live-nurse[data-nurse="Hilkka Hoitaja"] li.live-hold').count()).toBe(1);
  });

  it('shows the task closing as a redirect live: closed today, avoided once the referral is accepted, outcomes', async () => {
    const answered = await call<TaskReply>('POST', `/api/tasks/${firstTaskId}/call-attempts`, { cookie: nurseCookie }, { result: 'answered' });
    expect(answered.status).toBe(201);
    // The first call was made: the median and the 90th percentile of the last hour have values.
    await expect.poll(async () => (await figure('first-call').textContent())?.includes('–'), { timeout: WAIT_MS }).toBe(false);
    const closed = await call<TaskReply>('POST', `/api/tasks/${firstTaskId}/outcome`, { cookie: nurseCookie }, {
      version: answered.body.task.version,
      type: 'redirect',
      target: 'home_care',
      handoffTo: 'Home care',
      rationale: 'ok',
    });
    expect(closed.status).toBe(200);
    await expectText(figure('closed-today'), '1');
    // A redirect counts as avoided only once the receiving service has accepted the patient.
    await expectText(figure('avoided-today'), '0');
    const accepted = await call<TaskReply>('POST', `/api/tasks/${firstTaskId}/referral/accepted-by-phone`, { cookie: nurseCookie }, {
      acceptedBy: 'Home care nurse',
      acceptedAt: new Date().toISOString(),
      version: closed.body.task.version,
    });
    expect(accepted.status).toBe(200);
    await expectText(figure('avoided-today'), '1');
    await expectText(page.getByTestId('live-avoided-share'), '100\u00a0% ratkaistuista');
    await expectText(figure('in-assessment'), '0');
    await expectText(page.locator('tr[data-outcome="redirect"] td').first(), '1');
    await expectText(page.locator('tr[data-redirect="home_care"] th'), 'Kotihoito');
    await expect.poll(() => heldTask('ERC-E2E-1').count(), { timeout: WAIT_MS }).toBe(0);
    await expectSamePage();
  });

  it('takes a task over from a nurse with a reason', async () => {
    const id = await intake('ERC-E2E-2', 'Raahe', 'Rantakatu 5');
    expect((await call<TaskReply>('POST', `/api/tasks/${id}/claim`, { cookie: nurseCookie })).status).toBe(200);
    await heldTask('ERC-E2E-2').waitFor({ timeout: WAIT_MS });

    await page.getByRole('button', { name: 'Ota itselle tehtävä ERC-E2E-2' }).click();
    const form = page.getByTestId('live-reassign');
    await expect.poll(() => form.textContent(), { timeout: WAIT_MS }).toContain('Nyt arvioijana Hilkka Hoitaja.');
    expect(await form.getByLabel('Kenelle').inputValue()).toBe('');
    await form.getByLabel('Syy').fill('Hoitaja siirtyi hälytystehtävään');
    await form.getByRole('button', { name: 'Siirrä', exact: true }).click();
    await expectText(page.locator('.live-done p'), 'Otit tehtävän ERC-E2E-2 itsellesi.');
    await expect.poll(() => page.locator('li.live-nurse[data-nurse="Vilma Vuorovastaava"] li.live-hold[data-task="ERC-E2E-2"]').count(), { timeout: WAIT_MS }).toBe(1);

    const detail = await call<TaskReply>('GET', `/api/tasks/${id}`, { cookie: nurseCookie });
    expect(detail.body.task.claimedBy?.id).toBe(leaderId);
    await expectSamePage();
  });

  it('looks right at 1920x1080 and 1280x720, in every language', async () => {
    // A few more tasks so that the board has something to show.
    const oulu = await intake('ERC-E2E-3', 'Oulu', 'Isokatu 10');
    await intake('ERC-E2E-4', 'Kuusamo', 'Kitkantie 2');
    await intake('ERC-E2E-5', 'Kempele', 'Zatelliitintie 3');
    await expectText(figure('queued'), '3');
    await expectText(areaCell('Oulu', 0), '1');
    await expectText(figure('received-today'), '5');
    expect((await call<TaskReply>('POST', `/api/tasks/${oulu}/claim`, { cookie: nurseCookie })).status).toBe(200);
    await heldTask('ERC-E2E-3').waitFor({ timeout: WAIT_MS });
    await expectText(figure('queued'), '2');
    await page.getByRole('button', { name: 'Sulje ilmoitus' }).click();
    await page.screenshot({ path: path.join(OUT_DIR, 'live-load.png'), fullPage: false });
    const wide = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(wide.scroll).toBeLessThanOrEqual(wide.client);

    await page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), { timeout: WAIT_MS }).toBe(true);
    await page.screenshot({ path: path.join(OUT_DIR, 'live-load-1280.png'), fullPage: false });
    await page.screenshot({ path: path.join(OUT_DIR, 'live-load-1280-full.png'), fullPage: true });

    await page.getByTestId('lang-sv').click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Belastning nu');
    await expectText(page.locator('.live-figure-label').first(), 'I kö');
    await page.getByTestId('lang-en').click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Live load');
    await expectText(page.locator('#live-nurses-title'), 'Who handles what');
    expect(await page.getByTestId('live-updated').textContent()).toMatch(/^Updated \d\d\.\d\d\.\d\d$/);
    await page.getByTestId('lang-fi').click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Kuormitus nyt');
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it('ran without script errors or CSP violations in the browser', () => {
    expect(browserProblems).toEqual([]);
  });
});
