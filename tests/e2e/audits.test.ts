import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../server/contracts/tasks.ts';
import { apiLogin, assertClientBuilt, expectText, expectTextContaining, freePort, launchChromium, OUT_DIR, startServer, WAIT_MS, type TestServer } from './helpers.ts';

// Clinical audit in a real Chromium against the real server: a nurse's phone advice is followed by
// a new call from the same number; the shift leader finds the triggered review, grades one major
// deviation and submits; the nurse reads and acknowledges it; the manager's dashboard shows one
// partial review for the month.

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd-2026';
const NURSE = { username: 'hanna.e2e', displayName: 'Hanna Hoitaja', password: 'nurse-Passw0rd-e2e-15', role: 'nurse' };
const LEADER = { username: 'ville.e2e', displayName: 'Ville Vuorovastaava', password: 'leader-Passw0rd-e2e-15', role: 'shift_leader' };
const MANAGER = { username: 'eeva.e2e', displayName: 'Eeva Esihenkilö', password: 'manager-Passw0rd-e2e-15', role: 'manager' };
const PHONE = '040 765 4321';

let server: TestServer | undefined;
let dataDir = '';
let baseUrl = '';
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const browserProblems: string[] = [];
let advised: TaskSummary;

async function post(pathName: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}${pathName}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function intake(key: string, ercTaskId: string, minutesAgo: number): Promise<TaskSummary> {
  const res = await post(
    '/api/intake/tasks',
    {
      ercTaskId,
      urgency: 'D',
      taskCode: '774',
      receivedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      municipality: 'Oulu',
      callbackPhone: PHONE,
      patientAge: 79,
      summary: 'Yleistilan lasku, kuumetta.',
    },
    { Authorization: `Bearer ${key}` },
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { task: TaskSummary }).task;
}

async function openPage(user: { username: string; password: string }, heading: string): Promise<Page> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => {
    // The login page asks /api/auth/me first: its 401 is how it learns nobody is logged in.
    if (message.type() !== 'error' || /status of 401/.test(message.text())) return;
    browserProblems.push(`console (${user.username}): ${message.text()}`);
  });
  page.on('pageerror', (error) => browserProblems.push(`page error (${user.username}): ${error.message}`));
  await page.goto(baseUrl);
  await page.getByLabel('Käyttäjätunnus', { exact: true }).fill(user.username);
  await page.getByLabel('Salasana', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: WAIT_MS });
  return page;
}

/** The Helsinki month of an instant, as the dashboard names it. */
function helsinkiMonth(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' }).formatToParts(new Date(iso));
  return `${parts.find((p) => p.type === 'year')?.value}-${parts.find((p) => p.type === 'month')?.value}`;
}

