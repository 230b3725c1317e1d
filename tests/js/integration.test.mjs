// Integration: the token lifecycle of both products (SPEC §1) on a simulated clock, the token
// endpoint, and exportState/fromState.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Integration } from 'appgrant';
import { NOW, assertThrowsCode, sha256Hex, signed } from './fixtures.mjs';

const SECRET = 'integration-secret-0b7d44e1';
const WORKPLACE = {
  product: 'workplace',
  app_id: '1234',
  permissions: ['read_group_content'],
  group_access: { mode: 'specific', groups: ['1001'] },
  ip_allowlist: ['203.0.113.0/24'],
  require_appsecret_proof: true,
};
const ADMIN_CENTER = { product: 'admin_center', app_id: '5678', permissions: ['manage_accounts'], ip_allowlist: ['203.0.113.0/24'] };

/** Reads group 1001's feed at `now`, proof made with `secret` by node:crypto. */
const readFeed = (i, token, now, secret = SECRET) =>
  i.evaluate(signed({ method: 'GET', node: 'group', path: '/1001/feed', source_ip: '203.0.113.9', now }, token, secret));
/** Lists SCIM users at `now` (Admin Center: no proof required, IP required). */
const listUsers = (i, token, now) =>
  i.evaluate({ method: 'GET', path: '/scim/v1/Users', source_ip: '203.0.113.9', access_token: token, now });

const reason = (decision) => decision.reason;

describe('Workplace', () => {
  test('an app token never expires; reset issues a new one and kills the old at once', () => {
    const i = new Integration(WORKPLACE, { app_secret: SECRET });
    const first = i.issueToken(NOW);
    assert.deepEqual({ ...first, access_token: typeof first.access_token }, { access_token: 'string', issued_at: NOW, expires_at: null });
    assert.equal(reason(readFeed(i, first.access_token, NOW)), null);
    assert.equal(reason(readFeed(i, first.access_token, NOW + 10 * 365 * 86_400)), null, 'ten years later');

    const second = i.resetToken(NOW + 100);
    assert.notEqual(second.access_token, first.access_token);
    assert.equal(second.issued_at, NOW + 100);
    assert.equal(reason(readFeed(i, first.access_token, NOW + 100)), 'token_invalid');
    assert.equal(reason(readFeed(i, second.access_token, NOW + 100)), null);
    i.free();
  });

  test('a token is not valid before it was issued', () => {
    const i = new Integration(WORKPLACE, { app_secret: SECRET });
    const { access_token } = i.issueToken(NOW);
    assert.equal(reason(readFeed(i, access_token, NOW - 1)), 'token_invalid');
  });

  test('resetSecret keeps Workplace tokens; only proofs change', () => {
    const i = new Integration(WORKPLACE, { app_secret: SECRET });
    const { access_token } = i.issueToken(NOW);
    i.resetSecret('a-brand-new-secret');
    assert.equal(reason(readFeed(i, access_token, NOW + 5)), 'proof_mismatch', 'old secret');
    assert.equal(reason(readFeed(i, access_token, NOW + 5, 'a-brand-new-secret')), null, 'new secret');
  });

  test('the token endpoint is not for Workplace apps', () => {
    const i = new Integration(WORKPLACE, { app_secret: SECRET });
    const response = i.handleTokenRequest(`access_token=1234%7C${SECRET}&grant_type=client_credentials`, NOW);
    assert.ok('error' in response && !('access_token' in response), JSON.stringify(response));
  });
});

