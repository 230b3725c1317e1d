// Differential test of app secret proofs: 100,000 random tokens, secrets and times (non-ASCII,
// astral, empty, `|`, NUL, keys longer than a SHA-256 block), each proof computed four ways:
//   appgrant            appsecretProof, ProofSigner.proof and legacyAppsecretProof (the wasm core)
//   node:crypto         createHmac('sha256', secret).update(`${token}|${time}`)
//   Python's hmac       tests/differential/python_proofs.py, the standard library, cases passed as JSON
//   the seed's script   the Postman pre-request script of the Workplace documentation, as committed
//                       in examples/postman/seed-pre-request.postman_collection.json (checked
//                       against the seed text when ../shared/seeds is there), run in a vm context
//                       with crypto-js and a `postman` object that records what it sets
// All four must agree on every case, and appgrant must verify what the others made.
// The cases come from a seeded generator: a failure names its seed and index, and reproduces.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import vm from 'node:vm';
import { ProofSigner, appsecretProof, legacyAppsecretProof, verifyAppsecretProof } from 'appgrant';

const CASES = 100_000;
const SEED = 0x5eed_a99a;
const here = fileURLToPath(new URL('.', import.meta.url));
const collection = fileURLToPath(new URL('../../examples/postman/seed-pre-request.postman_collection.json', import.meta.url));
const seedFile = fileURLToPath(new URL('../../../shared/seeds/workplace-permissions.txt', import.meta.url));
const CryptoJS = createRequire(import.meta.url)('crypto-js');

/** sfc32: a small, seedable generator, so a failing case can be found again. */
function generator(seed) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  return { next, int: (n) => Math.floor(next() * n) };
}

const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_',
  ' |&=+%/?#.,;:~!"\'\\<>{}[]()*@$^`\t\n\u0000',
  'éüßçñøÅΩЖжπ€£¥§°±µ',
  '中文日本語한국어ไทยعربيעברית',
  '😀🔑🚀𝄞🇫🇷👩‍💻', // astral and joined: several UTF-16 code units each
  'e\u0301a\u0308\u200b\u200d\ufeff\u00a0', // combining marks, zero-width, BOM, NBSP
];

/** Random text of whole code points; length classes cover empty, short, one block and more. */
function text(rng) {
  const lengths = [0, 1, 8, 32, 64, 65, 100, 200];
  const length = rng.next() < 0.7 ? rng.int(48) : lengths[rng.int(lengths.length)];
  const mix = rng.int(4) === 0; // a quarter are ASCII-only
  let out = '';
  for (let i = 0; i < length; i++) {
    const alphabet = [...ALPHABETS[mix ? 0 : rng.int(ALPHABETS.length)]];
    out += alphabet[rng.int(alphabet.length)];
  }
  return out;
}

/** Mostly this century; some up to the last second appgrant accepts; some fractional. */
function time(rng) {
  const r = rng.next();
  if (r < 0.05) return [0, 1, 59, 2 ** 31 - 1, 253_402_300_799][rng.int(5)];
  if (r < 0.85) return 1_500_000_000 + rng.int(600_000_000);
  if (r < 0.95) return rng.int(2 ** 31);
  return 2 ** 31 + rng.int(253_402_300_799 - 2 ** 31);
}

function makeCases() {
  const rng = generator(SEED);
  const cases = [];
  for (let i = 0; i < CASES; i++) {
    const t = time(rng);
    // A fifth of the times are given with a fraction, which every side floors.
    const given = rng.int(5) === 0 && t < 253_402_300_799 ? t + rng.next() : t;
    cases.push({ token: text(rng), secret: text(rng), time: t, given });
  }
  return cases;
}

/** The seed's pre-request script, exactly as the documentation prints it. */
function seedScript() {
  const events = JSON.parse(readFileSync(collection, 'utf8')).event;
  const lines = events.find((e) => e.listen === 'prerequest').script.exec;
  if (existsSync(seedFile)) {
    const seed = readFileSync(seedFile, 'utf8').split('\n');
    const start = seed.indexOf(lines[0]);
    assert.ok(start >= 0, 'the seed holds the Postman script');
    assert.deepEqual(seed.slice(start, start + lines.length), lines, 'the committed script is the seed text, verbatim');
  }
  return lines.join('\n');
}

