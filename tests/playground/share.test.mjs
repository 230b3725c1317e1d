// 6. Share and keep: the whole state in the URL fragment, in an exported file and in the
// browser's storage, never the app secret or a token; importing a file or pasted JSON back.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OUT, SECRET, T0, TOKEN, openPage, openView, playground, screenshot, stateOf } from './helpers.mjs';

const env = playground();

const CREDENTIALS = [SECRET, TOKEN];
function assertNoCredentials(text, where) {
  for (const c of CREDENTIALS) assert.ok(!text.includes(c), `${where} holds a credential`);
}

test('the link, the exported file and the storage keep the state, never the secret or a token', async () => {
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`);
  try {
    // Edits across views, credentials typed in every field that takes one.
    const build = page.locator('#view-build');
    await build.getByLabel('Name', { exact: true }).fill('Shared bot');
    await build.getByLabel('Read user email', { exact: true }).check();
    await build.getByLabel('IP allow-list').fill('203.0.113.0/24\n2001:db8::/48');
    const request = await openView(page, 'Request');
    await request.getByLabel('Path').fill('/2002/feed');
    await request.getByLabel(/^App secret/).fill(SECRET);
    await request.getByLabel('Access token sent').fill(TOKEN);
    await request.getByLabel('Time of the request').fill(String(T0));
    const proofs = await openView(page, 'Proofs');
    await proofs.getByLabel('Access token').fill(TOKEN);
    await proofs.getByLabel('appsecret_time').fill(String(T0));
    await proofs.getByRole('button', { name: 'Generate proof' }).click();
    const tokens = await openView(page, 'Tokens');
    await tokens.getByRole('button', { name: 'Issue the app token' }).click();
    await openView(page, 'Least privilege');
    await page.getByLabel('Operations the integration calls').last().fill('member.read');
    const share = await openView(page, 'Share');

    // The fragment: everything typed except the credentials.
    const url = page.url();
    const state = stateOf(url);
    assert.equal(state.format, 'appgrant-playground');
    assert.equal(state.view, 'share');
    assert.equal(state.clock, T0);
    assert.equal(state.config.name, 'Shared bot');
    assert.deepEqual(state.config.permissions, ['manage_group_content', 'read_user_email']);
    assert.deepEqual(state.config.ip_allowlist, ['203.0.113.0/24', '2001:db8::/48']);
    assert.equal(state.request.path, '/2002/feed');
    assert.equal(state.proofs.time, String(T0));
    assert.equal(state.least.uses, 'member.read');
    assertNoCredentials(JSON.stringify(state), 'the URL fragment');
    assertNoCredentials(url, 'the URL');
    assert.equal(await share.getByLabel('Link to this state').inputValue(), url);

    // The browser's storage.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assertNoCredentials(stored, 'localStorage');
    assert.match(stored, /Shared bot/);

    // The exported file.
    const [download] = await Promise.all([page.waitForEvent('download'), share.getByRole('button', { name: 'Export a JSON file' }).click()]);
    assert.equal(download.suggestedFilename(), 'appgrant-playground.json');
    const file = join(OUT, 'exported-state.json');
    await download.saveAs(file);
    const text = readFileSync(file, 'utf8');
    assertNoCredentials(text, 'the exported file');
    assert.deepEqual(JSON.parse(text), state);
    await screenshot(page, 'share-1440-light');

    // The link opened in a fresh browser context restores the state on its view.
    const other = await openPage(env.browser, url);
    try {
      assert.ok(await other.page.getByRole('tabpanel', { name: 'Share' }).isVisible());
      await other.page.getByRole('tab', { name: 'Build' }).click();
      assert.equal(await other.page.locator('#view-build').getByLabel('Name', { exact: true }).inputValue(), 'Shared bot');
      assert.ok(await other.page.locator('#view-build').getByLabel('Read user email', { exact: true }).isChecked());
      await other.page.getByRole('tab', { name: 'Request' }).click();
      assert.equal(await other.page.locator('#view-request').getByLabel('Path').inputValue(), '/2002/feed');
      assert.equal(await other.page.locator('#view-request').getByLabel('Access token sent').inputValue(), '');
      assert.deepEqual(other.problems, []);
    } finally {
      await other.context.close();
    }

    // Reloading without a fragment: the state comes back from storage.
    await page.goto(`${env.origin}/`);
    await page.locator('#status').waitFor({ state: 'hidden' });
    await page.getByRole('tab', { name: 'Build' }).click();
    assert.equal(await page.locator('#view-build').getByLabel('Name', { exact: true }).inputValue(), 'Shared bot');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('importing a file or pasted JSON restores it; a config holding a secret is refused', async () => {
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`);
  try {
    const share = await openView(page, 'Share');
    const exported = JSON.parse(await page.locator('#export-preview').textContent());
    exported.config.name = 'Imported bot';
    exported.config.permissions = ['read_group', 'read_group_content'];
    exported.view = 'build';
    const file = join(OUT, 'import-me.json');
    writeFileSync(file, JSON.stringify(exported));
    await share.getByLabel('JSON file').setInputFiles(file);
    // Reading the file is asynchronous.
    await page.locator('#import-result').filter({ hasText: /^Imported/ }).waitFor();
    assert.equal(await page.locator('#import-result').textContent(), 'Imported import-me.json.');
    assert.equal(stateOf(page.url()).config.name, 'Imported bot');
    await page.getByRole('tab', { name: 'Build' }).click();
    const build = page.locator('#view-build');
    assert.equal(await build.getByLabel('Name', { exact: true }).inputValue(), 'Imported bot');
    // The alias stays as written, beside the ticked id: validation sees the duplicate.
    assert.equal(await build.getByLabel('Permission by name 1').inputValue(), 'read_group');
    assert.match(await page.locator('#diag-groups').textContent(), /duplicate_permission/);

    // A bare config pasted; then one with a secret in it, and one that is not JSON.
    await openView(page, 'Share');
    const input = share.getByLabel('Or paste JSON');
    const submit = share.getByRole('button', { name: 'Import the pasted JSON' });
    await input.fill(JSON.stringify({ product: 'admin_center', permissions: ['manage_accounts'], ip_allowlist: ['198.51.100.0/24'] }));
    await submit.click();
    assert.equal(await page.locator('#import-result').textContent(), 'Imported the pasted JSON.');
    assert.equal(stateOf(page.url()).config.product, 'admin_center');
    await input.fill(JSON.stringify({ product: 'workplace', app_secret: SECRET }));
    await submit.click();
    assert.match(await page.locator('#import-result').textContent(), /^Not imported: the config cannot be imported: \/app_secret: .*\(secret_in_config\)/);
    assertNoCredentials(page.url(), 'the URL after a refused import');
    assertNoCredentials(await page.evaluate(() => JSON.stringify({ ...localStorage })), 'localStorage after a refused import');
    assert.equal(stateOf(page.url()).config.product, 'admin_center');
    await input.fill('{ not json');
    await submit.click();
    assert.match(await page.locator('#import-result').textContent(), /^Not imported: the pasted JSON is not JSON/);

    // A link whose state cannot be read falls back to the defaults and says why.
    await page.goto(`${env.origin}/#state=${Buffer.from(JSON.stringify({ format: 'appgrant-playground', config: { product: 'nope' } })).toString('base64url')}`);
    await page.locator('#status').waitFor({ state: 'hidden' });
    assert.match(await page.locator('#notice').textContent(), /^The link's state was not loaded \(the config cannot be imported: \/product: /);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
