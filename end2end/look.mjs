// Temporary: look at the session's screens in the demo (./dev run on :3000).
import { launch, newPage, hydrated, enrolTotp } from './tests/support.mjs';
const BASE = 'http://127.0.0.1:3000';
const OUT = '/tmp/look/';
const browser = await launch();
async function signIn(email) {
  const page = await newPage(browser, 'de-DE');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${BASE}/login/demo`);
  await hydrated(page);
  await page.fill('#field-email', email);
  await page.fill('#field-password', 'Tessera-Demo-2026');
  await page.click('button[type=submit]');
  await page.waitForURL(/\/(contacts|account\/security)/);
  if (page.url().endsWith('/account/security')) {
    await enrolTotp(page);
  }
  return page;
}
const shot = async (page, name) => page.screenshot({ path: `${OUT}${name}.png`, fullPage: true });
const owner = await signIn('inhaberin@demo.example');
await owner.goto(`${BASE}/contacts`); await hydrated(owner); await shot(owner, 'contacts');
const first = await owner.locator('table a[href^="/contacts/"]').first().getAttribute('href');
await owner.goto(`${BASE}${first}`); await hydrated(owner); await owner.waitForTimeout(1500); await shot(owner, 'contact');
await owner.goto(`${BASE}/audit`); await hydrated(owner); await owner.waitForTimeout(1000);
await owner.locator('input[type=checkbox]').last().check();
await owner.getByRole('button', { name: 'Speichern' }).click();
await owner.waitForTimeout(1500); await shot(owner, 'audit-owner');
await owner.goto(`${BASE}/team`); await hydrated(owner);
await owner.fill('#field-email', `neu${Date.now()}@demo.example`);
await owner.selectOption('#invite-role', 'works_council');
await owner.getByRole('button', { name: /Einladung erstellen|Create invitation/ }).click();
const link = await owner.locator('input.invite-link').inputValue();
console.log('invite link', link.replace(/#.*/, '#…'));
const guest = await newPage(browser, 'de-DE');
await guest.goto(link); await hydrated(guest); await guest.locator('#field-display_name').waitFor(); await shot(guest, 'invite');
const dpo = await signIn('datenschutz@demo.example');
await dpo.goto(`${BASE}/audit`); await hydrated(dpo); await dpo.waitForTimeout(1500); await shot(dpo, 'audit-dpo');
const wc = await signIn('betriebsrat@demo.example');
await wc.goto(`${BASE}/audit`); await hydrated(wc); await wc.waitForTimeout(1500); await shot(wc, 'audit-wc');
await browser.close();
