// Hostile input: every export, method and client is fed tens of thousands of random values —
// wrong types, numbers at every edge, strings with lone surrogates and NULs, sparse and cyclic
// structures, getters, proxies and toJSON that throw, 100,000-deep nesting, and 10 MB strings —
// both as whole arguments and planted one field deep inside otherwise valid ones. Every call must
// return, throw an Error with a stable `code`, or pass on the caller's own exception (a getter we
// planted that throws); never a glue TypeError or a wasm trap. Afterwards the module must still
// answer known questions exactly. Values come from a seeded generator: a failure names its seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as appgrant from 'appgrant';
import {
  Gate, Integration, ProofSigner, appsecretProof, compile, createGate, evaluate, legacyAppsecretProof, operations,
  permissions, preRequest, requiredPermissions, runtimeClientIp, signRequest, signedFetch, toNodeListener, validate,
  verifyAppsecretProof,
} from 'appgrant';
import { ERROR_CODES, NOW, assertModuleHealthy, sha256Hex, timedProof } from './fixtures.mjs';

const SEED = Number(process.env.APPGRANT_HOSTILE_SEED ?? 0x4057_11e);
const CALLS_PER_EXPORT = 1500;
const HUGE = 10 * 1024 * 1024;
/** The longest any one call may take, 10 MB arguments included: a slower one is a denial of service. */
const MAX_CALL_MS = 3000;

/** Thrown by the getters, proxies and toJSON we plant: the caller's own exception. */
class Planted extends Error {}


function generator(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (list) => list[int(list.length)] };
}
const rng = generator(SEED);

const WORDS = [
  'GET', 'POST', 'DELETE', 'get', '/1001/feed', '/v18.0/1001/feed', '/community/groups', '/me/messages', '/scim/v1/Users',
  '/../1001', '/1001%2Ffeed', 'read_group_content', 'manage_group_content', 'manage_accounts', 'Read group content',
  'workplace', 'admin_center', 'security', 'specific', 'all', 'group_admins', 'group', 'member', 'post', '1001', '55',
  '203.0.113.7', '203.0.113.0/24', '::ffff:203.0.113.7', '010.0.0.1', 'fe80::1%eth0', '0.0.0.0/0', 'client_credentials',
  'grant_type=client_credentials&access_token=5678%7Csecret', 'access_token=x&appsecret_proof=y&appsecret_time=1',
  '%zz', '%', '', ' ', '\u0000', '\ud800', '\udfff', 'a\ud800b', '😀', 'Bearer x', 'OAuth', 'https://graph.workplace.com/me',
  String(NOW), `${NOW}.5`, '1e9', '-1', 'a'.repeat(64), 'A'.repeat(64), 'sha256', 'toString', '__proto__', 'constructor',
];
const KEYS = [
  'method', 'path', 'node', 'group_id', 'fields', 'source_ip', 'access_token', 'appsecret_proof', 'appsecret_time', 'now',
  'mentioned', 'thread', 'target_user', 'directory', 'groups', 'members', 'posts', 'product', 'app_id', 'name',
  'admin_center_tab', 'permissions', 'options', 'auto_invite', 'group_chats', 'group_access', 'mode', 'ip_allowlist',
  'require_appsecret_proof', 'keep_unused_permissions', 'unused_permission_days', 'usage', 'uses', 'app_secret', 'tokens',
  'sha256', 'issued_at', 'expires_at', 'version', 'config', 'ignore', 'severity', 'max_age_seconds', 'max_skew_seconds',
  'url', 'body', 'client_ip', 'authorization', 'params', 'headers', 'environment', 'grant_type', 'upstream', 'clientIp',
  'onDecision', 'maxBodyBytes', 'key', 'value', 'disabled', '__proto__', 'toJSON', '',
];
const NUMBERS = [
  0, -0, 1, -1, 0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 64,
  1e308, 5e-324, Number.MAX_VALUE, NOW, NOW + 0.999, NOW * 1000, 253_402_300_799, 253_402_300_800, 7200, 300, 301, -300,
];