describe('Admin Center', () => {
  test('a token lives exactly 7200 s: ok at 7199, expired at 7200', () => {
    const i = new Integration(ADMIN_CENTER, { app_secret: SECRET });
    const t = i.issueToken(NOW);
    assert.equal(t.issued_at, NOW);
    assert.equal(t.expires_at, NOW + 7200);
    assert.equal(reason(listUsers(i, t.access_token, NOW)), null);
    assert.equal(reason(listUsers(i, t.access_token, NOW + 7199)), null);
    assert.equal(reason(listUsers(i, t.access_token, NOW + 7200)), 'token_expired');
    assert.equal(listUsers(i, t.access_token, NOW + 7200).error.code, 190);
  });

  test('a second token invalidates the first at once', () => {
    const i = new Integration(ADMIN_CENTER, { app_secret: SECRET });
    const a = i.issueToken(NOW);
    const b = i.issueToken(NOW + 60);
    assert.notEqual(a.access_token, b.access_token);
    assert.equal(reason(listUsers(i, a.access_token, NOW + 60)), 'token_invalid');
    assert.equal(reason(listUsers(i, b.access_token, NOW + 60)), null);
    assert.equal(b.expires_at, NOW + 60 + 7200);
  });

  test('resetSecret invalidates every token', () => {
    const i = new Integration(ADMIN_CENTER, { app_secret: SECRET });
    const t = i.issueToken(NOW);
    i.resetSecret('rotated-secret-9ae1');
    assert.equal(reason(listUsers(i, t.access_token, NOW + 1)), 'token_invalid');
    const response = i.handleTokenRequest(`access_token=5678%7Crotated-secret-9ae1&grant_type=client_credentials`, NOW + 2);
    assert.equal(reason(listUsers(i, response.access_token, NOW + 2)), null, 'the new secret gets a new token');
  });

  test('handleTokenRequest issues a bearer token for 7200 s, form as a string or an object', () => {
    const i = new Integration(ADMIN_CENTER, { app_secret: SECRET });
    const forms = [
      `access_token=5678%7C${encodeURIComponent(SECRET)}&grant_type=client_credentials`,
      { access_token: `5678|${SECRET}`, grant_type: 'client_credentials' },
    ];
    let previous = null;
    for (const form of forms) {
      const response = i.handleTokenRequest(form, NOW);
      assert.deepEqual(Object.keys(response).sort(), ['access_token', 'expires_in', 'token_type']);
      assert.equal(response.token_type, 'bearer');
      assert.equal(response.expires_in, 7200);
      assert.ok(response.access_token.length >= 43);
      assert.equal(reason(listUsers(i, response.access_token, NOW + 1)), null);
      if (previous) assert.equal(reason(listUsers(i, previous, NOW + 1)), 'token_invalid', 'the new token replaces the previous');
      previous = response.access_token;
    }
  });

  test('wrong credentials or grant_type answer with a Graph error and issue nothing', () => {
    const i = new Integration(ADMIN_CENTER, { app_secret: SECRET });
    const current = i.issueToken(NOW).access_token;
    const bad = [
      `access_token=5678%7Cwrong-secret&grant_type=client_credentials`,
      { access_token: '5678|wrong-secret', grant_type: 'client_credentials' },
      `access_token=5678%7C${SECRET}&grant_type=password`,
      { access_token: `5678|${SECRET}`, grant_type: 'password' },
      { access_token: `5678|${SECRET}` },
      `grant_type=client_credentials`,
      { access_token: `9999|${SECRET}`, grant_type: 'client_credentials' },
    ];
    for (const form of bad) {
      const response = i.handleTokenRequest(form, NOW + 1);
      assert.deepEqual(Object.keys(response), ['error'], JSON.stringify(form));
      assert.deepEqual(Object.keys(response.error).sort(), ['code', 'message', 'type']);
      assert.equal(typeof response.error.code, 'number');
      assert.equal(typeof response.error.type, 'string');
      assert.ok(response.error.message.length > 0);
      assert.ok(!JSON.stringify(response).includes(SECRET), 'the error never echoes the secret');
    }
    assert.equal(reason(listUsers(i, current, NOW + 2)), null, 'failed requests leave the active token alone');
  });

  test('the token endpoint itself needs an allowed IP, not a token', () => {
    const i = new Integration(ADMIN_CENTER, { app_secret: SECRET });
    assert.equal(i.evaluate({ method: 'POST', path: '/work_get_token', source_ip: '203.0.113.5', now: NOW }).allowed, true);
    assert.equal(reason(i.evaluate({ method: 'POST', path: '/work_get_token', source_ip: '192.0.2.1', now: NOW })), 'ip_not_allowed');
  });

  test('resetToken is a Workplace action', () => {
    const i = new Integration(ADMIN_CENTER, { app_secret: SECRET });
    assertThrowsCode(() => i.resetToken(NOW));
  });
});

