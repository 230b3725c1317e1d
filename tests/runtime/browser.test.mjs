// Debian's Chromium, driven by playwright-core, loads the package's browser entry from the dev
// server (tools/serve.mjs, same CSP as `./dev serve`) and then uses the playground page.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, assertProbe, edgeNames, expectedProof, here, pkgDir, repo } from './harness.mjs';


let server;
let origin;
let context;
let profile;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: ./dev test installs Debian's chromium`);
  server = await startServer({ port: 0, roots: { '/pkg/': pkgDir, '/tests/': here, '/': join(repo, 'www') } });
  origin = `http://127.0.0.1:${server.address().port}`;
  profile = mkdtempSync(join(tmpdir(), 'appgrant-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

// Console errors include CSP violations and failed module loads; a clean page has none.
async function openPage(path) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('request', (r) => !r.url().startsWith(origin) && problems.push(`request outside the page's origin: ${r.url()}`));
  await page.goto(`${origin}${path}`);
  return { page, problems };
}

test('the browser entries of appgrant and appgrant/edge imported by URL expose the API after import', async () => {
  const { page, problems } = await openPage('/tests/browser-fixture.html');
  try {
    await page.waitForFunction(() => window.probeResult, null, { timeout: 30_000 }).catch(() => {
      assert.fail(`the probe did not finish: ${problems.join('\n')}`);
    });
    const result = await page.evaluate(() => window.probeResult);
    assertProbe(result);
    assertProbe(result.edge, edgeNames);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('the playground page generates an appsecret_proof for a typed token and secret', async () => {
  const { page, problems } = await openPage('/');
  try {
    const token = 'EAAB-typed-token';
    const secret = 'typed app secret';
    // The proof generator is the playground's Proofs view.
    await page.getByRole('tab', { name: 'Proofs' }).click({ timeout: 30_000 });
    const view = page.locator('#view-proofs');
    await view.getByLabel('Access token').fill(token);
    await view.getByLabel('App secret').fill(secret);
    await view.getByLabel('appsecret_time').fill('1764000123');
    const button = view.getByRole('button', { name: 'Generate proof' });
    await button.click({ timeout: 30_000 });
    const proof = page.locator('#proof');
    await proof.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await proof.textContent(), /^[0-9a-f]{64}$/);
    assert.equal(await proof.textContent(), expectedProof(token, secret, 1764000123));
    assert.equal(await page.locator('#proof-time').textContent(), '1764000123');

    // Empty time means now: the shown time is the clock's, and the proof matches it.
    await view.getByLabel('appsecret_time').fill('');
    const now = Math.floor(Date.now() / 1000);
    await button.click();
    const shownTime = Number(await page.locator('#proof-time').textContent());
    assert.ok(Math.abs(shownTime - now) <= 5, `time ${shownTime} is not now (${now})`);
    assert.equal(await proof.textContent(), expectedProof(token, secret, shownTime));

    // A malformed time is refused with the API's error code, and the secret is not echoed.
    await view.getByLabel('appsecret_time').fill('not a time');
    await button.click();
    const alert = view.getByRole('alert');
    await alert.waitFor({ state: 'visible', timeout: 10_000 });
    const message = await alert.textContent();
    assert.match(message, /^[a-z_]+: /);
    assert.ok(!message.includes(secret));
    assert.equal(await page.locator('#result').isHidden(), true);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
