// App secret proofs (SPEC §4): generation against node:crypto, RFC 4231 vectors, verification
// with every reason it can give, and URL signing.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { describe, test } from 'node:test';
import { ProofSigner, appsecretProof, legacyAppsecretProof, signRequest, verifyAppsecretProof } from 'appgrant';
import { NOW, assertThrowsCode, hmacHex, randomText, randomToken, timedProof } from './fixtures.mjs';

/** Largest time accepted: the last second of year 9999. */
const LAST_SECOND = 253_402_300_799;

describe('appsecretProof and ProofSigner.proof', () => {
  test('equal HMAC-SHA256(secret, token|time) from node:crypto for random inputs', () => {
    for (let i = 0; i < 300; i++) {
      const token = i % 3 === 0 ? randomToken() : randomText(1 + randomInt(i % 10 === 0 ? 200 : 40));
      const secret = randomText(1 + randomInt(64));
      const time = randomInt(0, 2 ** 47) % (LAST_SECOND + 1);
      const expected = { appsecret_proof: timedProof(token, secret, time), appsecret_time: time };
      assert.deepEqual(appsecretProof(token, secret, time), expected, `token ${JSON.stringify(token)}`);
      assert.deepEqual(new ProofSigner(secret).proof(token, time), expected);
    }
  });

  test('long (200-character) and non-ASCII tokens and secrets', () => {
    for (const [token, secret] of [
      ['x'.repeat(200), 'secret'],
      [randomText(200), randomText(200)],
      ['jeton-été-日本-😀', 'clé-secrète-🔑'],
      ['token with spaces|and pipes', 'a|b'],
    ]) {
      assert.equal(appsecretProof(token, secret, NOW).appsecret_proof, timedProof(token, secret, NOW));
    }
  });

  test('one signer serves many tokens and times', () => {
    const secret = randomText(32);
    const signer = new ProofSigner(secret);
    for (let i = 0; i < 100; i++) {
      const token = randomToken();
      assert.equal(signer.proof(token, NOW + i).appsecret_proof, timedProof(token, secret, NOW + i));
    }
    signer.free();
  });

  test('float times are floored before hashing', () => {
    for (const [time, floored] of [[NOW + 0.999, NOW], [NOW + 0.5, NOW], [0.25, 0], [LAST_SECOND - 0.5, LAST_SECOND - 1]]) {
      const expected = { appsecret_proof: timedProof('tok', 'sec', floored), appsecret_time: floored };
      assert.deepEqual(appsecretProof('tok', 'sec', time), expected, String(time));
      assert.deepEqual(new ProofSigner('sec').proof('tok', time), expected);
    }
  });

  test('a Date is read as its Unix seconds, floored', () => {
    const date = new Date(NOW * 1000 + 987);
    assert.deepEqual(appsecretProof('tok', 'sec', date), { appsecret_proof: timedProof('tok', 'sec', NOW), appsecret_time: NOW });
    assert.equal(new ProofSigner('sec').proof('tok', date).appsecret_time, NOW);
  });

  test('without a time, now is used', () => {
    for (const make of [(t) => appsecretProof(t, 'sec'), (t) => new ProofSigner('sec').proof(t)]) {
      const before = Math.floor(Date.now() / 1000);
      const p = make('tok');
      const after = Math.floor(Date.now() / 1000);
      assert.ok(p.appsecret_time >= before && p.appsecret_time <= after, `${p.appsecret_time} not in [${before}, ${after}]`);
      assert.equal(p.appsecret_proof, timedProof('tok', 'sec', p.appsecret_time));
    }
  });

  test('a millisecond time (Date.now()) throws invalid_time instead of signing a useless proof', () => {
    assertThrowsCode(() => appsecretProof('tok', 'sec', Date.now()), 'invalid_time');
    assertThrowsCode(() => new ProofSigner('sec').proof('tok', Date.now()), 'invalid_time');
    assertThrowsCode(() => appsecretProof('tok', 'sec', LAST_SECOND + 1), 'invalid_time');
  });

  test('a freed ProofSigner refuses with a code, and another signs on', () => {
    const signer = new ProofSigner('sec');
    signer.proof('tok', NOW);
    signer.free();
    assertThrowsCode(() => signer.proof('tok', NOW), 'invalid_argument');
    assertThrowsCode(() => signer.legacy('tok'), 'invalid_argument');
    signer.free();
    assert.equal(new ProofSigner('sec').proof('tok', NOW).appsecret_proof, timedProof('tok', 'sec', NOW));
  });

  test('times that are no Unix seconds throw invalid_time', () => {
    for (const time of [Number.NaN, Infinity, -Infinity, -1, new Date(Number.NaN), '1764000000', {}, [], true]) {
      assertThrowsCode(() => appsecretProof('tok', 'sec', time), 'invalid_time');
    }
  });
});

