// The permission and operation catalogs (SPEC §2, §3) as JavaScript sees them, and
// requiredPermissions' least-privilege answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { operations, permissions, requiredPermissions } from 'appgrant';

// SPEC §2, row by row: id, label, aliases, group-scoped.
const SPEC_PERMISSIONS = [
  ['read_group_content', 'Read group content', ['read_group'], true],
  ['manage_group_content', 'Manage group content', ['write_group'], true],
  ['read_user_timeline', 'Read user timeline', ['read_user_feed'], false],
  ['manage_user_timeline', 'Manage user timeline', ['write_user_feed'], false],
  ['mention_bot', 'Mention bot', ['bot_mention'], false],
  ['manage_groups', 'Manage groups', [], true],
  ['manage_accounts', 'Manage accounts', [], false],
  ['manage_badges', 'Manage badges', [], false],
  ['read_user_email', 'Read user email', [], false],
  ['read_user_work_profile', 'Read work profile', [], false],
  ['read_user_org_chart', 'Read org chart', [], false],
  ['message_any_member', 'Message any member', ['message'], false],
  ['read_all_messages', 'Read all messages', [], false],
  ['delete_chat_messages', 'Delete chat messages', [], false],
  ['read_security_logs', 'Read security logs', [], false],
  ['logout_members', 'Log members out from all active sessions', [], false],
  ['create_link_previews', 'Create link previews', ['link_unfurling'], false],
  ['force_password_reset', 'Force Password Reset', [], false],
  ['manage_work_profiles', 'Manage Work Profiles', ['manage_work_profile'], false],
  ['provision_user_accounts', 'Provision User Accounts', [], false],
  ['read_group_membership', 'Read group membership', [], false],
  ['manage_knowledge_library', 'Manage Knowledge Library content', [], false],
  ['read_knowledge_library', 'Read Knowledge Library content', [], false],
  ['export_employee_data', 'Export employee data', [], false],
  ['report_content', 'Report content', [], false],
  ['read_security_audit_logs', 'Read security audit logs', [], false],
];

// Every operation id SPEC §3 names (rows with "/" name several).
const SPEC_OPERATION_IDS = [
  'group.read', 'group.feed.read', 'group.feed.publish', 'group.photos.publish', 'post.read', 'post.delete',
  'post.comments.publish', 'member.feed.read', 'member.feed.publish', 'community.groups.create', 'group.update',
  'group.members.add', 'group.members.remove', 'group.admins.add', 'group.members.read', 'member.groups.read',
  'community.read', 'community.members.read', 'community.organization_members.read', 'member.read',
  'member.managers.read', 'member.reports.read', 'member.update', 'member.delete', 'community.accounts.create',
  'member.badges.award', 'member.badges.read', 'community.badges.read', 'messages.send', 'member.conversations.read',
  'message.delete', 'community.security_logs.read', 'member.logout', 'link_preview.create', 'member.password_reset',
  'community.export_employee_data', 'community.reported_content.create', 'security_audit_logs.read', 'work_get_token',
];

const byId = (list) => new Map(list.map((x) => [x.id, x]));
const sorted = (list) => [...list].sort();

describe('permissions()', () => {
  const list = permissions();
  const perms = byId(list);

  test('26 unique ids, exactly those of SPEC §2', () => {
    assert.equal(list.length, 26);
    assert.equal(perms.size, 26, 'ids are unique');
    assert.deepEqual(sorted(perms.keys()), sorted(SPEC_PERMISSIONS.map(([id]) => id)));
  });

  test('labels, aliases and group scoping as SPEC §2 lists them', () => {
    for (const [id, label, aliases, groupScoped] of SPEC_PERMISSIONS) {
      const p = perms.get(id);
      assert.equal(p.label, label, id);
      assert.deepEqual(sorted(p.aliases), sorted(aliases), id);
      assert.equal(p.group_scoped, groupScoped, id);
    }
  });

  test('products per SPEC §1: Workplace has all but read_security_audit_logs; Admin Center two', () => {
    for (const { id, products } of list) {
      assert.equal(products.includes('workplace'), id !== 'read_security_audit_logs', `${id} on workplace`);
      assert.equal(products.includes('admin_center'), ['manage_accounts', 'read_security_audit_logs'].includes(id), `${id} on admin_center`);
    }
  });

  test('options and implications', () => {
    assert.deepEqual(perms.get('manage_accounts').options.map((o) => o.id), ['auto_invite']);
    assert.deepEqual(perms.get('message_any_member').options.map((o) => o.id), ['group_chats']);
    assert.deepEqual(sorted(perms.get('manage_work_profiles').implies), ['read_user_org_chart', 'read_user_work_profile']);
    for (const p of list) {
      assert.ok(['seed', 'documented', 'sample', 'modeled'].includes(p.source), p.id);
      for (const implied of p.implies) assert.ok(perms.has(implied), `${p.id} implies unknown ${implied}`);
    }
  });

  test('each call returns a fresh copy', () => {
    list[0].id = 'changed';
    assert.equal(permissions()[0].id !== 'changed', true);
  });
});

