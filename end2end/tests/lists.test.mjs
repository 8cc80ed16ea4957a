// The contact list as a team lead uses it: select rows, tag them at once after a
// confirmation that names the count, and keep the filter as a shared view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, hydrated, screenshot, uniqueSlug, signUp } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function newContact(page, first, last, email) {
  await page.goto(`${BASE}/contacts/new`);
  await hydrated(page);
  await page.fill('#field-first_name', first);
  await page.fill('#field-last_name', last);
  await page.fill('#field-emails-0-address', email);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
}

test('bulk tagging names the count, and a saved view brings the filter back', async () => {
  const page = await newPage(browser, 'de-DE');
  const slug = uniqueSlug('liste');
  await signUp(page, slug, `chefin@${slug}.example`);
  await newContact(page, 'Anna', 'Albers', `anna@${slug}.example`);
  await newContact(page, 'Bernd', 'Bauer', `bernd@${slug}.example`);
  await newContact(page, 'Cem', 'Celik', `cem@${slug}.example`);

  await page.goto(`${BASE}/contacts`);
  await hydrated(page);
  await page.getByRole('checkbox', { name: 'Auswählen', exact: true }).nth(0).check();
  await page.getByRole('checkbox', { name: 'Auswählen', exact: true }).nth(1).check();
  await page.getByText('2 ausgewählt').waitFor();
  await page.fill('#bulk-tag', 'Messe 2026');
  let asked;
  page.once('dialog', (dialog) => { asked = dialog.message(); dialog.accept(); });
  await page.getByRole('button', { name: 'Auf 2 Einträge anwenden' }).click();
  await page.getByText('2 Einträge geändert.').waitFor();
  assert.equal(asked, '2 Einträge wirklich ändern?');

  // The tag filter finds exactly those two.
  await page.fill('#filter-tag', 'Messe 2026');
  await page.getByRole('button', { name: 'Filtern' }).click();
  await page.waitForURL(/tag=Messe/);
  await hydrated(page);
  await page.getByText('2 Kontakte', { exact: true }).waitFor();

  // Saved and shared, the view is one click away.
  await page.getByText('Ansichten', { exact: true }).click();
  await page.fill('#field-view-name', 'Messekontakte');
  await page.getByText('Mit dem Team teilen').click();
  await page.getByRole('button', { name: 'Ansicht speichern' }).click();
  await page.getByRole('link', { name: 'Messekontakte' }).waitFor();
  await page.goto(`${BASE}/contacts`);
  await hydrated(page);
  await page.getByText('Ansichten', { exact: true }).click();
  await page.getByRole('link', { name: 'Messekontakte' }).click();
  await page.waitForURL(/tag=Messe/);
  await hydrated(page);
  await page.getByText('2 Kontakte', { exact: true }).waitFor();
  await screenshot(page, 'contact-list-view');
});
