// Shared by the tests in this directory (not a test file itself: `node --test` runs only
// *.test.mjs here). Expected values are computed with node:crypto, an implementation
// independent of the Rust code under test.
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import * as appgrant from 'appgrant';

/** A fixed "now" (2025-11-24), so every decision is reproducible. */
export const NOW = 1_764_000_000;

/** Every `code` a thrown appgrant Error may carry (the ErrorCode union of index.d.ts). */
export const ERROR_CODES = [
  'invalid_argument', 'invalid_time', 'invalid_config', 'invalid_request',
  'invalid_credentials', 'invalid_state', 'unsupported',
];

export const hmacHex = (key, message) => createHmac('sha256', key).update(message).digest('hex');
export const timedProof = (token, secret, time) => hmacHex(secret, `${token}|${time}`);
export const sha256Hex = (text) => createHash('sha256').update(text).digest('hex');

/** A token shaped like the ones Integration issues: 32 random bytes, base64url. */
export const randomToken = () => randomBytes(32).toString('base64url');

const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ' |&=+%/?#._-~!"\'\\',
  'éüßçñøÅΩЖ中文日本語한국어',
  '😀🔑🚀𝄞', // astral: two UTF-16 code units each
];

/** A random string of whole code points (no lone surrogates) drawn from all alphabets. */
export function randomText(length) {
  let out = '';
  for (let i = 0; i < length; i++) {
    const chars = [...ALPHABETS[randomInt(ALPHABETS.length)]];
    out += chars[randomInt(chars.length)];
  }
  return out;
}

/** credentials for evaluate/compile holding `token` as SHA-256 only. */
/**
 * Token-endpoint forms the Admin Center integration `appId` refuses, each holding its `secret`:
 * wrong secret, the secret as grant_type, a bad escape, a non-string grant_type, another app id,
 * no app id.
 */
export function refusedTokenForms(appId, secret) {
  return [
    `access_token=${appId}%7C${secret}x&grant_type=client_credentials`,
    `access_token=${appId}%7C${secret}&grant_type=${secret}`,
    `access_token=${appId}%7C${secret}&grant_type=%zz`,
    { access_token: `${appId}|${secret}`, grant_type: 5 },
    { access_token: `9999|${secret}`, grant_type: 'client_credentials' },
    `access_token=${secret}&grant_type=client_credentials`,
  ];
}

export function credentialsFor(token, secret, issuedAt = NOW - 1000, expiresAt = null) {
  return { app_secret: secret, tokens: [{ sha256: sha256Hex(token), issued_at: issuedAt, expires_at: expiresAt }] };
}

/** `request` with access_token, appsecret_proof and appsecret_time made with node:crypto. */
export function signed(request, token, secret, time = request.now ?? NOW) {
  return { ...request, access_token: token, appsecret_proof: timedProof(token, secret, time), appsecret_time: time };
}

/** Asserts that `fn` throws an Error whose `code` is `code` (or any ErrorCode when omitted). */
export function assertThrowsCode(fn, code) {
  let thrown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== undefined, 'expected a throw');
  assert.ok(thrown instanceof Error, `thrown value is not an Error: ${String(thrown)}`);
  assert.ok(!(thrown instanceof TypeError), `a TypeError escaped the glue: ${thrown.message}`);
  assert.ok(!(thrown instanceof WebAssembly.RuntimeError), `the wasm module trapped: ${thrown.message}`);
  assert.equal(typeof thrown.code, 'string', `no string code on: ${thrown.message}`);
  assert.ok(ERROR_CODES.includes(thrown.code), `unknown code ${thrown.code}`);
  if (code !== undefined) assert.equal(thrown.code, code, thrown.message);
  assert.ok(thrown.message.length > 0, 'the message says what was wrong');
  return thrown;
}

/** The module still answers correctly: RFC 4231 test case 2 through the legacy proof. */
export function assertModuleHealthy(api = appgrant) {
  assert.equal(
    api.legacyAppsecretProof('what do ya want for nothing?', 'Jefe'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  );
}
