// The audit trail as the data protection officer and the works council see it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, launch, newPage, hydrated, screenshot, uniqueSlug, signUp, enrolTotp } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The owner invites a colleague through the team page; returns the colleague's signed-in
 * page. DPO and works council set up their required second factor on the way. */
async function inviteAndJoin(owner, email, role, name) {
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