/** A string of random UTF-16 code units: lone surrogates, NULs and controls included. */
function codeUnits(length) {
  let out = '';
  for (let i = 0; i < length; i++) {
    const r = rng.next();
    out += String.fromCharCode(r < 0.6 ? 0x20 + rng.int(0x5f) : r < 0.7 ? rng.int(0x20) : r < 0.8 ? 0xd800 + rng.int(0x800) : rng.int(0x10000));
  }
  return out;
}

function deep(depth, leaf) {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
  return value;
}

// Built once: 10 MB strings (ASCII, and random code units with lone surrogates) and 100,000-deep nesting.
const HUGE_ASCII = 'x'.repeat(HUGE);
const HUGE_UNITS = codeUnits(4096).repeat(HUGE / 4096);
const DEEP = deep(100_000, 'leaf');

function throwing() {
  const kind = rng.int(7);
  if (kind === 0) return { get [rng.pick(KEYS)]() { throw new Planted('getter'); } };
  if (kind === 1) return new Proxy({}, { ownKeys() { throw new Planted('ownKeys'); }, get() { throw new Planted('get'); } });
  if (kind === 2) return { toJSON() { throw new Planted('toJSON'); } };
  if (kind === 3) return { [Symbol.toPrimitive]() { throw new Planted('toPrimitive'); }, toString() { throw new Planted('toString'); } };
  if (kind === 4) {
    const cyclic = { method: 'GET', path: '/1001/feed' };
    cyclic.self = cyclic;
    return cyclic;
  }
  if (kind === 5) return { toJSON: () => hostile(2) };
  return new Proxy([], { get(target, key) { if (key === 'length') throw new Planted('length'); return Reflect.get(target, key); } });
}

/** Sets an own property, even `__proto__`, whatever the prototype says. */
const put = (object, key, value) => Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });

/** One random value of any kind, `depth` levels at most. */
function hostile(depth = 3) {
  const r = rng.int(depth > 0 ? 14 : 9);
  switch (r) {
    case 0: return rng.pick([undefined, null, true, false]);
    case 1: return rng.pick(NUMBERS);
    case 2: return rng.pick(WORDS);
    case 3: return codeUnits(rng.int(40));
    case 4: return rng.pick([10n, -1n, 2n ** 64n, Symbol('s'), Symbol.iterator]);
    case 5: return rng.pick([() => 'x', function named() {}, class K {}, async () => 1, Math.max]);
    case 6: return rng.pick([new Date(NOW * 1000), new Date(NaN), new Date(8.64e15), /re/g, new Map([[1, 2]]), new Set([1]),
      new Uint8Array([1, 2]), new ArrayBuffer(8), Promise.resolve(1), new Error('e'), new WeakMap(), Object.create(null),
      Object.freeze({ method: 'GET' }), new String('s'), new Number(1), new Boolean(false), globalThis]);
    case 7: return rng.next() < 0.02 ? rng.pick([HUGE_ASCII.slice(0, 1 << 16), DEEP]) : rng.pick(WORDS) + codeUnits(rng.int(8));
    case 8: return throwing();
    case 9: case 10: {
      const object = {};
      for (let i = rng.int(6); i > 0; i--) put(object, rng.pick(KEYS), hostile(depth - 1));
      return object;
    }
    case 11: {
      const array = [];
      for (let i = rng.int(5); i > 0; i--) array.push(hostile(depth - 1));
      if (rng.next() < 0.2) array[rng.int(50)] = hostile(0); // sparse
      return array;
    }
    case 12: return Array.from({ length: rng.int(4) }, () => rng.pick(WORDS));
    default: return deep(1 + rng.int(50), hostile(0));
  }
}