describe('clinical audit in Chromium', () => {
  beforeAll(async () => {
    assertClientBuilt();
    await mkdir(OUT_DIR, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dtask-e2e-audit-'));
    server = await startServer({ port: await freePort(), dataDir, adminPassword: ADMIN_PASSWORD });
    baseUrl = server.baseUrl;
    const admin = { Cookie: await apiLogin(baseUrl, 'admin', ADMIN_PASSWORD) };
    for (const user of [NURSE, LEADER, MANAGER]) expect((await post('/api/users', user, admin)).status).toBe(201);
    const keyRes = await post('/api/integration-keys', { name: 'ERC e2e audit' }, admin);
    const key = ((await keyRes.json()) as { key: string }).key;

    // The nurse advises by phone; eight minutes later the same number calls again.
    advised = await intake(key, 'E2E-AUD-1', 10);
    const nurse = { Cookie: await apiLogin(baseUrl, NURSE.username, NURSE.password) };
    expect((await post(`/api/tasks/${advised.id}/claim`, {}, nurse)).status).toBe(200);
    const called = await post(`/api/tasks/${advised.id}/call-attempts`, { result: 'answered' }, nurse);
    const version = ((await called.json()) as { task: TaskSummary }).task.version;
    const closed = await post(`/api/tasks/${advised.id}/outcome`, { type: 'phone_advice', advice: 'self_care', rationale: 'Vointi vakaa.', version }, nurse);
    expect(closed.status).toBe(200);
    await intake(key, 'E2E-AUD-2', 2);

    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a shift leader reviews a re-contact, the nurse acknowledges it, the dashboard shows one partial review', async () => {
    // The shift leader: the triggered review, the task as it was, one major deviation, submit.
    const leader = await openPage(LEADER, 'Hoitajan konsoli');
    await leader.getByTestId('nav-audits').click();
    await expectText(leader.getByRole('heading', { level: 1 }), 'Kliininen auditointi');
    await leader.getByRole('button', { name: 'Etsi arvioitavat nyt' }).click();
    const row = leader.locator('[data-testid="audit-list"] tr', { hasText: 'E2E-AUD-1' });
    await expectTextContaining(row, 'Uusi yhteydenotto 72 h sisällä');
    // The month filter, in the UI's language: another month hides the review, all months brings it back.
    const filters = leader.getByRole('form', { name: 'Rajaus' });
    await leader.locator('#audit-month').selectOption('1');
    await leader.locator('#audit-month-year').selectOption(String(Number(helsinkiMonth(advised.receivedAt).slice(0, 4)) - 1));
    await filters.getByRole('button', { name: 'Näytä' }).click();
    await leader.locator('[data-testid="audit-list"] tr', { hasText: 'E2E-AUD-1' }).waitFor({ state: 'detached' });
    await leader.locator('#audit-month').selectOption({ label: 'Kaikki kuukaudet' });
    await expect(leader.locator('#audit-month-year').isDisabled()).resolves.toBe(true);
    await filters.getByRole('button', { name: 'Näytä' }).click();
    await expectTextContaining(row, 'Uusi yhteydenotto 72 h sisällä');
    await row.getByRole('link', { name: 'Avaa tehtävän E2E-AUD-1 arviointi' }).click();
    await expectText(leader.getByRole('heading', { level: 1 }), 'Tehtävän E2E-AUD-1 arviointi');
    await expectTextContaining(leader.getByTestId('audit-recontacts'), 'E2E-AUD-2');
    await expectTextContaining(leader.getByTestId('audit-outcomes'), 'phone_advice');
    await leader.getByRole('button', { name: 'Ota arvioitavaksi' }).click();
    const section = leader.locator('fieldset[data-section="advice_safety_netting"]');
    await section.getByRole('button', { name: 'Lisää poikkeama' }).click();
    await section.getByLabel('Vakavuus').selectOption('major');
    await section.getByLabel('Kuvaus').fill('Pahenemisohjetta (soita 112) ei annettu.');
    await leader.getByLabel('Uuden yhteydenoton syy').selectOption('professional_related');
    await leader.getByLabel('Palaute hoitajalle').fill('Anna pahenemisohje jokaisessa puhelinohjauksessa.');
    await expectTextContaining(leader.getByTestId('preview-level'), 'Osittainen');
    await leader.getByRole('button', { name: 'Lähetä arviointi' }).click();
    await expectTextContaining(leader.getByTestId('audit-result'), 'Osittainen');
    await expectText(leader.getByTestId('audit-state'), 'Arvioitu');
    await leader.screenshot({ path: path.join(OUT_DIR, 'audit-review-submitted.png'), fullPage: true });

    // The nurse: her review with the feedback; she acknowledges it.
    const nurse = await openPage(NURSE, 'Hoitajan konsoli');
    await nurse.getByTestId('nav-audits').click();
    const mine = nurse.locator('[data-testid="audit-list"] tr', { hasText: 'E2E-AUD-1' });
    await expectTextContaining(mine, 'Osittainen');
    await mine.getByRole('link', { name: 'Avaa tehtävän E2E-AUD-1 arviointi' }).click();
    await expectTextContaining(nurse.getByTestId('audit-result'), 'Anna pahenemisohje jokaisessa puhelinohjauksessa.');
    await expect(nurse.getByRole('button', { name: 'Lähetä arviointi' }).count()).resolves.toBe(0);
    await nurse.getByRole('button', { name: 'Kuittaa luetuksi' }).click();
    await expectText(nurse.getByTestId('audit-state'), 'Kuitattu');

    // The manager: one partial review in the task's month, outside the 10 % band.
    const manager = await openPage(MANAGER, 'Raportit');
    await manager.getByTestId('nav-auditReport').click();
    await expectText(manager.getByRole('heading', { level: 1 }), 'Auditoinnin tulokset');
    const monthRow = manager.locator(`[data-testid="audit-report-table"] tr[data-month="${helsinkiMonth(advised.receivedAt)}"]:not([data-group])`);
    await expectTextContaining(monthRow.locator('td[data-level="partial"]'), '1');
    await expectTextContaining(monthRow.locator('td[data-level="partial"]'), '100');
    await expectText(monthRow.locator('td').nth(1), '1'); // done
    await expect.poll(() => manager.locator('svg line[data-band="partial"]').count(), { timeout: WAIT_MS }).toBe(1);
    await manager.screenshot({ path: path.join(OUT_DIR, 'audit-dashboard.png'), fullPage: true });
    expect(browserProblems).toEqual([]);
  });
});
