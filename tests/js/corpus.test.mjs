// The fast paths of js/fast.mjs against the glue's JSON path, on the benchmark's decision corpus
// (benches/corpus.mjs): a compiled Policy reads requests field by field and leaves the trace to
// be explained on demand; every decision, trace included, must be the one evaluate() gives.
// A Gate answers a Workplace exchange the same way: every answer, decision and trace included,
// must be the one the glue's own `handle` (the JSON path) gives. Proofs likewise: ProofSigner
// (with its token kept absorbed) and appsecretProof against node:crypto. Timings belong to
// `./dev bench`, not here.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { Gate, ProofSigner, appsecretProof, compile, evaluate } from 'appgrant';
import { CONFIG, CREDENTIALS, DIRECTORY, FULL_CONFIG, NOW, TOKEN, APP_SECRET, fullRequests, gateExchanges, permissionRequests, proofFor } from '../../benches/corpus.mjs';

// The glue's Gate, behind the package's: its `handle` reads the exchange as JSON and answers in JSON.
const { Gate: GlueGate } = createRequire(import.meta.url)('appgrant').__scopes.glue;

const plain = (decision) => JSON.parse(JSON.stringify(decision));

describe('Policy.evaluate (fast path) decides as evaluate()', () => {
  test('every permission-only request of the corpus, trace included', () => {
    const policy = compile(CONFIG);
    const requests = permissionRequests();
    assert.ok(requests.length > 100);
    for (const r of requests) assert.deepEqual(plain(policy.evaluate(r)), plain(evaluate(CONFIG, r)), JSON.stringify(r));
    policy.free();
  });

  test('every full request (token, address, proof) of the corpus, trace included', () => {
    const policy = compile(FULL_CONFIG, CREDENTIALS);
    const requests = fullRequests();
    const reasons = new Set();
    for (const r of requests) {
      const d = policy.evaluate(r);
      reasons.add(d.reason);
      assert.deepEqual(plain(d), plain(evaluate(FULL_CONFIG, r, CREDENTIALS)), JSON.stringify(r));
    }
    for (const reason of [null, 'ip_not_allowed', 'proof_expired', 'token_invalid', 'group_not_allowed']) assert.ok(reasons.has(reason), String(reason));
    policy.free();
  });

  test('a trace read late is still its own request’s, at its own clock', () => {
    const policy = compile(FULL_CONFIG, CREDENTIALS);
    const [first, second] = fullRequests();
    const a = policy.evaluate(first);
    const b = policy.evaluate({ ...second, method: 'DELETE' });
    assert.deepEqual(b.trace, evaluate(FULL_CONFIG, { ...second, method: 'DELETE' }, CREDENTIALS).trace);
    assert.deepEqual(a.trace, evaluate(FULL_CONFIG, first, CREDENTIALS).trace);
    const withoutNow = { method: 'GET', path: '/1001/feed', node: 'group' };
    const c = compile(CONFIG).evaluate(withoutNow);
    assert.deepEqual(c.trace, evaluate(CONFIG, withoutNow).trace);
    policy.free();
  });

  test('a run of requests with one token, the token changing, and refused requests between', () => {
    // The core keeps the last token it read, and the fast path passes it by reference after:
    // every switch, and every request the fast path could not read, must leave the two agreeing.
    const policy = compile(FULL_CONFIG, CREDENTIALS);
    const [signed] = fullRequests().filter((r) => r.access_token === TOKEN && r.appsecret_proof === proofFor(TOKEN, r.appsecret_time) && !r.path.includes('?'));
    const other = `${TOKEN.slice(0, -1)}y`;
    const bad = { ...signed, path: '/1001/\ud800feed' };
    const sequence = [
      signed, signed, { ...signed, access_token: other }, signed, { ...signed, access_token: other }, { ...signed, access_token: other },
      { ...signed, access_token: `${other}\ud800` }, signed, bad, { ...signed, access_token: other }, { ...bad, access_token: TOKEN },
      // After each request the fast path could not read, one with its token (not the kept one).
      signed, { ...signed, access_token: other }, { ...bad, access_token: TOKEN }, signed,
      { ...signed, access_token: other }, { ...signed, extra: 1 }, signed, { ...signed, access_token: '' }, { ...signed, access_token: '' }, signed,
      { ...signed, access_token: undefined }, signed,
    ];
    const reasons = [];
    for (const r of sequence) {
      let fast, slow;
      try { fast = plain(policy.evaluate(r)); } catch (e) { fast = e.code; }
      try { slow = plain(evaluate(FULL_CONFIG, r, CREDENTIALS)); } catch (e) { slow = e.code; }
      assert.deepEqual(fast, slow, JSON.stringify(r));
      reasons.push(typeof fast === 'string' ? fast : fast.reason);
    }
    assert.deepEqual(new Set(reasons), new Set([null, 'token_invalid', 'invalid_request', 'token_missing']));
    policy.free();
  });

  test('a decision has SPEC §5’s shape: own fields, trace in JSON, spread with toJSON', () => {
    const d = compile(CONFIG).evaluate({ method: 'POST', path: '/2002/feed', node: 'group' });
    assert.deepEqual(Object.keys(d.toJSON()), ['allowed', 'reason', 'operation', 'permission', 'trace', 'error']);
    assert.equal(d.allowed, false);
    assert.equal(d.reason, 'group_not_allowed');
    assert.deepEqual(d.error, { message: '(#200) The integration is not enabled for this group', type: 'OAuthException', code: 200 });
    assert.equal(d.trace.at(-1).check, 'group');
    assert.ok(JSON.stringify(d).includes('"trace":[{"check":"token"'));
    d.trace = [];
    assert.deepEqual(d.trace, []);
  });

  test('requests the fast path does not read take the JSON path and decide the same', () => {
    const policy = compile(CONFIG);
    const base = { method: 'GET', path: '/1001/feed', node: 'group' };
    const odd = [
      { ...base, directory: { groups: ['1001'] }, node: undefined },
      { ...base, fields: ['id', 'message'] },
      { ...base, fields: ['id, message'] },
      { ...base, now: NOW + 0.5 },
      { ...base, now: Number.NaN },
      { ...base, appsecret_time: Infinity },
      { ...base, method: 'get' },
      { ...base, group_id: null, mentioned: null, thread: null },
      { method: 'POST', path: '/55/password_reset', target_user: { claimed: true, active: false } },
      Object.assign(Object.create(null), base),
      // Strings the fast path writes into wasm memory as UTF-8 itself: past ASCII, and longer
      // than the room it has so far.
      { ...base, path: '/1001/f\u00e9ed' },
      { ...base, method: 'G\u00c9T' },
      { method: 'GET', path: '/1001_55', group_id: 'gr\u00fcppe\u{1f600}' },
      { ...base, path: `/1001/feed?fields=${'\u20ac'.repeat(400)}` },
      { ...base, path: `/${'1'.repeat(5000)}/feed` },
    ];
    for (const r of odd) assert.deepEqual(plain(policy.evaluate(r)), plain(evaluate(CONFIG, r)), JSON.stringify(r));
    const bad = [
      { ...base, extra: 1 }, { ...base, node: 'grp' }, { ...base, now: -1 }, { ...base, thread: 'x' }, { ...base, mentioned: 'yes' },
      { ...base, path: '/1001/\ud800feed' },
      // A lone surrogate in a long string (copied natively) and past an ASCII start (copied in a loop).
      { ...base, group_id: `${'7'.repeat(40)}\udc00` },
      { ...base, access_token: 'token-\ud800', source_ip: '203.0.113.9' },
    ];
    for (const r of bad) {
      let fast, slow;
      try { policy.evaluate(r); } catch (e) { fast = e; }
      try { evaluate(CONFIG, r); } catch (e) { slow = e; }
      assert.ok(fast && slow, JSON.stringify(r));
      assert.equal(fast.code, slow.code);
      assert.equal(fast.message, slow.message);
    }
  });

  test('a freed Policy refuses with a code and writes nothing into the freed memory', () => {
    const policy = compile(CONFIG);
    const request = { method: 'GET', path: '/1001/feed', node: 'group' };
    policy.evaluate(request);
    policy.free();
    for (let i = 0; i < 3; i++) assert.throws(() => policy.evaluate(request), (e) => e.code === 'invalid_argument');
    // A request the fast path does not read is refused the same way.
    assert.throws(() => policy.evaluate({ ...request, directory: { groups: ['1001'] } }), (e) => e.code === 'invalid_argument');
    const other = compile(CONFIG);
    assert.deepEqual(plain(other.evaluate(request)), plain(evaluate(CONFIG, request)), 'the heap is intact');
    other.free();
  });

  test('the trace of a decision whose Policy was freed is a coded error, not a crash', () => {
    const policy = compile(CONFIG);
    const d = policy.evaluate({ method: 'GET', path: '/1001/feed', node: 'group' });
    policy.free();
    assert.equal(d.allowed, true);
    assert.throws(() => d.trace, (e) => e.code === 'invalid_argument');
  });
});

