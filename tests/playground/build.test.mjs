// 1. Build an integration: the catalog beside each permission, live diagnostics grouped by
// severity that point at their field, and the fixes they suggest. Also the page-wide basics:
// labels on every input, keyboard navigation of the views.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codes, diagnostics, eventually, openPage, playground, screenshot } from './helpers.mjs';

const env = playground();

test('every input, select and textarea has a label, and the views are tabs reachable by keyboard', async () => {
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`);
  try {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
        .map((el) => el.id || el.outerHTML),
    );
    assert.deepEqual(unlabelled, []);

    const build = page.getByRole('tab', { name: 'Build' });
    await build.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: 'Request' }).getAttribute('aria-selected'), 'true');
    assert.ok(await page.getByRole('tabpanel', { name: 'Request' }).isVisible());
    assert.ok(await page.locator('#view-build').isHidden());
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-share');
    assert.ok(await page.getByRole('tabpanel', { name: 'Share' }).isVisible());
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-build');
    await page.keyboard.press('Home');
    assert.ok(await page.getByRole('tabpanel', { name: 'Build' }).isVisible());
    // One tab stop for the whole tab list.
    assert.deepEqual(await page.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((t) => t.tabIndex)), [0, -1, -1, -1, -1, -1]);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the catalog shows what each permission allows, the operations needing it, implications and options', async () => {
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`);
  try {
    const row = page.locator('#perm-row-manage_work_profiles');
    assert.match(await row.textContent(), /Manage Work Profiles/);
    assert.match(await row.textContent(), /manage_work_profiles/);
    assert.match(await row.textContent(), /Implies: Read work profile \(read_user_work_profile\), Read org chart \(read_user_org_chart\)/);
    await row.getByText(/^Needed by \d+ operations$/).click();
    assert.match(await row.locator('details li').allTextContents().then((t) => t.join('\n')), /GET \/community\/members community\.members\.read/);

    const email = page.locator('#perm-row-read_user_email');
    await email.locator('summary').click();
    assert.match(await email.locator('details').textContent(), /GET \/\{member-id\} member\.read — for fields email/);

    const accounts = page.locator('#perm-row-manage_accounts');
    assert.ok(await accounts.getByLabel(/Option auto_invite/).isVisible());
    assert.match(await accounts.textContent(), /Admin Center/);

    await page.getByLabel('Filter the catalog').fill('badges');
    assert.deepEqual(await page.locator('#perm-list > li:visible').evaluateAll((rows) => rows.map((r) => r.id)), ['perm-row-manage_badges']);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('diagnostics update as the user types, grouped by severity, pointing at their field with a fix', async () => {
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`);
  try {
    assert.equal(await page.locator('#diag-summary').textContent(), 'No findings: this configuration passes every check.');
    const build = page.locator('#view-build');

    // Typing an allow-list entry character by character: the findings follow each keystroke.
    const ips = build.getByLabel('IP allow-list');
    await ips.click();
    await page.keyboard.press('End');
    await ips.pressSequentially('\n10.0.0.0/8');
    await eventually(async () => {
      assert.deepEqual(codes(await diagnostics(page, 'Security warnings')), ['ip_allowlist_too_broad']);
      assert.deepEqual(codes(await diagnostics(page, 'Warnings')), ['ip_private_range']);
    });
    await ips.pressSequentially('\n300.1.1.1');
    const errors = await diagnostics(page, 'Errors');
    assert.deepEqual(codes(errors), ['invalid_ip_entry']);
    assert.match(errors[0].text, /Fix: Write one address or CIDR range per line/);
    assert.match(await page.locator('#diag-summary').textContent(), /^1 errors, 1 security warnings, 1 warnings$/);

    // The finding is tied to the field (aria-describedby, aria-invalid) and its link selects the line.
    const describedBy = await ips.getAttribute('aria-describedby');
    const describedText = await page.evaluate((ids) => ids.split(' ').map((id) => document.getElementById(id).textContent).join(' '), describedBy);
    assert.match(describedText, /invalid_ip_entry/);
    assert.equal(await ips.getAttribute('aria-invalid'), 'true');
    await page.getByRole('button', { name: 'Go to IP allow-list, line 3' }).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'cfg-ips');
    assert.equal(await page.evaluate(() => { const t = document.activeElement; return t.value.slice(t.selectionStart, t.selectionEnd); }), '300.1.1.1');
    await ips.fill('203.0.113.0/24');
    assert.deepEqual(await diagnostics(page, 'Errors'), []);
    assert.equal(await ips.getAttribute('aria-invalid'), null);

    // A security warning with an automatic fix.
    await build.getByLabel('Require app secret proof').uncheck();
    const security = await diagnostics(page, 'Security warnings');
    assert.deepEqual(codes(security), ['appsecret_proof_not_required']);
    assert.match(security[0].text, /Fix: Tick "Require app secret proof"/);
    await page.getByRole('button', { name: 'Require app secret proof', exact: true }).click();
    assert.ok(await build.getByLabel('Require app secret proof').isChecked());
    assert.deepEqual(await diagnostics(page, 'Security warnings'), []);

    // Group ids: the second line is not a group id.
    await build.getByLabel('Group ids').fill('1001\nmarketing');
    assert.deepEqual(codes(await diagnostics(page, 'Errors')), ['invalid_group_id']);
    assert.ok(await page.getByRole('button', { name: 'Go to Group ids, line 2' }).isVisible());
    await build.getByLabel('Group ids').fill('1001');

    // A permission nothing declared needs, then a declared use nothing granted covers.
    await build.getByLabel('Read user email', { exact: true }).check();
    const warnings = await diagnostics(page, 'Warnings');
    assert.deepEqual(codes(warnings), ['permission_not_needed']);
    await build.getByLabel('Add an operation').selectOption('member.read');
    await page.getByRole('button', { name: 'Add to the uses' }).click();
    assert.equal(await build.getByLabel('Operations the integration calls').inputValue(), 'group.feed.publish\nmember.read');
    const notPermitted = await diagnostics(page, 'Errors');
    assert.deepEqual(codes(notPermitted), ['operation_not_permitted']);
    assert.match(notPermitted[0].text, /member\.read needs one of: read_user_work_profile, manage_accounts/);
    await page.getByRole('button', { name: 'Grant read_user_work_profile' }).click();
    assert.ok(await build.getByLabel('Read work profile', { exact: true }).isChecked());
    assert.deepEqual(await diagnostics(page, 'Errors'), []);
    await page.getByRole('button', { name: 'Remove read_user_email' }).click();
    assert.equal(await build.getByLabel('Read user email', { exact: true }).isChecked(), false);

    // Usage dates: a permission last used long ago, unless unused permissions are kept.
    await build.getByLabel('Last used: Manage group content').fill('2020-01-01');
    const unused = await diagnostics(page, 'Warnings');
    assert.deepEqual(codes(unused), ['unused_permission']);
    assert.match(unused[0].text, /removes a permission after 30 unused days/);
    await build.getByLabel('Keep unused permissions').check();
    assert.deepEqual(await diagnostics(page, 'Warnings'), []);

    // An option without its permission.
    await build.getByLabel(/Option group_chats/).check();
    assert.deepEqual(codes(await diagnostics(page, 'Errors')), ['option_without_permission']);
    await page.getByRole('button', { name: 'Turn group_chats off' }).click();

    // A name typed by hand: the closest id is suggested.
    await build.getByLabel('Add a permission by name').fill('read_grup_content');
    await build.getByLabel('Add a permission by name').press('Enter');
    const unknown = await diagnostics(page, 'Errors');
    assert.deepEqual(codes(unknown), ['unknown_permission']);
    assert.match(unknown[0].text, /did you mean `read_group_content`\?/);
    await page.getByRole('button', { name: 'Go to Permission by name 1' }).click();
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Permission by name 1');

    // Admin Center, Security tab: only read_security_audit_logs; group access then unused.
    await build.getByLabel('Meta Admin Center').check();
    assert.ok(await page.getByRole('group', { name: /Admin Center tab/ }).isVisible());
    await build.getByLabel('Security (only Read security audit logs)').check();
    const acErrors = await diagnostics(page, 'Errors');
    assert.ok(codes(acErrors).includes('permission_not_in_product'), JSON.stringify(acErrors));
    assert.ok(acErrors.some((d) => /Security tab may hold only `read_security_audit_logs`/.test(d.text)), JSON.stringify(acErrors));
    await page.getByRole('button', { name: 'Go to Permission Manage group content' }).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'perm-manage_group_content');
    assert.equal(await page.locator('#perm-manage_group_content').getAttribute('aria-invalid'), 'true');
    const json = JSON.parse(await page.locator('#cfg-json').textContent());
    assert.equal(json.product, 'admin_center');
    assert.equal(json.admin_center_tab, 'security');
    await screenshot(page, 'build-1440-light');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
