// Secrets never get out. Two searches:
//
// 1. Every output a caller can see — returned values, thrown messages, decisions and their traces,
//    diagnostics, exported states, the gate's responses (status, headers, body) through `Gate` and
//    `createGate`, and the `appgrant` CLI's stdout and stderr for each subcommand, its errors and a
//    running `appgrant gate` — is searched for the app secret and for every raw token. The only
//    outputs that hold a token are the ones whose job is to hand it over (an issued token, a signed
//    URL, a Postman environment, preRequest's variables); those are searched for the secret only.
//    The playground's share link, exported file and storage are searched in
//    tests/playground/share.test.mjs (in Chromium).
// 2. The wasm instance's linear memory, after every flow that held a secret or a token has run
//    and its objects are freed: no copy of them may remain (`zeroize` on drop), except those
//    SECURITY.md names as out of reach: inside a hash block the hmac and sha2 crates left on the
//    wasm stack.
//
// `Debug` output cannot be reached from JavaScript; the Rust unit tests of token, proof, request
// and gate check it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  Gate, Integration, ProofSigner, appsecretProof, compile, createGate, evaluate, legacyAppsecretProof, preRequest,
  requiredPermissions, signRequest, validate, verifyAppsecretProof,
} from 'appgrant';
import { call, cli, runToEnd, scratch, serve } from '../clients/harness.mjs';
import { pkgDir } from '../runtime/harness.mjs';
import { NOW, refusedTokenForms, sha256Hex, timedProof } from './fixtures.mjs';

/** Distinctive ASCII values, fresh per run, that no fixed text can contain by chance. */
const fresh = (what) => `${what}-${randomBytes(12).toString('hex')}`;

const CONFIG = { app_id: '1234', permissions: ['read_group_content'], group_access: { mode: 'specific', groups: ['1001'] },
  ip_allowlist: ['203.0.113.0/24'], require_appsecret_proof: true };
const AC_CONFIG = { product: 'admin_center', app_id: '5678', permissions: ['manage_accounts'], ip_allowlist: ['203.0.113.0/24'], require_appsecret_proof: true };

/** Records outputs; `handsOverToken` marks the ones whose job is to return a token. */
function recorder() {
  const outputs = [];
  const keep = (label, f, { handsOverToken = false } = {}) => {
    let text;
    try {
      const value = f();
      text = typeof value === 'string' ? value : JSON.stringify(value?.toJSON ? value.toJSON() : value) ?? String(value);
    } catch (e) {
      text = `thrown ${e?.code}: ${e?.message}`;
    }
    outputs.push({ label, text, handsOverToken });
    return text;
  };
  return { outputs, keep, add: (label, text, opts = {}) => outputs.push({ label, text, handsOverToken: false, ...opts }) };
}

