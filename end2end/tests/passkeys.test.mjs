// Passkeys in Chromium with a virtual authenticator (the DevTools protocol's
// WebAuthn domain, a real CTAP2 authenticator in the browser, not a mock): adding
// one on the security page, signing in with it instead of a password, showing it
// after the password, and removing it. Browsers refuse IP addresses as relying
// party ids, so this file reaches the server at http://localhost:<port>.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, launch, newPage, hydrated, screenshot, uniqueSlug, signUp, logOut } from './support.mjs';

const LOCAL = BASE.replace('127.0.0.1', 'localhost');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A platform authenticator that holds discoverable credentials and verifies its user. */
async function addAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const credentials = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  return { credentials };
}

async function openLogin(page, slug) {
  await page.goto(`${LOCAL}/login/${slug}`);
  await hydrated(page);
}

async function addPasskey(page, name) {
  await page.goto(`${LOCAL}/account/security`);
  await hydrated(page);
  await page.fill('#field-passkey-name', name);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
}

test('an owner adds a passkey, signs in with it instead of a password and after the password, then removes it', async () => {
  const page = await newPage(browser);
  const authenticator = await addAuthenticator(page);
  const slug = uniqueSlug('passkey');
  const email = `owner@${slug}.example`;
  await signUp(page, slug, email, LOCAL);

  // A name is required; then the browser's dialog creates a discoverable credential.
  await page.goto(`${LOCAL}/account/security`);
  await hydrated(page);
  await page.getByText('No passkey yet.').waitFor();
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.locator('#passkey-name-error', { hasText: 'Please fill in this field.' }).waitFor();
  await addPasskey(page, 'Laptop');
  await page.getByText('Passkey added.').waitFor();
  const row = page.locator('table.passkey-list tbody tr', { hasText: 'Laptop' });
  await row.getByText('never').waitFor();
  const stored = await authenticator.credentials();
  assert.equal(stored.length, 1);
  assert.equal(stored[0].rpId, 'localhost');
  assert.equal(stored[0].isResidentCredential, true);
  await screenshot(page, 'passkeys-security-page');

  // The same authenticator cannot be added twice.
  await addPasskey(page, 'Laptop again');
  await page.getByText('This passkey has been added already.').waitFor();
  assert.equal(await page.locator('table.passkey-list tbody tr').count(), 1);

  // Without a password: the workspace, then the passkey.
  await logOut(page);
  await openLogin(page, slug);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL(`${LOCAL}/contacts`);
  await hydrated(page);
  await page.goto(`${LOCAL}/account/security`);
  await hydrated(page);
  assert.equal(await page.locator('table.passkey-list tbody tr', { hasText: 'Laptop' }).getByText('never').count(), 0);

  // After the password the passkey is the second factor; there is no app to ask a code of.
  await logOut(page);
  await openLogin(page, slug);
  await page.fill('#field-email', email);
  await page.fill('#field-password', PASSWORD);
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: 'Second factor' }).waitFor();
  const usePasskey = page.getByRole('button', { name: 'Use a passkey' });
  await usePasskey.waitFor();
  assert.equal(await page.locator('#field-code').isVisible(), false);
  await screenshot(page, 'passkeys-second-factor');
  await usePasskey.click();
  await page.waitForURL(`${LOCAL}/contacts`);
  await hydrated(page);

  // Every step is in the audit log.
  await page.goto(`${LOCAL}/audit`);
  await hydrated(page);
  const log = page.locator('table.audit-table tbody');
  await log.getByText('Added a passkey').first().waitFor();
  assert.equal(await log.getByText('Signed in with a passkey').count(), 2);

  // Removed, the passkey no longer signs in, though the authenticator still holds it.
  page.on('dialog', (dialog) => dialog.accept());
  await page.goto(`${LOCAL}/account/security`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Laptop – Remove' }).click();
  await page.getByText('Passkey removed.').waitFor();
  await page.getByText('No passkey yet.').waitFor();
  await logOut(page);
  await openLogin(page, slug);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.getByText('This passkey was not accepted', { exact: false }).waitFor();
  assert.equal((await authenticator.credentials()).length, 1);
  await page.goto(`${LOCAL}/contacts`);
  await page.waitForURL(/\/login/);
});

test("a passkey of one workspace does not sign in to another, and the login page asks for the workspace first", async () => {
  const page = await newPage(browser);
  await addAuthenticator(page);
  const first = uniqueSlug('passkey-a');
  await signUp(page, first, `owner@${first}.example`, LOCAL);
  await addPasskey(page, 'Laptop');
  await page.getByText('Passkey added.').waitFor();
  await logOut(page);

  const other = await newPage(browser);
  const second = uniqueSlug('passkey-b');
  await signUp(other, second, `owner@${second}.example`, LOCAL);

  await openLogin(page, second);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.getByText('This passkey was not accepted', { exact: false }).waitFor();
  await screenshot(page, 'passkeys-other-workspace');

  await page.goto(`${LOCAL}/login`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.getByText('Enter your workspace first.').waitFor();

  // Its own workspace still takes it.
  await openLogin(page, first);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL(`${LOCAL}/contacts`);
});
