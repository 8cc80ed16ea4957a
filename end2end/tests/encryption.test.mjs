// Encrypted contacts stay searchable; owners rotate the workspace key from the UI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, hydrated, screenshot, uniqueSlug, signUp } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function createContact(page, first, last, email) {
  await page.goto(`${BASE}/contacts/new`);
  await hydrated(page);
  await page.fill('#field-first_name', first);
  await page.fill('#field-last_name', last);
  await page.fill('#field-emails-0-address', email);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
}

test('type-ahead search finds umlaut names by any spelling', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('search');
  await signUp(page, slug, `owner@${slug}.example`);
  await createContact(page, 'Erika', 'Müller', 'erika@example.de');
  await createContact(page, 'Hans', 'Weber', 'hans@example.de');

  await page.goto(`${BASE}/contacts`);
  await hydrated(page);
  await page.keyboard.press('/');
  await page.keyboard.type('mueller');
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=mueller/);
  const rows = page.locator('table.data-table tbody tr');
  await rows.first().getByText('Müller, Erika').waitFor();
  // The unfiltered list may still be on screen for a moment: wait for the filtered one.
  await rows.filter({ hasText: 'Weber' }).waitFor({ state: 'detached' });
  assert.equal(await rows.count(), 1);
  await screenshot(page, 'search');
});

test('an owner rotates the workspace key and keeps working', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('rotate');
  await signUp(page, slug, `owner@${slug}.example`);
  await createContact(page, 'Rita', 'Rotation', 'rita@example.de');
  await page.goto(`${BASE}/team`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Rotate workspace key' }).click();
  await page.getByRole('status').getByText('Key version 2 is active; 2 keys were re-wrapped.').waitFor();
  await screenshot(page, 'team-rotation');
  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.locator('table.data-table').getByText('Rotation, Rita').waitFor();
});
