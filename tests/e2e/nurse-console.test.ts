import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDetail, TaskSummary } from '../../server/contracts/tasks.ts';
import {
  apiLogin,
  assertClientBuilt,
  ercIntake,
  expectText,
  expectTextContaining,
  freePort,
  launchChromium,
  OUT_DIR,
  startServer,
  WAIT_MS,
  type TestServer,
} from './helpers.ts';

// The nurse console in a real Chromium against the real server: two nurses in two browser
// contexts, ERC intake through the integration API, claims and lost races, call results, the
// assessment draft surviving a reload, the outcome, manual entry, and a server restart.

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd-2026';
const NURSE_A = { username: 'anna.e2e', displayName: 'Anna Aaltonen', password: 'nurse-A-Passw0rd-e2e' };
const NURSE_B = { username: 'bertta.e2e', displayName: 'Bertta Björk', password: 'nurse-B-Passw0rd-e2e' };

let server: TestServer;
let port = 0;
let dataDir = '';
let baseUrl = '';
let integrationKey = '';
let cookieA = '';
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
let pageA: Page;
let pageB: Page;
const browserProblems: string[] = [];

const clock = new Intl.DateTimeFormat('fi-FI', { timeZone: 'Europe/Helsinki', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

async function post(pathName: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}${pathName}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** The ERC hands over a D-task through the integration API. */
function intake(ercTaskId: string, overrides: Record<string, unknown> = {}): Promise<TaskSummary> {
  return ercIntake(baseUrl, integrationKey, {
    ercTaskId,
    municipality: 'Oulu',
    address: 'Kirkkokatu 1 A 3, Oulu',
    callbackPhone: '040 123 4567',
    patientAge: 84,
    patientSex: 'female',
    summary: 'Kaatunut kotona, ei pääse ylös omin avuin. Ei päänvammaa.',
    ...overrides,
  });
}

async function taskAsNurse(id: string): Promise<TaskDetail> {
  const res = await fetch(`${baseUrl}/api/tasks/${id}`, { headers: { Cookie: cookieA } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { task: TaskDetail }).task;
}

const queueItem = (page: Page, ercTaskId: string) => page.locator(`[data-testid="queue-item"][data-erc-task-id="${ercTaskId}"]`);

async function openPage(username: string, password: string): Promise<Page> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => {
    const text = message.text();
    // Refused API calls (409 lost race, 404 empty queue) and the restart's refused connections are expected.
    if (message.type() !== 'error') return;
    if (/Failed to load resource|WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(text)) return;
    browserProblems.push(`console (${username}): ${text}`);
  });
  page.on('pageerror', (error) => browserProblems.push(`page error (${username}): ${error.message}`));
  await page.goto(baseUrl);
  await page.getByLabel('Käyttäjätunnus', { exact: true }).fill(username);
  await page.getByLabel('Salasana', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
  // Called from beforeAll, where expect.poll is not available: the locators wait.
  await page.getByRole('heading', { level: 1, name: 'Hoitajan konsoli' }).waitFor({ timeout: WAIT_MS });
  await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: WAIT_MS });
  return page;
}

