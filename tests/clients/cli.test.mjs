// The `appgrant` command (the package's bin, cli.mjs): every subcommand's help, output and exit
// code (0 ok, 1 denied or error findings, 2 bad usage), the app secret never from argv, and
// `appgrant gate` serving the edge gate to real clients on loopback.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { signedFetch } from 'appgrant';
import {
  ERRORS, SECRET, TOKEN, assertAllowed, assertGateAnswers, assertRefused, call, cli, cliGate, exampleFiles, manifest, now,
  proofFor, runToEnd, scratch, signedUrl,
} from './harness.mjs';

const SUBCOMMANDS = ['proof', 'sign', 'validate', 'check', 'gate', 'env'];
// The secret reaches the CLI only through the environment in these tests.
const withSecret = { APPGRANT_APP_SECRET: SECRET };
const appgrant = (args, env = {}) => runToEnd(process.execPath, [cli, ...args], { env: { APPGRANT_APP_SECRET: '', APPGRANT_ACCESS_TOKEN: '', ...env } });

test('the package names cli.mjs as its appgrant bin', () => {
  assert.deepEqual(manifest.bin, { appgrant: './cli.mjs' });
  assert.match(readFileSync(cli, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('help: the overview and every subcommand, exit 0; no command is bad usage', async () => {
  const overview = await appgrant(['--help']);
  assert.equal(overview.code, 0);
  for (const name of SUBCOMMANDS) assert.match(overview.stdout, new RegExp(`^  ${name} `, 'm'));
  for (const name of SUBCOMMANDS) {
    const help = await appgrant([name, '--help']);
    assert.equal(help.code, 0, name);
    assert.match(help.stdout, new RegExp(`^Usage: appgrant ${name}`), name);
  }
  assert.equal((await appgrant([])).code, 2);
  const unknown = await appgrant(['sing']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "sing"/);
  const badFlag = await appgrant(['proof', '--tokn', TOKEN], withSecret);
  assert.equal(badFlag.code, 2);
});

test('the app secret is never taken from the command line', async () => {
  for (const args of [
    ['proof', '--token', TOKEN, '--secret', SECRET],
    ['proof', '--token', TOKEN, `--app-secret=${SECRET}`],
    ['sign', 'https://graph.workplace.com/me', '--app_secret', SECRET],
    ['gate', '--client-secret', SECRET],
    ['env', '--token', TOKEN, '--set', `app_secret=${SECRET}`],
    ['env', '--token', TOKEN, '--set', `base_url=${SECRET}`],
    ['env', '--token', TOKEN, '--set', `credentials=1234|${SECRET}`],
    ['env', '--token', TOKEN, '--set', SECRET],
    ['env', '--token', TOKEN, '--set', 'Client_Secret=x'],
    ['env', '--token', TOKEN, '--set', 'db_password=x'],
  ]) {
    const result = await appgrant(args, withSecret);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, /never/, args.join(' '));
    assert.ok(!result.stdout.includes(SECRET) && !result.stderr.includes(SECRET), 'the secret is not echoed');
  }
  const missing = await appgrant(['proof', '--token', TOKEN]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /APPGRANT_APP_SECRET/);
});

test('proof and sign: the HMAC of token|time, as text and JSON', async (t) => {
  const time = 1_764_000_000;
  const text = await appgrant(['proof', '--token', TOKEN, '--time', String(time)], withSecret);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, `appsecret_proof=${proofFor(time)}\nappsecret_time=${time}\n`);
  const json = await appgrant(['proof', '--time', String(time), '--json'], { ...withSecret, APPGRANT_ACCESS_TOKEN: TOKEN });
  assert.deepEqual(JSON.parse(json.stdout), { appsecret_proof: proofFor(time), appsecret_time: time });

  // A credentials file instead of the environment; the environment wins when both are there.
  const dir = scratch(t, 'cli-proof');
  const file = join(dir, 'credentials.json');
  writeFileSync(file, JSON.stringify({ app_secret: 'from-the-file' }));
  const fromFile = await appgrant(['proof', '--token', TOKEN, '--time', String(time), '--credentials', file, '--json']);
  assert.equal(JSON.parse(fromFile.stdout).appsecret_proof, proofFor(time, 'from-the-file'));
  const overridden = await appgrant(['proof', '--token', TOKEN, '--time', String(time), '--credentials', file, '--json'], withSecret);
  assert.equal(JSON.parse(overridden.stdout).appsecret_proof, proofFor(time));

  const signed = await appgrant(['sign', 'https://graph.workplace.com/v18.0/1001/feed?limit=5', '--token', TOKEN, '--time', String(time)], withSecret);
  assert.equal(signed.stdout.trim(), `https://graph.workplace.com/v18.0/1001/feed?limit=5&access_token=${TOKEN}&appsecret_proof=${proofFor(time)}&appsecret_time=${time}`);
  assert.equal((await appgrant(['proof', '--token', TOKEN, '--time', 'soon'], withSecret)).code, 2);
  assert.equal((await appgrant(['sign', '--token', TOKEN], withSecret)).code, 2, 'sign needs a URL');
});

test('validate: exit 0 for warnings only, 1 for errors, 2 for a file that cannot be read', async (t) => {
  const dir = scratch(t, 'cli-validate');
  const good = await appgrant(['validate', exampleFiles.config, '--json']);
  assert.equal(good.code, 0, good.stdout);
  assert.deepEqual(JSON.parse(good.stdout).map((d) => d.code), ['ip_private_range'], 'a loopback allow-list is only a warning');
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ product: 'admin_center', permissions: ['read_grup_content'] }));
  const bad = await appgrant(['validate', file]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /^error unknown_permission \/permissions\/0 .*read_group_content/m);
  const ignored = await appgrant(['validate', exampleFiles.config, '--ignore', 'ip_private_range']);
  assert.equal(ignored.stdout.trim(), 'no findings');
  writeFileSync(join(dir, 'broken.json'), '{ nope');
  assert.equal((await appgrant(['validate', join(dir, 'broken.json')])).code, 2);
  assert.equal((await appgrant(['validate', join(dir, 'missing.json')])).code, 2);
});

