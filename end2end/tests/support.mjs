// Shared helpers: one Chromium per test file, fresh contexts per scenario.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export const BASE = process.env.TESSERA_E2E_URL ?? 'http://127.0.0.1:3107';
export const PASSWORD = 'correct horse battery staple';
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
  return page;
}

/** Waits until the WASM bundle has hydrated the server-rendered page. */
export async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated="true"]');
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

export function uniqueSlug(prefix) {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export async function signUp(page, slug, email) {
  await page.goto(`${BASE}/signup`);
  await hydrated(page);
  await page.fill('#field-company_name', `${slug} GmbH`);
  await page.fill('#field-slug', slug);
  await page.fill('#field-owner_name', 'Erika Mustermann');
  await page.fill('#field-email', email);
  await page.fill('#field-password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/contacts`);
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
