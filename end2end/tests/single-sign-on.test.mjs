// Single sign-on in Chromium against the OpenID provider ./dev test starts: the owner
// connects it on the team page, and a colleague signs in with it from the workspace's
// login page without ever having had a Tessera password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, hydrated, screenshot, uniqueSlug, signUp } from './support.mjs';

const ISSUER = process.env.TESSERA_TEST_OIDC ?? 'http://127.0.0.1:55090';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the owner connects the OpenID provider and a colleague signs in with it', async () => {
  const owner = await newPage(browser);
  const slug = uniqueSlug('sso');
  await signUp(owner, slug, `owner@${slug}.example`);
  await owner.goto(`${BASE}/team`);
  await hydrated(owner);
  const sso = owner.locator('section', { has: owner.getByRole('heading', { name: 'Single sign-on' }) });
  await sso.getByLabel('Issuer URL').fill(ISSUER);
  await sso.getByLabel('Name on the sign-in page').fill('Test IdP');
  await sso.getByLabel('Client ID').fill('tessera-a');
  await sso.getByLabel('Client secret').fill('tessera-a-secret');
  await sso.getByLabel('Allowed e-mail domains').fill(`${slug}.example`);
  await sso.getByLabel('New people', { exact: true }).selectOption('just_in_time');
  await sso.getByLabel('Role of new people').selectOption('sales');
  await sso.getByRole('button', { name: 'Save single sign-on' }).click();
  await owner.getByText('Single sign-on is saved; the provider answered.').waitFor();
  await owner.getByText(`${BASE}/sso/callback`).waitFor();
  await screenshot(owner, 'single-sign-on-settings');

  // A colleague from an address outside the allowed domains is turned away clearly.
  const outsider = await newPage(browser);
  await outsider.goto(`${BASE}/login/${slug}`);
  await hydrated(outsider);
  await outsider.getByRole('link', { name: 'Sign in with Test IdP' }).click();
  await outsider.getByRole('heading', { name: 'Test IdP sign-in' }).waitFor();
  await outsider.fill('input[name=login]', 'eve@elsewhere.example');
  await outsider.click('button[type=submit]');
  await outsider.waitForURL(`${BASE}/login/${slug}?sso=domain_not_allowed`);
  await outsider.getByText('This e-mail address may not sign in to this workspace.').waitFor();

  // A colleague from the company signs in and lands in the app.
  const colleague = await newPage(browser);
  await colleague.goto(`${BASE}/login/${slug}`);
  await hydrated(colleague);
  await screenshot(colleague, 'single-sign-on-login');
  await colleague.getByRole('link', { name: 'Sign in with Test IdP' }).click();
  await colleague.fill('input[name=login]', `lena@${slug}.example`);
  await colleague.click('button[type=submit]');
  await colleague.waitForURL(`${BASE}/contacts`);
  await hydrated(colleague);
  await colleague.getByRole('link', { name: 'Lena Example' }).waitFor();
  assert.equal(await colleague.getByText('Sales', { exact: true }).count() > 0, true);
});
