// 4. Tokens: both products' lifecycles on the simulated clock: issue, reset, the Admin Center
// token endpoint, the 2-hour expiry, a second token invalidating the first, the secret reset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECRET, T0, openPage, openView, playground, screenshot } from './helpers.mjs';

const env = playground();

// The token table as the user reads it: [label, expires, status word].
async function tokens(page) {
  return page.locator('#tokens-table tbody tr').evaluateAll((rows) =>
    rows.map((r) => [r.cells[0].textContent.split(' ').slice(0, 2).join(' '), r.cells[2].textContent, r.cells[3].querySelector('strong').textContent]),
  );
}

const lastLog = (page) => page.locator('#tokens-log > li').last().textContent();

async function setClock(view, seconds) {
  await view.getByLabel('Time Unix seconds').fill(String(seconds));
  await view.getByLabel('Time Unix seconds').press('Tab');
}

test('Workplace: one app token that never expires, replaced only by a reset', async () => {
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`);
  try {
    const view = await openView(page, 'Tokens');
    assert.match(await page.locator('#tokens-product').textContent(), /Workplace\. The app token never expires/);
    assert.ok(await page.locator('#tokens-endpoint').isHidden());
    await setClock(view, T0);
    assert.equal(await page.locator('#clock-human').textContent(), '2025-11-24 16:00:00 UTC');
    await view.getByLabel(/^App secret shared/).fill(SECRET);

    await view.getByRole('button', { name: 'Issue the app token' }).click();
    assert.deepEqual(await tokens(page), [['Token 1', 'never', 'Active']]);
    assert.match(await lastLog(page), /Issued the app token: token 1 \(.{6}…\) never expires/);
    // A second issue is refused: Workplace shows its token once.
    await view.getByRole('button', { name: 'Issue the app token' }).click();
    assert.match(await page.locator('#tokens-error').textContent(), /^unsupported: a Workplace app has one token/);

    await view.getByRole('button', { name: '+2 hours' }).click();
    assert.deepEqual(await tokens(page), [['Token 1', 'never', 'Active']]);
    await view.getByRole('button', { name: 'Reset the access token' }).click();
    assert.deepEqual(await tokens(page), [['Token 1', 'never', 'Invalid'], ['Token 2', 'never', 'Active']]);
    assert.match(await lastLog(page), /Reset the access token: token 2 .*Token 1: Active → Invalid/);

    // Workplace tokens survive a secret reset (only proofs change); the new secret fills every
    // App secret field.
    await view.getByRole('button', { name: 'Reset the app secret' }).click();
    assert.deepEqual(await tokens(page), [['Token 1', 'never', 'Invalid'], ['Token 2', 'never', 'Active']]);
    const newSecret = await view.getByLabel(/^App secret shared/).inputValue();
    assert.match(newSecret, /^[0-9a-f]{32}$/);
    await page.getByRole('tab', { name: 'Proofs' }).click();
    assert.equal(await page.locator('#view-proofs').getByLabel('App secret').inputValue(), newSecret);

    // The token is used in a request: the Request view now checks tokens.
    await openView(page, 'Tokens');
    await view.getByRole('button', { name: 'Use token 2 in Request and Proofs' }).click();
    const request = await openView(page, 'Request');
    assert.equal(await page.locator('#req-decision .verdict').textContent(), 'Allowed');
    assert.match(await page.locator('#req-trace li[data-check="token"]').textContent(), /passedactive token issued at 1764007200; it never expires/);
    await request.getByRole('button', { name: 'Latest token' }).click();
    assert.equal(await page.locator('#req-decision .verdict').textContent(), 'Allowed');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('Admin Center: the token endpoint, 2-hour tokens, one active token, secret reset', async () => {
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`);
  try {
    // An Admin Center integration: manage_accounts, an allow-list, no uses.
    const build = page.locator('#view-build');
    await build.getByLabel('Meta Admin Center').check();
    await build.getByLabel('Manage group content', { exact: true }).uncheck();
    await build.getByLabel('Manage accounts', { exact: true }).check();
    await build.getByLabel('Operations the integration calls').fill('');
    await build.getByLabel('All groups', { exact: true }).check();
    assert.equal(await page.locator('#diag-summary').textContent(), 'No findings: this configuration passes every check.');

    const view = await openView(page, 'Tokens');
    assert.match(await page.locator('#tokens-product').textContent(), /Meta Admin Center\. Tokens come from the token endpoint and live exactly 2 hours/);
    assert.ok(await page.locator('#tokens-workplace').isHidden());
    await setClock(view, T0);
    await view.getByLabel(/^App secret shared/).fill(SECRET);
    assert.equal(await view.getByLabel('App id sent').inputValue(), '1234');
    assert.equal(await page.locator('#ep-body').textContent(), 'access_token=1234%7C••••&grant_type=client_credentials');

    const send = view.getByRole('button', { name: 'Send the token request' });
    await send.click();
    const response = JSON.parse(await page.locator('#ep-response').textContent());
    assert.deepEqual(Object.keys(response).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(response.token_type, 'bearer');
    assert.equal(response.expires_in, 7200);
    assert.deepEqual(await tokens(page), [['Token 1', '2025-11-24 18:00:00 UTC', 'Active']]);

    // One hour on, a second token invalidates the first at once.
    await view.getByRole('button', { name: '+1 hour' }).click();
    assert.deepEqual(await tokens(page), [['Token 1', '2025-11-24 18:00:00 UTC', 'Active']]);
    await send.click();
    assert.deepEqual(await tokens(page), [['Token 1', '2025-11-24 18:00:00 UTC', 'Invalid'], ['Token 2', '2025-11-24 19:00:00 UTC', 'Active']]);
    assert.match(await lastLog(page), /POST \/work_get_token: token 2 .*Token 1: Active → Invalid/);

    // Two hours after it was issued, token 2 expires.
    await view.getByRole('button', { name: '+1 hour' }).click();
    await view.getByRole('button', { name: '+1 minute' }).click();
    assert.equal((await tokens(page))[1][2], 'Active');
    await setClock(view, T0 + 3600 + 7199);
    assert.equal((await tokens(page))[1][2], 'Active');
    await setClock(view, T0 + 3600 + 7200);
    assert.equal((await tokens(page))[1][2], 'Expired');
    assert.match(await lastLog(page), /Clock set to 2025-11-24 19:00:00 UTC.*Token 2: Active → Expired/);

    // Resetting the app secret invalidates every token.
    await send.click();
    assert.equal((await tokens(page))[2][2], 'Active');
    await view.getByRole('button', { name: 'Reset the app secret' }).click();
    assert.deepEqual((await tokens(page)).map((t) => t[2]), ['Invalid', 'Invalid', 'Invalid']);
    assert.match(await lastLog(page), /Reset the app secret.*Token 3: Active → Invalid/);

    // The old secret no longer gets a token: Graph's error comes back.
    await view.getByLabel('App secret sent').fill(SECRET);
    await send.click();
    assert.deepEqual(JSON.parse(await page.locator('#ep-response').textContent()), {
      error: { message: 'Error validating client secret.', type: 'OAuthException', code: 1 },
    });
    assert.match(await lastLog(page), /POST \/work_get_token refused: Error validating client secret\. \(code 1\)/);
    await screenshot(page, 'tokens-1440-light');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