/** `value` with one field (at any depth) replaced by a hostile value, or the whole of it. */
function mutate(value, depth = 0) {
  if (rng.next() < 0.25 || value === null || typeof value !== 'object') return hostile();
  const copy = Array.isArray(value) ? [...value] : { ...value };
  const keys = Object.keys(copy);
  const key = keys.length && rng.next() < 0.8 ? rng.pick(keys) : Array.isArray(copy) ? copy.length : rng.pick(KEYS);
  put(copy, key, depth < 2 && rng.next() < 0.5 ? mutate(copy[key], depth + 1) : hostile());
  return copy;
}

// Valid arguments to start from, so that mutations reach past the first check.
const SECRET = 'hostile-secret';
const TOKEN = 'hostile-token';
const CONFIG = { app_id: '1234', permissions: ['read_group_content', 'manage_work_profiles'], group_access: { mode: 'specific', groups: ['1001'] },
  ip_allowlist: ['203.0.113.0/24'], require_appsecret_proof: true, uses: ['group.feed.read'] };
const AC_CONFIG = { product: 'admin_center', app_id: '5678', permissions: ['manage_accounts'], ip_allowlist: ['203.0.113.0/24'] };
const CREDS = { app_secret: SECRET, tokens: [{ sha256: sha256Hex(TOKEN), issued_at: NOW - 100, expires_at: null }] };
const REQUEST = { method: 'GET', path: '/v18.0/1001/feed', node: 'group', source_ip: '203.0.113.7', now: NOW, access_token: TOKEN,
  appsecret_proof: timedProof(TOKEN, SECRET, NOW), appsecret_time: NOW, fields: ['message'], directory: { groups: ['1001'] } };
const EXCHANGE = { method: 'GET', url: `/v18.0/1001/feed?access_token=${TOKEN}`, body: null, client_ip: '203.0.113.7', authorization: null, now: NOW };

const signer = new ProofSigner(SECRET);
const policy = compile(CONFIG, CREDS);
const workplace = new Integration(CONFIG, { app_secret: SECRET });
const adminCenter = new Integration(AC_CONFIG, { app_secret: SECRET });
const gate = new Gate(CONFIG, CREDS, { directory: { groups: ['1001'] } });
const handler = createGate({ config: CONFIG, credentials: CREDS, clientIp: () => '203.0.113.7' });

