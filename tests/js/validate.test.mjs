// validate(): each of the 25 diagnostic codes of SPEC §5 with its severity and JSON Pointer,
// the closest-id hint, opts.ignore / opts.severity, and configs that are not objects.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validate } from 'appgrant';
import { NOW, assertThrowsCode } from './fixtures.mjs';

const DAY = 86_400;

/** Triggers nothing: every case below departs from it. */
const CLEAN = {
  product: 'workplace',
  app_id: '1234',
  name: 'Status bot',
  permissions: ['manage_group_content'],
  group_access: { mode: 'specific', groups: ['1001'] },
  ip_allowlist: ['203.0.113.0/24'],
  require_appsecret_proof: true,
  uses: ['group.feed.publish'],
};
const clean = (changes) => ({ ...structuredClone(CLEAN), ...changes });

// [code, severity, path, config]
const CASES = [
  ['unknown_permission', 'error', '/permissions/1', clean({ permissions: ['manage_group_content', 'read_gruop_content'] })],
  ['permission_not_in_product', 'error', '/permissions/1', clean({ permissions: ['manage_group_content', 'read_security_audit_logs'] })],
  ['option_without_permission', 'error', '/options/auto_invite', clean({ options: { auto_invite: true } })],
  ['invalid_ip_entry', 'error', '/ip_allowlist/1', clean({ ip_allowlist: ['203.0.113.0/24', '203.0.113.300'] })],
  ['ip_allowlist_required', 'error', '/ip_allowlist',
    { product: 'admin_center', permissions: ['manage_accounts'], require_appsecret_proof: true }],
  ['invalid_group_id', 'error', '/group_access/groups/1', clean({ group_access: { mode: 'specific', groups: ['1001', '12a'] } })],
  ['group_access_required', 'error', '/group_access/mode', clean({ permissions: ['manage_group_content', 'export_employee_data'] })],
  ['operation_not_permitted', 'error', '/uses/1', clean({ uses: ['group.feed.publish', 'group.feed.read'] })],
  ['unknown_operation', 'error', '/uses/1', clean({ uses: ['group.feed.publish', 'grop.feed.read'] })],
  ['invalid_config', 'error', '/require_appsecret_proof', clean({ require_appsecret_proof: 'yes' })],
  ['ip_allowlist_missing', 'security_warning', '/ip_allowlist', clean({ ip_allowlist: [] })],
  ['ip_allowlist_too_broad', 'security_warning', '/ip_allowlist/1', clean({ ip_allowlist: ['203.0.113.0/24', '0.0.0.0/0'] })],
  ['appsecret_proof_not_required', 'security_warning', '/require_appsecret_proof', clean({ require_appsecret_proof: false })],
  ['all_groups_write_access', 'security_warning', '/group_access', clean({ group_access: { mode: 'all' } })],
  ['secret_in_config', 'security_warning', '/app_secret', clean({ app_secret: 'a-secret-that-does-not-belong-here' })],
  ['duplicate_permission', 'warning', '/permissions/1', clean({ permissions: ['manage_group_content', 'manage_group_content'] })],
  ['group_list_empty', 'warning', '/group_access/groups', clean({ group_access: { mode: 'specific', groups: [] } })],
  ['group_scope_unused', 'warning', '/group_access',
    clean({ permissions: ['read_user_email'], group_access: { mode: 'group_admins', groups: ['5'] }, uses: ['member.read'] })],
  ['scoped_manage_groups_cannot_create', 'warning', '/permissions/1',
    clean({ permissions: ['manage_group_content', 'manage_groups'], uses: ['group.feed.publish', 'group.update'] })],
  ['unused_permission', 'warning', '/usage/manage_group_content', clean({ usage: { manage_group_content: NOW - 30 * DAY } })],
  ['permission_not_needed', 'warning', '/permissions/1', clean({ permissions: ['manage_group_content', 'read_user_email'] })],
  ['cidr_host_bits_set', 'warning', '/ip_allowlist/0', clean({ ip_allowlist: ['203.0.113.5/24'] })],
  ['ip_private_range', 'warning', '/ip_allowlist/1', clean({ ip_allowlist: ['203.0.113.0/24', '10.1.0.0/16'] })],
  ['redundant_permission', 'suggestion', '/permissions/2',
    clean({ permissions: ['manage_group_content', 'manage_work_profiles', 'read_user_org_chart'], uses: ['group.feed.publish', 'member.managers.read'] })],
  ['overlapping_ip_entries', 'suggestion', '/ip_allowlist/1', clean({ ip_allowlist: ['203.0.113.0/24', '203.0.113.0/25'] })],
];