describe('operations()', () => {
  const list = operations();
  const ops = byId(list);
  const permissionIds = new Set(permissions().map((p) => p.id));

  test('every SPEC §3 row exists, every id is unique, every row has a known source', () => {
    assert.equal(ops.size, list.length, 'ids are unique');
    for (const id of SPEC_OPERATION_IDS) assert.ok(ops.has(id), `missing ${id}`);
    for (const o of list) {
      assert.ok(['seed', 'documented', 'sample', 'modeled'].includes(o.source), `${o.id}: source ${o.source}`);
      assert.ok(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(o.method), o.id);
      assert.ok(o.path.startsWith('/'), o.id);
      for (const p of o.permissions) assert.ok(permissionIds.has(p), `${o.id} needs unknown ${p}`);
    }
  });

  // [id, method, path, permissions (any of, in the SPEC's order), group-scoped]
  const ROWS = [
    ['group.read', 'GET', '/{group-id}', ['read_group_content'], true],
    ['group.feed.publish', 'POST', '/{group-id}/feed', ['manage_group_content'], true],
    ['post.read', 'GET', '/{post-id}', ['read_group_content', 'mention_bot', 'read_user_timeline'], true],
    ['post.delete', 'DELETE', '/{post-id}', ['manage_group_content', 'manage_user_timeline'], true],
    ['post.comments.publish', 'POST', '/{post-id}/comments', ['manage_group_content', 'mention_bot', 'manage_user_timeline'], true],
    ['community.groups.create', 'POST', '/community/groups', ['manage_groups'], false],
    ['group.members.remove', 'DELETE', '/{group-id}/members', ['manage_groups'], true],
    ['group.members.read', 'GET', '/{group-id}/members', ['read_group_membership'], false],
    ['community.read', 'GET', '/community', ['read_group_content', 'manage_groups'], false],
    ['community.members.read', 'GET', '/community/members', ['manage_work_profiles'], false],
    ['member.reports.read', 'GET', '/{member-id}/reports', ['read_user_org_chart', 'manage_work_profiles'], false],
    ['member.delete', 'DELETE', '/{member-id}', ['provision_user_accounts'], false],
    ['community.badges.read', 'GET', '/community/badges', ['manage_badges'], false],
    ['messages.send', 'POST', '/me/messages', ['message_any_member'], false],
    ['member.password_reset', 'POST', '/{member-id}/password_reset', ['force_password_reset'], false],
    ['community.reported_content.create', 'POST', '/community/reported_content', ['report_content'], false],
    ['security_audit_logs.read', 'GET', '/security_audit_logs', ['read_security_audit_logs'], false],
    ['work_get_token', 'POST', '/work_get_token', [], false],
  ];
  for (const [id, method, path, perms, groupScoped] of ROWS) {
    test(`${id} is ${method} ${path}`, () => {
      const o = ops.get(id);
      assert.deepEqual(
        { method: o.method, path: o.path, permissions: o.permissions, group_scoped: o.group_scoped },
        { method, path, permissions: perms, group_scoped: groupScoped },
      );
    });
  }

  test('conditional grants say when they apply', () => {
    const when = (id, permission) => ops.get(id).conditions.find((c) => c.permission === permission)?.when;
    assert.equal(when('post.read', 'mention_bot'), 'mentioned');
    assert.equal(when('community.groups.create', 'manage_groups'), 'unscoped');
    const send = ops.get('messages.send').conditions.find((c) => c.permission === 'message_any_member');
    assert.equal(send.option, 'group_chats');
  });

  test('member.read and member.update are field-dependent', () => {
    const read = ops.get('member.read');
    assert.deepEqual(read.permissions, ['read_user_work_profile', 'manage_accounts'], 'no fields');
    const rule = (o, field) => o.fields.find((r) => r.fields.includes(field))?.permissions;
    assert.deepEqual(rule(read, 'email'), ['read_user_email']);
    assert.deepEqual(sorted(rule(read, 'title')), ['manage_work_profiles', 'read_user_work_profile']);
    const update = ops.get('member.update');
    assert.deepEqual(rule(update, 'department'), ['manage_work_profiles']);
    for (const field of ['active', 'email', 'hire_date', 'invited']) assert.deepEqual(rule(update, field), ['provision_user_accounts'], field);
    assert.deepEqual(sorted(rule(update, 'name')), ['manage_work_profiles', 'provision_user_accounts']);
  });

  test('SCIM: six routes on both products needing manage_accounts', () => {
    const scim = list.filter((o) => o.id.startsWith('scim.users.'));
    assert.deepEqual(
      sorted(scim.map((o) => `${o.method} ${o.path}`)),
      sorted(['GET /scim/v1/Users', 'POST /scim/v1/Users', 'GET /scim/v1/Users/{id}', 'PUT /scim/v1/Users/{id}', 'PATCH /scim/v1/Users/{id}', 'DELETE /scim/v1/Users/{id}']),
    );
    for (const o of scim) {
      assert.deepEqual(o.permissions, ['manage_accounts'], o.id);
      assert.deepEqual(sorted(o.products), ['admin_center', 'workplace'], o.id);
    }
  });

  test('Knowledge Library: reads take read or manage, writes only manage', () => {
    const kl = list.filter((o) => o.id.startsWith('knowledge_library.'));
    assert.ok(kl.length >= 6);
    for (const o of kl) {
      const expected = o.method === 'GET' ? ['manage_knowledge_library', 'read_knowledge_library'] : ['manage_knowledge_library'];
      assert.deepEqual(sorted(o.permissions), expected, o.id);
    }
  });

  test('employee data export: POST and the job read need export_employee_data and group access all', () => {
    const job = list.find((o) => o.method === 'GET' && o.path === '/{job-id}');
    for (const o of [ops.get('community.export_employee_data'), job]) {
      assert.ok(o, 'GET /{job-id} exists');
      assert.deepEqual(o.permissions, ['export_employee_data']);
      assert.equal(o.group_scope, 'all_groups');
    }
  });

  test('Admin Center operations and the token endpoint', () => {
    assert.deepEqual(ops.get('security_audit_logs.read').products, ['admin_center']);
    assert.deepEqual(ops.get('work_get_token').products, ['admin_center']);
    assert.equal(ops.get('work_get_token').auth, 'app_credentials');
  });
});

