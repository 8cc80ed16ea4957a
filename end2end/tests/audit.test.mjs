// The audit trail as the data protection officer and the works council see it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, hydrated, screenshot, uniqueSlug, signUp, inviteAndJoin as join } from './support.mjs';

const inviteAndJoin = (owner, email, role, name) => join(browser, owner, email, role, name);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the DPO sees who viewed a contact; the works council sees the same entry pseudonymised', async () => {
  const owner = await newPage(browser);
  const slug = uniqueSlug('audit');
  await signUp(owner, slug, `owner@${slug}.example`);
  const seller = await inviteAndJoin(owner, `vera@${slug}.example`, 'sales', 'Vera Vertrieb');
  const dpo = await inviteAndJoin(owner, `dora@${slug}.example`, 'dpo', 'Dora Datenschutz');
  const council = await inviteAndJoin(owner, `bernd@${slug}.example`, 'works_council', 'Bernd Betriebsrat');

  // The seller creates a contact and looks at it.
  await seller.goto(`${BASE}/contacts/new`);
  await hydrated(seller);
  await seller.fill('#field-first_name', 'Kai');
  await seller.fill('#field-last_name', 'Kunde');
  await seller.click('button[type=submit]');
  await seller.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  await seller.getByRole('heading', { name: 'Kai Kunde' }).waitFor();

  // The DPO opens the contact's access history.
  await dpo.goto(`${BASE}/contacts`);
  await hydrated(dpo);
  await dpo.getByRole('link', { name: 'Kunde, Kai' }).click();
  await dpo.getByRole('link', { name: 'Access history' }).click();
  await dpo.waitForURL(/\/audit\?subject=/);
  const read = dpo.locator('table.audit-table tbody tr', { hasText: 'Viewed contact' }).filter({ hasText: 'Vera Vertrieb' });
  await read.first().waitFor();
  assert.match(await read.first().innerText(), /Kunde, Kai/);
  await screenshot(dpo, 'audit-dpo');

  // The works council sees the entry, but not her name.
  await council.goto(`${BASE}/audit`);
  await hydrated(council);
  const row = council.locator('table.audit-table tbody tr', { hasText: 'Viewed contact' }).first();
  await row.waitFor();
  assert.match(await row.locator('td.actor').innerText(), /^P-[0-9A-F]{10}$/);
  const text = await council.locator('main').innerText();
  assert.ok(!text.includes('Vera'), 'no employee name for the works council');
  await screenshot(council, 'audit-works-council');
});