describe('legacyAppsecretProof', () => {
  test('equals HMAC-SHA256(secret, token) from node:crypto', () => {
    for (let i = 0; i < 100; i++) {
      const token = randomText(1 + randomInt(200));
      const secret = randomText(1 + randomInt(80));
      assert.equal(legacyAppsecretProof(token, secret), hmacHex(secret, token));
      assert.equal(new ProofSigner(secret).legacy(token), hmacHex(secret, token));
    }
  });

  // RFC 4231 §4, HMAC-SHA-256 outputs. Only cases whose key and data are valid UTF-8 can be
  // passed through a string API (strings are encoded as UTF-8):
  //   case 1: key 0x0b x20 (ASCII vertical tab), data "Hi There"            -> expressible
  //   case 2: key "Jefe", data "what do ya want for nothing?"              -> expressible
  //   case 3: key 0xaa x20, data 0xdd x50                                   -> not: 0xaa/0xdd alone are not UTF-8
  //   case 4: key 0x01..0x19, data 0xcd x50                                 -> not: 0xcd x50 is not UTF-8
  //   case 5: key 0x0c x20, data "Test With Truncation", output truncated  -> expressible (128-bit prefix)
  //   cases 6, 7: key 0xaa x131 (longer than a block)                       -> not: 0xaa is not UTF-8
  // No string makes the key bytes 0xaa...: U+00AA is encoded as 0xc2 0xaa.
  const RFC4231 = [
    ['case 1', '\x0b'.repeat(20), 'Hi There', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['case 2', 'Jefe', 'what do ya want for nothing?', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['case 5 (truncated to 128 bits)', '\x0c'.repeat(20), 'Test With Truncation', 'a3b6167473100ee06e0c796c2955552b'],
  ];
  for (const [name, key, data, expected] of RFC4231) {
    test(`RFC 4231 ${name}`, () => {
      assert.equal(legacyAppsecretProof(data, key).slice(0, expected.length), expected);
      assert.equal(new ProofSigner(key).legacy(data).slice(0, expected.length), expected);
    });
  }
});

describe('verifyAppsecretProof', () => {
  const TOKEN = 'verify-token-7d1c';
  const SECRET = 'verify-secret-e42a';
  const params = (time = NOW, overrides = {}) => ({
    access_token: TOKEN,
    appsecret_proof: timedProof(TOKEN, SECRET, time),
    appsecret_time: time,
    ...overrides,
  });
  const verify = (p, opts = { now: NOW }) => verifyAppsecretProof(p, SECRET, opts);
  const ok = { ok: true, reason: null };
  const denied = (reason) => ({ ok: false, reason });

  test('a fresh proof is ok, with the time as a number or a decimal string', () => {
    assert.deepEqual(verify(params()), ok);
    assert.deepEqual(verify(params(NOW, { appsecret_time: String(NOW) })), ok);
    assert.deepEqual(verify({ access_token: TOKEN, ...appsecretProof(TOKEN, SECRET, NOW) }), ok, 'round trip');
  });

  test('opts.now may be a Date, and defaults to the clock', () => {
    assert.deepEqual(verify(params(), { now: new Date(NOW * 1000) }), ok);
    const current = Math.floor(Date.now() / 1000);
    assert.deepEqual(verifyAppsecretProof(params(current), SECRET), ok);
    assert.deepEqual(verifyAppsecretProof(params(NOW), SECRET), denied('proof_expired'), 'NOW is long past');
  });

  test('token_missing', () => {
    const { access_token, ...rest } = params();
    assert.deepEqual(verify(rest), denied('token_missing'));
    assert.deepEqual(verify({ ...rest, access_token: '' }), denied('token_missing'));
  });

  test('proof_missing: no proof, no time, or empty ones', () => {
    const { appsecret_proof, appsecret_time, ...token } = params();
    assert.deepEqual(verify({ ...token, appsecret_time }), denied('proof_missing'));
    assert.deepEqual(verify({ ...token, appsecret_proof }), denied('proof_missing'));
    assert.deepEqual(verify(token), denied('proof_missing'));
    assert.deepEqual(verify({ ...token, appsecret_proof: '', appsecret_time }), denied('proof_missing'));
    assert.deepEqual(verify({ ...token, appsecret_proof, appsecret_time: '' }), denied('proof_missing'));
  });

  test('proof_malformed: the proof is not 64 lower-case hex digits', () => {
    const good = timedProof(TOKEN, SECRET, NOW);
    for (const proof of [good.toUpperCase(), good.slice(0, 63), `${good}0`, `${good.slice(0, 63)}g`, ` ${good.slice(1)}`, 42]) {
      assert.deepEqual(verify(params(NOW, { appsecret_proof: proof })), denied('proof_malformed'), String(proof));
    }
  });

  test('proof_malformed: the time is not an integer number of seconds', () => {
    for (const time of ['1.5', '1e9', `${NOW}.0`, `+${NOW}`, ` ${NOW}`, '0x10', 'now', 1.5, Number.NaN, {}, [], true]) {
      assert.deepEqual(verify(params(NOW, { appsecret_time: time })), denied('proof_malformed'), JSON.stringify(time));
    }
  });

  test('proof_future: a time ahead of now, unless within max_skew_seconds', () => {
    assert.deepEqual(verify(params(NOW + 1)), denied('proof_future'));
    assert.deepEqual(verify(params(NOW + 5), { now: NOW, max_skew_seconds: 5 }), ok);
    assert.deepEqual(verify(params(NOW + 6), { now: NOW, max_skew_seconds: 5 }), denied('proof_future'));
  });

  test('proof_expired at 301 s, ok at 300 s; max_age_seconds changes the window', () => {
    assert.deepEqual(verify(params(NOW - 300)), ok);
    assert.deepEqual(verify(params(NOW - 301)), denied('proof_expired'));
    assert.deepEqual(verify(params(NOW - 301, { appsecret_time: String(NOW - 301) })), denied('proof_expired'));
    assert.deepEqual(verify(params(NOW - 10), { now: NOW, max_age_seconds: 10 }), ok);
    assert.deepEqual(verify(params(NOW - 11), { now: NOW, max_age_seconds: 10 }), denied('proof_expired'));
    assert.deepEqual(verify(params(NOW - 3600), { now: NOW, max_age_seconds: 3600 }), ok);
  });

  test('proof_mismatch: another secret, token or time', () => {
    assert.deepEqual(verify(params(NOW, { appsecret_proof: timedProof(TOKEN, 'other-secret', NOW) })), denied('proof_mismatch'));
    assert.deepEqual(verify(params(NOW, { access_token: 'other-token' })), denied('proof_mismatch'));
    assert.deepEqual(verify(params(NOW, { appsecret_time: NOW - 1 })), denied('proof_mismatch'));
    assert.deepEqual(verify(params(NOW, { appsecret_proof: hmacHex(SECRET, TOKEN) })), denied('proof_mismatch'), 'a legacy proof is not accepted');
  });

  test('negative or fractional windows are refused as bad arguments', () => {
    assertThrowsCode(() => verify(params(), { now: NOW, max_age_seconds: -1 }), 'invalid_argument');
    assertThrowsCode(() => verify(params(), { now: NOW, max_skew_seconds: 1.5 }), 'invalid_argument');
    assertThrowsCode(() => verify(params(), { now: Date.now() }), 'invalid_time');
  });
});

describe('signRequest', () => {
  const TOKEN = 'sign-token-4b8e';
  const SECRET = 'sign-secret-91fd';

  function assertSigned(signed, token = TOKEN, secret = SECRET, time = NOW) {
    const url = new URL(signed, 'https://graph.workplace.com');
    for (const key of ['access_token', 'appsecret_proof', 'appsecret_time']) {
      assert.equal(url.searchParams.getAll(key).length, 1, `exactly one ${key} in ${signed}`);
    }
    assert.equal(url.searchParams.get('access_token'), token);
    assert.equal(url.searchParams.get('appsecret_time'), String(time));
    assert.equal(url.searchParams.get('appsecret_proof'), timedProof(token, secret, time));
    return url;
  }

  test('adds access_token, appsecret_proof and appsecret_time that node:crypto verifies', () => {
    const signed = signRequest('https://graph.workplace.com/v18.0/community/groups', { access_token: TOKEN, app_secret: SECRET }, { now: NOW });
    const url = assertSigned(signed);
    assert.equal(url.origin + url.pathname, 'https://graph.workplace.com/v18.0/community/groups');
  });

  test('keeps existing parameters and the fragment', () => {
    const signed = signRequest(
      'https://graph.workplace.com/v18.0/1001/feed?fields=message,from&limit=5#top',
      { access_token: TOKEN, app_secret: SECRET },
      { now: NOW },
    );
    const url = assertSigned(signed);
    assert.equal(url.searchParams.get('fields'), 'message,from');
    assert.equal(url.searchParams.get('limit'), '5');
    assert.equal(url.hash, '#top');
    assert.ok(signed.endsWith('#top'));
  });

  test('replaces earlier credentials instead of duplicating them', () => {
    const signed = signRequest(
      'https://graph.workplace.com/me?access_token=old&appsecret_time=1&appsecret_proof=abc&x=1',
      { access_token: TOKEN, app_secret: SECRET },
      { now: NOW },
    );
    assert.equal(assertSigned(signed).searchParams.get('x'), '1');
  });

  test('tokens with reserved and non-ASCII characters survive encoding', () => {
    const token = 'a+b&c=d e/é😀#?';
    const signed = signRequest('https://graph.workplace.com/me', { access_token: token, app_secret: SECRET }, { now: NOW });
    assertSigned(signed, token);
  });

  test('relative URLs, Date and default times', () => {
    assertSigned(signRequest('/v18.0/me/feed', { access_token: TOKEN, app_secret: SECRET }, { now: new Date(NOW * 1000 + 400) }));
    const before = Math.floor(Date.now() / 1000);
    const url = new URL(signRequest('https://graph.workplace.com/me', { access_token: TOKEN, app_secret: SECRET }));
    const time = Number(url.searchParams.get('appsecret_time'));
    assert.ok(time >= before && time <= Math.floor(Date.now() / 1000) + 1);
    assertSigned(url.href, TOKEN, SECRET, time);
  });

  test('an unencoded URL or empty token is refused with invalid_argument', () => {
    assertThrowsCode(() => signRequest('https://x/a b', { access_token: TOKEN, app_secret: SECRET }), 'invalid_argument');
    assertThrowsCode(() => signRequest('', { access_token: TOKEN, app_secret: SECRET }), 'invalid_argument');
    assertThrowsCode(() => signRequest('https://x/', { access_token: '', app_secret: SECRET }), 'invalid_argument');
  });
});