describe('requiredPermissions', () => {
  const required = (uses) => requiredPermissions(uses);

  test('the smallest set: one permission covering several uses wins', () => {
    assert.deepEqual(required(['community.read', 'group.update']), { permissions: ['manage_groups'], unmatched: [] });
    assert.deepEqual(required(['member.managers.read', 'community.members.read']).permissions, ['manage_work_profiles']);
    assert.deepEqual(
      required(['knowledge_library.categories.read', 'knowledge_library.categories.create']).permissions,
      ['manage_knowledge_library'],
    );
  });

  test('where several would do, the first listed (narrowest)', () => {
    assert.deepEqual(required(['community.read']).permissions, ['read_group_content']);
    assert.deepEqual(required(['member.managers.read']).permissions, ['read_user_org_chart']);
    assert.deepEqual(required(['knowledge_library.categories.read']).permissions, ['read_knowledge_library']);
    assert.deepEqual(required(['group.feed.read']).permissions, ['read_group_content']);
  });

  test('field-dependent operations need what the fields need', () => {
    assert.deepEqual(
      sorted(required([{ method: 'GET', path: '/55?fields=email,title', node: 'member' }]).permissions),
      ['read_user_email', 'read_user_work_profile'],
    );
    assert.deepEqual(required([{ method: 'GET', path: '/{member-id}', fields: ['email'] }]).permissions, ['read_user_email']);
    assert.deepEqual(required([{ method: 'POST', path: '/55', node: 'member', fields: 'active' }]).permissions, ['provision_user_accounts']);
    assert.deepEqual(required([{ method: 'POST', path: '/55', node: 'member', fields: ['title', 'name'] }]).permissions, ['manage_work_profiles']);
  });

  test('uses as ids, "METHOD /path" strings and call objects', () => {
    assert.deepEqual(
      sorted(required(['POST /{group-id}/feed', 'GET /community/badges', { method: 'GET', path: '/v18.0/community/security_logs' }]).permissions),
      ['manage_badges', 'manage_group_content', 'read_security_logs'],
    );
    assert.deepEqual(required(['work_get_token']), { permissions: [], unmatched: [] }, 'needs no permission');
    assert.deepEqual(required([]), { permissions: [], unmatched: [] });
  });

  test('unmatched returns the caller\'s own values, in order', () => {
    const ambiguous = { method: 'GET', path: '/1001' };
    const wrongShape = { verb: 'GET' };
    const result = required(['nope', 'group.feed.read', ambiguous, 42, wrongShape]);
    assert.deepEqual(result.permissions, ['read_group_content']);
    assert.equal(result.unmatched.length, 4);
    assert.equal(result.unmatched[0], 'nope');
    assert.equal(result.unmatched[1], ambiguous, 'the same object, not a copy');
    assert.equal(result.unmatched[2], 42);
    assert.equal(result.unmatched[3], wrongShape);
  });

  test('covering every operation at once leaves nothing unmatched', () => {
    const all = operations().map((o) => o.id);
    const { permissions: chosen, unmatched } = required(all);
    assert.deepEqual(unmatched, []);
    const perms = byId(permissions());
    const have = new Set(chosen.flatMap((id) => [id, ...perms.get(id).implies]));
    for (const o of operations()) {
      if (o.permissions.length > 0) assert.ok(o.permissions.some((p) => have.has(p)), `${o.id} not covered by ${chosen}`);
    }
  });
});
