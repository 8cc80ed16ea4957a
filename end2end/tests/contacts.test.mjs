// The foundation's user journey: sign-up, sign-in, contacts, isolation, validation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, hydrated, screenshot, uniqueSlug, signUp, logIn, logOut } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('tenant A signs up, logs in, creates, lists, edits a contact and logs out', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('alpha');
  const email = `owner@${slug}.example`;
  await signUp(page, slug, email);
  await logOut(page);
  await logIn(page, slug, email);

  // The company first, then its contact from the company's page.
  await page.getByRole('link', { name: 'Organisations' }).click();
  await page.waitForURL(`${BASE}/organisations`);
  await page.getByText('No organisations yet.').waitFor();
  await page.getByRole('link', { name: 'New organisation' }).first().click();
  await page.waitForURL(`${BASE}/organisations/new`);
  await hydrated(page);
  await page.fill('#field-name', 'Müller Maschinenbau');
  await page.fill('#field-legal_form', 'GmbH');
  await page.fill('#field-website', 'mueller-maschinenbau.example');
  await page.click('button[type=submit]');
  await page.waitForURL(/\/organisations\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: 'Müller Maschinenbau GmbH' }).waitFor();
  await page.getByRole('link', { name: 'Add contact' }).click();
  await page.waitForURL(/\/contacts\/new\?organisation=/);
  await hydrated(page);
  assert.equal(await page.inputValue('#field-organisation_id'), 'Müller Maschinenbau GmbH');
  await page.selectOption('#field-salutation', 'mr');
  await page.fill('#field-first_name', 'Jörg');
  await page.fill('#field-last_name', 'Weiß');
  await page.fill('#field-emails-0-address', 'joerg.weiss@example.de');
  await page.fill('#field-phones-0-number', '+49 30 1234567');
  await page.fill('#field-birthday', '1980-12-31');
  await page.selectOption('#field-stage', 'customer');
  await page.click('button[type=submit]');
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: 'Jörg Weiß' }).waitFor();
  await page.getByRole('link', { name: 'Müller Maschinenbau GmbH' }).waitFor();
  assert.equal(await page.inputValue('#inline-stage'), 'customer');

  // The stage changes in place and the history shows it.
  await hydrated(page);
  await page.selectOption('#inline-stage', 'at_risk');
  await page.locator('.plain-list li').filter({ hasText: 'At risk' }).waitFor();

  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.waitForURL(`${BASE}/contacts`);
  const row = page.locator('table.data-table tbody tr');
  await row.first().waitFor();
  assert.equal(await row.count(), 1);
  assert.match(await row.first().innerText(), /Weiß, Jörg/);
  assert.match(await row.first().innerText(), /joerg\.weiss@example\.de/);
  assert.match(await row.first().innerText(), /Müller Maschinenbau GmbH/);
  assert.match(await row.first().innerText(), /At risk/);
  await screenshot(page, 'contact-list');

  await page.getByRole('link', { name: 'Weiß, Jörg' }).click();
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.waitForURL(/\/edit$/);
  await page.fill('#field-last_name', 'Weiß-Schmidt');
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: 'Jörg Weiß-Schmidt' }).waitFor();
  await screenshot(page, 'contact-detail');

  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.locator('table.data-table').getByText('Weiß-Schmidt, Jörg').waitFor();

  await logOut(page);
  await page.goto(`${BASE}/contacts`);
  await page.waitForURL(/\/login$/);
});

test('tenant B sees an empty contact list', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('beta');
  await signUp(page, slug, `owner@${slug}.example`);
  await page.getByText('No contacts yet.').waitFor();
  assert.equal(await page.locator('table.data-table').count(), 0);
  await screenshot(page, 'empty-list');
});

test('a bad e-mail shows a field error and saves nothing', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('gamma');
  await signUp(page, slug, `owner@${slug}.example`);
  await page.goto(`${BASE}/contacts/new`);
  await hydrated(page);
  await page.fill('#field-first_name', 'Anna');
  await page.fill('#field-last_name', 'Schmidt');
  await page.fill('#field-emails-0-address', 'anna-at-example');
  await page.click('button[type=submit]');
  const error = page.locator('#field-emails-0-address-error');
  await error.getByText('Please enter a valid e-mail address').waitFor();
  assert.equal(await page.locator('#field-emails-0-address').getAttribute('aria-invalid'), 'true');
  assert.equal(new URL(page.url()).pathname, '/contacts/new');
  await screenshot(page, 'field-error');

  await page.goto(`${BASE}/contacts`);
  await page.getByText('No contacts yet.').waitFor();
});

test('the UI speaks German by default for German browsers and switches to English', async () => {
  const page = await newPage(browser, 'de-DE');
  await page.goto(`${BASE}/login`);
  await hydrated(page);
  await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  // The choice survives a reload (the server renders the chosen language).
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
});

test('wrong credentials show one clear message', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/login/nobody-here`);
  await hydrated(page);
  await page.fill('#field-email', 'x@example.de');
  await page.fill('#field-password', 'not the password');
  await page.click('button[type=submit]');
  await page.getByRole('alert').getByText('Workspace, e-mail or password is wrong.').waitFor();
});
