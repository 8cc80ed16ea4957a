// Every screen opened directly (a bookmark, a reload, a link from an e-mail) renders on
// the server and hydrates without a mismatch: a mismatch leaves the page dead to clicks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, hydrated, uniqueSlug, signUp } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('every screen hydrates when opened directly', async () => {
  const page = await newPage(browser, 'de-DE');
  const problems = [];
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /hydrat|panicked/i.test(m.text())) problems.push(`${page.url()}: ${m.text().slice(0, 200)}`);
  });
  const slug = uniqueSlug('hyd');
  await signUp(page, slug, `chefin@${slug}.example`);

  // Records with something on every section of their pages.
  await page.goto(`${BASE}/organisations/new`);
  await hydrated(page);
  await page.fill('#field-name', 'Alpen Solar');
  await page.click('button[type=submit]');
  await page.waitForURL(/\/organisations\/[0-9a-f-]{36}$/);
  const organisation = page.url();
  await page.getByRole('link', { name: 'Ansprechperson hinzufügen' }).click();
  await page.waitForURL(/\/contacts\/new\?organisation=/);
  await hydrated(page);
  await page.fill('#field-first_name', 'Katrin');
  await page.fill('#field-last_name', 'Müller');
  await page.fill('#field-emails-0-address', `katrin@${slug}.example`);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  const contact = page.url();
  await hydrated(page);
  await page.getByText('Aktivität erfassen').click();
  await page.fill('#field-subject', 'Erstes Gespräch');
  await page.getByRole('button', { name: 'Erfassen' }).click();
  await page.locator('.timeline-entry').filter({ hasText: 'Erstes Gespräch' }).waitFor();
  const contactId = contact.split('/').pop();

  const screens = [
    '/contacts', '/contacts/new', contact, `${contact}/edit`, `${contact}/mail`,
    '/contacts/duplicates', '/organisations', '/organisations/new', organisation, `${organisation}/edit`,
    '/tasks', `/tasks/new?contact=${contactId}`, '/calendar', `/calendar/new?contact=${contactId}`,
    '/imports/new', '/team', '/audit', '/settings', '/account/security', '/forgot',
    `/account/email/${slug}#an-unknown-link`, `/login/${slug}?sso=domain_not_allowed`,
  ];
  for (const screen of screens) {
    const url = screen.startsWith('http') ? screen : `${BASE}${screen}`;
    await page.goto(url);
    await hydrated(page);
    // Leave the browser a moment to finish hydrating the async parts.
    await page.waitForTimeout(300);
  }
  assert.deepEqual(problems, []);

  // And a page that hydrated reacts: the contact page's links still navigate.
  await page.goto(contact);
  await hydrated(page);
  await page.getByRole('link', { name: 'Bearbeiten' }).click();
  await page.waitForURL(/\/edit$/);
});
