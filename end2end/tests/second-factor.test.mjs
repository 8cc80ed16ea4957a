// A second factor in Chromium: setting up an authenticator app from the account
// security page, then signing in with a code from it, and with a recovery code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, PASSWORD, launch, newPage, hydrated, screenshot, uniqueSlug, signUp, logOut, enrolTotp, totpCode,
} from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function passwordStep(page, slug, email) {
  await page.goto(`${BASE}/login/${slug}`);
  await hydrated(page);
  await page.fill('#field-email', email);
  await page.fill('#field-password', PASSWORD);
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: 'Second factor' }).waitFor();
}

test('an owner sets up an authenticator app and then signs in with its codes', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('totp');
  const email = `owner@${slug}.example`;
  await signUp(page, slug, email);

  await page.getByRole('link', { name: 'Erika Mustermann' }).click();
  await page.waitForURL(`${BASE}/account/security`);
  await page.getByText('Not set up.', { exact: false }).waitFor();
  const { secret, codes } = await enrolTotp(page);
  assert.equal(codes.length, 10);
  assert.match(codes[0], /^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await page.getByText('Set up. Every sign-in asks for a code from the app.').waitFor();
  await screenshot(page, 'second-factor-codes');
  await page.getByRole('link', { name: 'I have saved the codes' }).click();
  await page.waitForURL(`${BASE}/contacts`);
  await hydrated(page);
  await logOut(page);

  // A wrong code is refused with a clear message; the right one signs in.
  await passwordStep(page, slug, email);
  assert.equal(await page.locator('#field-code').evaluate((el) => el === document.activeElement), true);
  await page.fill('#field-code', '000000');
  await page.click('section:not([hidden]) button[type=submit]');
  await page.getByText('This code is wrong, has expired or was already used.').waitFor();
  await screenshot(page, 'second-factor-wrong-code');
  await page.fill('#field-code', totpCode(secret, 1));
  await page.click('section:not([hidden]) button[type=submit]');
  await page.waitForURL(`${BASE}/contacts`);
  await hydrated(page);
  await logOut(page);

  // A recovery code works once; the page then counts one fewer.
  await passwordStep(page, slug, email);
  await page.fill('#field-code', codes[0]);
  await page.click('section:not([hidden]) button[type=submit]');
  await page.waitForURL(`${BASE}/contacts`);
  await page.goto(`${BASE}/account/security`);
  await hydrated(page);
  await page.getByText('9 recovery codes left.').waitFor();
  await screenshot(page, 'second-factor-status');
});

test('the owner requires a second factor of members and hides birthdays from marketing on the team page', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('rules');
  await signUp(page, slug, `owner@${slug}.example`);
  await page.goto(`${BASE}/team`);
  await hydrated(page);

  const rule = page.locator('section', { has: page.getByRole('heading', { name: 'Second factor' }) });
  assert.equal(await rule.getByLabel('Data protection officer').isChecked(), true, 'DPO by default');
  assert.equal(await rule.getByLabel('Works council').isChecked(), true, 'works council by default');
  await rule.getByLabel('Member (read-mostly)').check();
  await rule.getByRole('button', { name: 'Save rule' }).click();
  await page.getByText('The rule is saved.').waitFor();

  const masks = page.locator('section', { has: page.getByRole('heading', { name: 'Hidden fields' }) });
  await masks.getByLabel('Birthday – Marketing').check();
  await masks.getByRole('button', { name: 'Save hidden fields' }).click();
  await page.getByText('The hidden fields are saved.').waitFor();
  await screenshot(page, 'team-rules');

  // Both survive a reload: they are the workspace's, not the page's.
  await page.reload();
  await hydrated(page);
  const ruleAgain = page.locator('section', { has: page.getByRole('heading', { name: 'Second factor' }) });
  assert.equal(await ruleAgain.getByLabel('Member (read-mostly)').isChecked(), true);
  assert.equal(await page.getByLabel('Birthday – Marketing').isChecked(), true);
  assert.equal(await page.getByLabel('Birthday – Sales').isChecked(), false);
});
