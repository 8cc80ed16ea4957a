// Shared helpers: one Chromium per test file, fresh contexts per scenario.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';

export const BASE = process.env.TESSERA_E2E_URL ?? 'http://127.0.0.1:3107';
export const PASSWORD = 'correct horse battery staple';
/** Where the SMTP peer that the test command starts delivers every message. */
export const MAILDIR = process.env.TESSERA_TEST_MAILDIR;
const SCREENSHOTS = new URL('../../target/e2e-screenshots/', import.meta.url).pathname;

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function newPage(browser, locale = 'en-US') {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // A page's uncaught errors (a failed hydration among them) explain a timeout.
  page.on('pageerror', (err) => console.error(`page error at ${page.url()}: ${err.message}`));
  if (process.env.E2E_CONSOLE) page.on('console', (m) => console.error(`console ${m.type()} at ${page.url()}: ${m.text()}`));
  return page;
}

/** Waits until the WASM bundle has hydrated the server-rendered page. */
export async function hydrated(page) {
  try {
    await page.waitForSelector('body[data-hydrated="true"]');
  } catch (err) {
    // Rare in CI: say whether the document ever finished and what it shows.
    const state = await page
      .evaluate(() => `${document.readyState}: ${document.body?.innerText.slice(0, 160)}`)
      .catch(() => 'unreadable');
    console.error(`not hydrated at ${page.url()} (${state})`);
    throw err;
  }
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

export function uniqueSlug(prefix) {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export async function signUp(page, slug, email, base = BASE) {
  await page.goto(`${base}/signup`);
  await hydrated(page);
  await page.fill('#field-company_name', `${slug} GmbH`);
  await page.fill('#field-slug', slug);
  await page.fill('#field-owner_name', 'Erika Mustermann');
  await page.fill('#field-email', email);
  await page.fill('#field-password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/contacts`);
  await hydrated(page);
}

export async function logIn(page, slug, email) {
  await page.goto(`${BASE}/login/${slug}`);
  await hydrated(page);
  await page.fill('#field-email', email);
  await page.fill('#field-password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/contacts`);
  await hydrated(page);
}

export async function logOut(page) {
  await page.getByRole('button', { name: /Sign out|Abmelden/ }).click();
  await page.waitForURL(/\/login$/);
}

/** What an authenticator app shows for a base32 secret (RFC 6238: SHA-1, 6 digits, 30 s). */
export function totpCode(secret, stepsAhead = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + stepsAhead));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

/** Sets up an authenticator app on the account security page; returns its secret and recovery codes. */
export async function enrolTotp(page) {
  if (!page.url().endsWith('/account/security')) {
    await page.goto(`${BASE}/account/security`);
  }
  await hydrated(page);
  await page.getByRole('button', { name: /Set up authenticator app|Authenticator-App einrichten/ }).click();
  const secret = (await page.locator('code.totp-secret').textContent()).replace(/\s/g, '');
  await page.fill('#field-code', totpCode(secret));
  await page.getByRole('button', { name: /Finish set-up|Einrichtung abschließen/ }).click();
  await page.locator('.recovery-codes li code').first().waitFor();
  const codes = await page.locator('.recovery-codes li code').allTextContents();
  return { secret, codes };
}

/** The raw messages the SMTP peer delivered to `recipient`. */
export function messagesTo(recipient) {
  const dir = join(MAILDIR, 'new');
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .filter((raw) => /^X-RcptTo: (.*)$/m.exec(raw)?.[1].split(', ').includes(recipient));
}

export async function waitFor(check, what) {
  for (let i = 0; i < 100; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}


/** The owner invites a colleague through the team page; returns the colleague's signed-in
 * page. DPO and works council set up their required second factor on the way. */
export async function inviteAndJoin(browser, owner, email, role, name) {
  await owner.goto(`${BASE}/team`);
  await hydrated(owner);
  await owner.fill('#field-email', email);
  await owner.selectOption('#invite-role', role);
  await owner.getByRole('button', { name: 'Create invitation' }).click();
  const link = await owner.locator('input.invite-link').inputValue();
  const page = await newPage(browser);
  await page.goto(link);
  await hydrated(page);
  await page.fill('#field-display_name', name);
  await page.fill('#field-password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/(contacts|account\/security)$/);
  if (page.url().endsWith('/account/security')) {
    await page.getByText(/requires a second factor for your role/).waitFor();
    await enrolTotp(page);
    await page.getByRole('link', { name: 'I have saved the codes' }).click();
    await page.waitForURL(`${BASE}/contacts`);
  }
  return page;
}
