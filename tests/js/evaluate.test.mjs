// evaluate() and compile(): every DenyReason with its Graph error and the check that decided,
// an allowed request passing all seven checks in order, skipped checks, and Policy reuse.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compile, evaluate } from 'appgrant';
import { NOW, credentialsFor, randomToken, signed, timedProof } from './fixtures.mjs';

const SECRET = 'evaluate-secret-5c0e9b';
const TOKEN = randomToken();
const CREDS = credentialsFor(TOKEN, SECRET);
const CHECKS = ['token', 'ip', 'proof', 'operation', 'permission', 'group', 'target'];

const WORKPLACE = {
  product: 'workplace',
  app_id: '1234',
  name: 'Status bot',
  permissions: ['manage_group_content', 'read_group_content', 'manage_groups', 'message_any_member', 'force_password_reset'],
  group_access: { mode: 'specific', groups: ['1001'] },
  ip_allowlist: ['203.0.113.0/24', '2001:db8::/48'],
  require_appsecret_proof: true,
};
const ADMIN_CENTER = { product: 'admin_center', app_id: '5678', permissions: ['manage_accounts'], ip_allowlist: ['203.0.113.0/24'] };

/** A request that passes token, ip and proof for WORKPLACE/CREDS at NOW. */
const good = (request) => signed({ source_ip: '203.0.113.9', now: NOW, ...request }, TOKEN, SECRET);
const without = (object, ...keys) => Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));

// [reason, check that fails, Graph error code, config, request, credentials]
const DENIALS = [
  ['token_missing', 'token', 104, WORKPLACE, without(good({ method: 'POST', node: 'group', path: '/1001/feed' }), 'access_token'), CREDS],
  ['token_invalid', 'token', 190, WORKPLACE, { ...good({ method: 'POST', node: 'group', path: '/1001/feed' }), access_token: randomToken() }, CREDS],
  ['token_expired', 'token', 190, ADMIN_CENTER,
    { method: 'GET', path: '/scim/v1/Users', source_ip: '203.0.113.7', access_token: TOKEN, now: NOW },
    credentialsFor(TOKEN, SECRET, NOW - 7200)],
  ['ip_not_allowed', 'ip', 5, WORKPLACE, good({ method: 'POST', node: 'group', path: '/1001/feed', source_ip: '198.51.100.7' }), CREDS],
  ['proof_missing', 'proof', 100, WORKPLACE, without(good({ method: 'POST', node: 'group', path: '/1001/feed' }), 'appsecret_proof', 'appsecret_time'), CREDS],
  ['proof_malformed', 'proof', 100, WORKPLACE,
    { ...good({ method: 'POST', node: 'group', path: '/1001/feed' }), appsecret_proof: timedProof(TOKEN, SECRET, NOW).toUpperCase() }, CREDS],
  ['proof_expired', 'proof', 100, WORKPLACE,
    signed({ method: 'POST', node: 'group', path: '/1001/feed', source_ip: '203.0.113.9', now: NOW }, TOKEN, SECRET, NOW - 301), CREDS],
  ['proof_future', 'proof', 100, WORKPLACE,
    signed({ method: 'POST', node: 'group', path: '/1001/feed', source_ip: '203.0.113.9', now: NOW }, TOKEN, SECRET, NOW + 1), CREDS],
  ['proof_mismatch', 'proof', 100, WORKPLACE,
    { ...good({ method: 'POST', node: 'group', path: '/1001/feed' }), appsecret_proof: timedProof(TOKEN, 'another-secret', NOW) }, CREDS],
  ['path_invalid', 'operation', 100, WORKPLACE, good({ method: 'GET', path: '/1001/../feed' }), CREDS],
  ['operation_unknown', 'operation', 100, WORKPLACE, good({ method: 'GET', path: '/1001/nope' }), CREDS],
  ['operation_ambiguous', 'operation', 100, WORKPLACE, good({ method: 'GET', path: '/1001' }), CREDS],
  ['product_mismatch', 'operation', 100, WORKPLACE, good({ method: 'GET', path: '/security_audit_logs' }), CREDS],
  ['permission_missing', 'permission', 200, WORKPLACE, good({ method: 'GET', node: 'member', path: '/55/badges' }), CREDS],
  ['option_missing', 'permission', 200, WORKPLACE, good({ method: 'POST', path: '/me/messages', thread: 'group' }), CREDS],
  ['group_not_allowed', 'group', 200, WORKPLACE, good({ method: 'POST', node: 'group', path: '/2002/feed' }), CREDS],
  ['group_creation_not_allowed', 'permission', 200, WORKPLACE, good({ method: 'POST', path: '/community/groups' }), CREDS],
  ['target_not_eligible', 'target', 100, WORKPLACE,
    good({ method: 'POST', path: '/55/password_reset', target_user: { claimed: true, active: false, auth: 'sso' } }), CREDS],
];

