// A salesperson's working day, in German: set up outgoing mail, find a contact with
// Ctrl+K, log a call, write an e-mail that reaches the SMTP server, plan the
// follow-up task, merge a duplicate and import a spreadsheet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, hydrated, screenshot, uniqueSlug, signUp, messagesTo, waitFor, MAILDIR } from './support.mjs';

const SMTP = process.env.TESSERA_TEST_SMTP;
const EXAMPLE_CSV = new URL('../../docs/examples/kontakte-excel.csv', import.meta.url).pathname;

let browser;
before(async () => {
  assert.ok(SMTP && MAILDIR, 'run with ./dev test or ./dev e2e: they start the SMTP peer');
  browser = await launch();
});
after(async () => { await browser?.close(); });

async function newContact(page, { first, last, email, confirmDuplicate = false }) {
  await page.goto(`${BASE}/contacts/new`);
  await hydrated(page);
  await page.selectOption('#field-salutation', 'ms');
  await page.fill('#field-title', 'Dr.');
  await page.fill('#field-first_name', first);
  await page.fill('#field-last_name', last);
  await page.fill('#field-emails-0-address', email);
  await page.click('button[type=submit]');
  if (confirmDuplicate) {
    await page.getByText('Das ist vermutlich eine Dublette eines vorhandenen Eintrags.').first().waitFor();
    await page.getByRole('button', { name: 'Trotzdem speichern' }).click();
  }
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  await hydrated(page);
  return page.url();
}

test('a working day: palette, call, e-mail, follow-up, merge, import', async () => {
  const page = await newPage(browser, 'de-DE');
  const slug = uniqueSlug('tag');
  await signUp(page, slug, `chefin@${slug}.example`);

  // Outgoing mail and a signature, on the settings page.
  await page.getByRole('link', { name: 'Einstellungen' }).click();
  await page.waitForURL(`${BASE}/settings`);
  await hydrated(page);
  const [host, port] = SMTP.split(':');
  await page.fill('#field-host', host);
  await page.fill('#field-port', port);
  await page.selectOption('#field-security', 'plain');
  await page.fill('#field-from_address', `vertrieb@${slug}.example`);
  await page.fill('#field-from_name', 'Vertrieb');
  await page.locator('section[aria-labelledby=smtp-heading] button[type=submit]').click();
  await page.getByText('Postausgang gespeichert.').waitFor();
  await page.fill('#field-signature', 'Erika Mustermann\nVertrieb');
  await page.locator('section[aria-labelledby=profile-heading] button[type=submit]').click();
  await page.getByText('Signatur gespeichert.').waitFor();
  await screenshot(page, 'settings-mail');

  const address = `katrin.mueller@${slug}.example`;
  await newContact(page, { first: 'Katrin', last: 'Müller', email: address });

  // Ctrl+K finds her from anywhere.
  await page.goto(`${BASE}/tasks`);
  await hydrated(page);
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox').fill('Müller');
  await page.getByRole('option', { name: /Katrin Müller/ }).waitFor();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: 'Dr. Katrin Müller' }).waitFor();
  const contactUrl = page.url();
  await hydrated(page);

  // A call, logged on her timeline.
  await page.getByText('Aktivität erfassen').click();
  await page.selectOption('#field-kind', 'call');
  await page.fill('#field-subject', 'Rückruf wegen Angebot');
  await page.fill('#field-body', 'Möchte das Angebot bis Freitag.');
  await page.getByRole('button', { name: 'Erfassen' }).click();
  await page.locator('.timeline-entry').filter({ hasText: 'Rückruf wegen Angebot' }).waitFor();

  // An e-mail from the built-in template: formal greeting, signature, then sent.
  await page.getByRole('link', { name: 'E-Mail schreiben' }).click();
  await page.waitForURL(/\/mail$/);
  await hydrated(page);
  const body = await page.inputValue('#field-body');
  assert.match(body, /^Sehr geehrte Frau Dr\. Müller,/);
  assert.match(body, /-- \nErika Mustermann\nVertrieb$/);
  await page.fill('#field-subject', 'Ihr Angebot über Größe „XL“');
  await page.click('button[type=submit]');
  await page.waitForURL(contactUrl);
  const raw = await waitFor(() => messagesTo(address)[0], 'the e-mail at the SMTP server');
  assert.match(raw, /^Subject: .+$/m);
  assert.match(raw, new RegExp(`^From: Vertrieb <vertrieb@${slug}\\.example>`, 'm'));
  assert.match(raw, /^Message-ID: <[0-9a-f-]{36}@/mi);
  await waitFor(async () => {
    await page.reload();
    await hydrated(page);
    return (await page.locator('.badge.delivery-sent').count()) > 0;
  }, 'the timeline to show the mail as sent');
  await screenshot(page, 'contact-timeline-mail');

  // The follow-up task from the call, due today, appears under my tasks.
  await page.locator('.timeline-entry').filter({ hasText: 'Rückruf wegen Angebot' })
    .getByRole('link', { name: 'Folgeaufgabe' }).click();
  await page.waitForURL(/\/tasks\/new\?interaction=/);
  await hydrated(page);
  await page.fill('#field-title', 'Angebot an Frau Müller schicken');
  await page.fill('#field-due_date', new Date().toISOString().slice(0, 10));
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/tasks`);
  await page.getByText('Angebot an Frau Müller schicken').waitFor();

  // A second "Katrin Mueller" with the same address: saved anyway, then merged.
  await newContact(page, { first: 'Katrin', last: 'Mueller', email: address, confirmDuplicate: true });
  await page.goto(`${BASE}/contacts/duplicates`);
  await hydrated(page);
  await page.getByRole('link', { name: 'Vergleichen und zusammenführen' }).first().click();
  await page.waitForURL(/\/contacts\/merge\?/);
  await hydrated(page);
  await page.getByRole('button', { name: 'Zusammenführen' }).click();
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  await page.getByText('Zusammengeführt aus').waitFor();
  await page.goto(`${BASE}/contacts`);
  await page.locator('table.data-table tbody tr').first().waitFor();
  assert.equal(await page.locator('table.data-table tbody tr').count(), 1);

  // The German Excel example: mapping, progress, summary.
  await page.goto(`${BASE}/imports/new`);
  await hydrated(page);
  await page.setInputFiles('#import-file', EXAMPLE_CSV);
  await page.getByRole('button', { name: 'Hochladen' }).click();
  await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await page.getByRole('button', { name: 'Import starten' }).click();
  await page.getByText('Import abgeschlossen.').waitFor({ timeout: 60_000 });
  await page.locator('progress#import-bar').waitFor();
  assert.match(await page.locator('.import-summary').innerText(), /angelegt/);
  await screenshot(page, 'import-summary');
});