test('no output holds the app secret or a raw token', async (t) => {
  const SECRET = fresh('Secret');
  const TOKEN = fresh('Token');
  const OLD_SECRET = fresh('OldSecret');
  const { outputs, keep, add } = recorder();
  const creds = { app_secret: SECRET, tokens: [{ sha256: sha256Hex(TOKEN), issued_at: NOW - 100, expires_at: null }] };
  const at = { method: 'GET', node: 'group', source_ip: '203.0.113.9', now: NOW };
  const good = { ...at, path: '/1001/feed', access_token: TOKEN, appsecret_proof: timedProof(TOKEN, SECRET, NOW), appsecret_time: NOW };
  const requests = [
    good,
    { ...good, path: '/2002/feed' },
    { ...good, appsecret_proof: timedProof(TOKEN, OLD_SECRET, NOW) },
    { ...good, appsecret_proof: TOKEN, appsecret_time: SECRET },
    { ...good, access_token: `${TOKEN}x` },
    { ...good, source_ip: TOKEN },
    { ...good, source_ip: '198.51.100.1' },
    { ...at, path: `/1001/feed?access_token=${TOKEN}&access_token=${TOKEN}` },
    { ...at, path: `/1001/../feed?access_token=${TOKEN}&appsecret_proof=${SECRET}` },
    { ...at, path: `/1001/nope?access_token=${TOKEN}` },
    { ...at, path: `/1001/feed?access_token=${TOKEN}%zz` },
    { ...at, node: undefined, path: `/1001?access_token=${TOKEN}` },
    { ...at, path: `https://graph.workplace.com/1001/feed?access_token=${TOKEN}#${TOKEN}` },
    { ...at, path: '/1001/feed', fields: [SECRET] },
    { ...good, directory: { groups: [TOKEN] } },
  ];
  for (const [i, r] of requests.entries()) {
    keep(`evaluate #${i}`, () => evaluate(CONFIG, r, creds));
    keep(`Policy.evaluate #${i}`, () => {
      const policy = compile(CONFIG, creds);
      try {
        return policy.evaluate(r).toJSON();
      } finally {
        policy.free();
      }
    });
    keep(`verifyAppsecretProof #${i}`, () => verifyAppsecretProof(r, SECRET, { now: NOW }));
  }
  keep('evaluate, bad request', () => evaluate(CONFIG, { ...good, access_token: 5 }, creds));
  keep('evaluate, bad tokens', () => evaluate(CONFIG, good, { app_secret: SECRET, tokens: [{ sha256: TOKEN }] }));
  keep('evaluate, bad credentials', () => evaluate(CONFIG, good, { app_secret: [SECRET], tokens: TOKEN }));
  keep('evaluate, secret in config', () => evaluate({ ...CONFIG, app_secret: SECRET }, good, creds));
  keep('validate, secrets in config', () => validate({ ...CONFIG, app_secret: SECRET, access_token: TOKEN, options: { password: SECRET },
    name: `1234|${SECRET.replace(/-/g, '')}`, uses: [`GET /1001/feed?access_token=${TOKEN}`, { method: 'GET', path: `/x?appsecret_proof=${SECRET}` }] }));
  keep('requiredPermissions', () => requiredPermissions([`GET /1001/feed?access_token=${TOKEN}`]).permissions);
  keep('signRequest, bad URL', () => signRequest(`https://x/a b?access_token=${TOKEN}`, { access_token: TOKEN, app_secret: SECRET }));
  keep('signRequest, bad query', () => signRequest(`https://x/?%zz=${TOKEN}`, { access_token: TOKEN, app_secret: SECRET }));
  keep('signRequest, milliseconds', () => signRequest('https://x/', { access_token: TOKEN, app_secret: SECRET }, { now: Date.now() }));
  keep('signRequest', () => signRequest('https://x/', { access_token: TOKEN, app_secret: SECRET }, { now: NOW }), { handsOverToken: true });
  keep('appsecretProof', () => appsecretProof(TOKEN, SECRET, NOW));
  keep('appsecretProof, milliseconds', () => appsecretProof(TOKEN, SECRET, Date.now()));
  keep('legacyAppsecretProof', () => legacyAppsecretProof(TOKEN, SECRET));
  keep('ProofSigner.proof, bad time', () => new ProofSigner(SECRET).proof(TOKEN, 'soon'));
  keep('preRequest, bad config', () => preRequest({ url: `/me?access_token=${TOKEN}` }, { access_token: TOKEN, app_secret: SECRET, config: 'nope' }));
  keep('preRequest', () => preRequest({ url: '/1001/feed' }, { access_token: TOKEN, app_secret: SECRET, config: CONFIG }, { now: NOW }), { handsOverToken: true });

  // Integrations and their lifecycle: the issued tokens are raw tokens too.
  const issued = [];
  const ac = new Integration(AC_CONFIG, { app_secret: SECRET });
  keep('issueToken', () => { const r = ac.issueToken(NOW); issued.push(r.access_token); return r; }, { handsOverToken: true });
  keep('exportState', () => ac.exportState());
  for (const form of refusedTokenForms('5678', SECRET)) keep('handleTokenRequest, refused', () => ac.handleTokenRequest(form, NOW));
  keep('handleTokenRequest', () => {
    const r = ac.handleTokenRequest(`access_token=5678%7C${SECRET}&grant_type=client_credentials`, NOW);
    issued.push(r.access_token);
    return r;
  }, { handsOverToken: true });
  keep('exportState after the token endpoint', () => ac.exportState());
  keep('Integration.evaluate, old token', () => ac.evaluate({ method: 'GET', path: '/scim/v1/Users', source_ip: '203.0.113.9', access_token: issued[0], now: NOW }));
  keep('Integration.evaluate, expired', () => ac.evaluate({ method: 'GET', path: '/scim/v1/Users', source_ip: '203.0.113.9', access_token: issued[1], now: NOW + 9000 }));
  keep('resetToken on Admin Center', () => ac.resetToken(NOW));
  keep('resetSecret', () => ac.resetSecret(OLD_SECRET));
  keep('fromState, bad', () => Integration.fromState({ ...ac.exportState(), tokens: [{ sha256: issued[1] }] }, { app_secret: SECRET }));
  keep('fromState, empty secret', () => Integration.fromState(ac.exportState(), { app_secret: '' }));
  ac.free();
  const wp = new Integration(CONFIG, { app_secret: SECRET });
  keep('issueToken, Workplace', () => { const r = wp.issueToken(NOW); issued.push(r.access_token); return r; }, { handsOverToken: true });
  keep('issueToken twice', () => wp.issueToken(NOW));
  keep('resetToken', () => { const r = wp.resetToken(NOW); issued.push(r.access_token); return r; }, { handsOverToken: true });
  keep('Integration.evaluate, old Workplace token', () => wp.evaluate({ ...good, access_token: issued.at(-2), appsecret_proof: timedProof(issued.at(-2), SECRET, NOW) }));
  keep('Integration.evaluate, Workplace', () => wp.evaluate({ ...good, access_token: issued.at(-1), appsecret_proof: timedProof(issued.at(-1), SECRET, NOW) }));
  keep('token endpoint on Workplace', () => wp.handleTokenRequest(`access_token=1234%7C${SECRET}&grant_type=client_credentials`, NOW));
  keep('exportState, Workplace', () => wp.exportState());
  wp.free();

  // The gate, as a class and as a fetch handler: status, headers and body of every answer.
  const gate = new Gate(CONFIG, creds, { directory: { groups: ['1001', '2002'] } });
  const exchanges = [
    { method: 'GET', url: `/1001/feed?access_token=${TOKEN}&appsecret_proof=${timedProof(TOKEN, SECRET, NOW)}&appsecret_time=${NOW}`, client_ip: '203.0.113.9', now: NOW },
    { method: 'GET', url: `/2002/feed?access_token=${TOKEN}&appsecret_proof=${timedProof(TOKEN, SECRET, NOW)}&appsecret_time=${NOW}`, client_ip: '203.0.113.9', now: NOW },
    { method: 'GET', url: '/1001/feed', authorization: `Bearer ${TOKEN}`, client_ip: '203.0.113.9', now: NOW },
    { method: 'POST', url: '/1001/feed', body: `access_token=${TOKEN}&appsecret_proof=${SECRET}&x=%zz`, client_ip: TOKEN, now: NOW },
    { method: 'POST', url: `/work_get_token?access_token=${TOKEN}`, body: `access_token=1234%7C${SECRET}&grant_type=client_credentials`, client_ip: '203.0.113.9', now: NOW },
  ];
  for (const [i, e] of exchanges.entries()) keep(`Gate.handle #${i}`, () => gate.handle(e));
  keep('Gate.handle, bad exchange', () => gate.handle({ method: 'GET', url: `/1001?access_token=${TOKEN}`, extra: SECRET }));
  gate.free();
  const acGate = new Gate(AC_CONFIG, { app_secret: SECRET }, undefined);
  keep('Gate token endpoint, wrong secret', () => acGate.handle({ method: 'POST', url: '/work_get_token', body: `access_token=5678%7C${SECRET}x&grant_type=client_credentials`, client_ip: '203.0.113.9' }));
  acGate.free();
  keep('new Gate, bad credentials', () => new Gate(CONFIG, { app_secret: SECRET, tokens: [TOKEN] }));

  const socket = { ip: '203.0.113.9' };
  const handler = createGate({ config: CONFIG, credentials: creds, directory: { groups: ['1001', '2002'] }, clientIp: () => socket.ip });
  const live = () => { const time = Math.floor(Date.now() / 1000); return `access_token=${TOKEN}&appsecret_proof=${timedProof(TOKEN, SECRET, time)}&appsecret_time=${time}`; };
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const http = [
    new Request(`http://gate.test/1001/feed?${live()}`),
    new Request(`http://gate.test/2002/feed?${live()}`),
    new Request(`http://gate.test/1001/feed?${live()}&access_token=${TOKEN}`),
    new Request('http://gate.test/1001/feed', { headers: { authorization: `Bearer ${TOKEN}` } }),
    new Request(`http://gate.test/1001/feed?${live()}`, { method: 'POST', headers: FORM, body: `appsecret_proof=${SECRET}&message=${TOKEN}` }),
    new Request(`http://gate.test/1001/feed?${live()}`, { method: 'POST', headers: FORM, body: `${'x'.repeat(2 << 20)}${SECRET}` }),
    new Request(`http://gate.test/1001/feed?access_token=${TOKEN}%zz`),
  ];
  for (const [i, request] of http.entries()) {
    socket.ip = i === 1 ? TOKEN : '203.0.113.9';
    const response = await handler(request);
    add(`createGate #${i}`, `${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
  }

  // The CLI: each subcommand's stdout and stderr, its errors, and a running gate's log.
  const dir = scratch(t, 'secrets');
  const file = (name, value) => { const path = join(dir, name); writeFileSync(path, JSON.stringify(value)); return path; };
  const configFile = file('config.json', { ...CONFIG, ip_allowlist: ['127.0.0.1/32'] });
  const credsFile = file('credentials.json', creds);
  const badCredsFile = file('bad-credentials.json', { app_secret: SECRET, tokens: TOKEN });
  const secretConfigFile = file('secret-config.json', { ...CONFIG, app_secret: SECRET });
  const requestFile = file('request.json', { ...good, source_ip: '127.0.0.1' });
  const env = { APPGRANT_APP_SECRET: SECRET, APPGRANT_ACCESS_TOKEN: '' };
  const cliRuns = [
    [['proof', '--token', TOKEN, '--time', String(NOW)], {}],
    [['proof', '--token', TOKEN, '--time', String(NOW), '--json'], {}],
    [['proof', '--token', TOKEN, '--time', `${NOW}.5`], {}],
    [['proof', '--token', TOKEN, '--credentials', badCredsFile], { APPGRANT_APP_SECRET: '' }],
    [['proof', '--token', TOKEN, `--app-secret=${SECRET}`], {}],
    [['sign', `https://graph.workplace.com/1001/feed?a=%zz&access_token=${TOKEN}`, '--token', TOKEN], {}],
    [['validate', secretConfigFile], {}],
    [['validate', secretConfigFile, '--json'], {}],
    [['check', '--config', configFile, '--request', requestFile, '--credentials', credsFile], {}],
    [['check', '--config', configFile, '--request', requestFile, '--credentials', credsFile, '--json'], {}],
    [['check', '--config', configFile, '--method', 'GET', '--path', `/1001/../feed?access_token=${TOKEN}`, '--credentials', credsFile, '--json'], {}],
    [['check', '--config', configFile, '--request', requestFile, '--credentials', badCredsFile], {}],
    [['env', '--token', TOKEN, '--set', `token=${TOKEN}`], {}],
    [['env', '--token', TOKEN, '--set', `x=${SECRET}`], {}],
    [['env', '--token', TOKEN, '--set', 'app_secret=x'], {}],
  ];
  for (const [args, extra] of cliRuns) {
    const r = await runToEnd(process.execPath, [cli, ...args], { env: { ...env, ...extra } });
    const handsOverToken = args[0] === 'sign' || (args[0] === 'env' && r.code === 0);
    add(`appgrant ${args[0]} (exit ${r.code})`, `${r.stdout}\n${r.stderr}`, { handsOverToken });
  }
  const running = await serve(t, process.execPath, [cli, 'gate', '--config', configFile, '--credentials', credsFile, '--port', '0'], { env });
  const time = Math.floor(Date.now() / 1000);
  for (const query of [
    `access_token=${TOKEN}&appsecret_proof=${timedProof(TOKEN, SECRET, time)}&appsecret_time=${time}`,
    `access_token=${TOKEN}&appsecret_proof=${SECRET}&appsecret_time=${time}`,
    `access_token=${TOKEN}x`,
  ]) {
    const r = await call(`${running.url}/1001/feed?${query}`);
    add('appgrant gate answer', `${r.status} ${JSON.stringify(r.headers)} ${JSON.stringify(r.body)}`);
  }
  running.child.kill('SIGTERM');
  await running.exited;
  add('appgrant gate log', running.output());

  // The search.
  const tokens = [TOKEN, ...issued];
  assert.equal(issued.length, 4, 'tokens were issued');
  const hits = [];
  for (const { label, text, handsOverToken } of outputs) {
    for (const secret of [SECRET, OLD_SECRET, SECRET.replace(/-/g, '')]) if (text.includes(secret)) hits.push(`${label}: the app secret`);
    if (!handsOverToken) for (const token of tokens) if (text.includes(token)) hits.push(`${label}: a raw token`);
  }
  const bytes = outputs.reduce((n, o) => n + o.text.length, 0);
  console.log(`secrets: searched ${outputs.length} outputs (${bytes} characters; ${outputs.filter((o) => o.handsOverToken).length} hand over a token ` +
    `and were searched for the secret only) for 2 app secrets and ${tokens.length} raw tokens: ${hits.length} hits`);
  assert.deepEqual(hits, []);
  for (const needle of ['"trace"', '"severity"', '"sha256"', 'thrown', 'secret_in_config', 'proof_mismatch', 'token_invalid', 'appgrant gate listening']) {
    assert.ok(outputs.some((o) => o.text.includes(needle)), `the battery produced ${needle}`);
  }
});

/**
 * Where the wasm stack ends: rustc links wasm32 with the stack first, so it spans [0, the first
 * data segment). Read from the module, so a change of stack size moves it too.
 */
function stackEnd(file) {
  const bytes = readFileSync(join(pkgDir, file));
  let at = 8;
  const leb = () => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      n += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return n;
    }
  };
  while (at < bytes.length) {
    const [id, size] = [bytes[at++], leb()];
    if (id === 11) {
      leb(); // the number of segments
      assert.equal(leb(), 0, 'the first data segment is active in memory 0');
      assert.equal(bytes[at++], 0x41, 'its offset is an i32.const');
      return leb();
    }
    at += size;
  }
  assert.fail('the module has no data section');
}