test(`${CASES} proofs agree across appgrant, node:crypto, Python's hmac and the seed's CryptoJS script`, () => {
  const started = Date.now();
  const cases = makeCases();

  // Python, in one process for all cases.
  const dir = mkdtempSync(join(tmpdir(), 'appgrant-differential-'));
  let python;
  try {
    const input = join(dir, 'cases.json');
    const output = join(dir, 'python.json');
    writeFileSync(input, JSON.stringify(cases.map((c) => [c.token, c.secret, c.time])));
    execFileSync('python3', [join(here, 'python_proofs.py'), input, output], { stdio: 'inherit', timeout: 120_000 });
    python = JSON.parse(readFileSync(output, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(python.length, cases.length);

  // The seed's script: its placeholders become this case's values, its clock this case's time.
  // Its `/1000|0` truncates to 32 bits (it wraps in 2038), so it runs on the earlier times only.
  const source = seedScript();
  const replaced = source
    .replace('var access_token = "replace-me";', 'var access_token = CASE.token;')
    .replace('var app_secret = "replace-me";', 'var app_secret = CASE.secret;');
  assert.notEqual(replaced, source, 'placeholders found');
  assert.ok(!replaced.includes('replace-me'), 'every placeholder replaced');
  const script = new vm.Script(replaced, { filename: 'seed-pre-request.js' });
  const environment = new Map();
  const context = vm.createContext({
    CryptoJS,
    CASE: null,
    // Postman stores what it is given as a string: a CryptoJS WordArray becomes its hex.
    postman: { setEnvironmentVariable: (key, value) => environment.set(key, String(value)) },
    Date: class {
      getTime() {
        return context.CASE.given * 1000;
      }
    },
  });

  let seedRuns = 0;
  const signers = new Map();
  for (const [i, c] of cases.entries()) {
    const where = `case ${i} (seed ${SEED}): ${JSON.stringify(c)}`;
    const node = createHmac('sha256', c.secret).update(`${c.token}|${c.time}`).digest('hex');
    const nodeLegacy = createHmac('sha256', c.secret).update(c.token).digest('hex');
    const [py, pyLegacy] = python[i];
    const ours = appsecretProof(c.token, c.secret, c.given);
    assert.equal(ours.appsecret_time, c.time, where);
    assert.equal(ours.appsecret_proof, node, `appgrant vs node:crypto, ${where}`);
    assert.equal(py, node, `Python vs node:crypto, ${where}`);
    assert.equal(pyLegacy, nodeLegacy, `Python vs node:crypto (legacy), ${where}`);
    assert.equal(legacyAppsecretProof(c.token, c.secret), nodeLegacy, `appgrant legacy, ${where}`);
    if (i % 10 === 0) {
      // A signer per secret, reused across its cases, as clients hold one.
      let signer = signers.get(c.secret);
      if (!signer) signers.set(c.secret, (signer = new ProofSigner(c.secret)));
      assert.deepEqual(signer.proof(c.token, c.given), ours, `ProofSigner, ${where}`);
      const check = verifyAppsecretProof({ access_token: c.token, appsecret_proof: node, appsecret_time: String(c.time) }, c.secret, { now: c.time });
      assert.deepEqual(check, c.token === '' ? { ok: false, reason: 'token_missing' } : { ok: true, reason: null }, `verify, ${where}`);
    }
    if (c.time < 2 ** 31) {
      context.CASE = c;
      environment.clear();
      script.runInContext(context);
      assert.equal(environment.get('appsecret_time'), String(c.time), `seed time, ${where}`);
      assert.equal(environment.get('access_token'), c.token);
      assert.equal(environment.get('appsecret_proof'), node, `the seed's CryptoJS script vs node:crypto, ${where}`);
      seedRuns++;
    }
  }
  for (const signer of signers.values()) signer.free();
  const nonAscii = cases.filter((c) => /[^\x00-\x7f]/.test(c.token + c.secret)).length;
  console.log(
    `differential: ${cases.length} cases (${nonAscii} non-ASCII, ${seedRuns} through the seed script), ` +
      `4 implementations agree, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  assert.ok(seedRuns > CASES * 0.8, 'most cases ran through the seed script');
  assert.ok(nonAscii > CASES / 2, 'most cases are non-ASCII');
});

test('lone surrogates: appgrant reads them as U+FFFD, as node:crypto (WHATWG USVString) does', () => {
  for (const [token, secret] of [['\ud800', 's'], ['t', '\udfff'], ['a\ud83dz', '\ude00b']]) {
    const node = createHmac('sha256', secret).update(`${token}|1`).digest('hex');
    const replaced = createHmac('sha256', secret.toWellFormed()).update(`${token.toWellFormed()}|1`).digest('hex');
    assert.equal(node, replaced, 'node:crypto replaces lone surrogates');
    assert.equal(appsecretProof(token, secret, 1).appsecret_proof, node);
  }
});
