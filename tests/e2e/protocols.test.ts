import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDetail, TaskSummary } from '../../server/contracts/tasks.ts';
import { apiLogin, assertClientBuilt, expectText, expectTextContaining, freePort, launchChromium, OUT_DIR, startServer, WAIT_MS, type TestServer } from './helpers.ts';

// Decision support in a real Chromium, Finnish UI: a nurse takes a fall (745), answers "cannot get
// up", sees the recommendation with its reason, chooses phone advice anyway (an override reason is
// required), reads the advice text and ticks "understood"; the medical director's report shows the
// downgrade; an admin edits the library.

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd-2026';
const NURSE = { username: 'nea.e2e', displayName: 'Nea Nieminen', password: 'nurse-Passw0rd-e2e-1' };
const DIRECTOR = { username: 'lea.e2e', displayName: 'Lea Lääkäri', password: 'director-Passw0rd-e2e' };

let server: TestServer;
let dataDir = '';
let baseUrl = '';
let integrationKey = '';
let nurseCookie = '';
let browser: Browser | undefined;
const problems: string[] = [];

async function post(pathName: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}${pathName}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function openPage(username: string, password: string, heading: string): Promise<Page> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(`console (${username}): ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error (${username}): ${error.message}`));
  await page.goto(baseUrl);
  await page.getByLabel('Käyttäjätunnus', { exact: true }).fill(username);
  await page.getByLabel('Salasana', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: WAIT_MS });
  return page;
}