test('no copy of a secret or a token is left in wasm memory once its objects are dropped', () => {
  // The instances Node's `require` uses (index.cjs signs in the signer module and loads the API
  // module on first use): both are scanned, so the proof functions are index.cjs's here. (index.mjs
  // runs the same code on its own instance of the signer module; everything else it takes from
  // index.cjs.)
  const load = createRequire(import.meta.url);
  const required = load(join(pkgDir, 'index.cjs'));
  const { ProofSigner, appsecretProof, legacyAppsecretProof } = required;
  const memories = [
    { name: 'appgrant', glue: load(join(pkgDir, 'appgrant.cjs')), end: stackEnd('appgrant_bg.wasm') },
    { name: 'signer', glue: required.__signer, end: stackEnd('signer_bg.wasm') },
  ];
  // Memory is scanned right after each flow: a later flow's allocations would overwrite (and so
  // hide) what an earlier one left behind.
  const left = [];
  const flow = (name, run) => {
    const secret = fresh(`Secret-${left.length}`);
    const token = fresh(`Token-${left.length}`);
    const values = [secret, token, ...(run(secret, token) ?? [])];
    const copies = [];
    // Stacks included: every buffer that holds a message block is the crate's own and wiped
    // (src/mac.rs), so not even the hash blocks of a proof are left behind.
    for (const { name: where, glue, end } of memories) {
      const memory = Buffer.from(glue.__memory().buffer);
      for (const value of values) {
        for (let at = memory.indexOf(value); at >= 0; at = memory.indexOf(value, at + 1)) {
          copies.push(`${value === secret ? 'the secret' : 'a token'} at ${at} of the ${where} module${at < end ? ' (stack)' : ''}`);
        }
      }
    }
    left.push({ name, copies });
  };
  const creds = (secret, token) => ({ app_secret: secret, tokens: [{ sha256: sha256Hex(token), issued_at: NOW - 100, expires_at: null }] });
  const signed = (secret, token) => ({ method: 'GET', path: '/1001/feed', node: 'group', source_ip: '203.0.113.9', now: NOW,
    access_token: token, appsecret_proof: timedProof(token, secret, NOW), appsecret_time: NOW });

  flow('appsecretProof', (s, tk) => void appsecretProof(tk, s, NOW));
  flow('legacyAppsecretProof', (s, tk) => void legacyAppsecretProof(tk, s));
  flow('ProofSigner', (s, tk) => {
    const signer = new ProofSigner(s);
    signer.proof(tk, NOW);
    signer.proof(tk, NOW + 1);
    signer.legacy(tk);
    signer.free();
  });
  flow('verifyAppsecretProof', (s, tk) => void verifyAppsecretProof({ access_token: tk, appsecret_proof: timedProof(tk, s, NOW), appsecret_time: String(NOW) }, s, { now: NOW }));
  flow('evaluate', (s, tk) => void evaluate(CONFIG, signed(s, tk), creds(s, tk)));
  flow('evaluate, token in the query', (s, tk) => void evaluate(CONFIG, { ...signed(s, tk), access_token: undefined, path: `/1001/feed?access_token=${tk}` }, creds(s, tk)));
  flow('compile and Policy.evaluate', (s, tk) => {
    const policy = compile(CONFIG, creds(s, tk));
    policy.evaluate(signed(s, tk)).toJSON();
    policy.evaluate({ ...signed(s, tk), directory: { groups: ['1001'] } }).toJSON();
    // The fast path has written the token into wasm memory when it meets the lone surrogate after it.
    assert.throws(() => policy.evaluate({ ...signed(s, tk), appsecret_proof: 'a\ud800' }), (e) => e.code === 'invalid_request');
    policy.free();
  });
  flow('Integration (Workplace)', (s) => {
    const wp = new Integration(CONFIG, { app_secret: s });
    const first = wp.issueToken(NOW).access_token;
    const second = wp.resetToken(NOW).access_token;
    wp.evaluate(signed(s, second));
    wp.resetSecret(fresh('NewSecret'));
    wp.free();
    return [first, second];
  });
  flow('Integration (Admin Center) and its token endpoint', (s) => {
    const ac = new Integration(AC_CONFIG, { app_secret: s });
    const issued = ac.handleTokenRequest(`access_token=5678%7C${s}&grant_type=client_credentials`, NOW).access_token;
    ac.handleTokenRequest({ access_token: `5678|${s}x`, grant_type: 'client_credentials' }, NOW);
    const again = Integration.fromState(ac.exportState(), { app_secret: s });
    again.free();
    ac.free();
    return [issued];
  });
  flow('Gate', (s, tk) => {
    const gate = new Gate(CONFIG, creds(s, tk), { directory: { groups: ['1001'] } });
    gate.handle({ method: 'GET', url: `/1001/feed?access_token=${tk}&appsecret_proof=${timedProof(tk, s, NOW)}&appsecret_time=${NOW}`, client_ip: '203.0.113.9', now: NOW });
    gate.handle({ method: 'GET', url: '/1001/feed', authorization: `Bearer ${tk}`, client_ip: '203.0.113.9', now: NOW });
    gate.free();
  });
  flow('signRequest, replacing an earlier token', (s, tk) => {
    const earlier = fresh('Earlier');
    signRequest(`https://graph.workplace.com/1001/feed?access_token=${earlier}&a=%7C`, { access_token: tk, app_secret: s }, { now: NOW });
    return [earlier];
  });
  flow('preRequest', (s, tk) => void preRequest({ url: '/1001/feed', params: { a: 'b' } }, { access_token: tk, app_secret: s, config: CONFIG }, { now: NOW }));
  flow('evaluate, the token twice', (s, tk) => void evaluate(CONFIG, { ...signed(s, tk), path: `/1001/feed?access_token=${tk}` }, creds(s, tk)));
  flow('Gate, credentials in a form body', (s, tk) => {
    const gate = new Gate(CONFIG, creds(s, tk), { directory: { groups: ['1001'] } });
    gate.handle({ method: 'POST', url: '/1001/feed', body: `access_token=${tk}&appsecret_proof=${timedProof(tk, s, NOW)}&appsecret_time=${NOW}&message=hi`, client_ip: '203.0.113.9', now: NOW });
    gate.free();
  });
  flow('Gate (Admin Center) and its token endpoint', (s) => {
    const gate = new Gate(AC_CONFIG, { app_secret: s });
    const issued = gate.handle({ method: 'POST', url: '/work_get_token', body: `access_token=5678%7C${s}&grant_type=client_credentials`, client_ip: '203.0.113.9', now: NOW }).body.access_token;
    gate.handle({ method: 'GET', url: '/scim/v1/Users', authorization: `Bearer ${issued}`, client_ip: '203.0.113.9', now: NOW });
    gate.free();
    return [issued];
  });
  flow('refused arguments', (s, tk) => {
    assert.throws(() => evaluate(CONFIG, { ...signed(s, tk), extra: 1 }, creds(s, tk)));
    assert.throws(() => evaluate(CONFIG, signed(s, tk), { app_secret: s, tokens: 5 }));
    assert.throws(() => compile(CONFIG, { app_secret: s, tokens: [{ sha256: tk }] }));
    const ac = new Integration(AC_CONFIG, { app_secret: s });
    ac.handleTokenRequest(`access_token=5678%7C${s}&grant_type=%zz`, NOW);
    ac.handleTokenRequest({ access_token: `5678|${s}`, grant_type: 5 }, NOW);
    ac.free();
  });
  // The controls: a scan that finds nothing there would prove nothing above. A config is not a
  // place for secrets and is not wiped, so a token put in the name of a live Policy's config is
  // found in the API module. A proof is no secret and is not wiped either: the last half of a
  // legacy proof just made (the free list may write over the start of a freed block) is found in
  // the signer module, where signing happens.
  let named;
  flow('control: a token in a live config name', (s, tk) => void (named = compile({ ...CONFIG, name: tk })));
  named.free();
  const control = left.pop();
  assert.ok(control.copies.some((c) => c.includes('of the appgrant module')), `the scan finds a copy it was shown: ${control.copies}`);
  const proof = legacyAppsecretProof(fresh('Token'), fresh('Secret'));
  const signerMemory = Buffer.from(memories[1].glue.__memory().buffer);
  assert.ok(signerMemory.includes(proof.slice(32)), 'a proof just signed is in the memory scanned as the signer module');
  const sizes = memories.map(({ name, glue, end }) => `${name} ${Buffer.from(glue.__memory().buffer).length} bytes, stack below ${end}`);
  console.log(`wasm memories (${sizes.join('; ')}) scanned, stacks included, after each of ${left.length} flows`);
  assert.deepEqual(left.filter((l) => l.copies.length > 0).map((l) => `${l.name}: ${l.copies.join(', ')}`), [], 'copies left in wasm memory');
});
