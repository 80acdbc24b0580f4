import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiLogin, assertClientBuilt, expectText, freePort, launchChromium, OUT_DIR, startServer, WAIT_MS, type TestServer } from './helpers.ts';

// The shell in a real Chromium against the real server (PGlite in a temp folder): login, role-based
// navigation, creating a user through the admin UI, languages, and the strict CSP.

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd-2026';
const NURSE = { username: 'hoitaja.e2e', displayName: 'Hilkka Hoitaja', password: 'nurse-Passw0rd-e2e-1' };

let server: TestServer | undefined;
let dataDir: string | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
const browserProblems: string[] = [];

async function expectPath(expected: string): Promise<void> {
  await expect.poll(() => new URL(page.url()).pathname, { timeout: WAIT_MS }).toBe(expected);
}

async function htmlLang(): Promise<string> {
  return page.evaluate(() => document.documentElement.lang);
}

async function logIn(username: string, password: string): Promise<void> {
  await page.getByLabel('Käyttäjätunnus', { exact: true }).fill(username);
  await page.getByLabel('Salasana', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Kirjaudu', exact: true }).click();
}

async function userId(cookie: string, username: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/users`, { headers: { Cookie: cookie } });
  const body = (await res.json()) as { users: { id: string; username: string }[] };
  const user = body.users.find((u) => u.username === username);
  if (!user) throw new Error(`no user ${username}`);
  return user.id;
}

function patchUser(cookie: string, id: string, change: Record<string, unknown>): Promise<Response> {
  return fetch(`${baseUrl}/api/users/${id}`, {
    method: 'PATCH',
    headers: { Cookie: cookie, 'Content-Type': 'application/json' },
    body: JSON.stringify(change),
  });
}

describe('client shell in Chromium', () => {
  beforeAll(async () => {
    assertClientBuilt();
    await mkdir(OUT_DIR, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'dtask-e2e-'));
    server = await startServer({ port: await freePort(), dataDir, adminPassword: ADMIN_PASSWORD });
    baseUrl = server.baseUrl;

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
    page = await context.newPage();
    page.on('console', (message) => {
      // Refused API calls (401 on the login page, 409 for a taken username) are expected here.
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
        browserProblems.push(`console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => browserProblems.push(`page error: ${error.message}`));
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the Finnish login page, focused on the username, and a translated error for a wrong password', async () => {
    await page.goto(baseUrl);
    await expectText(page.getByRole('heading', { level: 1 }), 'Kirjaudu sisään');
    expect(await htmlLang()).toBe('fi');
    expect(await page.title()).toBe('Kirjaudu sisään – D-tehtäväkonsoli');
    await expectText(page.getByTestId('product-name'), 'D-tehtäväkonsoli');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-username');
    // Nothing of the logged-in shell is shown yet.
    expect(await page.getByTestId('nav-reports').count()).toBe(0);

    await logIn('admin', 'not-the-right-password');
    await expectText(page.getByRole('alert'), 'Väärä käyttäjätunnus tai salasana. Toistuvien virheiden jälkeen kirjautuminen on hetken tauolla: odota hetki ja yritä uudelleen.');
    expect(await page.getByTestId('logout').count()).toBe(0);
  });

  it('logs the admin in: Reports and Admin in the menu, not Nurse console or Live load', async () => {
    await logIn('admin', ADMIN_PASSWORD);
    await expectText(page.getByTestId('nav-reports'), 'Raportit');
    await expectText(page.getByTestId('nav-admin'), 'Ylläpito');
    expect(await page.getByTestId('nav-nurse').count()).toBe(0);
    expect(await page.getByTestId('nav-live').count()).toBe(0);
    // The admin's first page is Reports.
    await expectPath('/reports');
    await expectText(page.getByRole('heading', { level: 1 }), 'Raportit');
    expect(await page.getByTestId('nav-reports').getAttribute('aria-current')).toBe('page');
    await expectText(page.locator('.header-user-name'), 'Administrator');
    await expectText(page.locator('.header-user-role'), 'Pääkäyttäjä');
    // The realtime connection comes up with the session cookie.
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    await expectText(page.getByTestId('connection-state'), 'Yhteys kunnossa');
  });

  it('creates a nurse on the Users page, showing translated refusals first', async () => {
    await page.getByTestId('nav-admin').click();
    await expectPath('/admin/users');
    await expectText(page.getByRole('heading', { level: 1 }), 'Ylläpito');
    const adminRow = page.getByTestId('user-row-admin');
    await adminRow.waitFor({ timeout: WAIT_MS });
    expect(await adminRow.getByRole('combobox').inputValue()).toBe('admin');

    const form = page.getByRole('form', { name: 'Uusi käyttäjä' });
    const username = form.getByLabel('Käyttäjätunnus', { exact: true });
    const displayName = form.getByLabel('Nimi', { exact: true });
    const password = form.getByLabel('Salasana', { exact: true });
    const role = form.getByLabel('Rooli', { exact: true });
    const submit = form.getByRole('button', { name: 'Luo käyttäjä' });

    // Checked in the browser, in Finnish, before anything is sent.
    await username.fill(NURSE.username);
    await displayName.fill(NURSE.displayName);
    await password.fill('short');
    await submit.click();
    await expectText(form.getByRole('alert'), 'Salasanassa on oltava vähintään 12 merkkiä.');

    // Refused by the server: its code is shown translated.
    await username.fill('admin');
    await password.fill(NURSE.password);
    await submit.click();
    await expectText(form.getByRole('alert'), 'Käyttäjätunnus on jo käytössä.');

    await username.fill(NURSE.username);
    await role.selectOption('nurse');
    expect(await role.locator('option:checked').textContent()).toBe('Hoitaja');
    await submit.click();
    await expectText(form.getByRole('status'), `Käyttäjä ${NURSE.username} luotiin.`);
    expect(await username.inputValue()).toBe('');

    const nurseRow = page.getByTestId(`user-row-${NURSE.username}`);
    await nurseRow.waitFor({ timeout: WAIT_MS });
    expect(await nurseRow.getByRole('cell').nth(1).textContent()).toBe(NURSE.displayName);
    expect(await nurseRow.getByRole('combobox').inputValue()).toBe('nurse');
    await expectText(nurseRow.getByRole('cell').nth(3), 'Käytössä');

    await page.screenshot({ path: path.join(OUT_DIR, 'shell-admin-users.png'), fullPage: false });
  });

  it('logs out back to the login page', async () => {
    await page.getByTestId('logout').click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Kirjaudu sisään');
    await expectPath('/login');
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    // The session really is gone on the server too.
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(me).toBe(401);
  });

  it('logs the nurse in: the Nurse console and her audit reviews are in the menu', async () => {
    await logIn(NURSE.username, NURSE.password);
    await expectText(page.getByTestId('nav-nurse'), 'Hoitajan konsoli');
    await expectPath('/nurse');
    expect(await page.getByTestId('nav-live').count()).toBe(0);
    expect(await page.getByTestId('nav-reports').count()).toBe(0);
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    expect(await page.getByTestId('nav-auditReport').count()).toBe(0);
    await expectText(page.getByTestId('nav-audits'), 'Auditointi');
    expect(await page.getByRole('navigation', { name: 'Päävalikko' }).getByRole('link').count()).toBe(2);
    await expectText(page.getByRole('heading', { level: 1 }), 'Hoitajan konsoli');
    await expectText(page.locator('.header-user-name'), NURSE.displayName);
    await expectText(page.locator('.header-user-role'), 'Hoitaja');
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');
    await page.screenshot({ path: path.join(OUT_DIR, 'shell-nurse.png'), fullPage: false });

    // A page of another role, opened by its address, says so.
    await page.goto(`${baseUrl}/admin/users`);
    await expectText(page.getByTestId('page-notice'), 'Tämä sivu ei ole käytettävissä roolillesi.');
    expect(await page.getByTestId('users-table').count()).toBe(0);
    await page.getByRole('link', { name: 'Etusivulle' }).click();
    await expectPath('/nurse');
  });

  it('switches the language FI -> EN -> SV and remembers it after a reload', async () => {
    const nav = page.getByTestId('nav-nurse');
    await expectText(nav, 'Hoitajan konsoli');

    await page.getByTestId('lang-en').click();
    await expectText(nav, 'Nurse console');
    await expectText(page.getByTestId('product-name'), 'D-task console');
    await expectText(page.locator('.header-user-role'), 'Nurse');
    expect(await htmlLang()).toBe('en');
    expect(await page.getByTestId('lang-en').getAttribute('aria-pressed')).toBe('true');

    await page.getByTestId('lang-sv').click();
    await expectText(nav, 'Sjukskötarkonsol');
    await expectText(page.getByTestId('product-name'), 'D-uppdragskonsol');
    await expectText(page.getByTestId('logout'), 'Logga ut');
    expect(await htmlLang()).toBe('sv');
    expect(await page.title()).toBe('Sjukskötarkonsol – D-uppdragskonsol');

    await page.reload();
    await expectText(page.getByTestId('nav-nurse'), 'Sjukskötarkonsol');
    await expectText(page.getByRole('heading', { level: 1 }), 'Sjukskötarkonsol');
    expect(await htmlLang()).toBe('sv');
    expect(await page.evaluate(() => window.localStorage.getItem('dtask.language'))).toBe('sv');
  });

  it('follows a role change and a deactivation made by an admin, live', async () => {
    const cookie = await apiLogin(baseUrl, 'admin', ADMIN_PASSWORD);
    const nurseId = await userId(cookie, NURSE.username);
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');

    // session:changed: the page reloads the user and shows the shift leader's menu.
    expect((await patchUser(cookie, nurseId, { role: 'shift_leader' })).status).toBe(200);
    await expectText(page.getByTestId('nav-live'), 'Belastning nu');
    await expectText(page.getByTestId('nav-reports'), 'Rapporter');
    await expectText(page.locator('.header-user-role'), 'Skiftansvarig');
    await expect.poll(() => page.getByTestId('connection-state').getAttribute('data-state'), { timeout: WAIT_MS }).toBe('connected');

    // session:ended: the page returns to the login page and says why.
    expect((await patchUser(cookie, nurseId, { active: false })).status).toBe(200);
    await expectText(page.getByRole('heading', { level: 1 }), 'Logga in');
    await expectText(page.getByRole('status'), 'Ditt användarkonto har inaktiverats.');
    await expectPath('/login');
    expect(await page.getByTestId('nav-nurse').count()).toBe(0);

    expect((await patchUser(cookie, nurseId, { active: true, role: 'nurse' })).status).toBe(200);
  });

  it('shows the wrong-password error in the chosen language too', async () => {
    await expectText(page.getByRole('heading', { level: 1 }), 'Logga in');
    await page.getByLabel('Användarnamn', { exact: true }).fill(NURSE.username);
    await page.getByLabel('Lösenord', { exact: true }).fill('wrong-password-here');
    await page.getByRole('button', { name: 'Logga in', exact: true }).click();
    await expectText(page.getByRole('alert'), 'Fel användarnamn eller lösenord. Efter upprepade misslyckanden pausas inloggningen en stund: vänta en stund och försök igen.');
  });

  it('ran without script errors or CSP violations in the browser', () => {
    expect(browserProblems).toEqual([]);
  });
});