describe('Gate.handle (fast path) answers as the glue’s handle', () => {
  const gates = () => [new Gate(FULL_CONFIG, CREDENTIALS, { directory: DIRECTORY }), new GlueGate(FULL_CONFIG, CREDENTIALS, { directory: DIRECTORY })];
  const signedQuery = `access_token=${TOKEN}&appsecret_proof=${proofFor(TOKEN, NOW)}&appsecret_time=${NOW}`;
  const base = { method: 'GET', url: `/1001/feed?${signedQuery}`, client_ip: '203.0.113.7', now: NOW };

  // The fast path's decisions read their trace on demand; the glue's have it as a field.
  function same(fast, glue, exchange, { path = 'fast' } = {}) {
    const [a, b] = [fast.handle(exchange), glue.handle(exchange)];
    assert.deepEqual(plain(a), plain(b), JSON.stringify(exchange));
    if (a.decision) assert.equal(Object.hasOwn(a.decision, 'trace') ? 'glue' : 'fast', path, JSON.stringify(exchange));
    return a;
  }

  test('every exchange of the corpus, decision, trace and body included', () => {
    const [fast, glue] = gates();
    const statuses = new Set();
    for (const { exchange } of gateExchanges()) {
      const answer = same(fast, glue, exchange);
      statuses.add(answer.status);
      // An allowed call's body is its decision; a denial's, Graph's error for its reason.
      if (answer.decision.allowed) assert.equal(answer.body, answer.decision);
      else assert.deepEqual(answer.body, { error: answer.decision.error });
    }
    assert.deepEqual([...statuses].sort(), [200, 400, 403]);
    fast.free();
    glue.free();
  });

  test('the ways an exchange carries credentials and fields, and exchanges without a clock', () => {
    const [fast, glue] = gates();
    const bare = { method: 'GET', url: '/1001/feed', client_ip: '203.0.113.7' };
    const exchanges = [
      { ...base, url: `https://graph.example/v18.0/1001/feed?${signedQuery}` },
      { ...base, url: `/1001/feed?appsecret_proof=${proofFor(TOKEN, NOW)}&appsecret_time=${NOW}`, authorization: `Bearer ${TOKEN}` },
      { ...base, url: `/1001/feed?appsecret_proof=${proofFor(TOKEN, NOW)}&appsecret_time=${NOW}`, authorization: `OAuth ${TOKEN}` },
      { ...base, method: 'POST', body: `message=hi&${signedQuery}`, url: '/1001/feed' },
      { ...base, method: 'POST', body: 'message=h%C3%A9', authorization: `Bearer ${TOKEN}` },
      { ...base, client_ip: null },
      { ...base, client_ip: undefined, body: null, authorization: null },
      { ...base, client_ip: '198.51.100.1' },
      { ...base, url: `/1001/feed?${signedQuery}&access_token=${TOKEN}` },
      { ...base, url: `/2002/feed?${signedQuery}` },
      { ...base, url: `/1001/f\u00e9ed?${signedQuery}` },
      { ...base, url: `/1001/feed?fields=${'\u20ac'.repeat(400)}&${signedQuery}` },
      { ...base, now: null },
      { ...base, now: NOW + 0.5 },
      { ...base, url: 'no path at all' },
      // What JSON.stringify leaves out, the fast path does too.
      { ...base, extra: undefined, [Symbol('s')]: 1 },
      // No clock: the gate reads its own, which no decision here depends on.
      bare,
      { ...bare, now: undefined },
      { ...bare, now: Number.NaN },
      { ...bare, authorization: 'Bearer not-a-token-on-record' },
    ];
    for (const exchange of exchanges) same(fast, glue, exchange);
    fast.free();
    glue.free();
  });

  test('exchanges the fast path does not read take the glue’s path, and answer or throw the same', () => {
    const [fast, glue] = gates();
    // (An unreadable form body is answered without a decision; the test of the path is the rest.)
    const odd = [{ ...base, method: 'POST', body: '%zz', url: '/1001/feed' }, Object.assign(Object.create(null), base)];
    for (const exchange of odd) same(fast, glue, exchange, { path: 'glue' });
    const bad = [
      { ...base, extra: 1 }, { ...base, client_ip: 7 }, { ...base, now: '1764000000' }, { ...base, now: -1e300 },
      { ...base, url: undefined }, { ...base, method: null }, null, 'GET /1001/feed',
      { ...base, authorization: `Bearer ${TOKEN}\ud800` },
      { ...base, body: `${'7'.repeat(40)}\udc00` },
    ];
    for (const exchange of bad) {
      let a, b;
      try { fast.handle(exchange); } catch (e) { a = e; }
      try { glue.handle(exchange); } catch (e) { b = e; }
      assert.ok(a && b, JSON.stringify(exchange));
      assert.equal(a.code, b.code, JSON.stringify(exchange));
      assert.equal(a.message, b.message);
    }
    // And the gate goes on answering.
    same(fast, glue, base);
  });

  test('a trace read late is still its own exchange’s', () => {
    const [fast, glue] = gates();
    const first = fast.handle(base);
    const second = fast.handle({ ...base, url: `/2002/feed?${signedQuery}` });
    assert.deepEqual(plain(second), plain(glue.handle({ ...base, url: `/2002/feed?${signedQuery}` })));
    assert.deepEqual(first.decision.trace, glue.handle(base).decision.trace);
    assert.equal(first.decision.trace.length, 7);
  });

  test('an Admin Center gate answers through the glue: its token endpoint changes what it accepts', () => {
    const config = { product: 'admin_center', app_id: '1234', permissions: ['manage_accounts'], ip_allowlist: ['203.0.113.0/24'] };
    const gate = new Gate(config, { app_secret: APP_SECRET });
    const issue = { method: 'POST', url: '/work_get_token', client_ip: '203.0.113.7', body: `access_token=1234%7C${APP_SECRET}&grant_type=client_credentials`, now: NOW };
    const issued = gate.handle(issue);
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    const token = issued.body.access_token;
    const call = { method: 'GET', url: '/community/members', client_ip: '203.0.113.7', authorization: `Bearer ${token}`, now: NOW + 1 };
    assert.equal(gate.handle({ ...call, authorization: 'Bearer made-up' }).decision.reason, 'token_invalid');
    assert.equal(gate.handle(call).decision.trace[0].ok, true, 'the token it issued passes');
    gate.free();
  });

  test('a freed Gate refuses with a code, and so does a trace read after', () => {
    const [fast] = gates();
    const answer = fast.handle(base);
    fast.free();
    assert.throws(() => fast.handle(base), (e) => e.code === 'invalid_argument');
    assert.throws(() => fast.handle({ ...base, extra: 1 }), (e) => e.code === 'invalid_argument');
    assert.throws(() => answer.decision.trace, (e) => e.code === 'invalid_argument');
    fast.free();
  });
});

describe('proofs (fast path) equal node:crypto', () => {
  test('ProofSigner.proof keeps the last token and signs whatever token it is given', () => {
    const signer = new ProofSigner(APP_SECRET);
    for (let i = 0; i < 50; i++) {
      const token = i % 3 ? TOKEN : `${TOKEN}${i}`;
      assert.deepEqual(signer.proof(token, NOW + i), { appsecret_proof: proofFor(token, NOW + i), appsecret_time: NOW + i });
    }
    assert.equal(signer.proof(TOKEN, NOW + 0.75).appsecret_time, NOW);
    assert.ok(Object.is(signer.proof(TOKEN, -0).appsecret_time, 0), '-0 is 0');
    signer.free();
  });

  test('appsecretProof', () => {
    for (let i = 0; i < 20; i++) assert.equal(appsecretProof(TOKEN, APP_SECRET, NOW - i).appsecret_proof, proofFor(TOKEN, NOW - i));
  });
});
