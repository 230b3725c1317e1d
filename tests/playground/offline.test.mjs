// Offline, provably: the CSP forbids every connection (connect-src 'none'), the wasm is part of
// the page's own files, and the single self-contained pkg/playground.html works from file://
// with the network blocked. Also the small-screen and dark-scheme screenshots.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { PLAYGROUND_HTML, SECRET, T0, TOKEN, hmacHex, openPage, openView, playground, repo, screenshot } from './helpers.mjs';

const env = playground();

const cspOf = (html) => html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)?.[1] ?? '';
const directives = (csp) => Object.fromEntries(csp.split(/\s*;\s*/).map((d) => d.split(/\s+/)).map(([name, ...values]) => [name, values]));

// fetch() from the page: refused, and the violation names connect-src.
async function connectionRefused(page, url) {
  return page.evaluate(async (target) => {
    const violation = new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
    });
    const outcome = await fetch(target).then(() => 'fetched', () => 'refused');
    return [outcome, await violation];
  }, url);
}

async function noHorizontalScroll(page, width) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= width, `the page is ${scrollWidth} px wide at ${width} px`);
}

test('both pages declare connect-src none; the single file references nothing outside itself', () => {
  const served = directives(cspOf(readFileSync(join(repo, 'www', 'index.html'), 'utf8')));
  const html = readFileSync(PLAYGROUND_HTML, 'utf8');
  const single = directives(cspOf(html));
  for (const csp of [served, single]) {
    assert.deepEqual(csp['connect-src'], ["'none'"]);
    assert.deepEqual(csp['default-src'], ["'none'"]);
    assert.ok(csp['script-src'].includes("'wasm-unsafe-eval'"));
    for (const values of Object.values(csp)) assert.ok(!values.includes("'unsafe-inline'") && !values.includes("'unsafe-eval'"));
  }
  assert.equal(single['script-src'].filter((v) => v.startsWith("'sha256-")).length, 1);
  assert.equal(single['style-src'].filter((v) => v.startsWith("'sha256-")).length, 1);
  const markup = html.replace(/<script type="module">[\s\S]*?<\/script>/, '').replace(/<style>[\s\S]*?<\/style>/, '');
  const references = [...markup.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(references.filter((r) => !r.startsWith('#') && !r.startsWith('data:')), []);
  assert.ok(!/https?:\/\/(?!graph\.workplace\.com)/.test(markup), 'no URL in the markup but the example Graph URL');
});

test('pkg/playground.html from file://, network blocked: every view works, nothing is requested', async () => {
  const context = await env.browser.newContext({ offline: true, viewport: { width: 375, height: 812 }, colorScheme: 'dark', acceptDownloads: true });
  const outside = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  const url = pathToFileURL(PLAYGROUND_HTML).href;
  try {
    await page.goto(url);
    await page.locator('#status').waitFor({ state: 'hidden', timeout: 30_000 });

    assert.equal(await page.locator('#diag-summary').textContent(), 'No findings: this configuration passes every check.');
    await page.locator('#view-build').getByLabel('Require app secret proof').uncheck();
    assert.match(await page.locator('#diag-groups').textContent(), /appsecret_proof_not_required/);
    await noHorizontalScroll(page, 375);
    await screenshot(page, 'file-build-375-dark');

    const proofs = await openView(page, 'Proofs');
    await proofs.getByLabel('Access token').fill(TOKEN);
    await proofs.getByLabel('App secret').fill(SECRET);
    await proofs.getByLabel('appsecret_time').fill(String(T0));
    await proofs.getByRole('button', { name: 'Generate proof' }).click();
    assert.equal(await page.locator('#proof').textContent(), hmacHex(SECRET, `${TOKEN}|${T0}`));
    await noHorizontalScroll(page, 375);

    const request = await openView(page, 'Request');
    await request.getByLabel('Access token sent').fill(TOKEN);
    await request.getByLabel('Time of the request').fill(String(T0));
    assert.equal(await page.locator('#req-decision .verdict').textContent(), 'Allowed');
    await noHorizontalScroll(page, 375);
    await screenshot(page, 'file-request-375-dark');

    const tokens = await openView(page, 'Tokens');
    await tokens.getByRole('button', { name: 'Issue the app token' }).click();
    assert.equal(await page.locator('#tokens-table tbody tr').count(), 1);
    await noHorizontalScroll(page, 375);

    const least = await openView(page, 'Least privilege');
    await least.getByLabel('Operations the integration calls').fill('community.badges.read');
    assert.deepEqual(await page.locator('#least-perms li code').allTextContents(), ['manage_badges']);
    await noHorizontalScroll(page, 375);

    const share = await openView(page, 'Share');
    assert.ok((await share.getByLabel('Link to this state').inputValue()).startsWith(`${url}#state=`));
    const [download] = await Promise.all([page.waitForEvent('download'), share.getByRole('button', { name: 'Export a JSON file' }).click()]);
    const exported = readFileSync(await download.path(), 'utf8');
    assert.ok(!exported.includes(SECRET) && !exported.includes(TOKEN));
    await noHorizontalScroll(page, 375);

    assert.deepEqual(problems, []);
    assert.deepEqual(outside, []);
    assert.deepEqual(requests.filter((r) => !r.startsWith('file:') && !r.startsWith('blob:')), []);
    assert.deepEqual(await connectionRefused(page, 'https://example.com/'), ['refused', 'connect-src']);
  } finally {
    await context.close();
  }
});

test('the served page gets its wasm without fetch, and may not connect anywhere, not even to itself', async () => {
  const { context, page, problems, requests } = await openPage(env.browser, `${env.origin}/`, { width: 1440, colorScheme: 'dark' });
  try {
    assert.equal(await page.locator('#diag-summary').textContent(), 'No findings: this configuration passes every check.');
    // The page's own modules only; the wasm comes inside one of them.
    const paths = requests.map((u) => new URL(u).pathname);
    assert.ok(paths.includes('/gen/appgrant.mjs'), paths.join(' '));
    assert.deepEqual(paths.filter((p) => !/^\/(|app\.js|style\.css|js\/[a-z]+\.js|gen\/(appgrant-glue\.js|appgrant\.mjs|sign\.js|fast\.js))$/.test(p)), []);
    await screenshot(page, 'build-1440-dark');
    assert.deepEqual(problems, []);
    assert.deepEqual(await connectionRefused(page, `${env.origin}/index.html`), ['refused', 'connect-src']);
  } finally {
    await context.close();
  }
  const small = await openPage(env.browser, `${env.origin}/`, { width: 375, height: 812 });
  try {
    const view = await openView(small.page, 'Tokens');
    await view.getByLabel(/^App secret shared/).fill(SECRET);
    await view.getByRole('button', { name: 'Issue the app token' }).click();
    await noHorizontalScroll(small.page, 375);
    await screenshot(small.page, 'tokens-375-light');
    assert.deepEqual(small.problems, []);
  } finally {
    await small.context.close();
  }
});