describe('issued tokens', () => {
  test('are at least 43 characters (32 random bytes) and all differ', () => {
    const seen = new Set();
    const i = new Integration(ADMIN_CENTER, { app_secret: SECRET });
    const w = new Integration(WORKPLACE, { app_secret: SECRET });
    for (let n = 0; n < 200; n++) {
      const token = n % 2 ? i.issueToken(NOW).access_token : (n === 0 ? w.issueToken(NOW) : w.resetToken(NOW)).access_token;
      assert.ok(token.length >= 43, token.length);
      assert.doesNotMatch(token, /[\s|&=+/]/, 'safe in a query string and a form');
      seen.add(token);
    }
    assert.equal(seen.size, 200);
  });

  test('the default time is now', () => {
    const i = new Integration(ADMIN_CENTER, { app_secret: SECRET });
    const before = Math.floor(Date.now() / 1000);
    const t = i.issueToken();
    assert.ok(t.issued_at >= before && t.issued_at <= Math.floor(Date.now() / 1000));
    assert.equal(i.issueToken(new Date(NOW * 1000)).issued_at, NOW, 'a Date works too');
  });
});

describe('exportState / fromState', () => {
  for (const [name, config] of [['workplace', WORKPLACE], ['admin_center', ADMIN_CENTER]]) {
    test(`${name}: a JSON round trip resumes with the same tokens`, () => {
      const i = new Integration(config, { app_secret: SECRET });
      const { access_token } = i.issueToken(NOW);
      const state = i.exportState();
      const json = JSON.stringify(state);
      assert.equal(state.version, 1);
      assert.deepEqual(state.config, config);
      assert.deepEqual(state.tokens.map((t) => t.sha256), [sha256Hex(access_token)], 'tokens as SHA-256 only');
      assert.ok(!json.includes(SECRET), 'no app secret in the state');
      assert.ok(!json.includes(access_token), 'no raw token in the state');

      const resumed = Integration.fromState(JSON.parse(json), { app_secret: SECRET });
      assert.deepEqual(resumed.exportState(), state);
      const check = name === 'workplace' ? readFeed : listUsers;
      assert.deepEqual(check(resumed, access_token, NOW + 10), check(i, access_token, NOW + 10));
      assert.equal(check(resumed, access_token, NOW + 10).allowed, true);
    });
  }

  test('Workplace: editing permissions keeps the token valid', () => {
    const i = new Integration(WORKPLACE, { app_secret: SECRET });
    const { access_token } = i.issueToken(NOW);
    const state = i.exportState();
    const edited = Integration.fromState(
      { ...state, config: { ...state.config, permissions: ['read_group_content', 'manage_group_content'] } },
      { app_secret: SECRET },
    );
    assert.equal(reason(readFeed(edited, access_token, NOW + 60)), null);
    const narrowed = Integration.fromState({ ...state, config: { ...state.config, permissions: ['read_user_email'] } }, { app_secret: SECRET });
    assert.equal(reason(readFeed(narrowed, access_token, NOW + 60)), 'permission_missing', 'the token is fine; the permission is gone');
  });

  test('a malformed state throws invalid_state', () => {
    const state = new Integration(WORKPLACE, { app_secret: SECRET }).exportState();
    for (const bad of [{ ...state, version: 2 }, { ...state, tokens: 'none' }, { ...state, extra: 1 }, { ...state, tokens: [{ sha256: 'nothex' }] }, 'state']) {
      assertThrowsCode(() => Integration.fromState(bad, { app_secret: SECRET }), 'invalid_state');
    }
  });
});
