// Teams and record visibility in Chromium: the owner forms a team on the team page and
// switches to team visibility; a salesperson then sees only her own and her team's
// customers, and another team's customer is not found even by its address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, newPage, hydrated, screenshot, uniqueSlug, signUp, inviteAndJoin,
} from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function contactOwnedBy(page, last, ownerName) {
  await page.goto(`${BASE}/contacts/new`);
  await hydrated(page);
  await page.fill('#field-first_name', 'Kim');
  await page.fill('#field-last_name', last);
  await page.selectOption('#field-owner_id', { label: ownerName });
  await page.click('button[type=submit]');
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  return page.url();
}

test('with team visibility a salesperson sees her team’s customers and not another team’s', async () => {
  const owner = await newPage(browser);
  const slug = uniqueSlug('teams');
  await signUp(owner, slug, `owner@${slug}.example`);
  const vera = await inviteAndJoin(browser, owner, `vera@${slug}.example`, 'sales', 'Vera Vertrieb');
  await inviteAndJoin(browser, owner, `bruno@${slug}.example`, 'sales', 'Bruno Brandt');
  await contactOwnedBy(owner, 'Nordkundin', 'Vera Vertrieb');
  const other = await contactOwnedBy(owner, 'Südkunde', 'Bruno Brandt');

  await owner.goto(`${BASE}/team`);
  await hydrated(owner);
  const teams = owner.locator('section', { has: owner.getByRole('heading', { name: 'Teams and record visibility' }) });
  await teams.getByText('No teams yet.', { exact: false }).waitFor();
  await teams.getByLabel('Team name').fill('Vertrieb Nord');
  await teams.getByRole('button', { name: 'Create team' }).click();
  const card = teams.locator('article.team-card', { hasText: 'Vertrieb Nord' });
  await card.waitFor();
  await card.getByLabel('Vera Vertrieb').check();
  await card.getByRole('button', { name: 'Save members' }).click();
  await card.getByText('1 member').waitFor();
  await teams.getByLabel('Sales, service, marketing and members see', { exact: false }).check();
  await teams.getByRole('button', { name: 'Save visibility' }).click();
  await teams.getByText('Visibility is saved.').waitFor();
  await screenshot(owner, 'teams');

  // Vera's next request follows the new rule.
  await vera.goto(`${BASE}/contacts`);
  await hydrated(vera);
  await vera.getByRole('link', { name: /Nordkundin/ }).waitFor();
  assert.equal(await vera.getByRole('link', { name: /Südkunde/ }).count(), 0);
  await vera.goto(other);
  await hydrated(vera);
  await vera.getByText('Not found. It may have been deleted.').first().waitFor();

  // The owner still sees both, and the setting survives a reload.
  await owner.goto(`${BASE}/contacts`);
  await hydrated(owner);
  await owner.getByRole('link', { name: /Südkunde/ }).waitFor();
  await owner.goto(`${BASE}/team`);
  await hydrated(owner);
  assert.equal(await owner.getByLabel('Everyone sees every record').isChecked(), false);
});