/** [name, valid arguments, call]: every export and method. */
const TARGETS = [
  ['appsecretProof', [TOKEN, SECRET, NOW], (a) => appsecretProof(...a)],
  ['legacyAppsecretProof', [TOKEN, SECRET], (a) => legacyAppsecretProof(...a)],
  ['new ProofSigner', [SECRET], (a) => new ProofSigner(...a).free()],
  ['ProofSigner.proof', [TOKEN, NOW], (a) => signer.proof(...a)],
  ['ProofSigner.legacy', [TOKEN], (a) => signer.legacy(...a)],
  ['verifyAppsecretProof', [{ access_token: TOKEN, appsecret_proof: timedProof(TOKEN, SECRET, NOW), appsecret_time: NOW }, SECRET, { now: NOW, max_age_seconds: 300 }],
    (a) => verifyAppsecretProof(...a)],
  ['signRequest', ['https://graph.workplace.com/v18.0/1001/feed?fields=a', { access_token: TOKEN, app_secret: SECRET }, { now: NOW }], (a) => signRequest(...a)],
  ['permissions', [], (a) => permissions(...a)],
  ['operations', [], (a) => operations(...a)],
  ['requiredPermissions', [['group.feed.read', { method: 'GET', path: '/55', fields: 'email', node: 'member' }]], (a) => requiredPermissions(...a)],
  ['validate', [CONFIG, { now: NOW, ignore: ['ip_allowlist_missing'], severity: { permission_not_needed: 'error' } }], (a) => validate(...a)],
  ['evaluate', [CONFIG, REQUEST, CREDS], (a) => evaluate(...a)],
  ['compile', [CONFIG, CREDS], (a) => compile(...a).free()],
  ['Policy.evaluate', [REQUEST], (a) => policy.evaluate(...a).toJSON()],
  ['new Integration', [CONFIG, { app_secret: SECRET }], (a) => new Integration(...a).free()],
  ['Integration.fromState', [workplace.exportState(), { app_secret: SECRET }], (a) => Integration.fromState(...a).free()],
  ['Integration.issueToken', [NOW], (a) => adminCenter.issueToken(...a)],
  ['Integration.resetToken', [NOW], (a) => workplace.resetToken(...a)],
  ['Integration.resetSecret', [SECRET], (a) => workplace.resetSecret(...a)],
  ['Integration.evaluate', [REQUEST], (a) => workplace.evaluate(...a)],
  ['Integration.handleTokenRequest', [`access_token=5678%7C${SECRET}&grant_type=client_credentials`, NOW], (a) => adminCenter.handleTokenRequest(...a)],
  ['Integration.exportState', [], (a) => workplace.exportState(...a)],
  ['new Gate', [CONFIG, CREDS, { directory: { groups: ['1001'] } }], (a) => new Gate(...a).free()],
  ['Gate.handle', [EXCHANGE], (a) => gate.handle(...a)],
  ['preRequest', [{ method: 'GET', url: 'https://graph.workplace.com/v18.0/1001/feed', params: [{ key: 'fields', value: 'message' }] },
    { access_token: TOKEN, app_secret: SECRET, config: CONFIG }, { now: NOW }], (a) => preRequest(...a)],
  ['signedFetch', ['https://graph.workplace.com/v18.0/1001/feed', {}, { access_token: TOKEN, app_secret: SECRET }], (a) => signedFetch(...a)],
  ['createGate', [{ config: CONFIG, credentials: CREDS, clientIp: () => '203.0.113.7', upstream: 'https://upstream.test/v18.0',
    directory: { groups: ['1001'] }, onDecision: () => {}, maxBodyBytes: 1024 }], (a) => createGate(...a)],
  ['runtimeClientIp', [new Request('http://gate.test/'), { remoteAddr: { hostname: '203.0.113.7' } }], (a) => runtimeClientIp(...a)],
  ['toNodeListener', [() => new Response('')], (a) => toNodeListener(...a)],
];

/** What a call did: 'ok', 'coded', 'planted', or a description of what it must not do. */
async function outcome(call, args) {
  try {
    const value = call(args);
    if (value instanceof Promise) await value.catch((e) => { throw e; });
    return 'ok';
  } catch (e) {
    if (e instanceof Planted) return 'planted';
    if (e instanceof WebAssembly.RuntimeError) return `wasm trap: ${e.message}`;
    if (e instanceof Error && !(e instanceof TypeError) && ERROR_CODES.includes(e.code) && e.message) return 'coded';
    // A promise from signedFetch rejects only as fetch does (fetch is stubbed below to refuse).
    if (e?.cause === 'stubbed fetch') return 'ok';
    return `${e?.constructor?.name}: ${String(e?.message).slice(0, 200)} (code ${e?.code})`;
  }
}

