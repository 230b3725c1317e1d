// Bad input: every export called with wrong-typed arguments throws an Error carrying a stable
// `code` (never a glue TypeError or a wasm trap) and leaves the module working. Secrecy: no
// thrown message, trace, diagnostic, token response or exported state holds the app secret or
// a raw token.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import * as appgrant from 'appgrant';
import * as edge from 'appgrant/edge';
import { Integration, ProofSigner, appsecretProof, compile, evaluate, signRequest, validate, verifyAppsecretProof, Gate, createGate } from 'appgrant';
import { NOW, assertModuleHealthy, assertThrowsCode, credentialsFor, refusedTokenForms, signed, timedProof } from './fixtures.mjs';

const CONFIG = { permissions: ['read_group_content'], ip_allowlist: ['203.0.113.0/24'] };
const AC_CONFIG = { product: 'admin_center', app_id: '5678', permissions: ['manage_accounts'], ip_allowlist: ['203.0.113.0/24'] };
const REQUEST = { method: 'GET', node: 'group', path: '/1001/feed', now: NOW };
const CREDS = { app_secret: 'errors-secret' };

/** Values of every JavaScript type but string (and the odd Date). */
const NOT_STRINGS = [undefined, null, 42, Number.NaN, true, [], {}, () => 'x', Symbol('s'), 10n, new Date(NOW * 1000)];
/** Not Unix seconds: every type but number/Date/undefined/null, and numbers out of range. */
const NOT_TIMES = ['1764000000', true, [], {}, () => 1, Symbol('t'), 10n, Number.NaN, -1, Infinity, Date.now(), new Date(Number.NaN),
  Object.create(Date.prototype) /* passes instanceof Date, has no time: getTime throws */];
/** Not objects of any kind. */
const NOT_OBJECTS = [undefined, null, 42, 'x', true, [], () => ({}), Symbol('o'), 10n];

const json = (v) => {
  try {
    return JSON.stringify(v) ?? 'undefined';
  } catch {
    return 'an object that cannot be shown';
  }
};
const show = (v) => (typeof v === 'symbol' ? v.toString() : typeof v === 'bigint' ? `${v}n` : typeof v === 'function' ? 'a function' : json(v));

/**
 * [label, call, expected code] for each export of `api` and each wrong-typed argument: the
 * package's, or appgrant/edge's, which has all but the tools (requiredPermissions, validate,
 * Integration, preRequest).
 */
