// 3. Proofs: generation with a live countdown to the 300 s expiry (on the page's simulated clock),
// the legacy form beside it, verification of a pasted proof, and a signed URL to copy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECRET, T0, TOKEN, hmacHex, openPage, openView, playground, screenshot } from './helpers.mjs';

const env = playground();

test('a generated proof counts down to its expiry, beside the legacy form, and verifies', async () => {
  // The page's clock starts at T0 and only moves when the test says so.
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`, { clock: T0 });
  try {
    const view = await openView(page, 'Proofs');
    await view.getByLabel('Access token').fill(TOKEN);
    await view.getByLabel('App secret').fill(SECRET);
    await view.getByRole('button', { name: 'Generate proof' }).click();

    const expected = hmacHex(SECRET, `${TOKEN}|${T0}`);
    assert.equal(await page.locator('#proof').textContent(), expected);
    assert.equal(await page.locator('#proof-time').textContent(), String(T0));
    assert.equal(await page.locator('#query').textContent(), `appsecret_proof=${expected}&appsecret_time=${T0}`);
    assert.equal(await page.locator('#legacy-proof').textContent(), hmacHex(SECRET, TOKEN));
    assert.equal(await page.locator('#countdown').textContent(), 'Valid for 5 min 00 s more (until 2025-11-24 16:05:00 UTC).');
    assert.equal(await page.locator('#proof-state').textContent(), 'verifyAppsecretProof now: valid.');

    await page.clock.runFor(121_000);
    assert.equal(await page.locator('#countdown').textContent(), 'Valid for 2 min 59 s more (until 2025-11-24 16:05:00 UTC).');
    await page.clock.runFor(179_000);
    assert.equal(await page.locator('#countdown').textContent(), 'Valid for 0 s more (until 2025-11-24 16:05:00 UTC).');
    await page.clock.runFor(1_000);
    assert.equal(await page.locator('#countdown').textContent(), 'Expired 1 s ago (at 2025-11-24 16:05:00 UTC).');
    assert.equal(await page.locator('#proof-state').textContent(), 'verifyAppsecretProof now: proof_expired: appsecret_time is more than 300 seconds in the past.');
    await screenshot(page, 'proofs-1440-light');

    // Verifying a pasted proof: valid at its time, then tampered, then too old, then malformed.
    await view.getByLabel('Proof to verify').fill(expected);
    await view.getByLabel('Time sent with it').fill(String(T0));
    await view.getByLabel('Verify at').fill(String(T0 + 10));
    assert.equal(await page.locator('#verify-result').textContent(), 'Valid at 2025-11-24 16:00:10 UTC.');
    await view.getByLabel('Proof to verify').fill(`${expected.slice(0, -1)}${expected.endsWith('0') ? '1' : '0'}`);
    assert.match(await page.locator('#verify-result').textContent(), /^Invalid: proof_mismatch: /);
    await view.getByLabel('Proof to verify').fill(expected);
    await view.getByLabel('Verify at').fill(String(T0 + 301));
    assert.match(await page.locator('#verify-result').textContent(), /^Invalid: proof_expired: /);
    await view.getByLabel('Verify at').fill(String(T0 - 5));
    assert.match(await page.locator('#verify-result').textContent(), /^Invalid: proof_future: /);
    await view.getByLabel('Time sent with it').fill('1.5e9');
    assert.match(await page.locator('#verify-result').textContent(), /^Invalid: proof_malformed: /);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a URL is signed with the token, the proof and its time, and copied', async () => {
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`, { permissions: ['clipboard-read', 'clipboard-write'] });
  try {
    const view = await openView(page, 'Proofs');
    await view.getByLabel('Access token').fill(TOKEN);
    await view.getByLabel('App secret').fill(SECRET);
    await view.getByLabel('appsecret_time').fill(String(T0));
    await view.getByLabel('Graph API URL').fill('https://graph.workplace.com/v18.0/1001/feed?limit=5');
    await view.getByRole('button', { name: 'Sign the URL' }).click();
    const signed = new URL(await view.getByLabel('Signed URL').inputValue());
    assert.equal(signed.origin + signed.pathname, 'https://graph.workplace.com/v18.0/1001/feed');
    assert.equal(signed.searchParams.get('limit'), '5');
    assert.equal(signed.searchParams.get('access_token'), TOKEN);
    assert.equal(signed.searchParams.get('appsecret_time'), String(T0));
    assert.equal(signed.searchParams.get('appsecret_proof'), hmacHex(SECRET, `${TOKEN}|${T0}`));
    assert.ok(!signed.href.includes(SECRET), 'the secret itself is never in a signed URL');

    await view.getByRole('button', { name: 'Copy the signed URL' }).click();
    await page.locator('#copy-url-status').filter({ hasText: 'Copied.' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), signed.href);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