/** Known answers, computed without appgrant: the module still works and still works exactly. */
function assertAnswersExactly() {
  assertModuleHealthy();
  assert.equal(appsecretProof('tok', 'sec', NOW).appsecret_proof, timedProof('tok', 'sec', NOW));
  const p = new ProofSigner('sec');
  assert.equal(p.proof('tok', NOW).appsecret_proof, timedProof('tok', 'sec', NOW));
  p.free();
  const config = { permissions: ['read_group_content'], group_access: { mode: 'specific', groups: ['1001'] }, require_appsecret_proof: true };
  const creds = { app_secret: 'sec', tokens: [{ sha256: sha256Hex('tok'), issued_at: 0, expires_at: null }] };
  const call = { method: 'GET', path: '/1001/feed', node: 'group', now: NOW, access_token: 'tok', appsecret_proof: timedProof('tok', 'sec', NOW), appsecret_time: NOW };
  assert.equal(evaluate(config, call, creds).allowed, true);
  assert.equal(evaluate(config, { ...call, path: '/2002/feed' }, creds).reason, 'group_not_allowed');
  const compiled = compile(config, creds);
  assert.equal(compiled.evaluate(call).allowed, true);
  assert.deepEqual(compiled.evaluate({ ...call, appsecret_time: NOW - 301, appsecret_proof: timedProof('tok', 'sec', NOW - 301) }).reason, 'proof_expired');
  compiled.free();
  assert.deepEqual(validate({ permissions: ['read_grup_content'] }).map((d) => d.code).slice(0, 1), ['unknown_permission']);
  assert.deepEqual(requiredPermissions(['group.feed.read']).permissions, ['read_group_content']);
  assert.equal(verifyAppsecretProof({ access_token: 'tok', appsecret_proof: timedProof('tok', 'sec', NOW), appsecret_time: String(NOW) }, 'sec', { now: NOW }).ok, true);
  const ac = new Integration(AC_CONFIG, { app_secret: 'sec' });
  const issued = ac.handleTokenRequest('access_token=5678%7Csec&grant_type=client_credentials', NOW);
  assert.equal(issued.expires_in, 7200);
  assert.equal(ac.evaluate({ method: 'GET', path: '/scim/v1/Users', source_ip: '203.0.113.9', access_token: issued.access_token, now: NOW }).allowed, true);
  ac.free();
  assert.equal(permissions().length, 26);
}

