// "Forgot your password?" in Chromium: the link arrives at the SMTP peer, sets a new
// password once, and the old one stops working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, PASSWORD, MAILDIR, launch, newPage, hydrated, screenshot, uniqueSlug, signUp, logOut, messagesTo, waitFor,
} from './support.mjs';

let browser;
before(async () => {
  assert.ok(MAILDIR, 'run with ./dev test or ./dev e2e: they start the SMTP peer');
  browser = await launch();
});
after(async () => { await browser?.close(); });

const NEW_PASSWORD = 'a new and longer passphrase';

test('a forgotten password is replaced through a mailed link', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('reset');
  const email = `owner@${slug}.example`;
  await signUp(page, slug, email);
  await logOut(page);

  await page.goto(`${BASE}/login/${slug}`);
  await hydrated(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.waitForURL(`${BASE}/forgot/${slug}`);
  await hydrated(page);
  assert.equal(await page.inputValue('#field-workspace'), slug);
  await page.fill('#field-email', email);
  await page.getByRole('button', { name: 'Send link' }).click();
  await page.getByText('If there is an account for this address, the link is on its way.').waitFor();

  const raw = await waitFor(() => messagesTo(email)[0], 'the password mail');
  const link = /(http\S+\/reset\/\S+)/.exec(raw.replace(/=\r?\n/g, ''))[1];
  assert.match(link, /\/reset\/[a-z0-9-]+#\S+$/, 'the token is in the fragment, never sent to a server');
  await page.goto(link.replace(/^http:\/\/[^/]+/, BASE));
  await hydrated(page);
  await page.fill('#field-password', 'short');
  await page.getByRole('button', { name: 'Save password' }).click();
  await page.getByText('At least 12 characters.').first().waitFor();
  await page.fill('#field-password', NEW_PASSWORD);
  await page.getByRole('button', { name: 'Save password' }).click();
  await page.getByText('Your new password is saved.').waitFor();
  await screenshot(page, 'password-reset-done');

  // The link is used up; the new password signs in. (Opened afresh: the token is in
  // the fragment, and going to the same address would only jump within the page.)
  await page.goto('about:blank');
  await page.goto(link.replace(/^http:\/\/[^/]+/, BASE));
  await hydrated(page);
  await page.fill('#field-password', 'yet another passphrase');
  await page.getByRole('button', { name: 'Save password' }).click();
  await page.getByText('This link no longer works').waitFor();

  await page.goto(`${BASE}/login/${slug}`);
  await hydrated(page);
  await page.fill('#field-email', email);
  await page.fill('#field-password', NEW_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/contacts`);
});