describe('nurse console in Chromium', () => {
  beforeAll(async () => {
    assertClientBuilt();
    await mkdir(OUT_DIR, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dtask-e2e-nurse-'));
    port = await freePort();
    server = await startServer({ port, dataDir, adminPassword: ADMIN_PASSWORD, env: { SCHEDULER_INTERVAL_MS: '1000' } });
    baseUrl = server.baseUrl;

    const admin = { Cookie: await apiLogin(baseUrl, 'admin', ADMIN_PASSWORD) };
    const key = await post('/api/integration-keys', { name: 'ERC e2e' }, admin);
    expect(key.status).toBe(201);
    integrationKey = ((await key.json()) as { key: string }).key;
    for (const nurse of [NURSE_A, NURSE_B]) {
      const res = await post('/api/users', { ...nurse, role: 'nurse' }, admin);
      expect(res.status).toBe(201);
    }
    cookieA = await apiLogin(baseUrl, NURSE_A.username, NURSE_A.password);

    browser = await launchChromium();
    pageA = await openPage(NURSE_A.username, NURSE_A.password);
    pageB = await openPage(NURSE_B.username, NURSE_B.password);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  let first: TaskSummary;

  it('shows an ERC intake in both queues at once, without a reload', async () => {
    await expectText(pageA.getByTestId('queue-empty'), 'Jonossa ei ole tehtäviä.');
    first = await intake('E2E-1001');
    for (const page of [pageA, pageB]) {
      const item = queueItem(page, 'E2E-1001');
      await expectTextContaining(item.locator('.queue-item-title'), '745 Kaatuminen');
      await expectText(item.locator('.queue-item-meta'), 'Oulu · Oulu · 84 v, nainen');
      await expectTextContaining(item.locator('.queue-item-summary'), 'Kaatunut kotona');
      // Waited about three minutes, ticking.
      await expect.poll(() => item.locator('.wait-time').textContent(), { timeout: WAIT_MS }).toMatch(/^3:\d\d$/);
      await expectText(page.getByTestId('queue-counts'), 'Jonossa 1Takaisinsoittoja 0Työn alla 0');
    }
  });

  it('nurse A takes it; B sees who has it within a second, and B\'s late claim says so plainly', async () => {
    // B has the task open read-only, looking at the Take button at the moment A takes it. B's view
    // reloads on the event like the queue does; holding that one reload back makes B's click land
    // in the race window on every run.
    await queueItem(pageB, 'E2E-1001').getByRole('button', { name: /^Näytä tehtävä/ }).click();
    await expectText(pageB.getByTestId('read-only').locator('p'), 'Vain luku: tehtävä odottaa jonossa.');
    let releaseDetail: () => void = () => undefined;
    const detailHeld = new Promise<void>((resolve) => (releaseDetail = resolve));
    await pageB.route(`**/api/tasks/${first.id}`, async (route) => {
      await detailHeld;
      await route.continue();
    });

    const claimed = pageA.waitForResponse((r) => r.url().endsWith(`/api/tasks/${first.id}/claim`));
    await queueItem(pageA, 'E2E-1001').getByRole('button', { name: /^Ota tehtävä/ }).click();
    expect((await claimed).status()).toBe(200);
    // Within a second of the claim, B's queue names the holder.
    const started = Date.now();
    const taken = queueItem(pageB, 'E2E-1001').getByTestId('badge-taken');
    await taken.waitFor({ timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    await expectTextContaining(pageA.getByTestId('task-view').locator('#task-title'), '745 Kaatuminen');
    await expectText(taken, `Työn alla: ${NURSE_A.displayName}`);
    await expectText(queueItem(pageA, 'E2E-1001').getByTestId('badge-taken'), 'Sinulla');

    await pageB.getByTestId('read-only').getByRole('button', { name: 'Ota tehtävä' }).click();
    const lost = pageB.getByTestId('take-error');
    await expectTextContaining(lost, `${NURSE_A.displayName} ehti ottaa tämän tehtävän.`);
    releaseDetail();
    await pageB.unrouteAll({ behavior: 'wait' });
    await expectText(pageB.getByTestId('read-only').locator('p'), `Vain luku: tehtävä on hoitajalla ${NURSE_A.displayName}.`);
    // The lost race offers the next task; there is none.
    await lost.getByRole('button', { name: 'Ota seuraava tehtävä' }).click();
    await expectText(pageB.getByTestId('take-error').locator('p'), 'Jono on tyhjä: yhtään tehtävää ei odota.');
    await pageB.keyboard.press('Escape');
    await pageB.getByTestId('idle').waitFor({ timeout: WAIT_MS });
  });

  it('A records "no answer": the task returns to both queues as a call-back with its due time', async () => {
    await pageA.getByTestId('call-no_answer').click();
    await expectTextContaining(pageA.getByTestId('notice'), 'Tehtävä E2E-1001 palasi jonoon takaisinsoittona');
    const list = (await (await fetch(`${baseUrl}/api/tasks`, { headers: { Cookie: cookieA } })).json()) as { tasks: TaskSummary[] };
    const due = list.tasks.find((t) => t.id === first.id)?.callbackDueAt;
    if (!due) throw new Error('no callbackDueAt');
    const time = clock.format(new Date(due));
    await expectTextContaining(pageA.getByTestId('notice'), `soitto viimeistään klo ${time}`);
    for (const page of [pageA, pageB]) {
      await expectText(queueItem(page, 'E2E-1001').getByTestId('badge-callback'), `Takaisinsoitto klo ${time}`);
      await expectText(queueItem(page, 'E2E-1001').getByTestId('badge-failed'), 'Vastaamatta: 1');
      expect(await queueItem(page, 'E2E-1001').getByTestId('badge-taken').count()).toBe(0);
    }
  });

  it('A takes it again, records "answered" (Alt+1), assesses, redirects to home care after confirming: it leaves both queues and is stored', async () => {
    await queueItem(pageA, 'E2E-1001').getByRole('button', { name: /^Ota tehtävä/ }).click();
    const view = pageA.getByTestId('task-view');
    await expectText(view.getByTestId('callback-phone'), '+358401234567');
    // A plain digit counts only in the call section; Alt+1 anywhere.
    await pageA.keyboard.press('Alt+1');
    await expectTextContaining(view.getByTestId('call-attempts'), 'Vastasi');

    await view.getByLabel('Pääoire', { exact: true }).fill('Kaatunut, lonkka kipeä');
    await view.getByLabel('Alkanut', { exact: true }).fill('Tänä aamuna');
    await view.getByLabel('Syke (/min)', { exact: true }).fill('88');
    await view.getByLabel('Lämpö (°C)', { exact: true }).fill('36,8');
    await view.getByLabel('Tajunta', { exact: true }).selectOption('alert');
    await view.getByLabel('Kotihoidon asiakas', { exact: true }).check();
    await view.getByLabel('Muistiinpanot', { exact: true }).fill('Kotihoito käy kahdesti päivässä.');

    // A red flag rules out phone advice and redirect, visibly; without it they are back.
    await view.getByTestId('red-flag-severe_pain').check();
    const redirect = view.getByRole('radio', { name: /Ohjaus toiseen palveluun/ });
    expect(await redirect.isDisabled()).toBe(true);
    await expectTextContaining(view.getByTestId('outcome'), 'Ei mahdollinen: punainen lippu on merkitty');
    await view.getByTestId('red-flag-severe_pain').uncheck();
    expect(await redirect.isDisabled()).toBe(false);

    await expectTextContaining(view.getByTestId('draft-status'), 'Luonnos tallennettu');
    await redirect.check();
    await view.getByLabel('Palvelu', { exact: true }).selectOption('home_care');
    await view.getByLabel('Vastaanottaja', { exact: true }).fill('Kotihoito, sairaanhoitaja Laine');
    await view.getByLabel('Perustelu', { exact: true }).fill('Kotihoito käy arvioimassa tänään; ei merkkejä murtumasta.');
    // From the top, where the queue column sticks: the whole task view on one image.
    await pageA.evaluate(() => window.scrollTo(0, 0));
    await pageA.screenshot({ path: path.join(OUT_DIR, 'nurse-task.png'), fullPage: true });

    await pageA.keyboard.press('Control+Enter');
    await pageA.getByTestId('confirm-outcome-yes').waitFor({ timeout: WAIT_MS });
    await pageA.keyboard.press('Enter');
    await expectText(view.getByTestId('read-only').locator('p'), 'Tehtävä on suljettu: Ohjaus toiseen palveluun.');
    for (const page of [pageA, pageB]) {
      await expect.poll(() => queueItem(page, 'E2E-1001').count(), { timeout: WAIT_MS }).toBe(0);
    }

    const stored = await taskAsNurse(first.id);
    expect(stored.state).toBe('closed');
    expect(stored.outcomeType).toBe('redirect');
    expect(stored.outcomes.find((o) => o.current)?.outcome).toMatchObject({
      type: 'redirect',
      target: 'home_care',
      handoffTo: 'Kotihoito, sairaanhoitaja Laine',
    });
    expect(stored.assessment).toMatchObject({
      chiefComplaint: 'Kaatunut, lonkka kipeä',
      onset: 'Tänä aamuna',
      redFlags: [],
      vitals: { heartRate: 88, temperature: 36.8, consciousness: 'alert' },
      currentServices: ['home_care_client'],
      notes: 'Kotihoito käy kahdesti päivässä.',
    });
    expect(stored.callAttempts.map((a) => a.result)).toEqual(['no_answer', 'answered']);
  });

  it('keeps the assessment draft across a reload mid-typing, then saves it', async () => {
    const task = await intake('E2E-1002', { taskCode: '782', patientAge: 46, patientSex: 'male', summary: 'Päänsärky kolmatta päivää.' });
    await queueItem(pageA, 'E2E-1002').waitFor({ timeout: WAIT_MS });
    await pageA.keyboard.press('n');
    const view = pageA.getByTestId('task-view');
    await expectTextContaining(view.locator('#task-title'), '782');
    await view.getByLabel('Pääoire', { exact: true }).fill('Päänsärky');
    await view.getByLabel('Muistiinpanot', { exact: true }).fill('Särky alkoi maanantaina, ei oksentelua.');
    await view.getByLabel('Syke (/min)', { exact: true }).fill('72');
    // Reload before the debounced save can have gone out: the browser's copy is all there is.
    await pageA.reload();
    const reloaded = pageA.getByTestId('task-view');
    await expectTextContaining(reloaded.locator('#task-title'), '782');
    expect(await reloaded.getByLabel('Pääoire', { exact: true }).inputValue()).toBe('Päänsärky');
    expect(await reloaded.getByLabel('Muistiinpanot', { exact: true }).inputValue()).toBe('Särky alkoi maanantaina, ei oksentelua.');
    expect(await reloaded.getByLabel('Syke (/min)', { exact: true }).inputValue()).toBe('72');
    await expectTextContaining(reloaded.getByTestId('draft-status'), 'Luonnos tallennettu');
    expect((await taskAsNurse(task.id)).assessment).toMatchObject({ chiefComplaint: 'Päänsärky', vitals: { heartRate: 72 } });

    // Handing it back keeps the saved assessment with the task.
    await reloaded.getByTestId('release').click();
    await expectText(pageA.getByTestId('notice').locator('p'), 'Tehtävä E2E-1002 palautettiin jonoon.');
    await expect.poll(async () => (await taskAsNurse(task.id)).state, { timeout: WAIT_MS }).toBe('queued');
    await expect.poll(() => queueItem(pageB, 'E2E-1002').getByTestId('badge-taken').count(), { timeout: WAIT_MS }).toBe(0);
  });

  it('a take lost on the network says so; Retry sends the same Idempotency-Key and gets the first answer', async () => {
    const task = await intake('E2E-1004', { taskCode: '774', patientAge: 77, summary: 'Yleistila heikentynyt.', callbackPhone: '0409998877' });
    await queueItem(pageA, 'E2E-1004').waitFor({ timeout: WAIT_MS });
    // The first claim reaches the server and succeeds, but its answer never reaches the browser.
    const keys: string[] = [];
    await pageA.route('**/api/tasks/*/claim', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length === 1) {
        await route.fetch();
        await route.abort('internetdisconnected');
      } else {
        await route.continue();
      }
    });
    await queueItem(pageA, 'E2E-1004').getByRole('button', { name: /^Ota tehtävä/ }).click();
    const failed = pageA.getByTestId('take-error');
    await expectText(failed.locator('p'), 'Palvelimeen ei saada yhteyttä. Tarkista verkkoyhteys ja yritä uudelleen.');
    const replayed = pageA.waitForResponse((r) => r.url().endsWith(`/api/tasks/${task.id}/claim`));
    await failed.getByRole('button', { name: 'Yritä uudelleen' }).click();
    expect((await replayed).headers()['idempotent-replayed']).toBe('true');
    await expectTextContaining(pageA.getByTestId('task-view').locator('#task-title'), '774');
    await pageA.unrouteAll({ behavior: 'wait' });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(keys[1]).toBe(keys[0]);

    // A wrong number (Alt+4, sent at once with "Record now") fires the safety net: the nurse keeps the task and may only send a unit.
    await pageA.keyboard.press('Alt+4');
    await pageA.getByTestId('call-pending').getByRole('button', { name: 'Kirjaa nyt' }).click();
    const view = pageA.getByTestId('task-view');
    await expectTextContaining(view.getByTestId('escalation'), 'Turvaverkko laukesi: potilasta ei tavoitettu. Numero oli väärä.');
    expect(await view.getByRole('radio', { name: /Puhelinneuvonta/ }).isDisabled()).toBe(true);
    expect(await view.getByRole('radio', { name: /Ohjaus toiseen palveluun/ }).isDisabled()).toBe(true);
    await expectTextContaining(view.getByTestId('outcome'), 'Ei mahdollinen: potilasta ei tavoitettu');
    // Ctrl+Enter with nothing chosen names what is missing.
    await pageA.keyboard.press('Control+Enter');
    await expectText(view.locator('#outcome-type-error'), 'Valitse ratkaisu.');
    await view.getByRole('radio', { name: /Yksikön lähetys/ }).check();
    expect(await view.getByLabel('Syy', { exact: true }).inputValue()).toBe('unreachable');
    await view.getByLabel('Yksikön taso', { exact: true }).selectOption('BLS');
    await pageA.keyboard.press('Control+Enter');
    await pageA.getByTestId('confirm-outcome-yes').waitFor({ timeout: WAIT_MS });
    await pageA.keyboard.press('Enter');
    await expectText(view.getByTestId('read-only').locator('p'), 'Tehtävä on suljettu: Yksikön lähetys.');
    const stored = await taskAsNurse(task.id);
    expect(stored.outcomes.find((o) => o.current)?.outcome).toMatchObject({ type: 'dispatch_unit', unitLevel: 'BLS', urgency: 'D', reason: 'unreachable' });
    expect(stored.dispatchRequests).toHaveLength(1);
  });

  it('enters a task by hand with the same checks as the interface', async () => {
    await pageB.keyboard.press('m');
    const dialog = pageB.getByTestId('manual-dialog');
    await expectText(dialog.getByRole('heading', { level: 2 }), 'Hätäkeskuksen tehtävän kirjaus käsin');
    await dialog.getByLabel('Hätäkeskuksen tehtävänumero', { exact: true }).fill('PUH-77');
    await dialog.getByLabel('Tehtäväkoodi', { exact: true }).fill('774');
    await dialog.getByLabel('Kunta', { exact: true }).selectOption('Kempele');
    await dialog.getByLabel('Takaisinsoittonumero', { exact: true }).fill('12345');
    await dialog.getByLabel('Potilaan ikä (valinnainen)', { exact: true }).fill('91');
    await dialog.getByLabel('Potilaan sukupuoli', { exact: true }).selectOption('female');
    await dialog.getByLabel('Hätäkeskuksen kuvaus', { exact: true }).fill('Yleistilan lasku, asuu yksin.');
    await dialog.getByRole('button', { name: 'Lisää jonoon' }).click();
    // The server's validation names the field; the console says what it wants, in Finnish.
    await expectText(dialog.locator('#manual-callbackPhone-error'), 'Ei puhelinnumero: käytä muotoa 0401234567 tai +358401234567.');

    await dialog.getByLabel('Takaisinsoittonumero', { exact: true }).fill('044 765 4321');
    await dialog.getByRole('button', { name: 'Lisää jonoon' }).click();
    await expectText(pageB.getByTestId('notice').locator('p'), 'Tehtävä PUH-77 lisättiin jonoon.');
    for (const page of [pageA, pageB]) {
      const item = queueItem(page, 'PUH-77');
      await expectText(item.locator('.queue-item-meta'), 'Kempele · Lakeus · 91 v, nainen');
      await expectText(item.getByTestId('badge-manual'), 'Käsin kirjattu');
    }

    // The same task read again with other content is refused as a duplicate.
    await pageB.getByTestId('open-manual').click();
    await dialog.getByLabel('Hätäkeskuksen tehtävänumero', { exact: true }).fill('PUH-77');
    await dialog.getByLabel('Tehtäväkoodi', { exact: true }).fill('774');
    await dialog.getByLabel('Kunta', { exact: true }).selectOption('Kempele');
    await dialog.getByLabel('Takaisinsoittonumero', { exact: true }).fill('044 765 4321');
    await dialog.getByLabel('Hätäkeskuksen kuvaus', { exact: true }).fill('Toinen kuvaus.');
    await dialog.getByRole('button', { name: 'Lisää jonoon' }).click();
    await expectText(dialog.getByTestId('manual-error').locator('p'), 'Tällä tehtävänumerolla on jo vastaanotettu tehtävä eri tiedoin. Tarkista numero hätäkeskuksesta.');
    await pageB.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible(), { timeout: WAIT_MS }).toBe(false);
  });

  it('shows a banner while the server is down and the resynced queue after it is back', async () => {
    const resyncs: string[] = [];
    const onRequest = (request: Request) => {
      if (/\/api\/events\?since=[1-9]/.test(request.url())) resyncs.push(request.url());
    };
    pageA.on('request', onRequest);

    await server.stop();
    for (const page of [pageA, pageB]) {
      await expectText(page.getByTestId('connection-banner').locator('strong'), 'Ei reaaliaikayhteyttä.');
    }
    await pageA.screenshot({ path: path.join(OUT_DIR, 'nurse-offline.png') });
    server = await startServer({ port, dataDir, adminPassword: ADMIN_PASSWORD, env: { SCHEDULER_INTERVAL_MS: '1000' } });
    // Sent at once, most likely before the browsers have reconnected (no socket hears its event): the
    // queue must show it either way, and the events request after the reconnect proves the catch-up ran.
    await intake('E2E-1003', { taskCode: '781', municipality: 'Kempele', patientAge: 30, patientSex: 'male', summary: 'Vatsakipu, kuumeilee.' });

    for (const page of [pageA, pageB]) {
      await expect.poll(() => page.getByTestId('connection-banner').count(), { timeout: 30_000 }).toBe(0);
      await expectText(queueItem(page, 'E2E-1003').locator('.queue-item-meta'), 'Kempele · Lakeus · 30 v, mies');
    }
    expect(resyncs.length).toBeGreaterThan(0);
    pageA.off('request', onRequest);
  });

  it('saves screenshots of a busy queue and of a task in hand', async () => {
    await intake('E2E-2001', { taskCode: '774', receivedAt: minutesAgo(27), municipality: 'Raahe', patientAge: 79, summary: 'Heikotus ja huimaus, syönyt huonosti.' });
    await intake('E2E-2002', { taskCode: '775', receivedAt: minutesAgo(44), municipality: 'Kuusamo', patientAge: 67, patientSex: 'male', summary: 'Ripulia kaksi vuorokautta, juo hyvin.' });
    await intake('E2E-2003', { taskCode: '785', receivedAt: minutesAgo(66), municipality: 'Ii', patientAge: 35, patientSex: 'other', summary: 'Ahdistunut, pyytää keskusteluapua.' });
    await intake('E2E-2004', { taskCode: '764', receivedAt: minutesAgo(93), municipality: 'Nivala', patientAge: 88, summary: 'Säären haava vuotaa, kotihoidon asiakas.' });
    await intake('E2E-2005', { taskCode: '799', taskLabel: 'Muu avunpyyntö', receivedAt: minutesAgo(12), municipality: 'Muhos', summary: 'Soittaja huolissaan naapurista.' });
    await queueItem(pageA, 'E2E-2005').waitFor({ timeout: WAIT_MS });
    await queueItem(pageB, 'E2E-2003').getByRole('button', { name: /^Ota tehtävä/ }).click();
    await expectText(queueItem(pageA, 'E2E-2003').getByTestId('badge-taken'), `Työn alla: ${NURSE_B.displayName}`);
    // The scheduler escalates the 93-minute task (the safety net fires 30 min before the limit).
    await expectText(queueItem(pageA, 'E2E-2004').getByTestId('badge-escalated'), 'Turvaverkko: yksikkö lähetettävä');
    await expectText(queueItem(pageA, 'E2E-2005').getByTestId('badge-unknown'), 'Tuntematon tehtäväkoodi');
    await expectText(queueItem(pageA, 'E2E-2002').locator('.wait-label'), 'yli 30 min');
    await pageA.screenshot({ path: path.join(OUT_DIR, 'nurse-queue.png') });
  });

  it('forgets the drafts in the browser on logout and when the server ends the session', async () => {
    const nurseC = { username: 'cecilia.e2e', displayName: 'Cecilia Castrén', password: 'nurse-C-Passw0rd-e2e' };
    const admin = { Cookie: await apiLogin(baseUrl, 'admin', ADMIN_PASSWORD) };
    const created = await post('/api/users', { ...nurseC, role: 'nurse' }, admin);
    expect(created.status).toBe(201);
    const userId = ((await created.json()) as { user: { id: string } }).user.id;
    const draftKeys = (page: Page) => page.evaluate(() => Object.keys(window.localStorage).filter((k) => k.startsWith('dtask.nurse.draft.')));

    // Type into a task's assessment, then end the session one way or the other: no draft is left behind.
    const typeDraft = async (page: Page, ercTaskId: string) => {
      await intake(ercTaskId, { summary: 'Selkäkipu, liikkuu huonosti.' });
      await queueItem(page, ercTaskId).getByRole('button', { name: /^Ota tehtävä/ }).click();
      const view = page.getByTestId('task-view');
      await view.getByLabel('Muistiinpanot', { exact: true }).fill('Potilaan tiedot, joita seuraava käyttäjä ei saa nähdä.');
      await expect.poll(() => draftKeys(page), { timeout: WAIT_MS }).not.toEqual([]);
    };
    const pageC = await openPage(nurseC.username, nurseC.password);
    await typeDraft(pageC, 'E2E-3001');
    await pageC.getByTestId('logout').click();
    // She holds the task: logout first asks whether to return it (its draft stays on the server).
    await pageC.getByTestId('logout-held').getByTestId('logout-return').click();
    await pageC.getByRole('heading', { level: 1, name: 'Kirjaudu sisään' }).waitFor({ timeout: WAIT_MS });
    expect(await draftKeys(pageC)).toEqual([]);

    await pageC.getByLabel('Käyttäjätunnus', { exact: true }).fill(nurseC.username);
    await pageC.getByLabel('Salasana', { exact: true }).fill(nurseC.password);
    await pageC.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
    await pageC.getByRole('heading', { level: 1, name: 'Hoitajan konsoli' }).waitFor({ timeout: WAIT_MS });
    await typeDraft(pageC, 'E2E-3002');
    // An admin resets the password: the server ends every session of the user.
    const reset = await fetch(`${baseUrl}/api/users/${userId}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', ...admin }, body: JSON.stringify({ password: 'nurse-C-NewPassw0rd-e2e' }) });
    expect(reset.status).toBe(200);
    await pageC.getByRole('heading', { level: 1, name: 'Kirjaudu sisään' }).waitFor({ timeout: WAIT_MS });
    expect(await draftKeys(pageC)).toEqual([]);
  });

  it('ran without script errors or CSP violations in the browsers', () => {
    expect(browserProblems).toEqual([]);
  });
});
