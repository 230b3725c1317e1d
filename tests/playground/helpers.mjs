// Shared by the playground's end-to-end tests: Debian's Chromium driven by playwright-core (the
// flags of tests/runtime/browser.test.mjs), the dev server, screenshots, and what a user sees.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { after, before } from 'node:test';
import { startServer } from '../../tools/serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS as ARGS } from '../runtime/harness.mjs';

export const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const OUT = join(repo, 'test-output', 'playground');
export const PLAYGROUND_HTML = join(repo, 'pkg', 'playground.html');


// Values typed as credentials; tests check they never reach the link, the file or the storage.
export const SECRET = 'pg-secret-7Zq81xW';
export const TOKEN = 'EAAB-playground-token-55c1';
export const T0 = 1764000000;

export const hmacHex = (key, message) => createHmac('sha256', key).update(message).digest('hex');

export async function launch() {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: ./dev test installs Debian's chromium`);
  assert.ok(existsSync(join(repo, 'www', 'gen', 'appgrant.mjs')), 'www/gen/ is missing: run ./dev build');
  mkdirSync(OUT, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** One browser and one dev server for a test file, started before its tests, stopped after. */
export function playground() {
  const env = {};
  before(async () => {
    env.browser = await launch();
    Object.assign(env, await serve());
  });
  after(async () => {
    await env.browser?.close();
    env.server?.close();
  });
  return env;
}

export async function serve() {
  const server = await startServer({ port: 0, roots: { '/': join(repo, 'www') } });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

// A fresh context (its own storage) and page. `problems` collects console errors (CSP
// violations, failed loads), uncaught errors, and any request that leaves the page's origin.
export async function openPage(browser, url, { width = 1440, height = 900, colorScheme = 'light', clock, permissions = [] } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, acceptDownloads: true });
  if (permissions.length) await context.grantPermissions(permissions, { origin: new URL(url).origin });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  const origin = new URL(url).origin;
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  page.on('request', (r) => {
    const u = r.url();
    requests.push(u);
    if (!(u.startsWith(origin) || u.startsWith('data:') || u.startsWith('blob:'))) problems.push(`request: ${u}`);
  });
  // A simulated clock starts a little before `clock` and stops at it once the page is ready:
  // from then on time moves only by page.clock.runFor().
  if (clock !== undefined) await page.clock.install({ time: (clock - 60) * 1000 });
  await page.goto(url);
  await page.locator('#status').waitFor({ state: 'hidden', timeout: 30_000 });
  if (clock !== undefined) await page.clock.pauseAt(clock * 1000);
  return { context, page, problems, requests };
}

export async function screenshot(page, name) {
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export async function openView(page, name) {
  await page.getByRole('tab', { name, exact: true }).click();
  const panel = page.getByRole('tabpanel', { name, exact: true });
  await panel.waitFor({ state: 'visible' });
  return panel;
}

// The diagnostics listed under one severity heading, as { code, text } pairs.
export async function diagnostics(page, heading) {
  const group = page.locator('#diag-groups section').filter({ has: page.getByRole('heading', { name: new RegExp(`^${heading} \\(`) }) });
  if ((await group.count()) === 0) return [];
  return group.locator('li.diag').evaluateAll((items) => items.map((li) => ({ code: li.dataset.code, text: li.textContent })));
}

export const codes = (list) => list.map((d) => d.code);

// The decoded #state= fragment of a URL.
export function stateOf(url) {
  const hash = new URL(url).hash;
  assert.match(hash, /^#state=[A-Za-z0-9_-]+$/);
  return JSON.parse(Buffer.from(hash.slice('#state='.length), 'base64url').toString('utf8'));
}

// Polls until `check` passes; the page updates after events, not instantly.
export async function eventually(check, timeout = 5000) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