const run = (config, opts = {}) => validate(config, { now: NOW, ...opts });

describe('diagnostic codes', () => {
  test('the clean baseline has no findings', () => {
    assert.deepEqual(run(CLEAN), []);
  });

  test('the table covers all 25 codes of SPEC §5', () => {
    assert.equal(new Set(CASES.map(([code]) => code)).size, 25);
  });

  for (const [code, severity, path, config] of CASES) {
    test(`${code} (${severity}) at ${path}`, () => {
      const found = run(config).filter((d) => d.code === code);
      assert.ok(found.length > 0, `${code} not reported: ${JSON.stringify(run(config))}`);
      assert.deepEqual(found.map((d) => [d.severity, d.path]), [[severity, path]]);
      assert.ok(found[0].message.length > 0);
    });
  }

  test('every finding has a JSON Pointer path and a known severity, and they come sorted by severity', () => {
    const order = ['error', 'security_warning', 'warning', 'suggestion'];
    for (const [, , , config] of CASES) {
      const all = run(config);
      for (const d of all) {
        assert.match(d.path, /^(\/[^/]*)*$/, d.path);
        assert.ok(order.includes(d.severity));
      }
      const ranks = all.map((d) => order.indexOf(d.severity));
      assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    }
  });

  test('unknown_permission names the closest id, even when the typo is of an alias or label', () => {
    const message = (name) => run(clean({ permissions: [name] })).find((d) => d.code === 'unknown_permission').message;
    assert.match(message('read_gruop_content'), /`read_group_content`/);
    assert.match(message('write_gruop'), /`manage_group_content`/, 'alias write_group names its id');
    assert.match(message('Manage Work Profile'), /`manage_work_profiles`/);
  });

  test('aliases and exact labels are accepted', () => {
    const codes = run(clean({ permissions: ['write_group'] })).map((d) => d.code);
    assert.ok(!codes.includes('unknown_permission'));
    assert.ok(!run(clean({ permissions: ['Manage group content'] })).some((d) => d.code === 'unknown_permission'));
    assert.ok(run(clean({ permissions: ['manage group content'] })).some((d) => d.code === 'unknown_permission'), 'labels match exactly');
  });

  test('invalid_config paths point at the field that is wrong', () => {
    const paths = (config) => run(config).filter((d) => d.code === 'invalid_config').map((d) => d.path);
    assert.deepEqual(paths(clean({ colour: 'blue' })), ['/colour']);
    assert.deepEqual(paths(clean({ permissions: ['manage_group_content', 7] })), ['/permissions/1']);
    assert.deepEqual(paths(clean({ group_access: { mode: 'some' , groups: ['1001'] } })), ['/group_access/mode']);
    assert.deepEqual(paths(clean({ options: { auto_invite: 'yes' } })), ['/options/auto_invite']);
    assert.deepEqual(paths(clean({ product: 'facebook' })), ['/product']);
  });

  test('unused_permission follows the window, the days setting and keep_unused_permissions', () => {
    const has = (config) => run(config).some((d) => d.code === 'unused_permission');
    assert.equal(has(clean({ usage: { manage_group_content: NOW - 29 * DAY } })), false);
    assert.equal(has(clean({ usage: { manage_group_content: NOW - 45 * DAY }, unused_permission_days: 60 })), false);
    assert.equal(has(clean({ usage: { manage_group_content: NOW - 60 * DAY }, unused_permission_days: 60 })), true);
    assert.equal(has(clean({ usage: { manage_group_content: 0 }, keep_unused_permissions: true })), false);
    assert.equal(validate(clean({ usage: { manage_group_content: NOW - 29 * DAY } }), { now: new Date((NOW + DAY) * 1000) })
      .some((d) => d.code === 'unused_permission'), true, 'opts.now as a Date');
  });

  test('IP findings for IPv6, loopback and link-local entries', () => {
    const at = (entries, code) => run(clean({ ip_allowlist: entries })).filter((d) => d.code === code).map((d) => d.path);
    assert.deepEqual(at(['2001:db8::/16', '203.0.113.0/24'], 'ip_allowlist_too_broad'), ['/ip_allowlist/0']);
    assert.deepEqual(at(['203.0.113.0/24', '127.0.0.1', '169.254.0.0/16', 'fe80::/10', '192.168.1.0/24'], 'ip_private_range'),
      ['/ip_allowlist/1', '/ip_allowlist/2', '/ip_allowlist/3', '/ip_allowlist/4']);
    assert.deepEqual(at(['2001:db8::/48', '2001:db8::/64'], 'overlapping_ip_entries'), ['/ip_allowlist/1']);
    assert.deepEqual(at(['203.0.113.0/33', '2001:db8::/129', '203.0.113.0/24'], 'invalid_ip_entry'), ['/ip_allowlist/0', '/ip_allowlist/1']);
  });

  test('an Admin Center integration made in the Security tab may hold only read_security_audit_logs', () => {
    const base = { product: 'admin_center', admin_center_tab: 'security', ip_allowlist: ['203.0.113.0/24'], require_appsecret_proof: true };
    const found = run({ ...base, permissions: ['read_security_audit_logs', 'manage_accounts'] }).filter((d) => d.code === 'permission_not_in_product');
    assert.deepEqual(found.map((d) => d.path), ['/permissions/1']);
    assert.deepEqual(run({ ...base, permissions: ['read_security_audit_logs'] }).filter((d) => d.severity === 'error'), []);
    assert.ok(run({ ...base, product: 'workplace' }).some((d) => d.code === 'invalid_config' && d.path === '/admin_center_tab'));
  });

  test('secret_in_config finds secrets at any depth and never echoes them', () => {
    const secret = 'do-not-echo-7f3a91c2';
    const found = run(clean({ name: `1234|${'A1b2'.repeat(5)}`, options: { token: secret } }));
    const secrets = found.filter((d) => d.code === 'secret_in_config').map((d) => d.path).sort();
    assert.deepEqual(secrets, ['/name', '/options/token']);
    assert.ok(!JSON.stringify(found).includes(secret));
    assert.ok(!JSON.stringify(found).includes('A1b2A1b2'));
  });
});

