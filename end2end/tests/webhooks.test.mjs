// Webhooks as an administrator sets them up: a subscription made on the settings
// page with its secret shown once, a contact created in the UI reaching a real
// HTTP receiver started here, which checks the Standard Webhooks signature with
// node's own HMAC, and the delivery shown in the subscription's log, sent again
// from there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BASE, launch, newPage, hydrated, screenshot, uniqueSlug, signUp, waitFor } from './support.mjs';

let browser;
let receiver;
const received = [];
let secret = null;

/// The receiver's check: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under
/// the secret's bytes, any of the space-separated signatures, within five minutes.
function verified(headers, body) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  if (!secret || !id || !timestamp) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return (headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

before(async () => {
  browser = await launch();
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      const ok = verified(request.headers, body);
      if (ok) received.push({ id: request.headers['webhook-id'], body: JSON.parse(body) });
      response.writeHead(ok ? 204 : 401).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
after(async () => {
  await browser?.close();
  receiver?.close();
});

test('an administrator subscribes a receiver, which gets signed events, and sends one again', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('hooks');
  await signUp(page, slug, `owner@${slug}.example`);
  await page.goto(`${BASE}/settings`);
  await hydrated(page);
  const section = page.locator('section.webhooks');
  await section.getByText('No webhook yet.').waitFor();

  // A bad address and no event: both said, nothing made.
  await section.locator('#field-url').fill('ftp://erp.example.com');
  await section.getByRole('button', { name: 'Add webhook' }).click();
  await section.locator('#field-events-error').getByText(/Please fill in this field/).waitFor();

  const url = `http://127.0.0.1:${receiver.address().port}/hooks`;
  await section.locator('#field-url').fill(url);
  await section.locator('#field-event-contact_created').check();
  await section.getByRole('button', { name: 'Add webhook' }).click();
  const secretField = page.locator('#webhook-secret');
  await secretField.waitFor();
  secret = await secretField.inputValue();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  const item = section.locator('.webhook', { hasText: url });
  await item.waitFor();
  assert.equal(await section.locator('#field-url').inputValue(), '', 'the form starts afresh');
  assert.equal(await section.locator('#field-event-contact_created').isChecked(), false);
  assert.ok((await item.innerText()).includes('contact.created'));
  assert.ok(!(await item.innerText()).includes(secret.slice(6)), 'the list never shows the secret');
  await screenshot(page, 'webhook-created');

  await page.goto(`${BASE}/contacts/new`);
  await hydrated(page);
  await page.fill('#field-first_name', 'Jörg');
  await page.fill('#field-last_name', 'Müller');
  await page.click('button[type=submit]');
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  await waitFor(() => received.length === 1, 'the signed delivery');
  assert.equal(received[0].body.type, 'contact.created');
  assert.ok(!JSON.stringify(received[0].body).includes('Müller'), 'ids and field names only');
  assert.ok(received[0].body.data.changed.includes('last_name'));

  await page.goto(`${BASE}/settings`);
  await hydrated(page);
  await item.getByRole('button', { name: 'Deliveries' }).click();
  const row = item.locator('.delivery-log tbody tr').first();
  await row.waitFor();
  assert.match(await row.innerText(), /Contact created[\s\S]*delivered[\s\S]*1[\s\S]*204/);
  await screenshot(page, 'webhook-log');
  await row.getByRole('button', { name: 'Send again' }).click();
  await item.getByText('Being sent again.').waitFor();
  await waitFor(() => received.length === 2, 'the delivery sent again');
  assert.equal(received[1].id, received[0].id);
});
