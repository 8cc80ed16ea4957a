// The REST API as an integrator meets it: a token made on the security page and
// shown once, a contact written with it that the UI then shows, schemathesis (from
// PyPI, started here against the live server and its generated OpenAPI document)
// finding no server error, undocumented status or schema violation, and the token
// revoked in the UI and refused at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BASE, launch, newPage, hydrated, screenshot, uniqueSlug, signUp, inviteAndJoin } from './support.mjs';

const SCHEMATHESIS = process.env.TESSERA_SCHEMATHESIS ?? '../target/peers/venv/bin/schemathesis';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function api(token, method, path, body) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : null };
}

test('a token from the security page writes through the API, passes schemathesis and is revoked', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('api');
  await signUp(page, slug, `owner@${slug}.example`);
  await page.goto(`${BASE}/account/security`);
  await hydrated(page);

  // Without scopes the form says what is missing and creates nothing.
  await page.fill('#field-name', 'ERP sync');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.locator('#field-scopes-error').getByText(/Please fill in this field/).waitFor();

  // Every scope the owner may give: schemathesis then reaches every operation.
  for (const area of ['contacts', 'organisations', 'interactions', 'tasks', 'appointments']) {
    for (const access of ['read', 'write']) await page.check(`#field-scope-${area}-${access}`);
  }
  await page.getByRole('button', { name: 'Create token' }).click();
  const secretField = page.locator('#created-token-secret');
  await secretField.waitFor();
  const token = await secretField.inputValue();
  assert.match(token, /^tsk_[0-9a-f]{32}[A-Za-z0-9_-]{43}$/);
  const row = page.locator('.token-list tbody tr', { hasText: 'ERP sync' });
  await row.waitFor();
  assert.ok((await row.innerText()).includes('contacts:write'));
  assert.ok((await row.innerText()).includes('appointments:write'));
  assert.ok(!(await row.innerText()).includes(token.slice(40)), 'the list never shows the secret');
  await screenshot(page, 'api-token-created');

  const created = await api(token, 'POST', '/api/v1/contacts', {
    first_name: 'Jörg', last_name: 'Müller', stage: 'customer',
    emails: [{ kind: 'work', address: 'joerg.mueller@example.de' }], tags: ['api'],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await page.goto(`${BASE}/contacts`);
  await hydrated(page);
  await page.getByRole('link', { name: /Müller/ }).first().waitFor();

  const contract = spawnSync(SCHEMATHESIS, [
    'run', `${BASE}/api/v1/openapi.json`,
    '--header', `Authorization: Bearer ${token}`,
    '--checks', 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection',
    '--max-examples', '40',
    '--workers', '1',
    '--seed', '20261201',
    '--no-color',
    '--generation-database', 'none',
  ], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(contract.status, 0, `schemathesis found problems:\n${contract.stdout}\n${contract.stderr}`);
  assert.match(contract.stdout, /passed/i);

  await page.goto(`${BASE}/account/security`);
  await hydrated(page);
  page.once('dialog', (dialog) => dialog.accept());
  await page.locator('.token-list tbody tr', { hasText: 'ERP sync' }).getByRole('button', { name: /Revoke/ }).click();
  await page.getByText('Token revoked.').waitFor();
  const refused = await api(token, 'GET', '/api/v1/contacts');
  assert.equal(refused.status, 401);
  assert.equal(refused.type, 'application/problem+json');
  assert.equal(refused.body.code, 'unauthenticated');
  await page.context().close();
});

test('an owner makes a token for an integration user on the team page and revokes it there', async () => {
  const page = await newPage(browser);
  const slug = uniqueSlug('issue');
  await signUp(page, slug, `owner@${slug}.example`);
  const shop = await inviteAndJoin(browser, page, `shop@${slug}.example`, 'service', 'Shop Integration');
  await shop.context().close();
  await page.goto(`${BASE}/team`);
  await hydrated(page);
  const section = page.locator('section.issued-tokens');
  await section.getByText('No token for others yet.').waitFor();
  await section.locator('#field-user_id').selectOption({ label: 'Shop Integration' });
  await section.locator('#field-token-name').fill('Shop sync');
  await section.locator('#field-scope-contacts-read').check();
  await section.getByRole('button', { name: 'Create token' }).click();
  const token = await section.locator('#created-token-secret').inputValue();
  const row = section.locator('.token-list tbody tr', { hasText: 'Shop sync' });
  await row.waitFor();
  assert.equal(await section.locator('#field-token-name').inputValue(), '', 'the form starts afresh');
  assert.match(await row.innerText(), /Shop Integration[\s\S]*contacts:read/);
  await screenshot(page, 'api-token-issued');

  assert.equal((await api(token, 'GET', '/api/v1/contacts')).status, 200);
  const write = await api(token, 'POST', '/api/v1/contacts', { first_name: 'A', last_name: 'B' });
  assert.equal(write.status, 403, 'a read scope does not write');

  page.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.locator('.badge').waitFor();
  assert.equal((await api(token, 'GET', '/api/v1/contacts')).status, 401);
  await page.context().close();
});