describe('every DenyReason through evaluate()', () => {
  test('the table covers all 18 reasons of SPEC §5', () => {
    assert.deepEqual(new Set(DENIALS.map(([reason]) => reason)).size, 18);
  });

  for (const [reason, check, code, config, request, credentials] of DENIALS) {
    test(`${reason}: decided by the ${check} check, Graph code ${code}`, () => {
      const d = evaluate(config, request, credentials);
      assert.equal(d.allowed, false);
      assert.equal(d.reason, reason, JSON.stringify(d.trace));
      assert.equal(d.error.code, code);
      assert.equal(typeof d.error.type, 'string');
      assert.ok(d.error.message.length > 0);
      const last = d.trace.at(-1);
      assert.equal(last.check, check);
      assert.equal(last.ok, false);
      assert.equal(last.skipped, false);
      assert.ok(last.detail.length > 0, 'the failing check explains itself');
      assert.deepEqual(d.trace.map((c) => c.check), CHECKS.slice(0, d.trace.length), 'checks run in order and stop at the first failure');
      for (const earlier of d.trace.slice(0, -1)) assert.equal(earlier.ok, true, earlier.check);
    });
  }

  test('Graph error messages of SPEC §4', () => {
    const message = (reason) => {
      const [, , , config, request, credentials] = DENIALS.find(([r]) => r === reason);
      return evaluate(config, request, credentials).error.message;
    };
    assert.equal(message('proof_missing'), 'API calls from the server require an appsecret_proof argument');
    for (const r of ['proof_malformed', 'proof_expired', 'proof_future', 'proof_mismatch']) {
      assert.equal(message(r), 'Invalid appsecret_proof provided in the API argument', r);
    }
    assert.equal(message('ip_not_allowed'), '(#5) Unauthorized source IP address');
  });

  test('operation_ambiguous lists the candidates; a node or directory resolves them', () => {
    const d = evaluate(WORKPLACE, good({ method: 'GET', path: '/1001' }), CREDS);
    for (const candidate of ['group.read', 'member.read', 'post.read']) assert.match(d.trace.at(-1).detail, new RegExp(candidate.replace('.', '\\.')));
    assert.equal(evaluate(WORKPLACE, good({ method: 'GET', path: '/1001', node: 'group' }), CREDS).operation, 'group.read');
    assert.equal(evaluate(WORKPLACE, good({ method: 'GET', path: '/1001', directory: { groups: ['1001'] } }), CREDS).operation, 'group.read');
  });

  test('path tricks are refused, never normalised into an allowed operation', () => {
    for (const path of ['/1001/./feed', '/1001//feed', '/1001/feed/', '/1001/%66eed', '/1001%2Ffeed', '1001/feed', '/1001/fe\u0435d']) {
      assert.equal(evaluate(WORKPLACE, good({ method: 'POST', node: 'group', path }), CREDS).reason, 'path_invalid', path);
    }
    const versioned = evaluate(WORKPLACE, good({ method: 'POST', node: 'group', path: '/v18.0/1001/feed?fields=id' }), CREDS);
    assert.equal(versioned.allowed, true, 'a version prefix and a query string are fine');
  });

  test('token expiry boundary: valid at 7199 s, expired at 7200 s', () => {
    const creds = credentialsFor(TOKEN, SECRET, NOW - 7200);
    const request = { method: 'GET', path: '/scim/v1/Users', source_ip: '203.0.113.7', access_token: TOKEN };
    assert.equal(evaluate(ADMIN_CENTER, { ...request, now: NOW - 1 }, creds).allowed, true);
    assert.equal(evaluate(ADMIN_CENTER, { ...request, now: NOW }, creds).reason, 'token_expired');
  });

  test('proof age boundary: ok at 300 s, expired at 301 s', () => {
    const at = (age) => signed({ method: 'POST', node: 'group', path: '/1001/feed', source_ip: '203.0.113.9', now: NOW }, TOKEN, SECRET, NOW - age);
    assert.equal(evaluate(WORKPLACE, at(300), CREDS).allowed, true);
    assert.equal(evaluate(WORKPLACE, at(301), CREDS).reason, 'proof_expired');
  });
});