describe('decision support in Chromium', () => {
  beforeAll(async () => {
    assertClientBuilt();
    await mkdir(OUT_DIR, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dtask-e2e-protocols-'));
    // Every count shown: the report step checks a single task.
    server = await startServer({ port: await freePort(), dataDir, adminPassword: ADMIN_PASSWORD, env: { REPORT_MIN_GROUP_SIZE: '1' } });
    baseUrl = server.baseUrl;
    const admin = { Cookie: await apiLogin(baseUrl, 'admin', ADMIN_PASSWORD) };
    integrationKey = ((await (await post('/api/integration-keys', { name: 'ERC e2e' }, admin)).json()) as { key: string }).key;
    expect((await post('/api/users', { ...NURSE, role: 'nurse' }, admin)).status).toBe(201);
    expect((await post('/api/users', { ...DIRECTOR, role: 'medical_director' }, admin)).status).toBe(201);
    nurseCookie = await apiLogin(baseUrl, NURSE.username, NURSE.password);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a fall: "cannot get up" recommends a unit; phone advice needs an override reason and the advice ticked', async () => {
    const intake = await post(
      '/api/intake/tasks',
      {
        ercTaskId: 'E2E-P1',
        urgency: 'D',
        taskCode: '745',
        receivedAt: new Date(Date.now() - 120_000).toISOString(),
        municipality: 'Oulu',
        callbackPhone: '040 123 4567',
        patientAge: 81,
        summary: 'Kaatunut kotona.',
      },
      { Authorization: `Bearer ${integrationKey}` },
    );
    expect(intake.status).toBe(201);
    const task = ((await intake.json()) as { task: TaskSummary }).task;

    const page = await openPage(NURSE.username, NURSE.password, 'Hoitajan konsoli');
    await page.locator(`[data-testid="queue-item"][data-erc-task-id="E2E-P1"]`).getByRole('button', { name: /^Ota tehtävä/ }).click();
    const view = page.getByTestId('task-view');
    await view.getByTestId('call-answered').click();

    const panel = view.getByTestId('protocol-panel');
    await expectTextContaining(panel.locator('#protocol-title'), 'Kaatuminen (ESIMERKKI)');
    await expectTextContaining(panel.getByTestId('example-banner'), 'Esimerkkisisältö — ei hyväksytty kliiniseen käyttöön.');
    // Questions in protocol order, red flags first.
    const order = await panel.locator('.protocol-question').evaluateAll((items) => items.map((item) => item.getAttribute('data-testid')));
    expect(order.slice(0, 2)).toEqual(['question-cannot_get_up', 'question-new_confusion']);

    await panel.getByTestId('q-cannot_get_up-yes').check();
    const recommendation = panel.getByTestId('recommendation');
    await expectText(recommendation.locator('.protocol-recommended'), 'Yksikkö D-tavoiteajassa');
    await expectText(recommendation.getByTestId('recommendation-reasons'), 'Ei pääse ylös tai kävele kuten ennen → Yksikkö D-tavoiteajassa');
    // The outcome panel follows the recommendation.
    await expect.poll(() => view.getByRole('radio', { name: /Yksikön lähetys/ }).isChecked(), { timeout: WAIT_MS }).toBe(true);

    await view.getByRole('radio', { name: /Puhelinneuvonta/ }).check();
    await view.getByLabel('Ohje', { exact: true }).selectOption('call_back_if_worse');
    await view.getByLabel('Perustelu', { exact: true }).fill('Pääsi ylös tyttären avulla, kävelee.');
    const decision = view.getByTestId('outcome-decision');
    await expectText(decision.getByTestId('decision-compare'), 'Suositus: Yksikkö D-tavoiteajassa · Valittu: Kotihoito-ohjeet');
    await expectTextContaining(decision.getByTestId('advice-text'), 'ESIMERKKI. Lepää ja juo riittävästi. Soita 112');

    await view.getByTestId('submit-outcome').click();
    await expectText(decision.locator('#decision-overrideReason-error'), 'Valitse poikkeamisen syy.');
    await decision.getByLabel('Poikkeamisen syy', { exact: true }).selectOption('carer_present_and_able');
    await decision.getByLabel('Poikkeamisen perustelu', { exact: true }).fill('Tytär jää yöksi.');
    await view.getByTestId('submit-outcome').click();
    await expectText(decision.locator('#decision-understood-error'), 'Merkitse, että ohje annettiin ja potilas ymmärsi sen.');
    await decision.getByLabel('Potilaan kieli', { exact: true }).selectOption('sv');
    await expectTextContaining(decision.getByTestId('advice-text'), 'EXEMPEL. Vila och drick tillräckligt.');
    await decision.getByTestId('advice-understood').check();
    await page.screenshot({ path: path.join(OUT_DIR, 'protocol-panel.png'), fullPage: true });
    await view.getByTestId('submit-outcome').click();
    // The summary to confirm (issue 13), then the closed task stays open saying so.
    await page.getByTestId('confirm-outcome-yes').click();
    await expectTextContaining(view.getByTestId('read-only'), 'Tehtävä on suljettu');

    const detail = ((await (await fetch(`${baseUrl}/api/tasks/${task.id}`, { headers: { Cookie: nurseCookie } })).json()) as { task: TaskDetail }).task;
    const current = detail.outcomes.find((o) => o.current)!;
    expect(current.decision).toEqual({
      protocolId: 'fall',
      protocolVersion: 1,
      recommended: 'unit',
      chosen: 'self_care',
      overrideReason: 'carer_present_and_able',
      adviceId: 'self_care_112',
      adviceLanguage: 'sv',
    });
    expect(current.outcome).toMatchObject({ override: { reason: 'carer_present_and_able', note: 'Tytär jää yöksi.' }, adviceGiven: { adviceId: 'self_care_112', version: 1, language: 'sv', understood: true } });
    expect(detail.assessment?.protocol?.answers).toEqual([{ questionId: 'cannot_get_up', value: true, answeredAt: expect.any(String) }]);
    expect(problems).toEqual([]);
  });

  it('the medical director sees the downgrade in the report, then drafts and approves a new version in the library; it is used from then on', async () => {
    const page = await openPage(DIRECTOR.username, DIRECTOR.password, 'Raportit');
    // The report shows the fall task's downgrade (with its reason) for 745.
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const row = page.getByTestId('protocol-report').getByTestId(`report-${month}-fall`);
    await expectTextContaining(row, 'fall (745)');
    await expectText(row.getByTestId('downgrades'), '1 (100 %)');
    await expectTextContaining(row, 'Omainen tai hoitaja paikalla ja kykenevä: 1');
    await expectTextContaining(page.getByTestId('protocol-report-nurses'), NURSE.displayName);
    await page.getByTestId('nav-protocols').click();
    await page.getByRole('heading', { level: 1, name: 'Protokollakirjasto' }).waitFor({ timeout: WAIT_MS });
    await expectTextContaining(page.getByTestId('example-banner'), 'Esimerkkisisältö');
    // Only an admin relabels the ladder.
    expect(await page.getByTestId('ladder').count()).toBe(0);
    await page.getByTestId('protocol-row-fall').getByRole('button', { name: 'Avaa' }).click();
    const editor = page.getByTestId('protocol-editor');
    await expectTextContaining(editor.getByTestId('version-1'), 'hyväksytty');
    const content = editor.getByLabel('Luonnoksen sisältö (JSON)', { exact: true });
    const json = JSON.parse(await content.inputValue()) as { title: { fi: string } };
    json.title.fi = 'Kaatuminen (alueen versio)';
    await content.fill('{ not json');
    await editor.getByRole('button', { name: 'Tallenna luonnos' }).click();
    await expectText(editor.getByRole('alert'), 'Sisältö ei ole kelvollista JSONia.');
    await content.fill(JSON.stringify(json, null, 2));
    await editor.getByRole('button', { name: 'Tallenna luonnos' }).click();
    await expectTextContaining(editor.getByTestId('version-2'), 'luonnos');
    await editor.getByRole('button', { name: 'Hyväksy versio 2' }).click();
    await expectTextContaining(editor.getByTestId('version-2'), `hyväksytty · 8 kysymystä · Hyväksyjä: ${DIRECTOR.displayName}`);
    await expectTextContaining(editor.getByTestId('version-1'), 'poistunut');
    const list = (await (await fetch(`${baseUrl}/api/protocols`, { headers: { Cookie: nurseCookie } })).json()) as { protocols: { id: string; approvedVersion: number; example: boolean }[] };
    expect(list.protocols.find((p) => p.id === 'fall')).toMatchObject({ approvedVersion: 2, example: false });
    expect(problems).toEqual([]);
  });

  it('an admin relabels a rung of the ladder', async () => {
    const page = await openPage('admin', ADMIN_PASSWORD, 'Raportit');
    await page.goto(`${baseUrl}/protocols`);
    const rung = page.getByTestId('rung-home_care');
    await rung.getByLabel('fi', { exact: true }).fill('Kotihoito (alue)');
    await rung.getByRole('button', { name: 'Tallenna nimet' }).click();
    await expectText(rung.getByRole('status'), 'Tallennettu.');
    const ladder = (await (await fetch(`${baseUrl}/api/reference/dispositions`, { headers: { Cookie: nurseCookie } })).json()) as { dispositions: { id: string; labels: { fi: string } }[] };
    expect(ladder.dispositions.find((d) => d.id === 'home_care')?.labels.fi).toBe('Kotihoito (alue)');
    expect(problems).toEqual([]);
  });
});