function badCalls(api) {
  const {
    Integration, ProofSigner, appsecretProof, compile, evaluate, legacyAppsecretProof, requiredPermissions, signRequest, validate,
    verifyAppsecretProof, Gate, createGate, preRequest, runtimeClientIp, signedFetch, toNodeListener,
  } = api;
  const tools = api === appgrant;
  const calls = [];
  const add = (label, values, call, code) => {
    for (const v of values) calls.push([`${label}(${show(v)})`, () => call(v), code]);
  };
  const signer = new ProofSigner('s');
  const policy = compile(CONFIG);

  add('appsecretProof token', NOT_STRINGS, (v) => appsecretProof(v, 's', NOW), 'invalid_argument');
  add('appsecretProof secret', NOT_STRINGS, (v) => appsecretProof('t', v, NOW), 'invalid_argument');
  add('appsecretProof time', NOT_TIMES, (v) => appsecretProof('t', 's', v), 'invalid_time');
  add('legacyAppsecretProof token', NOT_STRINGS, (v) => legacyAppsecretProof(v, 's'), 'invalid_argument');
  add('legacyAppsecretProof secret', NOT_STRINGS, (v) => legacyAppsecretProof('t', v), 'invalid_argument');
  add('new ProofSigner', NOT_STRINGS, (v) => new ProofSigner(v), 'invalid_argument');
  add('ProofSigner.proof token', NOT_STRINGS, (v) => signer.proof(v, NOW), 'invalid_argument');
  add('ProofSigner.proof time', NOT_TIMES, (v) => signer.proof('t', v), 'invalid_time');
  add('ProofSigner.legacy', NOT_STRINGS, (v) => signer.legacy(v), 'invalid_argument');

  add('verifyAppsecretProof params', NOT_OBJECTS, (v) => verifyAppsecretProof(v, 's', { now: NOW }), 'invalid_argument');
  add('verifyAppsecretProof secret', NOT_STRINGS, (v) => verifyAppsecretProof({}, v, { now: NOW }), 'invalid_argument');
  add('verifyAppsecretProof opts.now', NOT_TIMES, (v) => verifyAppsecretProof({}, 's', { now: v }), 'invalid_time');
  add('verifyAppsecretProof opts.max_age_seconds', ['300', 1.5, -1, {}, true, 10n],
    (v) => verifyAppsecretProof({}, 's', { now: NOW, max_age_seconds: v }), 'invalid_argument');
  add('verifyAppsecretProof opts.max_skew_seconds', ['0', 0.5, -1, [], Infinity],
    (v) => verifyAppsecretProof({}, 's', { now: NOW, max_skew_seconds: v }), 'invalid_argument');

  const creds = { access_token: 't', app_secret: 's' };
  add('signRequest url', NOT_STRINGS, (v) => signRequest(v, creds, { now: NOW }), 'invalid_argument');
  add('signRequest creds', NOT_OBJECTS, (v) => signRequest('https://x/', v, { now: NOW }), 'invalid_argument');
  add('signRequest creds.access_token', NOT_STRINGS, (v) => signRequest('https://x/', { ...creds, access_token: v }, { now: NOW }), 'invalid_argument');
  add('signRequest creds.app_secret', NOT_STRINGS, (v) => signRequest('https://x/', { ...creds, app_secret: v }, { now: NOW }), 'invalid_argument');
  add('signRequest opts.now', NOT_TIMES, (v) => signRequest('https://x/', creds, { now: v }), 'invalid_time');

  if (tools) {
    add('requiredPermissions', [undefined, null, 42, 'group.read', true, {}, () => [], Symbol('u'), 10n],
      (v) => requiredPermissions(v), 'invalid_argument');

    add('validate opts', [42, 'x', true, [], () => ({}), Symbol('v'), 10n], (v) => validate(CONFIG, v), 'invalid_argument');
    add('validate opts.ignore', ['duplicate_permission', 42, {}, [42], ['nope']], (v) => validate(CONFIG, { ignore: v }), 'invalid_argument');
    add('validate opts.severity', ['x', 42, [], { duplicate_permission: 'fatal' }, { duplicate_permission: 3 }, { nope: 'error' }],
      (v) => validate(CONFIG, { severity: v }), 'invalid_argument');
    add('validate opts.now', NOT_TIMES, (v) => validate(CONFIG, { now: v }), 'invalid_time');
  }

  const badConfigs = [...NOT_OBJECTS, { permissions: 'read_group_content' }, { permissions: ['nope'] }, { product: 'x' }, { colour: 1 }];
  add('evaluate config', badConfigs, (v) => evaluate(v, REQUEST), 'invalid_config');
  const badRequests = [...NOT_OBJECTS, {}, { method: 'GET' }, { path: '/1' }, { method: 5, path: '/1' }, { method: 'GET', path: 5 },
    { ...REQUEST, extra: 1 }, { ...REQUEST, node: 'grp' }, { ...REQUEST, thread: 'x' }, { ...REQUEST, mentioned: 'yes' },
    { ...REQUEST, access_token: 5 }, { ...REQUEST, directory: { posts: { 1: 2 } } }, { ...REQUEST, target_user: 'x' }];
  add('evaluate request', badRequests, (v) => evaluate(CONFIG, v), 'invalid_request');
  add('evaluate request.now', ['x', -1, 1.5e12, {}, true], (v) => evaluate(CONFIG, { ...REQUEST, now: v }), 'invalid_time');
  const badCredentials = [42, 'x', true, [], () => ({}), Symbol('c'), 10n, {}, { app_secret: 5 }, { app_secret: '' },
    { app_secret: 's', tokens: 'x' }, { app_secret: 's', tokens: [{ sha256: 'x' }] }, { app_secret: 's', extra: 1 },
    { app_secret: 's', tokens: [{ sha256: 'a'.repeat(64), issued_at: 'x' }] }];
  add('evaluate credentials', badCredentials, (v) => evaluate(CONFIG, REQUEST, v), 'invalid_credentials');

  add('compile config', badConfigs, (v) => compile(v), 'invalid_config');
  add('compile credentials', badCredentials, (v) => compile(CONFIG, v), 'invalid_credentials');
  add('Policy.evaluate request', badRequests, (v) => policy.evaluate(v), 'invalid_request');

  if (tools) {
    const workplace = new Integration(CONFIG, { app_secret: 's' });
    const adminCenter = new Integration(AC_CONFIG, { app_secret: 's' });
    add('new Integration config', badConfigs, (v) => new Integration(v, { app_secret: 's' }), 'invalid_config');
    add('new Integration secret', [...NOT_OBJECTS, 's', {}, { app_secret: 5 }], (v) => new Integration(CONFIG, v), 'invalid_argument');
    add('new Integration empty secret', [{ app_secret: '' }], (v) => new Integration(CONFIG, v), undefined);
    const state = workplace.exportState();
    add('Integration.fromState state', [...NOT_OBJECTS, {}, { ...state, version: 2 }, { ...state, tokens: {} }],
      (v) => Integration.fromState(v, { app_secret: 's' }), 'invalid_state');
    add('Integration.fromState secret', [...NOT_OBJECTS, 's', { app_secret: 5 }], (v) => Integration.fromState(state, v), 'invalid_argument');
    add('Integration.issueToken', NOT_TIMES, (v) => adminCenter.issueToken(v), 'invalid_time');
    add('Integration.resetToken', NOT_TIMES, (v) => workplace.resetToken(v), 'invalid_time');
    add('Integration.resetSecret', NOT_STRINGS, (v) => workplace.resetSecret(v), 'invalid_argument');
    add('Integration.evaluate', badRequests, (v) => workplace.evaluate(v), 'invalid_request');
    add('Integration.handleTokenRequest form', [undefined, null, 42, true, [], () => ({}), Symbol('f'), 10n],
      (v) => adminCenter.handleTokenRequest(v, NOW), 'invalid_argument');
    add('Integration.handleTokenRequest now', NOT_TIMES,
      (v) => adminCenter.handleTokenRequest('grant_type=client_credentials', v), 'invalid_time');
  }

  // The edge gate and the clients built on it (js/clients.mjs). None of these reaches the network.
  const gate = new Gate(CONFIG, CREDS);
  add('new Gate config', badConfigs, (v) => new Gate(v, CREDS), 'invalid_config');
  add('new Gate credentials', [...NOT_OBJECTS, {}, { app_secret: 5 }], (v) => new Gate(CONFIG, v), 'invalid_credentials');
  add('new Gate opts', [42, 'x', true, []], (v) => new Gate(CONFIG, CREDS, v), 'invalid_argument');
  add('new Gate opts.directory', [42, 'x', { groups: 'x' }, { nope: [] }], (v) => new Gate(CONFIG, CREDS, { directory: v }), 'invalid_request');
  add('Gate.handle', [...NOT_OBJECTS, {}, { method: 'GET' }, { method: 'GET', url: 5 }, { method: 'GET', url: '/', extra: 1 }],
    (v) => gate.handle(v), 'invalid_request');
  add('Gate.handle now', ['x', -1, 1.5e12, {}], (v) => gate.handle({ method: 'GET', url: '/', now: v }), 'invalid_time');
  add('createGate', [...NOT_OBJECTS, { config: CONFIG, credentials: CREDS, clientIp: 'x' }], (v) => createGate(v), 'invalid_argument');
  add('createGate config', badConfigs, (v) => createGate({ config: v, credentials: CREDS }), 'invalid_config');
  if (tools) {
    const env = { access_token: 't', app_secret: 's' };
    add('preRequest request', [...NOT_OBJECTS, { url: 42 }, { url: {} }], (v) => preRequest(v, env), 'invalid_argument');
    add('preRequest environment', NOT_OBJECTS, (v) => preRequest({ url: '/me' }, v), 'invalid_argument');
    add('preRequest environment.access_token', NOT_STRINGS, (v) => preRequest({ url: '/me' }, { ...env, access_token: v }), 'invalid_argument');
    add('preRequest environment.app_secret', NOT_STRINGS, (v) => preRequest({ url: '/me' }, { ...env, app_secret: v }), 'invalid_argument');
    add('preRequest environment.config', ['not json', 42, true, []], (v) => preRequest({ url: '/me' }, { ...env, config: v }), 'invalid_config');
    add('preRequest opts.now', NOT_TIMES, (v) => preRequest({ url: '/me' }, env, { now: v }), 'invalid_time');
  }
  add('signedFetch input', NOT_STRINGS, (v) => signedFetch(v, undefined, { access_token: 't', app_secret: 's' }), 'invalid_argument');
  add('signedFetch init', [42, 'x', true], (v) => signedFetch('http://127.0.0.1:9/', v, { access_token: 't', app_secret: 's' }), 'invalid_argument');
  add('signedFetch creds', NOT_OBJECTS, (v) => signedFetch('http://127.0.0.1:9/', undefined, v), 'invalid_argument');
  add('runtimeClientIp', NOT_OBJECTS, (v) => runtimeClientIp(v), 'invalid_argument');
  add('toNodeListener', [undefined, null, 42, 'x', true, [], {}, Symbol('h'), 10n], (v) => toNodeListener(v), 'invalid_argument');
  return calls;
}