describe('allowed requests', () => {
  test('a full request passes the seven checks in order', () => {
    const d = evaluate(WORKPLACE, good({ method: 'POST', node: 'group', path: '/1001/feed' }), CREDS);
    assert.equal(d.allowed, true, JSON.stringify(d.trace));
    assert.equal(d.reason, null);
    assert.equal(d.error, null);
    assert.equal(d.operation, 'group.feed.publish');
    assert.equal(d.permission, 'manage_group_content');
    assert.deepEqual(d.trace.map((c) => c.check), CHECKS);
    for (const c of d.trace) assert.equal(c.ok, true, c.check);
    assert.deepEqual(d.trace.map((c) => c.skipped), [false, false, false, false, false, false, true], 'no target rule for posting');
  });

  test('proof time as a decimal string, IPv6 source, query-string credentials', () => {
    const p = timedProof(TOKEN, SECRET, NOW);
    const base = { method: 'POST', node: 'group', source_ip: '2001:db8::1', now: NOW };
    assert.equal(evaluate(WORKPLACE, { ...base, path: '/1001/feed', access_token: TOKEN, appsecret_proof: p, appsecret_time: String(NOW) }, CREDS).allowed, true);
    const query = `?access_token=${encodeURIComponent(TOKEN)}&appsecret_proof=${p}&appsecret_time=${NOW}`;
    assert.equal(evaluate(WORKPLACE, { ...base, path: `/1001/feed${query}` }, CREDS).allowed, true);
  });

  test('permission aliases and labels in the config work like ids', () => {
    const config = { ...WORKPLACE, permissions: ['write_group', 'Manage groups'] };
    const d = evaluate(config, good({ method: 'POST', node: 'group', path: '/1001/feed' }), CREDS);
    assert.equal(d.permission, 'manage_group_content');
  });
});

describe('skipped checks', () => {
  const open = { permissions: ['read_group_content'] };

  test('without credentials or source_ip, token, ip and proof are skipped', () => {
    const d = evaluate(open, { method: 'GET', node: 'group', path: '/1001/feed' });
    assert.equal(d.allowed, true);
    assert.deepEqual(d.trace.slice(0, 3).map((c) => [c.check, c.ok, c.skipped]), [['token', true, true], ['ip', true, true], ['proof', true, true]]);
  });

  test('a proof sent without an app_secret to check it is skipped, not trusted or refused', () => {
    const d = evaluate(open, { method: 'GET', node: 'group', path: '/1001/feed', appsecret_proof: 'ab', appsecret_time: 1 });
    assert.equal(d.allowed, true);
    assert.equal(d.trace[2].skipped, true);
  });

  test('what the config requires is not skipped', () => {
    const requireProof = { ...open, require_appsecret_proof: true };
    assert.equal(evaluate(requireProof, { method: 'GET', node: 'group', path: '/1001/feed' }).reason, 'proof_missing');
    assert.equal(evaluate(ADMIN_CENTER, { method: 'GET', path: '/scim/v1/Users' }).reason, 'ip_not_allowed', 'admin_center needs source_ip');
  });

  test('the token endpoint authenticates with app credentials: token and proof skipped', () => {
    const d = evaluate({ ...ADMIN_CENTER, require_appsecret_proof: true }, { method: 'POST', path: '/work_get_token', source_ip: '203.0.113.5', now: NOW }, CREDS);
    assert.equal(d.allowed, true);
    assert.equal(d.trace[0].skipped, true);
    assert.equal(d.trace[2].skipped, true);
  });

  test('unconcerned later checks are skipped on an allowed request', () => {
    const d = evaluate(open, { method: 'GET', path: '/community' });
    assert.equal(d.allowed, true);
    assert.equal(d.trace.find((c) => c.check === 'group').skipped, true);
    assert.equal(d.trace.find((c) => c.check === 'target').skipped, true);
  });
});