describe('options', () => {
  const noisy = clean({ require_appsecret_proof: false, ip_allowlist: [] });

  test('ignore drops codes; severity re-ranks them', () => {
    const got = run(noisy, { ignore: ['ip_allowlist_missing'], severity: { appsecret_proof_not_required: 'error' } });
    assert.deepEqual(got.map((d) => [d.code, d.severity]), [['appsecret_proof_not_required', 'error']]);
    assert.deepEqual(run(noisy, { ignore: ['ip_allowlist_missing', 'appsecret_proof_not_required'] }), []);
  });

  test('re-ranked findings are sorted by their new severity', () => {
    const got = run(noisy, { severity: { ip_allowlist_missing: 'suggestion', appsecret_proof_not_required: 'error' } });
    assert.deepEqual(got.map((d) => d.code), ['appsecret_proof_not_required', 'ip_allowlist_missing']);
  });

  test('an unknown code or severity in opts throws invalid_argument', () => {
    assertThrowsCode(() => validate(CLEAN, { ignore: ['no_such_code'] }), 'invalid_argument');
    assertThrowsCode(() => validate(CLEAN, { severity: { no_such_code: 'error' } }), 'invalid_argument');
    assertThrowsCode(() => validate(CLEAN, { severity: { duplicate_permission: 'fatal' } }), 'invalid_argument');
    assertThrowsCode(() => validate(CLEAN, { ignore: 'duplicate_permission' }), 'invalid_argument');
    assertThrowsCode(() => validate(CLEAN, { now: 'yesterday' }), 'invalid_time');
  });
});

describe('configs that are not objects', () => {
  for (const value of [null, undefined, 42, 'workplace', true, [], [CLEAN]]) {
    test(`${JSON.stringify(value) ?? 'undefined'} yields an invalid_config diagnostic at the root`, () => {
      const got = validate(value);
      assert.equal(got.length, 1);
      assert.deepEqual([got[0].code, got[0].severity, got[0].path], ['invalid_config', 'error', '']);
    });
  }
});