const ENTRIES = { appgrant, 'appgrant/edge': edge };

for (const [entry, api] of Object.entries(ENTRIES)) {
  describe(`wrong-typed arguments (${entry})`, () => {
    const calls = badCalls(api);

    test('cover every export', () => {
      const labels = calls.map(([label]) => label).join('\n');
      for (const name of Object.keys(api)) {
        if (name === 'permissions' || name === 'operations' || name === 'Policy') continue; // no arguments / no constructor
        assert.match(labels, new RegExp(`\\b${name}\\b`), name);
      }
      const methods = ['proof', 'legacy', 'Policy.evaluate'];
      if (api.Integration) methods.push('fromState', 'issueToken', 'resetToken', 'resetSecret', 'handleTokenRequest', 'Integration.evaluate');
      for (const method of methods) assert.match(labels, new RegExp(method.replace('.', '\\.')), method);
    });

    for (const [label, call, code] of calls) {
      test(`${label} throws ${code ?? 'a coded Error'}`, () => {
        assertThrowsCode(call, code);
        assertModuleHealthy(api);
      });
    }

    test('after hundreds of refused calls the module still answers exactly', () => {
      for (const [, call] of calls) {
        try {
          call();
        } catch {
          // refused as expected; each case is checked above
        }
      }
      assertModuleHealthy(api);
      assert.equal(api.appsecretProof('tok', 'sec', NOW).appsecret_proof, timedProof('tok', 'sec', NOW));
      assert.equal(api.evaluate(CONFIG, { ...REQUEST, source_ip: '203.0.113.1' }).allowed, true);
    });
  });
}