test('check: exit 0 when allowed, 1 when denied, with the decision as JSON', async (t) => {
  const dir = scratch(t, 'cli-check');
  const open = join(dir, 'config.json');
  writeFileSync(open, JSON.stringify({ permissions: ['read_group_content'] }));
  const allowed = await appgrant(['check', '--config', open, '--method', 'GET', '--path', '/v18.0/1001/feed', '--node', 'group', '--source-ip', '127.0.0.1', '--json']);
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.equal(JSON.parse(allowed.stdout).operation, 'group.feed.read');
  const denied = await appgrant(['check', '--config', open, '--method', 'POST', '--path', '/1001/feed', '--node', 'group']);
  assert.equal(denied.code, 1);
  assert.match(denied.stdout, /^denied: permission_missing \(permission: /);
  assert.match(denied.stdout, /"code":200/);

  const request = join(dir, 'request.json');
  const signedRequest = (secret) => {
    const time = now();
    writeFileSync(request, JSON.stringify({ method: 'GET', path: '/1001/feed', node: 'group', source_ip: '127.0.0.1', access_token: TOKEN, appsecret_proof: proofFor(time, secret), appsecret_time: time }));
    return appgrant(['check', '--config', exampleFiles.config, '--request', request, '--credentials', exampleFiles.credentials, '--json'], withSecret);
  };
  const good = await signedRequest(SECRET);
  assert.equal(good.code, 0, good.stdout);
  const wrongProof = await signedRequest('wrong');
  assert.equal(wrongProof.code, 1);
  assert.equal(JSON.parse(wrongProof.stdout).reason, 'proof_mismatch');
  assert.equal((await appgrant(['check', '--config', open, '--method', 'GET'])).code, 2, '--path is required');
});

test('env: a Postman environment with a fresh proof and no app secret', async (t) => {
  const dir = scratch(t, 'cli-env');
  const out = join(dir, 'env.json');
  const result = await appgrant(['env', '--token', TOKEN, '--out', out, '--name', 'local gate', '--set', 'base_url=http://127.0.0.1:1'], withSecret);
  assert.equal(result.code, 0, result.stderr);
  const environment = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(environment.name, 'local gate');
  assert.equal(environment._postman_variable_scope, 'environment');
  const values = Object.fromEntries(environment.values.map((v) => [v.key, v.value]));
  const time = Number(values.appsecret_time);
  assert.ok(Math.abs(time - now()) <= 5);
  assert.deepEqual(values, { access_token: TOKEN, appsecret_proof: proofFor(time), appsecret_time: String(time), base_url: 'http://127.0.0.1:1' });
  assert.ok(!readFileSync(out, 'utf8').includes(SECRET));
  const stdout = await appgrant(['env', '--token', TOKEN, '--time', '1764000000', '--json'], withSecret);
  assert.equal(JSON.parse(stdout.stdout).values[1].value, proofFor(1_764_000_000));
});

test('gate: serves the edge gate on loopback; the secret may come from the environment', async (t) => {
  const gate = await cliGate(t);
  assert.match(gate.output(), /^appgrant gate listening on http:\/\/127\.0\.0\.1:\d+$/m);
  await assertGateAnswers(gate.url);
  // signedFetch is the client here: a fresh proof per call.
  const fetched = await signedFetch(`${gate.url}/v18.0/1001/feed`, undefined, { access_token: TOKEN, app_secret: SECRET });
  assert.equal(fetched.status, 200);
  await fetched.arrayBuffer();
  // The log names each call by path and outcome, never with its query (tokens, proofs).
  assert.match(gate.output(), /GET \/v18\.0\/1001\/feed -> 403 ip_not_allowed/);
  assert.ok(!gate.output().includes(TOKEN), 'no token in the log');

  const dir = scratch(t, 'cli-gate');
  const stale = join(dir, 'credentials.json');
  writeFileSync(stale, JSON.stringify({ ...JSON.parse(readFileSync(exampleFiles.credentials, 'utf8')), app_secret: 'a-secret-since-rotated' }));
  const rotated = await cliGate(t, { credentials: stale, env: withSecret, extra: ['--json'] });
  assert.deepEqual(JSON.parse(rotated.output().trim().split('\n')[0]), { url: rotated.url });
  assertAllowed(await call(signedUrl(rotated.url, '/v18.0/1001/feed')));
  assertRefused(await call(signedUrl(rotated.url, '/v18.0/1001/feed', { secret: 'a-secret-since-rotated' })), 400, ERRORS.proof, 'proof_mismatch');
});

test('gate: bad usage exits 2 before listening', async (t) => {
  const dir = scratch(t, 'cli-gate-usage');
  writeFileSync(join(dir, 'bad-config.json'), JSON.stringify({ permissions: ['nope'] }));
  const cases = [
    ['gate', '--config', exampleFiles.config, '--credentials', exampleFiles.credentials],
    ['gate', '--config', exampleFiles.config, '--credentials', exampleFiles.credentials, '--port', 'eighty'],
    ['gate', '--config', join(dir, 'bad-config.json'), '--credentials', exampleFiles.credentials, '--port', '0'],
    ['gate', '--config', exampleFiles.config, '--credentials', join(dir, 'none.json'), '--port', '0'],
  ];
  for (const args of cases) {
    const result = await appgrant(args);
    assert.equal(result.code, 2, `${args.join(' ')}\n${result.stderr}`);
    assert.doesNotMatch(result.stdout, /listening/);
  }
});
