// 2. Try a request: the decision, the trace of all seven checks and the Graph error, for calls
// typed or picked from the catalog, against the integration of the Build view.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECRET, T0, TOKEN, openPage, openView, playground, screenshot } from './helpers.mjs';

const env = playground();

// What the trace list shows: check name -> its state word.
async function trace(page) {
  return Object.fromEntries(
    await page.locator('#req-trace li').evaluateAll((items) => items.map((li) => [li.dataset.check, li.querySelector('.check-state').textContent])),
  );
}

const verdict = (page) => page.locator('#req-decision .verdict').textContent();
const graphError = async (page) => JSON.parse(await page.locator('#req-error').textContent()).error;

test('a request is decided check by check, with the error the platform would return', async () => {
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`);
  try {
    const view = await openView(page, 'Request');
    await view.getByLabel('Time of the request').fill(String(T0));
    assert.equal(await page.locator('#req-now-human').textContent(), '2025-11-24 16:00:00 UTC');

    // The default integration requires a proof; nothing is signed without a token and the secret.
    assert.equal(await verdict(page), 'Denied: proof_missing');
    assert.deepEqual(await trace(page), {
      token: 'skipped', ip: 'passed', proof: 'failed', operation: 'not reached',
      permission: 'not reached', group: 'not reached', target: 'not reached',
    });
    assert.deepEqual(await graphError(page).then(({ message, code }) => ({ message, code })), { message: 'API calls from the server require an appsecret_proof argument', code: 100 });

    // With a token and the secret the page signs a proof at the request's time.
    await view.getByLabel('App secret').fill(SECRET);
    await view.getByLabel('Access token sent').fill(TOKEN);
    assert.equal(await verdict(page), 'Allowed');
    assert.match(await page.locator('#req-decision').textContent(), /Operation group\.feed\.publish · permission manage_group_content/);
    assert.deepEqual(await trace(page), {
      token: 'skipped', ip: 'passed', proof: 'passed', operation: 'passed',
      permission: 'passed', group: 'passed', target: 'skipped',
    });
    assert.equal(await page.locator('#req-error').textContent(), '200 OK: the platform runs the call.');
    assert.match(await page.locator('#req-decision').textContent(), /The token is not checked until the Tokens view issues one\.$/);
    const sent = JSON.parse(await page.locator('#req-json').textContent());
    assert.equal(sent.appsecret_time, T0);
    assert.match(sent.appsecret_proof, /^[0-9a-f]{64}$/);
    assert.ok(!sent.access_token.includes(TOKEN), 'the request shown masks the token');

    // Another group, another source address, a stale proof: each is its check's failure.
    await view.getByLabel('Path').fill('/2002/feed');
    assert.equal(await verdict(page), 'Denied: group_not_allowed');
    assert.equal((await graphError(page)).code, 200);
    assert.match(await page.locator('#req-trace li[data-check="group"]').textContent(), /2002/);
    await view.getByLabel('Path').fill('/1001/feed');
    await view.getByLabel('Source IP').fill('198.51.100.9');
    assert.equal(await verdict(page), 'Denied: ip_not_allowed');
    assert.deepEqual(await graphError(page).then(({ message, code }) => ({ message, code })), { message: '(#5) Unauthorized source IP address', code: 5 });
    await view.getByLabel('Source IP').fill('203.0.113.7');
    await view.getByLabel('Proof age (seconds)').fill('301');
    assert.equal(await verdict(page), 'Denied: proof_expired');
    assert.deepEqual(await graphError(page).then(({ message, code }) => ({ message, code })), { message: 'Invalid appsecret_proof provided in the API argument', code: 100 });
    await view.getByLabel('Proof age (seconds)').fill('0');

    // An operation from the catalog fills the call in; asking for email needs read_user_email.
    await view.getByLabel('Operation from the catalog').selectOption('member.read');
    assert.equal(await view.getByLabel('Method').inputValue(), 'GET');
    assert.equal(await view.getByLabel('Path').inputValue(), '/100042');
    assert.equal(await view.getByLabel('Node type of the id').inputValue(), 'member');
    assert.match(await page.locator('#req-op-info').textContent(), /Read a member's profile\. Needs any of: read_user_work_profile, manage_accounts/);
    await view.getByLabel('Fields').fill('email');
    assert.equal(await verdict(page), 'Denied: permission_missing');
    assert.match(await page.locator('#req-trace li[data-check="permission"]').textContent(), /read_user_email/);

    // A bare id with no node type is ambiguous.
    await view.getByLabel('Node type of the id').selectOption('');
    assert.equal(await verdict(page), 'Denied: operation_ambiguous');
    assert.equal((await graphError(page)).type, 'GraphMethodException');

    // The target check: Force Password Reset needs a claimed, active, password user.
    await page.getByRole('tab', { name: 'Build' }).click();
    await page.getByLabel('Force Password Reset', { exact: true }).check();
    await openView(page, 'Request');
    await view.getByLabel('Operation from the catalog').selectOption('member.password_reset');
    await view.getByLabel('Describe the target user').check();
    await view.getByLabel('Signs in with').selectOption('sso');
    assert.equal(await verdict(page), 'Denied: target_not_eligible');
    assert.equal((await trace(page)).target, 'failed');
    await view.getByLabel('Signs in with').selectOption('password');
    assert.equal(await verdict(page), 'Allowed');
    await screenshot(page, 'request-1440-light');

    // A config with errors cannot be evaluated: the page says so and points to Build.
    await page.getByRole('tab', { name: 'Build' }).click();
    await page.getByLabel('IP allow-list').fill('not-an-address');
    await openView(page, 'Request');
    assert.equal(await verdict(page), 'Not evaluated');
    assert.match(await page.locator('#req-decision').textContent(), /^Not evaluatedinvalid_config: config\/ip_allowlist\/0: .*Fix the errors shown in the Build view first\.$/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