test('permissions() and operations() ignore stray arguments', () => {
  assert.deepEqual(appgrant.permissions(42, 'x'), appgrant.permissions());
  assert.deepEqual(appgrant.operations(null, {}), appgrant.operations());
});

// Hostile values run in a child process: if one corrupts the wasm instance, it must not take
// the rest of this file down with it. The child prints what it saw as JSON.
const repo = fileURLToPath(new URL('../..', import.meta.url));
function inChild(body) {
  const script = `
    import * as ag from 'appgrant';
    const outcome = (f) => { try { f(); return null; } catch (e) { return { name: e?.constructor?.name, code: e?.code ?? null }; } };
    const healthy = () => outcome(() => { if (ag.legacyAppsecretProof('what do ya want for nothing?', 'Jefe') !== '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843') throw new Error('wrong answer'); }) === null;
    const errors = [];
    ${body}
    console.log(JSON.stringify({ errors, healthy: healthy() }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out);
}

describe('hostile values do not poison the module', () => {
  // A JS exception or stack overflow raised while converting an argument must not unwind
  // through wasm frames: that would leave the shadow stack behind and corrupt the instance.
  test('a cyclic config throws a coded Error (or yields invalid_config), again and again', () => {
    const r = inChild(`
      const cyclic = {}; cyclic.self = cyclic;
      for (let i = 0; i < 3; i++) {
        errors.push(outcome(() => ag.validate(cyclic)));
        errors.push(outcome(() => ag.evaluate(cyclic, { method: 'GET', path: '/community' })));
      }`);
    for (const e of r.errors) if (e) assert.ok(e.code, `uncoded ${e.name}`);
    assert.equal(r.healthy, true);
  });

  test('a deeply nested config is refused with a code, and the module survives', () => {
    const r = inChild(`
      let deep = {}; let at = deep; for (let i = 0; i < 100000; i++) { at.a = {}; at = at.a; }
      for (let i = 0; i < 3; i++) errors.push(outcome(() => ag.validate({ permissions: [deep] })));`);
    for (const e of r.errors) if (e) assert.ok(e.code, `uncoded ${e.name}`);
    assert.equal(r.healthy, true);
  });

  test('getters and proxies that throw do not wear the module out', () => {
    const r = inChild(`
      const config = { get permissions() { throw new Error('boom'); } };
      const proxy = new Proxy({}, { ownKeys() { throw new Error('boom'); } });
      for (let i = 0; i < 2000; i++) {
        outcome(() => ag.validate(config));
        outcome(() => ag.evaluate(proxy, { method: 'GET', path: '/community' }));
      }`);
    assert.equal(r.healthy, true);
  });

  test('a moderately nested config and sparse arrays are plain data', () => {
    const r = inChild(`
      let deep = {}; let at = deep; for (let i = 0; i < 1000; i++) { at.a = {}; at = at.a; }
      errors.push(outcome(() => ag.validate({ permissions: [deep] })));
      errors.push(outcome(() => ag.requiredPermissions([, 'group.read'])));`);
    assert.deepEqual(r, { errors: [null, null], healthy: true });
  });
});

describe('secrecy', () => {
  const SECRET = 'Secrecy-Secret-6d2f0a93e1';
  const TOKEN = 'Secrecy-Token-81c4e7b5aa';
  const WORKPLACE = {
    app_id: '1234', permissions: ['read_group_content'], group_access: { mode: 'specific', groups: ['1001'] },
    ip_allowlist: ['203.0.113.0/24'], require_appsecret_proof: true,
  };

  /** Every output and thrown message of a battery of calls holding SECRET and TOKEN. */
  function collect() {
    const seen = [];
    const keep = (f) => {
      try {
        seen.push(f());
      } catch (e) {
        seen.push({ thrown: String(e?.message), code: e?.code });
      }
    };
    const creds = credentialsFor(TOKEN, SECRET);
    const at = { method: 'GET', node: 'group', source_ip: '203.0.113.9', now: NOW };
    const requests = [
      signed({ ...at, path: '/1001/feed' }, TOKEN, SECRET),
      signed({ ...at, path: '/2002/feed' }, TOKEN, SECRET),
      signed({ ...at, path: '/1001/feed' }, TOKEN, 'wrong-secret'),
      signed({ ...at, path: '/1001/feed' }, TOKEN, SECRET, NOW - 1000),
      { ...signed({ ...at, path: '/1001/feed' }, TOKEN, SECRET), access_token: `${TOKEN}x` },
      { ...signed({ ...at, path: '/1001/feed' }, TOKEN, SECRET), source_ip: '198.51.100.1' },
      { ...at, path: `/1001/feed?access_token=${TOKEN}&access_token=${TOKEN}` },
      { ...at, path: `/1001/../feed?access_token=${TOKEN}` },
      { ...at, path: `/1001/nope?access_token=${TOKEN}` },
      { ...at, path: `/1001/feed?access_token=${TOKEN}%zz` },
      { ...at, path: `/1001/feed?x=%zz&access_token=${TOKEN}` },
      { ...at, node: undefined, path: `/1001?access_token=${TOKEN}` },
      { ...at, path: `/1001/feed ${TOKEN}` },
      { ...at, method: 'GET', path: '/1001/feed', access_token: TOKEN, appsecret_proof: TOKEN, appsecret_time: TOKEN },
    ];
    for (const r of requests) {
      keep(() => evaluate(WORKPLACE, r, creds));
      keep(() => compile(WORKPLACE, creds).evaluate(r));
      keep(() => verifyAppsecretProof(r, SECRET, { now: NOW }));
    }
    // Bad input around the secrets.
    keep(() => evaluate(WORKPLACE, { ...at, path: '/1001/feed', access_token: 5 }, creds));
    keep(() => evaluate(WORKPLACE, { ...at, path: '/1001/feed' }, { app_secret: SECRET, tokens: [{ sha256: TOKEN }] }));
    keep(() => evaluate(WORKPLACE, { ...at, path: '/1001/feed' }, { app_secret: SECRET, tokens: TOKEN }));
    keep(() => evaluate(WORKPLACE, { ...at, path: '/1001/feed' }, { app_secret: [SECRET], tokens: [] }));
    keep(() => evaluate({ ...WORKPLACE, app_secret: SECRET }, { ...at, path: '/1001/feed' }, creds));
    keep(() => signRequest(`https://x/a b?access_token=${TOKEN}`, { access_token: TOKEN, app_secret: SECRET }));
    keep(() => signRequest(`https://x/?%zz=${TOKEN}`, { access_token: TOKEN, app_secret: SECRET }));
    keep(() => signRequest('https://x/\n', { access_token: TOKEN, app_secret: SECRET }));
    keep(() => signRequest('https://x/', { access_token: TOKEN, app_secret: SECRET }, { now: Date.now() }));
    keep(() => appsecretProof(TOKEN, SECRET, Date.now()));
    keep(() => new ProofSigner(SECRET).proof(TOKEN, 'soon'));
    keep(() => validate({ ...WORKPLACE, app_secret: SECRET, access_token: TOKEN, options: { password: SECRET }, name: `1234|${SECRET.replace(/-/g, '')}` }));
    // Integrations: issued tokens are raw tokens too.
    const ac = new Integration({ product: 'admin_center', app_id: '5678', permissions: ['manage_accounts'], ip_allowlist: ['203.0.113.0/24'] }, { app_secret: SECRET });
    const issued = [];
    keep(() => issued.push(ac.issueToken(NOW).access_token) && ac.exportState());
    for (const form of refusedTokenForms('5678', SECRET)) keep(() => ac.handleTokenRequest(form, NOW));
    keep(() => {
      const response = ac.handleTokenRequest(`access_token=5678%7C${SECRET}&grant_type=client_credentials`, NOW);
      issued.push(response.access_token);
      return ac.exportState();
    });
    keep(() => ac.evaluate({ method: 'GET', path: '/scim/v1/Users', source_ip: '203.0.113.9', access_token: issued[0], now: NOW }));
    keep(() => ac.evaluate({ method: 'GET', path: '/scim/v1/Users', source_ip: '198.51.100.9', access_token: issued[1], now: NOW + 9000 }));
    keep(() => ac.resetToken(NOW));
    keep(() => Integration.fromState({ ...ac.exportState(), tokens: [{ sha256: issued[1] }] }, { app_secret: SECRET }));
    keep(() => Integration.fromState(ac.exportState(), { app_secret: '' }));
    const wp = new Integration(WORKPLACE, { app_secret: SECRET });
    keep(() => { issued.push(wp.issueToken(NOW).access_token); return wp.exportState(); });
    keep(() => wp.issueToken(NOW));
    keep(() => wp.evaluate(signed({ ...at, path: '/1001/feed' }, issued.at(-1), SECRET)));
    keep(() => wp.evaluate(signed({ ...at, path: '/1001/feed' }, issued.at(-1), SECRET, NOW + 999)));
    keep(() => wp.handleTokenRequest(`access_token=1234%7C${SECRET}&grant_type=client_credentials`, NOW));
    return { text: JSON.stringify(seen), issued };
  }

  test('no output or thrown message contains the app secret or a raw token', () => {
    const { text, issued } = collect();
    assert.equal(issued.length, 3, 'tokens were issued');
    for (const [what, secret] of [['app secret', SECRET], ['token', TOKEN], ...issued.map((t, i) => [`issued token ${i}`, t])]) {
      assert.ok(!text.includes(secret), `the ${what} leaked: ${text.slice(Math.max(0, text.indexOf(secret) - 200), text.indexOf(secret) + 60)}`);
    }
    assert.ok(!text.includes(SECRET.replace(/-/g, '')), 'nor the secret without its dashes');
  });

  test('the battery did produce errors, diagnostics, traces and states to search', () => {
    const { text } = collect();
    for (const needle of ['"thrown"', '"trace"', '"severity"', '"sha256"', '"error"']) assert.ok(text.includes(needle), needle);
  });
});