describe('compile()', () => {
  const corpus = [
    ...DENIALS.map(([, , , config, request, credentials]) => [config, request, credentials]),
    [WORKPLACE, good({ method: 'POST', node: 'group', path: '/1001/feed' }), CREDS],
    [WORKPLACE, good({ method: 'GET', path: '/55/password_reset' }), CREDS],
    [WORKPLACE, good({ method: 'POST', path: '/55/password_reset', target_user: { claimed: true, active: true, auth: 'password' } }), CREDS],
    [WORKPLACE, good({ method: 'GET', path: '/9', node: 'post', group_id: '1001' }), CREDS],
    [WORKPLACE, good({ method: 'GET', path: '/9', node: 'post', group_id: null }), CREDS],
    [WORKPLACE, good({ method: 'POST', path: '/me/messages', thread: 'direct' }), CREDS],
    [{ permissions: ['read_user_work_profile'] }, { method: 'GET', path: '/55', node: 'member', fields: 'email,title' }, undefined],
    [{ permissions: ['read_user_work_profile'] }, { method: 'GET', path: '/55?fields=title', node: 'member' }, undefined],
    [{ permissions: ['mention_bot'] }, { method: 'GET', path: '/9', node: 'post', mentioned: true, group_id: '5' }, undefined],
    [ADMIN_CENTER, { method: 'GET', path: '/scim/v1/Users/77', source_ip: '203.0.113.7', access_token: TOKEN, now: NOW }, credentialsFor(TOKEN, SECRET, NOW - 60)],
  ];

  test('compile(config, creds).evaluate(req) decides as evaluate(config, req, creds)', () => {
    for (const [config, request, credentials] of corpus) {
      const policy = compile(config, credentials);
      assert.deepEqual(policy.evaluate(request), evaluate(config, request, credentials), JSON.stringify(request));
      policy.free();
    }
  });

  test('one compiled policy serves many requests', () => {
    const policy = compile(WORKPLACE, CREDS);
    for (const [config, request, credentials] of corpus) {
      if (config !== WORKPLACE || credentials !== CREDS) continue;
      assert.deepEqual(policy.evaluate(request), evaluate(WORKPLACE, request, CREDS));
    }
    policy.free();
  });

  test('a freed policy throws an Error instead of answering', () => {
    const policy = compile(WORKPLACE, CREDS);
    const request = good({ method: 'POST', node: 'group', path: '/1001/feed' });
    assert.equal(policy.evaluate(request).allowed, true);
    policy.free();
    assert.throws(() => policy.evaluate(request), Error);
    assert.equal(evaluate(WORKPLACE, request, CREDS).allowed, true, 'the module still works');
  });

  test('a config with an error-severity finding is refused with invalid_config', () => {
    for (const config of [{ permissions: ['nope'] }, { colour: 'blue' }, { ip_allowlist: ['x'] }, []]) {
      assert.throws(() => compile(config), (e) => e.code === 'invalid_config', JSON.stringify(config));
      assert.throws(() => evaluate(config, { method: 'GET', path: '/community' }), (e) => e.code === 'invalid_config');
    }
  });
});