test(`every export survives ${CALLS_PER_EXPORT} random values each, 10 MB strings and deep nesting (seed ${SEED})`, async (t) => {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () => { throw new TypeError('no network in this test', { cause: 'stubbed fetch' }); };
  t.after(() => { globalThis.fetch = realFetch; });

  const bad = [];
  const tally = { ok: 0, coded: 0, planted: 0 };
  let slowest = { ms: 0, what: '' };
  const run = async (name, args, what) => {
    const label = `${name} ${what}`;
    const started = performance.now();
    const result = await outcome(TARGETS.find(([n]) => n === name)[2], args);
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, what: label };
    const problems = [...(ms > MAX_CALL_MS ? [`took ${Math.round(ms)} ms`] : []), ...(result in tally ? [] : [result])];
    if (problems.length === 0) tally[result]++;
    else bad.push(`${label}: ${problems.join('; ')}`);
  };

  // Huge and deep, deterministically: in place of each argument, of each field of an object
  // argument, of the first element of each list in it, and as a key of each object argument.
  const at = (value, path, replacement) => {
    if (path.length === 0) return replacement;
    const [head, ...rest] = path;
    const copy = Array.isArray(value) ? [...value] : { ...value };
    copy[head] = at(value[head], rest, replacement);
    return copy;
  };
  const positions = (value, path = [], depth = 0) => {
    const here = [path];
    if (depth < 2 && value && typeof value === 'object' && !(value instanceof Request)) {
      for (const key of Array.isArray(value) ? [0] : Object.keys(value)) here.push(...positions(value[key], [...path, key], depth + 1));
    }
    return here;
  };
  for (const [name, valid] of TARGETS) {
    const paths = valid.length ? valid.flatMap((arg, i) => positions(arg, [i])) : [[0]];
    // The two 10 MB strings take turns, so each kind reaches every export without doubling the run.
    for (const [j, path] of paths.entries()) {
      const [label, huge] = j % 2 ? ['10 MB of code units', HUGE_UNITS] : ['10 MB ASCII', HUGE_ASCII];
      await run(name, at(valid, path, huge), `${path.join('.')} = ${label}`);
      await run(name, at(valid, path, DEEP), `${path.join('.')} = 100,000-deep`);
    }
    for (const [i, arg] of valid.entries()) {
      if (arg && typeof arg === 'object' && !Array.isArray(arg) && !(arg instanceof Request)) {
        await run(name, at(valid, [i], { ...arg, [HUGE_ASCII]: 1 }), `a 10 MB key in argument ${i}`);
      }
    }
  }
  // Random: whole arguments and planted fields.
  for (const [name, valid] of TARGETS) {
    for (let n = 0; n < CALLS_PER_EXPORT; n++) {
      const args = valid.map((v) => (rng.next() < 0.5 ? v : mutate(v)));
      if (rng.next() < 0.1) args.push(hostile());
      if (rng.next() < 0.05) args.length = rng.int(args.length + 1);
      await run(name, args, `random call ${n}`);
    }
  }
  // The gate's fetch handler gets hostile HTTP: huge and odd URLs, headers and bodies.
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const requests = [
    new Request(`http://gate.test/${HUGE_ASCII.slice(0, 1 << 20)}`),
    new Request(`http://gate.test/1001/feed?access_token=${'%F0'.repeat(1000)}`),
    new Request('http://gate.test/1001/feed', { method: 'POST', headers: FORM, body: HUGE_ASCII }),
    new Request('http://gate.test/1001/feed', { method: 'POST', headers: FORM, body: `a=${'%zz'.repeat(1000)}` }),
    new Request('http://gate.test/1001/feed', { method: 'POST', headers: FORM, body: new Uint8Array([0xff, 0xfe, 0x25, 0x3d]) }),
    new Request('http://gate.test/1001/feed', { headers: { authorization: `Bearer ${'x'.repeat(100_000)}` } }),
    new Request('http://gate.test/work_get_token', { method: 'POST', headers: FORM, body: 'grant_type=client_credentials&access_token=1234%7Cx' }),
  ];
  // URLs carry UTF-8 only: lone surrogates travel as the bytes of U+FFFD, or as raw %ED%A0%80.
  const encode = (s) => (rng.next() < 0.1 ? '%ED%A0%80' : '') + encodeURIComponent(s.toWellFormed());
  for (let n = 0; n < 300; n++) {
    const path = `/${[rng.pick(WORDS), rng.pick(WORDS), codeUnits(rng.int(6))].map(encode).join('/')}`;
    const query = Array.from({ length: rng.int(4) }, () => `${encode(rng.pick(KEYS))}=${encode(rng.pick(WORDS))}`).join('&');
    const method = rng.pick(['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS']);
    const body = method === 'GET' ? undefined : `${encode(rng.pick(KEYS))}=${encode(codeUnits(rng.int(20)))}`;
    requests.push(new Request(`http://gate.test${path}?${query}`, { method, headers: FORM, body }));
  }
  for (const [i, request] of requests.entries()) {
    const started = performance.now();
    try {
      const response = await handler(request);
      assert.ok([200, 400, 403, 413, 500].includes(response.status), `status ${response.status}`);
      await response.json();
      tally.ok++;
    } catch (e) {
      if (ERROR_CODES.includes(e?.code)) tally.coded++;
      else bad.push(`gate handler request ${i}: ${e?.constructor?.name}: ${e?.message}`);
    }
    const ms = performance.now() - started;
    if (ms > MAX_CALL_MS) bad.push(`gate handler request ${i}: took ${Math.round(ms)} ms`);
  }

  const total = tally.ok + tally.coded + tally.planted + bad.length;
  console.log(`hostile: ${total} calls over ${TARGETS.length} exports and methods + the gate handler: ${JSON.stringify(tally)}; ` +
    `slowest ${Math.round(slowest.ms)} ms (${slowest.what}); seed ${SEED}`);
  assert.deepEqual(bad.slice(0, 20), [], `${bad.length} calls misbehaved`);
  assert.ok(total >= 40_000, `${total} calls`);
  assertAnswersExactly();
});

