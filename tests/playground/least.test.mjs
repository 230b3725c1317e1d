// 5. Least privilege: the minimal permission set for the operations typed, the reason a line
// matched nothing, the permissions × operations matrix, and applying the set to the integration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnostics, openPage, openView, playground, screenshot } from './helpers.mjs';

const env = playground();

const minimalSet = (page) => page.locator('#least-perms li code').allTextContents();

test('the minimal permission set, unmatched calls explained, the matrix, and applying the set', async () => {
  const { context, page, problems } = await openPage(env.browser, `${env.origin}/`);
  try {
    const view = await openView(page, 'Least privilege');
    const uses = view.getByLabel('Operations the integration calls');
    await uses.fill('group.feed.publish\nGET /{group-id}/feed\nGET /{member-id} fields=email');
    assert.deepEqual(await minimalSet(page), ['read_group_content', 'manage_group_content', 'read_user_email']);

    // manage_work_profiles covers both of these; the narrowest covering set is one permission.
    await uses.fill('community.members.read\nmember.managers.read');
    assert.deepEqual(await minimalSet(page), ['manage_work_profiles']);

    // A bare id could be a group or a member: validate's message says what to add.
    await uses.fill('GET /1001/feed\nsecurity_audit_logs.read');
    assert.deepEqual(await minimalSet(page), ['read_security_audit_logs']);
    const unmatched = await page.locator('#least-unmatched').textContent();
    assert.match(unmatched, /Matched no operation \(1\)/);
    assert.match(unmatched, /GET \/1001\/feed \(line 1\): GET \/1001\/feed could name group\.feed\.read, member\.feed\.read; add `node` to say which/);
    await uses.fill('GET /1001/feed node=group\nsecurity_audit_logs.read');
    assert.deepEqual(await minimalSet(page), ['read_group_content', 'read_security_audit_logs']);
    assert.equal(await page.locator('#least-unmatched').textContent(), '');

    // Adding from the catalog picker.
    await view.getByLabel('Add an operation').selectOption('messages.send');
    await view.getByRole('button', { name: 'Add to the list' }).click();
    assert.equal(await uses.inputValue(), 'GET /1001/feed node=group\nsecurity_audit_logs.read\nmessages.send');
    assert.deepEqual(await minimalSet(page), ['read_group_content', 'message_any_member', 'read_security_audit_logs']);

    // The matrix: every operation, or only those entered; marks and highlights.
    const rows = page.locator('#matrix tbody tr');
    assert.ok((await rows.count()) >= 60);
    await view.getByLabel('Only the operations entered above').check();
    assert.deepEqual(await rows.locator('th code').allTextContents(), ['group.feed.read', 'messages.send', 'security_audit_logs.read']);
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.className)), ['entered', 'entered', 'entered']);
    const headers = await page.locator('#matrix thead th').allTextContents();
    const column = (id) => headers.indexOf(id);
    const cell = (row, id) => rows.nth(row).locator('th, td').nth(column(id));
    assert.equal(await cell(0, 'read_group_content').getAttribute('title'), 'read_group_content: suffices');
    assert.match(await cell(1, 'message_any_member').getAttribute('title'), /message_any_member: group threads need option group_chats/);
    assert.equal(await cell(1, 'read_group_content').textContent(), '');
    assert.deepEqual(
      await page.locator('#matrix thead th.in-set').allTextContents(),
      ['read_group_content', 'message_any_member', 'read_security_audit_logs'],
    );
    await view.getByLabel('Only the operations entered above').uncheck();
    await uses.fill('GET /{member-id} fields=email\nmember.read');
    await view.getByLabel('Only the operations entered above').check();
    assert.equal(await cell(0, 'read_user_email').getAttribute('title'), 'read_user_email: for fields email');
    await screenshot(page, 'least-1440-light');

    // Applying the set: the Build view grants exactly it and declares the uses, with no error.
    await view.getByRole('button', { name: 'Use these permissions and uses in the integration' }).click();
    assert.match(await page.locator('#least-applied').textContent(), /grants read_user_email, read_user_work_profile/);
    await page.getByRole('tab', { name: 'Build' }).click();
    const build = page.locator('#view-build');
    assert.ok(await build.getByLabel('Read user email', { exact: true }).isChecked());
    assert.ok(await build.getByLabel('Read work profile', { exact: true }).isChecked());
    assert.equal(await build.getByLabel('Manage group content', { exact: true }).isChecked(), false);
    assert.equal(await build.getByLabel('Operations the integration calls').inputValue(), 'GET /{member-id} fields=email\nmember.read');
    assert.deepEqual(await diagnostics(page, 'Errors'), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