test('the table covers every export', () => {
  const names = TARGETS.map(([n]) => n).join(' ');
  for (const name of Object.keys(appgrant)) {
    if (name === 'Policy') continue; // made by compile; its method is listed
    assert.match(names, new RegExp(`\\b${name}\\b`), name);
  }
});

test('an unknown name of any length is quoted clipped, with its length', () => {
  for (const [what, config, code] of [
    ['an unknown permission', { permissions: [HUGE_ASCII] }, 'unknown_permission'],
    ['an unknown key', { [HUGE_ASCII]: 1 }, 'invalid_config'],
    ['an unknown use', { uses: [HUGE_ASCII] }, 'unknown_operation'],
  ]) {
    const { message } = validate(config).find((d) => d.code === code);
    assert.match(message, new RegExp(`\`x{64}…\` \\(${HUGE} characters\\)`), what);
    assert.ok(message.length < 200, `${what}: a message of ${message.length} characters`);
  }
  assert.deepEqual(requiredPermissions([HUGE_ASCII, 'group.feed.read']).unmatched, [HUGE_ASCII]);
});

test('the clients read params in linear time and refuse what has no text with a code', () => {
  const env = { access_token: 't', app_secret: 's' };
  const signed = preRequest({ url: '/me?fields=id', params: '?a=1&b=x+y' }, env, { now: NOW }).request.url;
  assert.match(signed, /^\/me\?fields=id&a=1&b=x%20y&access_token=t&appsecret_proof=[0-9a-f]{64}&appsecret_time=\d+$/);
  assert.equal(preRequest({ url: '/me', params: '' }, env, { now: NOW }).request.url.split('&')[0], '/me?access_token=t');
  const long = preRequest({ url: '/me', params: HUGE_ASCII }, env, { now: NOW }).request.url;
  assert.ok(long.startsWith(`/me?${HUGE_ASCII}=&access_token=t`), 'a 10 MB query string is one parameter');
  const refusals = [
    ['a lone surrogate in a params value', () => preRequest({ url: '/me', params: { a: '\ud800' } }, env), /request\.params\[0\] holds a lone surrogate/],
    ['a lone surrogate in a params key', () => preRequest({ url: '/me', params: [{ key: 'a\udfffb', value: '1' }] }, env), /key of request\.params\[0\]/],
    ['params of another type', () => preRequest({ url: '/me', params: 5 }, env), /request\.params must be/],
    ['a lone surrogate in a params query string', () => preRequest({ url: '/me', params: 'a=\ud800' }, env), /request\.params holds a lone surrogate/],
    ['a method without a string form', () => preRequest({ url: '/me', method: { toString: () => ({}) } }, env), /request\.method has no string form/],
    ['a params value whose toString returns a symbol', () => preRequest({ url: '/me', params: { a: { toString: () => Symbol('v') } } }, env), /no string form/],
    ['a URL object whose toString returns a symbol', () => signedFetch({ toString: () => Symbol('u') }, undefined, env), /input has no string form/],
    ['an unparsable upstream', () => createGate({ config: CONFIG, credentials: CREDS, upstream: 'not a url' }), /upstream cannot be read as an absolute URL/],
    ['an upstream object whose toString throws a TypeError', () => createGate({ config: CONFIG, credentials: CREDS, upstream: { toString: () => null.x } }), /upstream has no string form/],
    ['a request URL that cannot be read', () => preRequest({ url: 'http://[::1' }, { ...env, config: {} }), /request\.url cannot be read as a URL/],
  ];
  for (const [what, call, message] of refusals) {
    assert.throws(call, (e) => e.code === 'invalid_argument' && message.test(e.message), what);
  }
  assert.throws(() => preRequest({ url: '/me', params: { a: { toString() { throw new Planted('own'); } } } }, env), Planted,
    "the caller's own exception passes through");
});
